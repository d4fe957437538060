"""Scheduling a session (C1): candidate new or existing, position, template, panel, time."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Candidate, InterviewSession, Scorecard, TeamRole
from tests.factories import make_position, make_template, seat
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db

URL = "/sessions/new/"


@pytest.fixture
def position(manager, interviewer, interviewer2):
    """The manager's position; `interviewer` coordinates its team, `interviewer2` is on it."""
    position = make_position(manager)
    seat(position, interviewer, TeamRole.COORDINATOR)
    seat(position, interviewer2)
    return position


@pytest.fixture
def template():
    return make_template(count=3, name="Backend screen — 30 min")


def form_data(position, template, interviewers, /, **overrides):
    data = {
        "candidate": "",
        "new_candidate_name": "Ada Lovelace",
        "new_candidate_email": "ada@example.com",
        "position": position.pk,
        "template": template.pk,
        "scheduled_at": "2026-12-01T10:30",
        "interviewers": [user.pk for user in interviewers],
    }
    data.update(overrides)
    return data


def test_the_url_is_named():
    assert reverse("interviews:session_new") == URL


def test_the_form_preselects_the_creator_and_offers_interviewers_only(
    client_for, interviewer, interviewer2, manager, position, template
):
    html = client_for(interviewer).get(URL).content.decode()
    assert re.search(rf'value="{interviewer.pk}"[^>]* checked', html)
    assert not re.search(rf'value="{interviewer2.pk}"[^>]* checked', html)
    assert "Interviewer2" in html
    assert "(manager)" not in html
    assert "Backend screen — 30 min" in html
    assert "Backend engineer" in html
    assert 'type="datetime-local"' in html


def test_it_schedules_a_new_candidate_and_opens_the_runner(
    client_for, interviewer, interviewer2, position, template
):
    page = client_for(interviewer).post(
        URL, form_data(position, template, [interviewer, interviewer2])
    )
    session = InterviewSession.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("interviews:runner", args=[session.pk])
    assert session.candidate.full_name == "Ada Lovelace"
    assert session.candidate.email == "ada@example.com"
    assert session.candidate.created_by == interviewer
    assert session.template_name == "Backend screen — 30 min"
    assert session.questions.count() == 3
    assert set(session.scorecards.values_list("interviewer__username", flat=True)) == {
        "interviewer",
        "interviewer2",
    }
    assert timezone.localtime(session.scheduled_at).replace(tzinfo=None) == datetime(
        2026, 12, 1, 10, 30
    )


def test_it_schedules_an_existing_candidate(client_for, interviewer, position, template):
    candidate = Candidate.objects.create(full_name="Grace Hopper", created_by=interviewer)
    client_for(interviewer).post(
        URL,
        form_data(position, template, [interviewer], candidate=candidate.pk, new_candidate_name=""),
    )
    assert InterviewSession.objects.get().candidate == candidate
    assert Candidate.objects.count() == 1


def test_it_needs_a_candidate(client_for, interviewer, position, template):
    page = client_for(interviewer).post(
        URL, form_data(position, template, [interviewer], new_candidate_name="")
    )
    assert page.status_code == 400
    assert "Choose a candidate or type a new candidate&#x27;s name." in page.content.decode()
    assert not InterviewSession.objects.exists()


def test_it_refuses_both_an_existing_and_a_new_candidate(
    client_for, interviewer, position, template
):
    candidate = Candidate.objects.create(full_name="Grace Hopper", created_by=interviewer)
    page = client_for(interviewer).post(
        URL, form_data(position, template, [interviewer], candidate=candidate.pk)
    )
    assert "not both" in page.content.decode()
    assert not InterviewSession.objects.exists()


def test_it_needs_at_least_one_interviewer(client_for, interviewer, position, template):
    page = client_for(interviewer).post(URL, form_data(position, template, []))
    assert page.status_code == 400
    assert "Choose at least one interviewer." in page.content.decode()
    assert not InterviewSession.objects.exists()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("field", ["position", "template", "interviewers", "candidate"])
def test_a_forged_id_is_a_form_error_and_creates_nothing(
    client_for, interviewer, manager, position, template, field
):
    forged = {
        "position": {"position": 99999},
        "template": {"template": 99999},
        # The manager is a real user but not an interviewer.
        "interviewers": {"interviewers": [interviewer.pk, manager.pk]},
        "candidate": {"candidate": 99999, "new_candidate_name": ""},
    }[field]
    page = client_for(interviewer).post(URL, form_data(position, template, [interviewer], **forged))
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()
    assert not InterviewSession.objects.exists()
    assert not Scorecard.objects.exists()
    assert not Candidate.objects.exists()


def test_a_closed_position_cannot_be_chosen(client_for, interviewer, position, template):
    position.is_open = False
    position.save()
    page = client_for(interviewer).post(URL, form_data(position, template, [interviewer]))
    assert "Select a valid choice" in page.content.decode()
    assert not InterviewSession.objects.exists()


def test_an_empty_template_cannot_be_scheduled(client_for, interviewer, position):
    from interviews.models import InterviewTemplate

    empty = InterviewTemplate.objects.create(name="Empty", target_minutes=30)
    page = client_for(interviewer).post(URL, form_data(position, empty, [interviewer]))
    assert page.status_code == 400
    assert "This template has no questions yet" in page.content.decode()
    assert not InterviewSession.objects.exists()


def test_a_bad_time_is_a_form_error(client_for, interviewer, position, template):
    page = client_for(interviewer).post(
        URL, form_data(position, template, [interviewer], scheduled_at="tomorrow-ish")
    )
    assert "Enter a valid date/time." in page.content.decode()
    assert not InterviewSession.objects.exists()


def test_a_template_page_link_preselects_the_template(client_for, interviewer, position, template):
    html = client_for(interviewer).get(URL, {"template": template.pk}).content.decode()
    assert f'<option value="{template.pk}" selected>' in html


# The manager schedules for their own position now; an interviewer on the team who does not
# coordinate it, a hiring manager with no position and a user with no role do not.
@pytest.mark.parametrize("persona", ["interviewer2", "other_manager", "stranger"])
def test_users_who_schedule_for_no_position_get_403(
    client_for, request, persona, interviewer, position, template
):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(URL)
    assert page.status_code == 403
    if persona != "stranger":
        assert "its coordinators and admins schedule interviews" in page.content.decode()
    assert client.post(URL, form_data(position, template, [interviewer])).status_code == 403
    assert not InterviewSession.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_wrong_method_gets_405(client_for, interviewer):
    assert_refused(client_for(interviewer).put(URL), 405)
