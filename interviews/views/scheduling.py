"""Scheduling a session (PRODUCT C1): candidate, position, template, panel, time."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from interviews.forms import ScheduleForm
from interviews.services import schedule_session
from intervy.http import HtmxHttpRequest
from intervy.roles import interviewer_required


@require_http_methods(["GET", "POST"])
@interviewer_required
def session_new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        # "Schedule a session" on a template's page arrives with that template chosen.
        form = ScheduleForm(creator=request.user, initial={"template": request.GET.get("template")})
        return TemplateResponse(request, "interviews/session_new.html", {"form": form})
    form = ScheduleForm(request.POST, creator=request.user)
    if not form.is_valid():
        return TemplateResponse(request, "interviews/session_new.html", {"form": form}, status=400)
    data = form.cleaned_data
    # A new candidate and the session are one unit: no orphan candidate if scheduling fails.
    with transaction.atomic():
        session = schedule_session(
            candidate=form.candidate_for(request.user),
            position=data["position"],
            template=data["template"],
            interviewers=data["interviewers"],
            scheduled_at=data["scheduled_at"],
            created_by=request.user,
        )
    messages.success(request, f"Scheduled {session.candidate} — {session.template_name}.")
    return redirect("interviews:runner", session.pk)
