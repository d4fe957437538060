"""Builders for a candidate's loop: several sessions of one candidate for one position."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from interviews.models import Candidate, InterviewSession, InterviewTemplate, Position
from interviews.services.scheduling import schedule_session
from tests.scorecard_data import card_of, finish, score


def loop_session(
    *,
    candidate: Candidate,
    position: Position,
    panel: list[Any],
    template: InterviewTemplate,
    days_ago: int = 1,
    completed: bool = True,
) -> InterviewSession:
    """A session of `candidate` for `position`; run and finished unless `completed=False`."""
    session = schedule_session(
        candidate=candidate,
        position=position,
        template=template,
        interviewers=panel,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        created_by=panel[0],
    )
    if completed:
        session = session.start(by=panel[0])
        session = session.finish(by=panel[0])
    return session


def submit(session: InterviewSession, user: Any, scores: list, **finish_kwargs: Any) -> None:
    card = card_of(session, user)
    score(card, scores)
    finish(card, **finish_kwargs)
