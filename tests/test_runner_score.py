"""Scoring a question in the runner: over HTMX, without JavaScript, and what is refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from interviews.models import (
    AuditAction,
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    SessionState,
)
from tests.factories import make_session
from tests.htmx import HTMX
from tests.pages import assert_refused
from tests.scorecard_data import finish

pytestmark = pytest.mark.django_db


def score_url(session, order):
    return reverse("interviews:runner_score", args=[session.pk, order])


def record(session, user, order):
    return QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=user, session_question__order=order
    )


def nothing_stored(session):
    return (
        not QuestionRecord.objects.filter(scorecard__session=session)
        .exclude(score=None, not_assessed=False)
        .exists()
        and not AuditEvent.objects.filter(session=session, action=AuditAction.SCORE).exists()
    )


def test_without_htmx_a_score_is_stored_and_redirects_back(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(score_url(session, 2), {"score": "3"})
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:runner_question", args=[session.pk, 2])
    assert record(session, interviewer, 2).score == 3
    page = client.get(response["Location"]).content.decode()
    assert "Score 3 saved for question 2." in page
    assert 'id="score-3" class="score score-3" aria-pressed="true"' in page


def test_over_htmx_it_returns_the_state_partial_and_the_navigator_item(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    client.get(reverse("interviews:runner_question", args=[session.pk, 2]))
    response = client.post(score_url(session, 2), {"score": "4"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="question-state"')
    assert 'data-state="scored"' in html
    assert 'id="score-4" class="score score-4" aria-pressed="true"' in html
    assert 'id="score-3" class="score score-3" aria-pressed="false"' in html
    assert '<li id="nav-q-2" class="nav-item state-scored" data-hx-swap-oob="true">' in html
    assert "scored 4" in html
    assert 'aria-current="step"' in html  # question 2 is still the current one
    assert "<html" not in html
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["intervy:saved"]["message"] == "Score 4 saved for question 2."
    assert record(session, interviewer, 2).score == 4


def test_not_assessed_is_kept_apart_from_a_low_score(client_for, interviewer, session):
    response = client_for(interviewer).post(score_url(session, 1), {"score": "na"}, headers=HTMX)
    html = response.content.decode()
    saved = record(session, interviewer, 1)
    assert saved.score is None
    assert saved.not_assessed is True
    assert 'id="score-na" class="score score-na" aria-pressed="true"' in html
    assert "not assessed" in html
    audit = AuditEvent.objects.get(session=session, action=AuditAction.NOT_ASSESSED)
    assert audit.new_value == "not assessed"


def test_changing_a_score_keeps_the_old_value_in_the_audit_trail(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(score_url(session, 1), {"score": "2"})
    client.post(score_url(session, 1), {"score": "4"})
    assert record(session, interviewer, 1).score == 4
    changes = list(
        AuditEvent.objects.filter(session=session, action=AuditAction.SCORE).values_list(
            "old_value", "new_value", "actor"
        )
    )
    assert changes == [("", "2", interviewer.pk), ("2", "4", interviewer.pk)]


def test_scoring_a_skipped_question_clears_the_skip(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(reverse("interviews:runner_skip", args=[session.pk, 1]))
    client.post(score_url(session, 1), {"score": "1"})
    saved = record(session, interviewer, 1)
    assert (saved.score, saved.skipped) == (1, False)


@pytest.mark.parametrize("value", ["5", "-1", "abc", "0", "", "3.5"])
def test_it_rejects_a_score_out_of_range(client_for, interviewer, session, value):
    response = client_for(interviewer).post(score_url(session, 1), {"score": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "choose 1, 2, 3, 4 or “Not assessed”" in html or "Choose a score from 1 to 4" in html
    assert 'class="runner-error-message"' in html
    assert nothing_stored(session)


def test_it_rejects_a_missing_score(client_for, interviewer, session):
    response = client_for(interviewer).post(score_url(session, 1), {})
    assert response.status_code == 400
    assert "Choose a score from 1 to 4, or “Not assessed”." in response.content.decode()
    assert nothing_stored(session)


def test_over_htmx_a_bad_score_returns_a_small_error_fragment(client_for, interviewer, session):
    response = client_for(interviewer).post(score_url(session, 1), {"score": "5"}, headers=HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#runner-error"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert html.strip() == (
        '<p class="runner-error-message">“5” is not a score: choose 1, 2, 3, 4 or '
        "“Not assessed”.</p>"
    )
    assert nothing_stored(session)


def test_a_question_outside_the_session_is_404_and_nothing_is_stored(
    client_for, interviewer, session, position
):
    other = make_session(panel=[interviewer], position=position, count=8)
    response = client_for(interviewer).post(score_url(session, 8), {"score": "3"})
    assert response.status_code == 404
    assert nothing_stored(session)
    assert nothing_stored(other)


def test_a_submitted_scorecard_refuses_with_409(client_for, interviewer, session):
    finish(session.scorecards.get(), summary="Solid.")
    client = client_for(interviewer)
    response = client.post(score_url(session, 1), {"score": "3"})
    assert response.status_code == 409
    assert "This scorecard is submitted" in response.content.decode()
    htmx = client.post(score_url(session, 1), {"score": "3"}, headers=HTMX)
    assert htmx.status_code == 409
    assert "amendment" in htmx.content.decode()
    assert nothing_stored(session)


def test_a_scheduled_session_must_be_started_first(client_for, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    client = client_for(interviewer)
    response = client.post(score_url(session, 1), {"score": "3"})
    assert response.status_code == 409
    assert "This interview has not started yet: press “Start interview” first." in (
        response.content.decode()
    )
    assert nothing_stored(session)
    client.post(reverse("interviews:runner_start", args=[session.pk]))
    assert client.post(score_url(session, 1), {"score": "3"}).status_code == 303
    assert record(session, interviewer, 1).score == 3


def test_a_cancelled_session_refuses(client_for, interviewer, session):
    InterviewSession.objects.filter(pk=session.pk).update(state=SessionState.CANCELLED)
    response = client_for(interviewer).post(score_url(session, 1), {"score": "3"})
    assert response.status_code == 409
    assert "cancelled" in response.content.decode()
    assert nothing_stored(session)


def test_a_finished_session_can_still_be_scored_until_the_scorecard_is_submitted(
    client_for, interviewer, session
):
    session.finish(by=interviewer)
    response = client_for(interviewer).post(score_url(session, 5), {"score": "2"})
    assert response.status_code == 303
    assert record(session, interviewer, 5).score == 2


@pytest.mark.parametrize("persona", ["interviewer2", "manager", "stranger", "admin_user"])
def test_scoring_a_session_you_are_not_on_is_404(request, client_for, session, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(score_url(session, 1), {"score": "3"}).status_code == 404
    assert client.post(score_url(session, 1), {"score": "3"}, headers=HTMX).status_code == 404
    assert nothing_stored(session)


def test_score_refuses_get(client_for, interviewer, session):
    assert_refused(client_for(interviewer).get(score_url(session, 1)), 405)


def test_panelists_score_independently(client_for, interviewer, interviewer2, position):
    session = make_session(panel=[interviewer, interviewer2], position=position)
    client_for(interviewer).post(score_url(session, 1), {"score": "4"})
    client_for(interviewer2).post(score_url(session, 1), {"score": "1"})
    assert record(session, interviewer, 1).score == 4
    assert record(session, interviewer2, 1).score == 1


@pytest.mark.parametrize("count", [5, 30])
def test_the_score_request_query_count_is_flat(
    client_for, interviewer, position, django_assert_num_queries, count
):
    session = make_session(panel=[interviewer], position=position, count=count)
    client = client_for(interviewer)
    client.get(reverse("interviews:runner_question", args=[session.pk, 2]))
    # the web session, user with its role groups, scorecard+session+the question in one,
    # then record_score's one locking/auditing statement, which returns the new record (no
    # savepoint, no re-read).
    with django_assert_num_queries(4):
        response = client.post(score_url(session, 2), {"score": "3"}, headers=HTMX)
    assert 'aria-pressed="true"' in response.content.decode()
