"""The reschedule-and-cancel page's data: the panel and the scheduling history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from interviews.models import AuditAction, AuditEvent, InterviewSession, Scorecard

SCHEDULE_ACTIONS = (
    AuditAction.SESSION_RESCHEDULED,
    AuditAction.SESSION_CANCELLED,
    AuditAction.PANELIST_ADDED,
    AuditAction.PANELIST_REMOVED,
)


@dataclass(frozen=True)
class SchedulePage:
    panel: QuerySet[Scorecard]
    history: QuerySet[AuditEvent]
    panel_ids: list[int]


def schedule_page(session: InterviewSession) -> SchedulePage:
    """Who is on the panel and every reschedule, panel change and cancel, oldest first."""
    panel = session.scorecards.select_related("interviewer").order_by("interviewer__username")
    history = (
        session.audit_events.filter(action__in=SCHEDULE_ACTIONS)
        .select_related("actor")
        .order_by("at", "id")
    )
    return SchedulePage(
        panel=panel,
        history=history,
        panel_ids=list(session.scorecards.values_list("interviewer_id", flat=True)),
    )
