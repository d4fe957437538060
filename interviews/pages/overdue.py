"""The home page's overdue scorecards: who owes which one and how late (never what is in it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from interviews.access import positions_for_manager
from interviews.reminders import OverdueScorecard, as_overdue, overdue_scorecards
from intervy.roles import is_hiring_manager, is_interviewer


@dataclass(frozen=True)
class OverdueLists:
    mine: list[OverdueScorecard]
    # Of the positions this user manages; None when the user manages none.
    of_my_positions: list[OverdueScorecard] | None


def overdue_for(user: User, now: datetime | None = None) -> OverdueLists:
    """The user's own overdue scorecards and, for a hiring manager, their positions'.

    Two queries at most, whatever the number of scorecards.
    """
    now = now or timezone.now()
    overdue = overdue_scorecards(now)
    mine = as_overdue(overdue.filter(interviewer_id=user.pk), now) if is_interviewer(user) else []
    managed = None
    if is_hiring_manager(user):
        managed = as_overdue(overdue.filter(session__position__in=positions_for_manager(user)), now)
    return OverdueLists(mine=mine, of_my_positions=managed)
