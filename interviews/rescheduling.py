"""Moving, re-staffing and cancelling a scheduled session (PRODUCT C11, C12).

Each is one transaction over the session (locked), its panel, the audit trail and the
outbox, so the invites that go out are exactly the change that was saved. Only a
scheduled session changes: one that has started has history a new time would falsify.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api import webhooks
from api.models import WebhookEvent
from interviews import outbox
from interviews.models import (
    AuditAction,
    AuditEvent,
    InterviewSession,
    Scorecard,
    SessionState,
    SessionStateError,
)
from interviews.services.scheduling import add_panelist


def invite_panel(*, session: InterviewSession) -> list[str]:
    """A calendar invite for every panelist of a session just scheduled."""
    panel = [card.interviewer for card in session.scorecards.select_related("interviewer")]
    outbox.send_after_commit()
    return outbox.record_invites(session, panel)


def _locked_scheduled(session: InterviewSession, doing: str) -> InterviewSession:
    locked = (
        InterviewSession.objects.select_for_update(of=("self",))
        .select_related("candidate", "position")
        .get(pk=session.pk)
    )
    if locked.state != SessionState.SCHEDULED:
        raise SessionStateError(
            f"This interview is {locked.get_state_display().lower()}; "
            f"only a scheduled interview can be {doing}."
        )
    return locked


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, for the panel and the audit trail."})
    return reason


@transaction.atomic
def reschedule_session(
    *,
    session: InterviewSession,
    scheduled_at: datetime,
    interviewers: Iterable[Any],
    reason: str,
    by: User,
) -> InterviewSession:
    """Move the session and/or change its panel; the calendar follows.

    A new time raises the SEQUENCE and re-invites the whole panel; a panelist added gets
    an invite, one removed a cancellation (and their empty scorecard goes: nothing was
    recorded before the session started). Every change is audited with the reason.
    """
    reason = _require_reason(reason)
    locked = _locked_scheduled(session, "rescheduled")
    wanted = {user.pk: user for user in interviewers}
    if not wanted:
        raise ValidationError({"interviewers": "Choose at least one interviewer."})
    cards = {card.interviewer_id: card for card in locked.scorecards.select_related("interviewer")}
    added = [user for pk, user in wanted.items() if pk not in cards]
    removed = [card for pk, card in cards.items() if pk not in wanted]
    moved = scheduled_at != locked.scheduled_at
    if not (moved or added or removed):
        raise ValidationError("That is the time and panel it already has.")

    old_time = locked.scheduled_at
    locked.scheduled_at = scheduled_at
    locked.invite_sequence += 1
    locked.full_clean()
    locked.save(update_fields=["scheduled_at", "invite_sequence"])
    if moved:
        AuditEvent.objects.create(
            actor=by,
            session=locked,
            action=AuditAction.SESSION_RESCHEDULED,
            old_value=_when(old_time),
            new_value=_when(scheduled_at),
            reason=reason,
        )
    for user in added:
        add_panelist(session=locked, interviewer=user)
        AuditEvent.objects.create(
            actor=by,
            session=locked,
            action=AuditAction.PANELIST_ADDED,
            new_value=user.get_username(),
            reason=reason,
        )
    for card in removed:
        AuditEvent.objects.create(
            actor=by,
            session=locked,
            action=AuditAction.PANELIST_REMOVED,
            old_value=card.interviewer.get_username(),
            reason=reason,
        )
        Scorecard.objects.filter(pk=card.pk, submitted_at__isnull=True).delete()

    staying = [card.interviewer for pk, card in cards.items() if pk in wanted]
    outbox.send_after_commit()
    outbox.record_invites(locked, (staying if moved else []) + added)
    outbox.record_invites(locked, [card.interviewer for card in removed], cancel=True)
    webhooks.emit(
        WebhookEvent.SESSION_RESCHEDULED,
        subject=f"{locked.pk}:{locked.invite_sequence}",
        data={**webhooks.session_data(locked), "reason": reason},
    )
    return locked


@transaction.atomic
def cancel_session(*, session: InterviewSession, reason: str, by: User) -> InterviewSession:
    """Scheduled → cancelled, with who and why; every panelist's calendar drops it.

    The session, its panel and its audit trail stay: a cancelled interview is history,
    not a deletion. It leaves the upcoming lists (they show scheduled and running ones)
    and is never reminded about (reminders follow completed sessions only).
    """
    reason = _require_reason(reason)
    locked = _locked_scheduled(session, "cancelled")
    locked.state = SessionState.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.invite_sequence += 1
    locked.save(update_fields=["state", "cancelled_at", "invite_sequence"])
    AuditEvent.objects.create(
        actor=by,
        session=locked,
        action=AuditAction.SESSION_CANCELLED,
        old_value=SessionState.SCHEDULED,
        new_value=SessionState.CANCELLED,
        reason=reason,
    )
    panel = [card.interviewer for card in locked.scorecards.select_related("interviewer")]
    outbox.send_after_commit()
    outbox.record_invites(locked, panel, cancel=True)
    webhooks.emit(
        WebhookEvent.SESSION_CANCELLED,
        subject=str(locked.pk),
        data={**webhooks.session_data(locked), "reason": reason},
    )
    return locked


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
