"""A position's hiring team (PRODUCT F1): its hiring manager (or an admin) adds and removes
interviewers and coordinators on the position's page.

Both are POSTs to the position's page: with htmx the team panel comes back re-rendered
from fresh state, without it the browser is sent back to the page (POST → redirect →
GET). Whoever does not manage the position gets 404, as on the page itself. Leaving the
team never changes a past panel: a session's panel is its scorecards.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from interviews.access import position_for_manager
from interviews.forms import TeamMemberForm
from interviews.models import Position, PositionMember
from interviews.pages.position_team import team_panel
from intervy.roles import hiring_manager_required
from intervy.typing import AuthenticatedHtmxRequest


def _team_response(
    request: AuthenticatedHtmxRequest,
    position: Position,
    *,
    form: TeamMemberForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    if request.htmx:
        context = {"position": position, "team": team_panel(position, form=form, error=error)}
        return TemplateResponse(
            request, "interviews/position_detail.html#team", context, status=status
        )
    if error:
        messages.error(request, error)
    return redirect("interviews:position_detail", position.pk)


@require_POST
@hiring_manager_required
def team_add(request: AuthenticatedHtmxRequest, position_id: int) -> HttpResponse:
    """Seat an interviewer on the team with a role (or change the role they hold)."""
    position = position_for_manager(request.user, position_id)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(message) for field in form.errors.values() for message in field)
        return _team_response(request, position, form=form, error=errors)
    member = PositionMember.seat(
        position=position,
        user=form.cleaned_data["user"],
        role=form.cleaned_data["role"],
        by=request.user,
    )
    if not request.htmx:
        messages.success(
            request,
            f"{member.user.get_full_name() or member.user.get_username()} is on the hiring "
            f"team as {member.get_role_display().lower()}.",
        )
    return _team_response(request, position)


@require_POST
@hiring_manager_required
def team_remove(
    request: AuthenticatedHtmxRequest, position_id: int, member_id: int
) -> HttpResponse:
    position = position_for_manager(request.user, position_id)
    member = (
        PositionMember.objects.filter(position=position, pk=member_id)
        .select_related("user")
        .first()
    )
    if member is None:
        return _team_response(
            request, position, error="That person is no longer on this position's team."
        )
    member.delete()
    if not request.htmx:
        messages.success(
            request,
            f"{member.user.get_full_name() or member.user.get_username()} left the hiring "
            "team; the interviews they sat on keep them on their panels.",
        )
    return _team_response(request, position)
