"""Calendar invites (PRODUCT C11): parsed back with icalendar, as a calendar would read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from interviews import outbox
from interviews.models import Delivery, DeliveryStatus, InterviewSession, TeamRole
from interviews.rescheduling import cancel_session, reschedule_session
from tests.factories import make_position, make_template, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(manager, interviewer, interviewer2):
    """The manager's position; `interviewer` coordinates its team (so schedules for it)."""
    position = make_position(manager)
    seat(position, interviewer, TeamRole.COORDINATOR)
    seat(position, interviewer2)
    return position


@pytest.fixture
def template():
    return make_template(count=3, minutes=10, name="Backend screen — 30 min")


def schedule(client, position, template, panel) -> InterviewSession:
    """Schedule through the page, as a person would, and let the worker send."""
    response = client.post(
        "/sessions/new/",
        {
            "new_candidate_name": "Ada Lovelace",
            "position": position.pk,
            "template": template.pk,
            "scheduled_at": "2027-03-02T10:30",
            "interviewers": [user.pk for user in panel],
        },
    )
    assert response.status_code == 302, response.content.decode()
    outbox.send_due()
    return InterviewSession.objects.get(candidate__full_name="Ada Lovelace")


def invites_to(user) -> list[tuple[str, object]]:
    """(METHOD, VEVENT) of every calendar mailed to `user`, in order."""
    found = []
    for message in mail.outbox:
        if message.to != [user.email]:
            continue
        for part in message.message().walk():
            if part.get_content_type() == "text/calendar":
                calendar = Calendar.from_ical(part.get_payload(decode=True))
                [event] = calendar.walk("VEVENT")
                found.append((str(calendar["METHOD"]), event))
    return found


def test_scheduling_sends_each_panelist_an_invite_with_the_runners_link(
    client_for, interviewer, interviewer2, position, template
):
    session = schedule(client_for(interviewer), position, template, [interviewer, interviewer2])
    for user in (interviewer, interviewer2):
        [(method, event)] = invites_to(user)
        assert method == "REQUEST"
        assert str(event["UID"]) == f"intervy-session-{session.pk}@127.0.0.1"
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == session.scheduled_at
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
        assert str(event["URL"]) == f"http://127.0.0.1:8000/sessions/{session.pk}/"
        assert "Ada Lovelace" in str(event["SUMMARY"])
        description = str(event["DESCRIPTION"])
        assert "Template: Backend screen — 30 min (30 minutes)" in description
        assert f"http://127.0.0.1:8000/sessions/{session.pk}/" in description
        assert str(event["ATTENDEE"]) == f"mailto:{user.email}"
    message = next(m for m in mail.outbox if m.to == [interviewer.email])
    assert message.subject.startswith("Interview with Ada Lovelace: Backend screen — 30 min")
    assert "30 minutes" in message.body
    assert f"http://127.0.0.1:8000/sessions/{session.pk}/" in message.alternatives[0].content


def test_rescheduling_sends_the_same_uid_with_a_higher_sequence(
    client_for, interviewer, interviewer2, manager, position, template
):
    session = schedule(client_for(interviewer), position, template, [interviewer, interviewer2])
    later = session.scheduled_at + timedelta(days=1)
    reschedule_session(
        session=session,
        scheduled_at=later,
        interviewers=[interviewer, interviewer2],
        reason="The candidate asked for Wednesday.",
        by=manager,
    )
    outbox.send_due()
    for user in (interviewer, interviewer2):
        (_, first), (method, update) = invites_to(user)
        assert method == "REQUEST"
        assert update["UID"] == first["UID"]
        assert update["SEQUENCE"] == 1 > first["SEQUENCE"]
        assert update.decoded("DTSTART") == later
    assert mail.outbox[-1].subject.startswith("Updated: interview with Ada Lovelace")


def test_cancelling_sends_method_cancel_for_the_same_event(
    client_for, interviewer, manager, position, template
):
    session = schedule(client_for(interviewer), position, template, [interviewer])
    cancel_session(session=session, reason="Position filled.", by=manager)
    outbox.send_due()
    (_, invite), (method, cancel) = invites_to(interviewer)
    assert method == "CANCEL"
    assert cancel["UID"] == invite["UID"]
    assert cancel["SEQUENCE"] > invite["SEQUENCE"]
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert mail.outbox[-1].subject.startswith("Cancelled: interview with Ada Lovelace")


def test_a_panelist_added_gets_an_invite_and_one_removed_a_cancel(
    client_for, interviewer, interviewer2, manager, position, template
):
    session = schedule(client_for(interviewer), position, template, [interviewer])
    mail.outbox.clear()
    reschedule_session(
        session=session,
        scheduled_at=session.scheduled_at,
        interviewers=[interviewer2],
        reason="Swapping interviewers.",
        by=manager,
    )
    outbox.send_due()
    [(method_added, added)] = invites_to(interviewer2)
    [(method_removed, removed)] = invites_to(interviewer)
    assert (method_added, method_removed) == ("REQUEST", "CANCEL")
    assert added["UID"] == removed["UID"] == f"intervy-session-{session.pk}@127.0.0.1"
    assert (
        "no longer on the panel" in next(m for m in mail.outbox if m.to == [interviewer.email]).body
    )
    assert list(session.scorecards.values_list("interviewer__username", flat=True)) == [
        "interviewer2"
    ]


def test_an_invite_overtaken_before_it_went_out_is_not_sent(
    client_for, interviewer, manager, position, template
):
    client = client_for(interviewer)
    client.post(
        "/sessions/new/",
        {
            "new_candidate_name": "Ada Lovelace",
            "position": position.pk,
            "template": template.pk,
            "scheduled_at": "2027-03-02T10:30",
            "interviewers": [interviewer.pk],
        },
    )
    session = InterviewSession.objects.get()
    cancel_session(session=session, reason="Filled.", by=manager)  # the worker was down
    outbox.send_due()
    [(method, _)] = invites_to(interviewer)
    assert method == "CANCEL"
    assert Delivery.objects.get(sequence=0).status == DeliveryStatus.SKIPPED


def test_each_panelist_can_download_the_session_as_ics(
    client, interviewer, interviewer2, manager, position, template, admin_user
):
    client.force_login(interviewer)
    session = schedule(client, position, template, [interviewer])
    response = client.get(f"/sessions/{session.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["URL"]) == f"http://127.0.0.1:8000/sessions/{session.pk}/"
    assert "Ada Lovelace" in str(event["SUMMARY"])
    for outsider in (interviewer2, manager, admin_user):
        client.force_login(outsider)
        assert client.get(f"/sessions/{session.pk}/invite.ics").status_code == 404


def test_the_runner_of_a_scheduled_session_links_its_invite(
    client_for, interviewer, interviewer2, position, template
):
    session = schedule(client_for(interviewer), position, template, [interviewer, interviewer2])
    # The coordinator who scheduled it may move it; the runner says where.
    html = client_for(interviewer).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/invite.ics"' in html
    assert f"/sessions/{session.pk}/schedule/" in html
    # A panelist who neither manages nor coordinates the position may not move it.
    html = client_for(interviewer2).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/invite.ics"' in html
    assert f"/sessions/{session.pk}/schedule/" not in html


def test_a_downloaded_ics_of_a_cancelled_session_says_so(
    client_for, interviewer, manager, position, template
):
    client = client_for(interviewer)
    session = schedule(client, position, template, [interviewer])
    cancel_session(session=session, reason="Filled.", by=manager)
    client = client_for(interviewer)
    [event] = Calendar.from_ical(client.get(f"/sessions/{session.pk}/invite.ics").content).walk(
        "VEVENT"
    )
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert timezone.is_aware(event.decoded("DTSTART"))
