"""Email through a real SMTP server the suite starts (aiosmtpd), not only Django's locmem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from interviews import outbox, reminders
from interviews.models import Delivery, DeliveryStatus, InterviewSession, TeamRole
from interviews.rescheduling import invite_panel
from tests.factories import make_position, make_session, seat
from tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def smtp_to(port: int):
    return override_settings(
        MAILERS={"default": {"BACKEND": SMTP, "OPTIONS": {"host": "127.0.0.1", "port": port}}}
    )


@pytest.fixture
def position(manager, interviewer):
    """The manager's position; `interviewer` coordinates its team (so schedules for it)."""
    position = make_position(manager)
    seat(position, interviewer, TeamRole.COORDINATOR)
    return position


def completed(panel, position, ended):
    session = make_session(panel=panel, position=position, count=2, candidate_name="Ada Lovelace")
    session.finish(by=panel[0])
    InterviewSession.objects.filter(pk=session.pk).update(completed_at=ended)
    return session


def test_a_reminder_arrives_as_plain_text_and_html(smtp_sink, interviewer, position):
    ended = timezone.now()
    session = completed([interviewer], position, ended)
    with smtp_to(smtp_sink.port):
        reminders.sweep(now=ended + timedelta(hours=1))
    [message] = smtp_sink.received
    assert message["To"] == "interviewer@example.com"
    assert message["From"] == "Intervy <intervy@localhost>"
    assert message["Subject"] == "Your scorecard for Ada Lovelace is waiting"
    scorecard_url = f"http://127.0.0.1:8000/sessions/{session.pk}/scorecard/"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert scorecard_url in text
    assert f'href="{scorecard_url}"' in html
    assert message["X-Intervy-Delivery"] == Delivery.objects.get().key
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_invite_arrives_with_its_calendar(smtp_sink, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    invite_panel(session=session)
    with smtp_to(smtp_sink.port):
        outbox.send_due()
    [message] = smtp_sink.received
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    [event] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["URL"]) == f"http://127.0.0.1:8000/sessions/{session.pk}/"


def test_a_mail_server_that_is_down_is_retried_with_backoff(smtp_sink, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    invite_panel(session=session)
    now = timezone.now()
    with smtp_to(free_port()), override_settings(DELIVERY_RETRY_BASE_SECONDS=60):
        assert outbox.send_due(now=now) == 1
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1
        assert "ConnectionRefusedError" in delivery.last_error
        assert delivery.next_attempt_at == now + timedelta(seconds=60)
        # Not due again before its time.
        assert outbox.send_due(now=now + timedelta(seconds=59)) == 0
        outbox.send_due(now=now + timedelta(seconds=60))
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == now + timedelta(seconds=180)  # 60 + 2 × 60
    with smtp_to(smtp_sink.port):
        outbox.send_due(now=now + timedelta(seconds=180))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert [m["To"] for m in smtp_sink.received] == ["interviewer@example.com"]
    assert session.pk == delivery.session_id


def test_it_gives_up_after_the_last_attempt(interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    invite_panel(session=session)
    now = timezone.now()
    with smtp_to(free_port()), override_settings(DELIVERY_MAX_ATTEMPTS=2):
        outbox.send_due(now=now)
        outbox.send_due(now=now + timedelta(days=1))
        outbox.send_due(now=now + timedelta(days=2))
    delivery = Delivery.objects.get(session=session)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


def test_the_web_keeps_scheduling_while_the_mail_server_is_down(client_for, interviewer, position):
    from tests.factories import make_template

    template = make_template(count=2)
    with smtp_to(free_port()):
        response = client_for(interviewer).post(
            "/sessions/new/",
            {
                "new_candidate_name": "Ada Lovelace",
                "position": position.pk,
                "template": template.pk,
                "scheduled_at": "2027-03-02T10:30",
                "interviewers": [interviewer.pk],
            },
        )
    assert response.status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_a_failure_ends_the_batch_and_the_rest_wait_their_turn(interviewer, interviewer2, position):
    session = make_session(panel=[interviewer, interviewer2], position=position, started=False)
    invite_panel(session=session)
    now = timezone.now()
    with smtp_to(free_port()):
        assert outbox.send_due(now=now) == 1  # not one connection timeout per message
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [0, 1]
