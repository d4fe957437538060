"""Signed webhooks: events recorded with the change that caused them, sent by the worker.

The same outbox pattern as interviews/outbox.py: `emit` writes one WebhookDelivery per
interested endpoint inside the event's transaction, keyed `<event>:<subject>:<endpoint>`
so a retried service call records it once; the worker claims due rows with
`FOR UPDATE SKIP LOCKED`, posts them, and settles each in the same transaction
(retries with exponential backoff, then failed). A receiver drops repeats by the
X-Intervy-Delivery header.

Payloads carry ids and submitted data only: never a draft's scores or notes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus

logger = logging.getLogger("intervy.webhooks")

SIGNATURE_HEADER = "X-Intervy-Signature"
TIMESTAMP_HEADER = "X-Intervy-Timestamp"
EVENT_HEADER = "X-Intervy-Event"
DELIVERY_HEADER = "X-Intervy-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, as the signature header carries it."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300
) -> bool:
    """What a receiver does (the README's example): the signature matches and is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def emit(event: str, *, subject: str, data: dict[str, Any], now: datetime | None = None) -> int:
    """Record `event` for every active endpoint that wants it; how many were recorded.

    Call inside the transaction of the change: the deliveries exist if and only if it
    commits. `subject` names what the event is about (unique per event occurrence).
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    now = now or timezone.now()
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event)]
    if not endpoints:
        return 0
    payload = json.loads(
        json.dumps({"event": event, "occurred_at": now, "data": data}, cls=DjangoJSONEncoder)
    )
    created = 0
    for endpoint in endpoints:
        _, new = WebhookDelivery.objects.get_or_create(
            key=f"{event}:{subject}:{endpoint.pk}",
            defaults={
                "endpoint": endpoint,
                "event": event,
                "payload": {**payload, "delivery": f"{event}:{subject}:{endpoint.pk}"},
                "next_attempt_at": now,
            },
        )
        created += new
    if created:
        transaction.on_commit(request_sending)
    return created


def request_sending(run_after: datetime | None = None) -> None:
    """Enqueue the sending task; if even that fails the sweep still sends."""
    from api.tasks import send_webhooks

    try:
        task = send_webhooks.using(run_after=run_after) if run_after else send_webhooks
        task.enqueue()
    except Exception:
        logger.exception("Could not enqueue webhook sending; the next sweep will send instead.")


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    handled = 0
    while handled < limit:
        delivery = send_next(now=now or timezone.now())
        if delivery is None:
            break
        handled += 1
    return handled


def send_next(*, now: datetime) -> WebhookDelivery | None:
    """Claim the oldest due delivery, post it, record the outcome, in one transaction."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.filter(status=WebhookStatus.PENDING, next_attempt_at__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        post(delivery, now=now)
    return delivery


def post(delivery: WebhookDelivery, *, now: datetime) -> None:
    body = body_of(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Intervy-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: delivery.key,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
    }
    delivery.attempts += 1
    started = time.monotonic()
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        delivery.last_status_code = response.status_code
        error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    except requests.RequestException as failure:
        delivery.last_status_code = None
        error = f"{type(failure).__name__}: {failure}"[:2000]
    delivery.last_latency_ms = int((time.monotonic() - started) * 1000)
    delivery.last_error = error
    if not error:
        delivery.status = WebhookStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        logger.info("webhook delivered", extra={"delivery": delivery.key})
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookStatus.FAILED
        logger.error("webhook failed for good", extra={"delivery": delivery.key, "error": error})
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        retry_at = delivery.next_attempt_at
        transaction.on_commit(lambda: request_sending(run_after=retry_at))
        logger.warning(
            "webhook failed, will retry", extra={"delivery": delivery.key, "error": error}
        )
    delivery.save()


def replay(deliveries: Any, *, now: datetime | None = None) -> int:
    """Send these deliveries again (the admin action): pending now, attempts kept in the log.

    The same key goes out again, so a receiver that already handled it can tell.
    """
    now = now or timezone.now()
    count = WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=WebhookStatus.PENDING, next_attempt_at=now
    )
    if count:
        transaction.on_commit(request_sending)
    return count


# --- the events' payloads: ids and submitted data only ---------------------------------


def session_data(session: Any) -> dict[str, Any]:
    return {
        "session": {
            "id": session.pk,
            "candidate_id": session.candidate_id,
            "position_id": session.position_id,
            "template_name": session.template_name,
            "scheduled_at": session.scheduled_at,
            "state": session.state,
            "panel": sorted(session.scorecards.values_list("interviewer_id", flat=True)),
        }
    }


def submitted_scorecard_data(scorecard: Any) -> dict[str, Any]:
    """A submitted scorecard as a receiver sees it; refuses a draft outright."""
    if scorecard.submitted_at is None:
        raise ValueError("A draft scorecard never leaves Intervy.")
    records = scorecard.records.select_related("session_question").order_by(
        "session_question__order"
    )
    return {
        "scorecard": {
            "id": scorecard.pk,
            "session_id": scorecard.session_id,
            "interviewer_id": scorecard.interviewer_id,
            "recommendation": scorecard.recommendation,
            "summary": scorecard.summary,
            "submitted_at": scorecard.submitted_at,
            "questions": [
                {
                    "order": record.session_question.order,
                    "title": record.session_question.title,
                    "score": record.score,
                    "not_assessed": record.not_assessed,
                    "skipped": record.skipped,
                }
                for record in records
            ],
        }
    }
