"""The hiring-team panel of a position's page: who is on it, and the form to add someone."""

from __future__ import annotations

from dataclasses import dataclass

from interviews.forms import TeamMemberForm
from interviews.models import Position, PositionMember


@dataclass
class TeamPanel:
    position: Position
    members: list[PositionMember]
    form: TeamMemberForm
    error: str = ""


def team_panel(
    position: Position, *, form: TeamMemberForm | None = None, error: str = ""
) -> TeamPanel:
    """The team's seats (with their users, in one query) and an add form."""
    members = list(
        PositionMember.objects.filter(position=position)
        .select_related("user")
        .order_by("user__username", "pk")
    )
    return TeamPanel(position, members, form or TeamMemberForm(), error)
