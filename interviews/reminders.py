"""Scorecard reminders and overdue notices (PRODUCT C10), and the sweep that finds them.

The tasks framework has no clock of its own: the worker (`manage.py worker`) enqueues
`tasks.sweep` every SWEEP_INTERVAL_SECONDS, and the sweep works out from the data what is
due at `now` — so it can run late, twice or on two workers and still do each thing once
(the outbox keys say so). Tests pass `now` instead of waiting.

- Reminder n of a scorecard is due REMINDER_FIRST_AFTER after its session completed,
  plus (n - 1) × REMINDER_INTERVAL, up to REMINDER_MAX_COUNT. A sweep that comes late
  sends only the latest one due, never a burst of missed ones.
- A scorecard not submitted SCORECARD_DEADLINE after its session completed is overdue;
  the position's hiring manager is then told, once per session, who is late and by how
  much.
- Submitting stops both at once: the sweep looks only at drafts, and a reminder or
  notice already queued is composed at sending time, when a submitted scorecard (or a
  session no longer completed) makes it "not needed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from interviews import outbox
from interviews.models import DeliveryKind, InterviewSession, Scorecard, SessionState

# A session whose deadline passed longer ago than this gets no notice any more (a fresh
# install with old imported sessions should not mail the hiring managers about all of them).
OVERDUE_NOTICE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class SweepResult:
    reminders: int
    notices: int
    sent: int


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue what is due at `now`, then send everything due (including retries)."""
    now = now or timezone.now()
    with transaction.atomic():
        reminders = queue_reminders(now=now)
        notices = queue_overdue_notices(now=now)
    sent = outbox.send_due(now=now)
    return SweepResult(reminders=reminders, notices=notices, sent=sent)


def reminder_number(completed_at: datetime, now: datetime) -> int:
    """Which reminder is due for a session that completed at `completed_at` (0: none yet)."""
    first_due = completed_at + settings.REMINDER_FIRST_AFTER
    if now < first_due:
        return 0
    return min(settings.REMINDER_MAX_COUNT, 1 + int((now - first_due) / settings.REMINDER_INTERVAL))


def queue_reminders(*, now: datetime) -> int:
    """Put the reminder due now for every unsubmitted scorecard in the outbox; how many new."""
    if settings.REMINDER_MAX_COUNT <= 0:
        return 0
    last_useful = (
        settings.REMINDER_FIRST_AFTER + settings.REMINDER_INTERVAL * settings.REMINDER_MAX_COUNT
    )
    drafts = Scorecard.objects.filter(
        submitted_at__isnull=True,
        interviewer__is_active=True,
        session__state=SessionState.COMPLETED,
        session__completed_at__lte=now - settings.REMINDER_FIRST_AFTER,
        session__completed_at__gt=now - last_useful,
    ).select_related("session", "interviewer")
    created = 0
    for scorecard in drafts:
        completed_at = scorecard.session.completed_at
        assert completed_at is not None  # the query asks for one before now
        number = reminder_number(completed_at, now)
        created += outbox.record(
            key=f"reminder:{scorecard.pk}:{number}",
            kind=DeliveryKind.REMINDER,
            recipient=scorecard.interviewer,
            session=scorecard.session,
            scorecard=scorecard,
            now=now,
        )
    return created


def queue_overdue_notices(*, now: datetime) -> int:
    """Tell each hiring manager, once per session, which of its scorecards are overdue."""
    deadline_passed = now - settings.SCORECARD_DEADLINE
    sessions = (
        InterviewSession.objects.filter(
            state=SessionState.COMPLETED,
            completed_at__lte=deadline_passed,
            completed_at__gt=deadline_passed - OVERDUE_NOTICE_WINDOW,
            scorecards__submitted_at__isnull=True,
        )
        .select_related("position__hiring_manager")
        .distinct()
    )
    created = 0
    for session in sessions:
        created += outbox.record(
            key=f"overdue:{session.pk}",
            kind=DeliveryKind.OVERDUE,
            recipient=session.position.hiring_manager,
            session=session,
            now=now,
        )
    return created


# --- What the home page shows ---------------------------------------------------------


@dataclass(frozen=True)
class OverdueScorecard:
    """Who owes which scorecard and how late it is; never what is in it."""

    session: InterviewSession
    interviewer: User
    due_at: datetime
    late_by: timedelta

    @property
    def interviewer_name(self) -> str:
        return self.interviewer.get_full_name() or self.interviewer.get_username()


def overdue_scorecards(now: datetime | None = None) -> QuerySet[Scorecard]:
    """Drafts of completed sessions past SCORECARD_DEADLINE, oldest first."""
    now = now or timezone.now()
    return (
        Scorecard.objects.filter(
            submitted_at__isnull=True,
            session__state=SessionState.COMPLETED,
            session__completed_at__lte=now - settings.SCORECARD_DEADLINE,
        )
        .select_related("session__candidate", "session__position", "interviewer")
        .only(
            "id",
            "session__id",
            "session__completed_at",
            "session__template_name",
            "session__state",
            "session__candidate__full_name",
            "session__position__title",
            "interviewer__id",
            "interviewer__username",
            "interviewer__first_name",
            "interviewer__last_name",
        )
        .order_by("session__completed_at", "session_id", "id")
    )


def as_overdue(scorecards: QuerySet[Scorecard], now: datetime) -> list[OverdueScorecard]:
    rows = []
    for scorecard in scorecards:
        due_at = scorecard.session.scorecards_due_at()
        rows.append(
            OverdueScorecard(
                session=scorecard.session,
                interviewer=scorecard.interviewer,
                due_at=due_at,
                late_by=now - due_at,
            )
        )
    return rows
