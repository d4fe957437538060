"""Signed webhooks: recorded with the event, signed, retried, idempotent, replayable, no drafts."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus
from interviews.models import QuestionRecord, Recommendation, Scorecard
from interviews.rescheduling import cancel_session, reschedule_session
from interviews.services.decisions import record_decision
from interviews.services.scorecards import submit_scorecard
from tests.factories import complete_and_score, make_position, make_session, seat
from tests.pages import assert_refused
from tests.webhook_receiver import WebhookReceiver

SECRET = "whsec-test-0123456789"


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(
        url=receiver.url, secret=SECRET, events=list(WebhookEvent.values)
    )


@pytest.fixture
def position(manager, interviewer, interviewer2):
    position = make_position(manager)
    seat(position, interviewer)
    seat(position, interviewer2)
    return position


def score_all(card, score):
    for record in QuestionRecord.objects.filter(scorecard=card):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=score,
            by_id=card.interviewer_id,
        )


def submit(session, user, score=3):
    card = Scorecard.objects.get(session=session, interviewer=user)
    score_all(card, score)
    card.recommendation, card.summary = Recommendation.YES, f"Summary by {user}"
    card.save()
    complete_and_score(session, card)
    return submit_scorecard(scorecard=card, by=user)


def readme_verifier():
    """The receiver example from the README, executed as written."""
    readme = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text()
    section = readme.split("### Verifying a webhook's signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (our own README's example)
    return namespace["verify"]


def test_a_submission_is_delivered_signed_and_the_readme_example_verifies_it(
    endpoint, receiver, interviewer, position
):
    session = make_session(panel=[interviewer], position=position, count=2)
    WebhookDelivery.objects.all().delete()  # the scheduling event
    card = submit(session, interviewer)
    assert webhooks.send_due() == 2  # scorecard.submitted and session.panel_complete
    events = [json.loads(r.body)["event"] for r in receiver.received]
    assert sorted(events) == ["scorecard.submitted", "session.panel_complete"]
    first = receiver.received[events.index("scorecard.submitted")]
    verify = readme_verifier()
    headers = {k.lower(): v for k, v in first.headers.items()}
    assert verify(
        SECRET, headers["x-intervy-timestamp"], first.body, headers["x-intervy-signature"]
    )
    assert not verify(
        "wrong", headers["x-intervy-timestamp"], first.body, headers["x-intervy-signature"]
    )
    assert not verify(
        SECRET, headers["x-intervy-timestamp"], first.body + b" ", headers["x-intervy-signature"]
    )
    stale = str(int(headers["x-intervy-timestamp"]) - 3600)
    assert not verify(SECRET, stale, first.body, webhooks.sign(SECRET, int(stale), first.body))
    payload = json.loads(first.body)
    assert payload["data"]["scorecard"]["id"] == card.pk
    assert [q["score"] for q in payload["data"]["scorecard"]["questions"]] == [3, 3]
    delivery = WebhookDelivery.objects.get(event="scorecard.submitted")
    assert delivery.status == WebhookStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.last_latency_ms is not None
    assert headers["x-intervy-delivery"] == delivery.key


def test_a_failing_receiver_is_retried_with_backoff(
    endpoint, receiver, interviewer, position, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.statuses = [500, 503]
    make_session(panel=[interviewer], position=position, count=1, started=False)
    now = timezone.now()
    webhooks.send_due(now=now)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + timedelta(seconds=30)
    assert webhooks.send_due(now=now + timedelta(seconds=10)) == 0  # not due yet
    webhooks.send_due(now=now + timedelta(seconds=31))
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    assert delivery.next_attempt_at == now + timedelta(seconds=31 + 60)
    webhooks.send_due(now=now + timedelta(seconds=200))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len({r.headers["X-Intervy-Delivery"] for r in receiver.received}) == 1


def test_a_delivery_fails_for_good_after_the_last_attempt(
    endpoint, receiver, interviewer, position, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500]
    make_session(panel=[interviewer], position=position, count=1, started=False)
    now = timezone.now()
    webhooks.send_due(now=now)
    webhooks.send_due(now=now + timedelta(hours=1))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 2, "HTTP 500")


def test_an_unreachable_receiver_is_logged_not_raised(db, interviewer, position):
    WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/", secret=SECRET, events=["session.scheduled"]
    )
    make_session(panel=[interviewer], position=position, count=1, started=False)
    webhooks.send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "ConnectionError" in delivery.last_error


def test_an_event_is_recorded_once_per_endpoint(endpoint, interviewer, position):
    session = make_session(panel=[interviewer], position=position, count=1, started=False)
    data = webhooks.session_data(session)
    assert webhooks.emit("session.scheduled", subject=str(session.pk), data=data) == 0
    assert WebhookDelivery.objects.filter(event="session.scheduled").count() == 1


def test_only_endpoints_wanting_the_event_get_it(receiver, db, interviewer, position):
    WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET, events=["decision.recorded"])
    WebhookEndpoint.objects.create(
        url=receiver.url, secret=SECRET, events=["session.scheduled"], is_active=False
    )
    make_session(panel=[interviewer], position=position, count=1, started=False)
    assert not WebhookDelivery.objects.exists()


def test_replay_from_the_admin_sends_the_same_key_again(
    endpoint, receiver, interviewer, position, admin_user, client
):
    make_session(panel=[interviewer], position=position, count=1, started=False)
    webhooks.send_due()
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/webhookdelivery/",
        {"action": "replay_deliveries", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 deliveries queued again" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    webhooks.send_due()
    assert [r.headers["X-Intervy-Delivery"] for r in receiver.received] == [delivery.key] * 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_the_delivery_log_is_admins_only(endpoint, curator, client):
    client.force_login(curator)
    assert_refused(client.get("/admin/api/webhookdelivery/"), 403)
    assert_refused(client.get("/admin/api/webhookendpoint/add/"), 403)


def test_scheduling_events_are_emitted_once_each(
    endpoint, manager, interviewer, interviewer2, position
):
    session = make_session(panel=[interviewer], position=position, count=1, started=False)
    reschedule_session(
        session=session,
        scheduled_at=session.scheduled_at + timedelta(days=1),
        interviewers=[interviewer, interviewer2],
        reason="Clash",
        by=manager,
    )
    cancel_session(session=session, reason="Withdrew", by=manager)
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["session.cancelled", "session.rescheduled", "session.scheduled"]
    rescheduled = WebhookDelivery.objects.get(event="session.rescheduled").payload
    assert rescheduled["data"]["session"]["panel"] == sorted([interviewer.pk, interviewer2.pk])


def test_a_decision_is_emitted(endpoint, manager, interviewer, position):
    session = make_session(panel=[interviewer], position=position, count=1)
    submit(session, interviewer)
    decision = record_decision(
        position=position, candidate=session.candidate, kind="advance", rationale="Good", by=manager
    )
    payload = WebhookDelivery.objects.get(event="decision.recorded").payload
    assert payload["data"]["decision"]["id"] == decision.pk
    assert payload["data"]["decision"]["kind"] == "advance"


def test_no_payload_carries_a_draft(endpoint, interviewer, interviewer2, position, manager):
    session = make_session(panel=[interviewer, interviewer2], position=position, count=2)
    draft = Scorecard.objects.get(session=session, interviewer=interviewer2)
    score_all(draft, 1)
    record = QuestionRecord.objects.filter(scorecard=draft).first()
    QuestionRecord.save_notes(
        scorecard_id=draft.pk,
        session_question_id=record.session_question_id,
        text="draft-secret-notes",
        base_revision=0,
    )
    Scorecard.objects.filter(pk=draft.pk).update(summary="draft-secret-summary")
    submit(session, interviewer, score=4)
    bodies = json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))
    assert "draft-secret" not in bodies
    assert not WebhookDelivery.objects.filter(event="session.panel_complete").exists()
    submitted = WebhookDelivery.objects.get(event="scorecard.submitted").payload
    assert [q["score"] for q in submitted["data"]["scorecard"]["questions"]] == [4, 4]
    assert f'"scorecard": {{"id": {draft.pk}' not in bodies
    with pytest.raises(ValueError):
        webhooks.submitted_scorecard_data(draft)


def test_panel_complete_names_the_submitted_scorecards(
    endpoint, interviewer, interviewer2, position
):
    session = make_session(panel=[interviewer, interviewer2], position=position, count=1)
    first = submit(session, interviewer)
    second = submit(session, interviewer2)
    payload = WebhookDelivery.objects.get(event="session.panel_complete").payload
    assert payload["data"]["scorecard_ids"] == sorted([first.pk, second.pk])


def test_the_worker_is_asked_to_send_once_the_change_commits(
    endpoint, interviewer, position, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        make_session(panel=[interviewer], position=position, count=1, started=False)
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "api.tasks.send_webhooks" in paths


def test_the_sweep_sends_what_is_due(endpoint, receiver, interviewer, position):
    from interviews.tasks import sweep

    make_session(panel=[interviewer], position=position, count=1, started=False)
    result = sweep.call()
    assert result["webhooks"] == 1
    assert [json.loads(r.body)["event"] for r in receiver.received] == ["session.scheduled"]
