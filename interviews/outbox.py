"""The outbox: every message is a Delivery row first, sent by the worker afterwards.

Recording a delivery happens in the transaction of the event that causes it (scheduling,
a sweep), keyed so it exists once. Sending claims one due row at a time with
`SELECT … FOR UPDATE SKIP LOCKED`, hands the message to the mail server and marks the
row sent before the transaction commits. So:

- two workers never send the same row (the second skips the locked one);
- a worker killed mid-send rolls back: the row is pending again, unlocked, and the next
  worker or sweep sends it; one that was marked sent is never sent again;
- a mail server that refuses or is down leaves the row pending with a later
  `next_attempt_at` (exponential backoff) until DELIVERY_MAX_ATTEMPTS, then failed.

The one window this cannot close is the mail server accepting a message and the worker
dying before its commit: SMTP has no two-phase commit. It is the few milliseconds after
the server's final reply; the row's X-Intervy-Delivery header lets a receiving system
drop such a repeat.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from interviews.mail import NotNeeded, compose
from interviews.models import Delivery, DeliveryKind, DeliveryStatus, InterviewSession, Scorecard

logger = logging.getLogger("intervy.outbox")


def record(
    *,
    key: str,
    kind: str,
    recipient: User,
    session: InterviewSession,
    scorecard: Scorecard | None = None,
    sequence: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Put the message for this event in the outbox unless it is there; True if new.

    The unique key decides: a second sweep, a retried task or two workers at once all
    find the row the first one made. The caller asks for sending (the sweep sends
    itself; an event in a web request calls `send_after_commit`).
    """
    now = now or timezone.now()
    _, created = Delivery.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "session": session,
            "scorecard": scorecard,
            "sequence": sequence,
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    return created


def send_after_commit() -> None:
    """Have the worker send once the current transaction commits (one task, not one per row)."""
    transaction.on_commit(request_sending)


def request_sending(run_after: datetime | None = None) -> None:
    """Ask the worker to send what is due (now, or at `run_after` for a retry).

    Only enqueues a task row in the same database; if even that fails the sweep still
    finds the delivery, so a web request never fails because of mail.
    """
    from interviews.tasks import send_deliveries

    try:
        task = send_deliveries.using(run_after=run_after) if run_after else send_deliveries
        task.enqueue()
    except Exception:
        logger.exception("Could not enqueue sending; the next sweep will send instead.")


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8, … times DELIVERY_RETRY_BASE_SECONDS after the attempt that failed."""
    return timedelta(seconds=settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))


def send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send due deliveries one by one until none is left (or `limit`); how many were tried.

    A failure ends the batch: when the mail server is down, every further message would
    wait out the same timeout. The failed one moves back in line (its retry time), and
    the next sweep or retry goes on with the rest.
    """
    handled = 0
    while handled < limit:
        delivery = send_next(now=now or timezone.now())
        if delivery is None:
            break
        handled += 1
        if delivery.status == DeliveryStatus.PENDING:
            break
    return handled


def send_next(*, now: datetime) -> Delivery | None:
    """Claim the oldest due delivery, send it, and settle it, in one transaction."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "scorecard", "session__candidate", "session__position")
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        try:
            message = compose(delivery, now=now)
        except NotNeeded as reason:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.last_error = str(reason)
            delivery.save(update_fields=["status", "last_error"])
            logger.info("delivery skipped", extra={"delivery": delivery.key, "reason": str(reason)})
            return delivery
        delivery.attempts += 1
        try:
            message.send()
        except Exception as error:
            _failed(delivery, error, now)
            return delivery
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        logger.info(
            "delivery sent", extra={"delivery": delivery.key, "attempts": delivery.attempts}
        )
    return delivery


def _failed(delivery: Delivery, error: Exception, now: datetime) -> None:
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        logger.error(
            "delivery failed for good",
            extra={"delivery": delivery.key, "attempts": delivery.attempts, "error": str(error)},
        )
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        logger.warning(
            "delivery failed, will retry",
            extra={
                "delivery": delivery.key,
                "attempts": delivery.attempts,
                "retry_at": delivery.next_attempt_at.isoformat(),
                "error": str(error),
            },
        )
        retry_at = delivery.next_attempt_at
        transaction.on_commit(lambda: request_sending(run_after=retry_at))
    delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])


def invite_key(session: InterviewSession, user: User, sequence: int) -> str:
    return f"invite:{session.pk}:{user.pk}:{sequence}"


def record_invites(
    session: InterviewSession, users: list[Any], *, cancel: bool = False
) -> list[str]:
    """An invite (or a cancellation) at the session's current SEQUENCE for each user."""
    keys = []
    for user in users:
        key = invite_key(session, user, session.invite_sequence)
        record(
            key=key,
            kind=DeliveryKind.CANCEL if cancel else DeliveryKind.INVITE,
            recipient=user,
            session=session,
            sequence=session.invite_sequence,
        )
        keys.append(key)
    return keys
