"""Rescheduling and cancelling a scheduled session from its page (PRODUCT C12)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from interviews.models import AuditAction, AuditEvent, InterviewSession, SessionState
from interviews.reminders import sweep
from interviews.services.scheduling import add_panelist
from tests.conftest import make_user
from tests.factories import make_position, make_session, seat
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(manager, interviewer, interviewer2):
    position = make_position(manager)
    seat(position, interviewer)
    seat(position, interviewer2)
    return position


@pytest.fixture
def session(interviewer, position):
    return make_session(
        panel=[interviewer], position=position, started=False, candidate_name="Ada Lovelace"
    )


def reschedule_data(session, *, when="2027-04-06T14:00", panel=None, reason="Candidate asked."):
    return {
        "scheduled_at": when,
        "interviewers": [user.pk for user in panel]
        if panel is not None
        else list(session.scorecards.values_list("interviewer_id", flat=True)),
        "reason": reason,
    }


def test_the_hiring_manager_reschedules_from_the_sessions_page(client_for, manager, session):
    client = client_for(manager)
    page = client.get(f"/sessions/{session.pk}/schedule/").content.decode()
    assert "Reschedule" in page and "Cancel the interview" in page
    assert f'action="/sessions/{session.pk}/reschedule"' in page

    response = client.post(
        f"/sessions/{session.pk}/reschedule", reschedule_data(session), follow=True
    )
    assert response.redirect_chain[-1][0] == f"/sessions/{session.pk}/schedule/"
    html = response.content.decode()
    assert "Rescheduled. The panel gets updated calendar invites." in html
    assert "Candidate asked." in html  # the history on the page shows who and why
    session.refresh_from_db()
    expected = timezone.make_aware(datetime(2027, 4, 6, 14, 0))
    assert session.scheduled_at == expected
    assert session.invite_sequence == 1
    event = AuditEvent.objects.get(action=AuditAction.SESSION_RESCHEDULED)
    assert event.actor == manager
    assert event.reason == "Candidate asked."
    assert event.new_value == "2027-04-06 14:00 UTC"


def test_an_admin_may_cancel_and_the_audit_trail_says_who_and_why(
    client_for, admin_user, interviewer, session
):
    client = client_for(admin_user)
    response = client.post(
        f"/sessions/{session.pk}/cancel", {"reason": "Position closed."}, follow=True
    )
    assert "Cancelled. The panel&#x27;s calendars get a cancellation." in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    assert session.cancelled_at is not None
    event = AuditEvent.objects.get(action=AuditAction.SESSION_CANCELLED)
    assert (event.actor, event.reason, event.new_value) == (
        admin_user,
        "Position closed.",
        "cancelled",
    )
    # The session keeps its history and panel; the page says it no longer changes.
    assert session.scorecards.filter(interviewer=interviewer).exists()
    page = client.get(f"/sessions/{session.pk}/schedule/").content.decode()
    assert "This interview is cancelled, so its time and panel no longer change." in page
    assert "Position closed." in page


def test_a_cancelled_session_leaves_the_upcoming_lists_and_reminds_no_one(
    client_for, manager, interviewer, session
):
    client = client_for(interviewer)
    assert "Ada Lovelace" in client.get("/").content.decode()
    client_for(manager).post(f"/sessions/{session.pk}/cancel", {"reason": "Withdrew."})
    home = client_for(interviewer).get("/").content.decode()
    assert "Ada Lovelace" not in home
    runner = client_for(interviewer).get(f"/sessions/{session.pk}/").content.decode()
    assert "This interview was cancelled." in runner
    result = sweep(now=timezone.now() + timezone.timedelta(days=5))
    assert (result.reminders, result.notices) == (0, 0)


@pytest.mark.parametrize("who", ["interviewer", "interviewer2", "other_manager", "stranger"])
def test_anyone_else_gets_404_and_nothing_changes(client_for, request, session, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/sessions/{session.pk}/schedule/").status_code == 404
    assert client.post(f"/sessions/{session.pk}/cancel", {"reason": "x"}).status_code == 404
    response = client.post(f"/sessions/{session.pk}/reschedule", reschedule_data(session))
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED and session.invite_sequence == 0
    assert not AuditEvent.objects.filter(session=session).exists()


def test_a_reason_is_required(client_for, manager, session):
    client = client_for(manager)
    response = client.post(f"/sessions/{session.pk}/cancel", {"reason": "  "})
    assert response.status_code == 400
    assert "Say why you are cancelling." in response.content.decode()
    response = client.post(
        f"/sessions/{session.pk}/reschedule", reschedule_data(session, reason="")
    )
    assert response.status_code == 400
    assert "Say why you are rescheduling." in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED


def test_nothing_changed_is_refused(client_for, manager, session):
    when = timezone.localtime(session.scheduled_at).strftime("%Y-%m-%dT%H:%M:%S")
    InterviewSession.objects.filter(pk=session.pk).update(
        scheduled_at=timezone.localtime(session.scheduled_at).replace(microsecond=0)
    )
    response = client_for(manager).post(
        f"/sessions/{session.pk}/reschedule", reschedule_data(session, when=when)
    )
    assert response.status_code == 400
    assert "That is the time and panel it already has." in response.content.decode()


def test_a_session_that_started_cannot_be_moved_or_cancelled(
    client_for, manager, interviewer, position
):
    running = make_session(panel=[interviewer], position=position)
    client = client_for(manager)
    page = client.get(f"/sessions/{running.pk}/schedule/").content.decode()
    assert "no longer change" in page and 'action="/sessions/' not in page
    response = client.post(f"/sessions/{running.pk}/cancel", {"reason": "Too late."})
    assert response.status_code == 409
    assert "only a scheduled interview can be cancelled" in response.content.decode()
    running.refresh_from_db()
    assert running.state == SessionState.IN_PROGRESS


def test_panel_changes_are_audited(client_for, manager, interviewer, interviewer2, session):
    client_for(manager).post(
        f"/sessions/{session.pk}/reschedule",
        reschedule_data(
            session,
            when=timezone.localtime(session.scheduled_at).strftime("%Y-%m-%dT%H:%M"),
            panel=[interviewer2],
            reason="Interviewer on leave.",
        ),
    )
    actions = dict(
        AuditEvent.objects.filter(session=session).values_list("action", "reason").distinct()
    )
    assert actions[AuditAction.PANELIST_ADDED] == "Interviewer on leave."
    assert actions[AuditAction.PANELIST_REMOVED] == "Interviewer on leave."
    assert list(session.scorecards.values_list("interviewer", flat=True)) == [interviewer2.pk]


def test_the_hiring_manager_finds_the_page_from_the_position_and_the_runner(
    client_for, manager, interviewer, session, position
):
    html = client_for(manager).get(f"/positions/{position.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/schedule/"' in html
    add_panelist(session=session, interviewer=manager)
    manager.groups.add(*interviewer.groups.all())
    runner = client_for(manager).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/schedule/"' in runner


def test_the_wrong_method_is_refused(client_for, manager, session):
    client = client_for(manager)
    assert_refused(client.get(f"/sessions/{session.pk}/cancel"), 405)
    assert_refused(client.post(f"/sessions/{session.pk}/schedule/"), 405)


def test_the_new_panel_comes_from_the_positions_hiring_team(client_for, manager, session):
    from intervy.roles import INTERVIEWERS

    off_team = make_user("off_team", group=INTERVIEWERS)
    response = client_for(manager).post(
        f"/sessions/{session.pk}/reschedule",
        reschedule_data(session, panel=[off_team], reason="Swap."),
    )
    assert response.status_code == 400
    assert "Choose the panel from the position&#x27;s hiring team." in response.content.decode()
    assert not session.scorecards.filter(interviewer=off_team).exists()
