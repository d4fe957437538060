"""The audit trail (PRODUCT D5): who recorded or changed which score, when, old → new."""

import pytest
from django.urls import reverse

from interviews.models import AuditAction, AuditEvent
from interviews.services.scorecards import amend_scorecard
from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, records_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(interviewer, interviewer2, manager):
    session = make_session(panel=[interviewer, interviewer2], position=make_position(manager))
    card = card_of(session, interviewer)
    score(card, [2, 3, 3, 3, 3])
    score(card, [4])  # a change of mind before submitting
    finish(card, recommendation="yes")
    record = records_of(card)[1]
    amend_scorecard(
        scorecard=card,
        by=interviewer,
        field="score",
        record=record,
        new_value="not assessed",
        reason="Ran out of time on this one",
    )
    return card


def detail(card):
    return reverse("interviews:scorecard_detail", args=[card.pk])


def test_every_change_submission_and_amendment_is_recorded(card, interviewer):
    events = list(AuditEvent.objects.filter(scorecard=card).order_by("at", "id"))
    first_question = [
        e for e in events if e.session_question_id == records_of(card)[0].session_question_id
    ]
    assert [(e.action, e.old_value, e.new_value) for e in first_question] == [
        (AuditAction.SCORE, "", "2"),
        (AuditAction.SCORE, "2", "4"),
    ]
    assert {e.actor for e in events} == {interviewer}
    actions = [e.action for e in events]
    assert actions.count(AuditAction.SUBMITTED) == 1
    amended = events[-1]
    assert (amended.action, amended.old_value, amended.new_value) == (
        AuditAction.AMENDED,
        "score: 3",
        "score: not assessed",
    )


def test_the_owning_manager_sees_the_history(client_for, card, manager):
    html = client_for(manager).get(detail(card)).content.decode()
    assert "History" in html
    assert "Score recorded" in html
    assert "2 → 4" in html
    assert "Scorecard submitted" in html
    assert "score: 3 → score: not assessed" in html
    # And the amendment itself, with its reason, beside the original.
    assert "Ran out of time on this one" in html


def test_an_admin_sees_the_history(client_for, card, admin_user):
    html = client_for(admin_user).get(detail(card)).content.decode()
    assert "History" in html and "2 → 4" in html


def test_other_panelists_do_not_see_the_history(client_for, card, interviewer2):
    finish(card_of(card.session, interviewer2))
    response = client_for(interviewer2).get(detail(card))
    html = response.content.decode()
    assert response.status_code == 200  # the scorecard itself, after submitting
    assert "History" not in html
    assert "2 → 4" not in html


def test_the_author_sees_amendments_but_not_the_audit_table(client_for, card, interviewer):
    html = client_for(interviewer).get(detail(card)).content.decode()
    assert "Ran out of time on this one" in html
    assert "History" not in html


def test_another_manager_sees_nothing(client_for, card, other_manager):
    assert_refused(client_for(other_manager).get(detail(card)), 404)
