"""The start page: what this user has to do next, and nothing of anyone else's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from interviews.access import positions_for_manager
from interviews.models import InterviewSession, Scorecard, SessionState
from interviews.pages.overdue import overdue_for
from intervy.roles import has_any_role, is_hiring_manager, is_interviewer
from intervy.typing import AuthenticatedHtmxRequest

RECENT_COMPLETED = 10


@require_GET
@login_required
def home(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """Interviewers: their upcoming, running and recently finished sessions.

    Hiring managers: their positions. Users with no role: how to get one.
    Every session query starts from `for_panelist(user)`, so another interviewer's
    session cannot appear here, not even by its candidate's name.
    """
    user = request.user
    context: dict = {"has_role": has_any_role(user)}
    if has_any_role(user):
        context["overdue"] = overdue_for(user)
    if is_interviewer(user):
        mine = InterviewSession.objects.for_panelist(user).select_related("candidate", "position")
        context["upcoming"] = mine.upcoming_or_running().order_by("scheduled_at", "id")
        context["completed"] = (
            mine.filter(state=SessionState.COMPLETED)
            .annotate(
                my_scorecard_submitted=Exists(
                    Scorecard.objects.filter(
                        session=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
                    )
                )
            )
            .order_by("-completed_at", "-id")[:RECENT_COMPLETED]
        )
    if is_hiring_manager(user):
        context["positions"] = positions_for_manager(user).order_by("title", "id")
    return TemplateResponse(request, "interviews/home.html", context)
