"""Scheduling a session (PRODUCT C1), moving or cancelling it (C12), its invite (C11).

Only a position's hiring manager, its coordinators and admins schedule for it (PRODUCT
F1), and the panel comes from its hiring team. Without JavaScript the form still works:
"Show its team" reloads the form (a GET) with the chosen position's team as the panel
choices; with htmx changing the position swaps in that team at once. Either way the
server checks the panel against the position's team when the form is sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviews import invites
from interviews.access import (
    candidates_visible_to,
    positions_schedulable_by,
    session_for_panelist,
    session_for_scheduler,
)
from interviews.forms import CancelSessionForm, RescheduleForm, ScheduleForm
from interviews.models import InterviewSession, Position, SessionState, SessionStateError
from interviews.pages.session_schedule import schedule_page
from interviews.rescheduling import cancel_session, invite_panel, reschedule_session
from interviews.services.scheduling import schedule_session
from intervy.errors import render_error
from intervy.roles import role_required
from intervy.typing import AuthenticatedHtmxRequest

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
def session_new(request: AuthenticatedHtmxRequest) -> HttpResponse:
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
        invite_panel(session=session)
    messages.success(request, f"Scheduled {session.candidate} — {session.template_name}.")
    return redirect("interviews:runner", session.pk)


def _schedule_page(
    request: AuthenticatedHtmxRequest,
    session: InterviewSession,
    *,
    reschedule_form: RescheduleForm | None = None,
    cancel_form: CancelSessionForm | None = None,
    error: str = "",
    status: int = 200,
) -> TemplateResponse:
    page = schedule_page(session)
    if reschedule_form is None:
        reschedule_form = RescheduleForm(
            position=session.position,
            panel_ids=page.panel_ids,
            initial={
                "scheduled_at": timezone.localtime(session.scheduled_at),
                "interviewers": page.panel_ids,
            },
        )
    context = {
        "session": session,
        "panel": page.panel,
        "history": page.history,
        "changeable": session.state == SessionState.SCHEDULED,
        "reschedule_form": reschedule_form,
        "cancel_form": cancel_form or CancelSessionForm(),
        "error": error,
    }
    return TemplateResponse(request, "interviews/session_schedule.html", context, status=status)


@require_GET
@login_required
def session_schedule(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """The session's time, panel and scheduling history, with reschedule and cancel."""
    session = session_for_scheduler(request.user, session_id)
    return _schedule_page(request, session)


@require_POST
@login_required
def session_reschedule(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    session = session_for_scheduler(request.user, session_id)
    form = RescheduleForm(
        request.POST, position=session.position, panel_ids=schedule_page(session).panel_ids
    )
    if not form.is_valid():
        return _schedule_page(request, session, reschedule_form=form, status=400)
    data = form.cleaned_data
    try:
        reschedule_session(
            session=session,
            scheduled_at=data["scheduled_at"],
            interviewers=data["interviewers"],
            reason=data["reason"],
            by=request.user,
        )
    except SessionStateError as refusal:
        return _schedule_page(
            request, session, reschedule_form=form, error=str(refusal), status=409
        )
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _schedule_page(request, session, reschedule_form=form, status=400)
    messages.success(request, "Rescheduled. The panel gets updated calendar invites.")
    return redirect("interviews:session_schedule", session.pk)


@require_POST
@login_required
def session_cancel(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    session = session_for_scheduler(request.user, session_id)
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        return _schedule_page(request, session, cancel_form=form, status=400)
    try:
        cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
    except SessionStateError as refusal:
        return _schedule_page(request, session, cancel_form=form, error=str(refusal), status=409)
    messages.success(request, "Cancelled. The panel's calendars get a cancellation.")
    return redirect("interviews:session_schedule", session.pk)


@require_GET
@login_required
def session_invite_ics(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """The session as a calendar file, for its panelists only (404 for anyone else)."""
    session, _ = session_for_panelist(request.user, session_id)
    body = invites.calendar_for(
        session, request.user, method=invites.PUBLISH, sequence=session.invite_sequence
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interview-{session.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
