"""The home page: your own sessions, and never anyone else's (F1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import InterviewSession, SessionState
from tests.factories import make_position, make_session, make_template
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish

pytestmark = pytest.mark.django_db

URL = "/"


def complete(session: InterviewSession) -> None:
    InterviewSession.objects.filter(pk=session.pk).update(
        state=SessionState.COMPLETED, completed_at=timezone.now()
    )


def test_the_url_is_named():
    assert reverse("interviews:home") == URL


def test_an_interviewer_sees_their_upcoming_and_running_sessions(client_for, interviewer, position):
    template = make_template(count=2, name="Backend screen — 30 min")
    upcoming = make_session(
        panel=[interviewer],
        position=position,
        template=template,
        candidate_name="Ada Lovelace",
        started=False,
    )
    running = make_session(
        panel=[interviewer], position=position, template=template, candidate_name="Grace Hopper"
    )
    html = client_for(interviewer).get(URL).content.decode()
    assert "Ada Lovelace" in html and "Grace Hopper" in html
    assert "Backend engineer" in html
    assert "Backend screen — 30 min" in html
    assert "Scheduled" in html and "In progress" in html
    assert reverse("interviews:runner", args=[upcoming.pk]) in html
    assert reverse("interviews:runner", args=[running.pk]) in html
    assert "Resume" in html


def test_another_interviewers_session_never_appears(
    client_for, interviewer, interviewer2, position
):
    make_session(panel=[interviewer2], position=position, candidate_name="Secret Candidate")
    finished = make_session(
        panel=[interviewer2], position=position, candidate_name="Hidden Finisher"
    )
    complete(finished)
    make_session(panel=[interviewer], position=position, candidate_name="My Candidate")
    html = client_for(interviewer).get(URL).content.decode()
    assert "My Candidate" in html
    assert "Secret Candidate" not in html
    assert "Hidden Finisher" not in html


def test_completed_sessions_show_whether_my_scorecard_is_submitted(
    client_for, interviewer, interviewer2, position
):
    done = make_session(
        panel=[interviewer, interviewer2], position=position, candidate_name="Done Dana"
    )
    pending = make_session(
        panel=[interviewer, interviewer2], position=position, candidate_name="Pending Pat"
    )
    complete(done)
    complete(pending)
    finish(card_of(done, interviewer), summary="Solid.")
    # The other panelist's submission must not count as mine.
    finish(card_of(pending, interviewer2), summary="Solid.")
    html = client_for(interviewer).get(URL).content.decode()
    completed = html[html.index("Recently completed") :]
    assert "Done Dana" in completed and "Pending Pat" in completed
    dana = completed[
        completed.index("Done Dana") : completed.index("</tr>", completed.index("Done Dana"))
    ]
    pat = completed[
        completed.index("Pending Pat") : completed.index("</tr>", completed.index("Pending Pat"))
    ]
    assert "Submitted" in dana
    assert "Not submitted yet" in pat
    assert reverse("interviews:scorecard", args=[pending.pk]) in pat


def test_a_hiring_manager_sees_links_to_their_positions(client_for, manager, other_manager):
    make_position(manager, title="Backend engineer")
    make_position(other_manager, title="Data scientist")
    html = client_for(manager).get(URL).content.decode()
    assert "Your positions" in html
    assert '<a href="/positions/">Backend engineer</a>' in html
    assert "Data scientist" not in html
    assert "Your upcoming and running interviews" not in html


def test_a_user_without_a_role_is_told_to_ask_an_admin(client_for, stranger):
    html = client_for(stranger).get(URL).content.decode()
    assert "Ask an admin for a role" in html
    assert "Your positions" not in html
    assert "Your upcoming" not in html


def test_an_interviewer_is_not_told_to_ask_for_a_role(client_for, interviewer):
    html = client_for(interviewer).get(URL).content.decode()
    assert "Ask an admin for a role" not in html
    assert "Nothing scheduled for you." in html


def test_anonymous_users_are_sent_to_sign_in(client):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_wrong_method_gets_405(client_for, interviewer):
    assert_refused(client_for(interviewer).post(URL), 405)


def test_the_query_count_is_the_same_for_1_and_20_sessions(
    client_for, interviewer, interviewer2, position, django_assert_num_queries
):
    template = make_template(count=2)
    client = client_for(interviewer)

    def add_sessions(count: int) -> None:
        for _ in range(count):
            make_session(panel=[interviewer, interviewer2], position=position, template=template)
            complete(make_session(panel=[interviewer], position=position, template=template))

    # The web session, the user, the upcoming and completed interviews, and the user's
    # overdue scorecards: one query each, however many there are.
    add_sessions(1)
    with django_assert_num_queries(5):
        client.get(URL)
    add_sessions(19)
    with django_assert_num_queries(5):
        page = client.get(URL)
    assert page.content.decode().count("Resume<span") == 20
