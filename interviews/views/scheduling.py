"""Scheduling a session (PRODUCT C1): candidate, position, template, panel, time.

Only a position's hiring manager, its coordinators and admins schedule for it (PRODUCT
F1), and the panel comes from its hiring team. Without JavaScript the form still works:
"Show its team" reloads the form (a GET) with the chosen position's team as the panel
choices; with htmx changing the position swaps in that team at once. Either way the
server checks the panel against the position's team when the form is sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from interviews.access import candidates_visible_to, positions_schedulable_by
from interviews.forms import ScheduleForm
from interviews.models import Position
from interviews.services import schedule_session
from intervy.errors import render_error
from intervy.http import HtmxHttpRequest
from intervy.roles import role_required

NOT_A_SCHEDULER = (
    "Only a position's hiring manager, its coordinators and admins schedule interviews, "
    "and you are none of these for any position. Ask the hiring manager to make you "
    "a coordinator on their position's hiring team."
)
# The fields a "Show its team" reload carries back into the form.
CARRIED = ("candidate", "new_candidate_name", "new_candidate_email", "template", "scheduled_at")


def _chosen_position(positions: Any, raw: str | None) -> Position | None:
    if not raw or not str(raw).isdigit():
        return None
    return positions.filter(is_open=True, pk=int(raw)).first()


@require_http_methods(["GET", "POST"])
@role_required
def session_new(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    positions = positions_schedulable_by(user)
    if not positions.exists():
        return render_error(request, 403, NOT_A_SCHEDULER)
    form_kwargs: dict[str, Any] = {
        "creator": user,
        "positions": positions,
        "candidates": candidates_visible_to(user),
    }
    if request.method == "GET":
        chosen = _chosen_position(positions, request.GET.get("position"))
        # "Schedule a session" on a template's page arrives with that template chosen;
        # "Show its team" arrives with everything typed so far.
        initial = {name: request.GET[name] for name in CARRIED if request.GET.get(name)}
        form = ScheduleForm(initial=initial, chosen_position=chosen, **form_kwargs)
        context = {"form": form, "chosen_position": chosen}
        if request.htmx and request.htmx.target == "panel":
            return TemplateResponse(request, "interviews/session_new.html#panel", context)
        return TemplateResponse(request, "interviews/session_new.html", context)
    chosen = _chosen_position(positions, request.POST.get("position"))
    form = ScheduleForm(request.POST, chosen_position=chosen, **form_kwargs)
    if not form.is_valid():
        form.show_team_of_chosen_position()
        context = {"form": form, "chosen_position": chosen}
        return TemplateResponse(request, "interviews/session_new.html", context, status=400)
    data = form.cleaned_data
    # A new candidate and the session are one unit: no orphan candidate if scheduling fails.
    with transaction.atomic():
        session = schedule_session(
            candidate=form.candidate_for(user),
            position=data["position"],
            template=data["template"],
            interviewers=data["interviewers"],
            scheduled_at=data["scheduled_at"],
            created_by=user,
        )
    messages.success(request, f"Scheduled {session.candidate} — {session.template_name}.")
    return redirect("interviews:runner", session.pk)
