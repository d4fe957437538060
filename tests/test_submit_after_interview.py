"""A scorecard is submitted only after the interview (PRODUCT D2), and the database keeps
a submitted card's questions fixed and the history append-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from interviews.models import (
    Amendment,
    AuditAction,
    AuditEvent,
    QuestionRecord,
    SessionState,
)
from interviews.services.scorecards import amend_scorecard, submit_scorecard
from tests.factories import complete_and_score, make_position, make_session
from tests.htmx import HTMX
from tests.scorecard_data import card_of, finish, records_of, score

pytestmark = pytest.mark.django_db

SUBMIT = {"recommendation": "yes", "summary": "Clear on indexes.", "action": "submit"}


@pytest.fixture
def session(interviewer, interviewer2, manager):
    return make_session(panel=[interviewer, interviewer2], position=make_position(manager), count=3)


def save_url(session):
    return reverse("interviews:scorecard_save", args=[session.pk])


def titles(session):
    return {q.order: q.title for q in session.questions.all()}


def nothing_changed(card, summary_before=""):
    card.refresh_from_db()
    assert card.submitted_at is None
    assert card.summary == summary_before
    assert not AuditEvent.objects.filter(scorecard=card, action=AuditAction.SUBMITTED).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_submitting_during_the_interview_is_refused_and_names_the_open_questions(
    client_for, session, interviewer, headers
):
    card = card_of(session, interviewer)
    score(card, [3])  # question 1 scored; 2 and 3 open; the interview still running
    response = client_for(interviewer).post(save_url(session), SUBMIT, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The interview has not finished" in html
    assert "2 questions are still open" in html
    names = titles(session)
    assert f"Q2 “{names[2]}”" in html
    assert f"Q3 “{names[3]}”" in html
    assert f"Q1 “{names[1]}”" not in html
    if headers:
        assert 'id="finalize"' in html and "<html" not in html  # the partial only
    nothing_changed(card)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_after_the_interview_an_open_question_still_blocks_submitting(
    client_for, session, interviewer, headers
):
    card = card_of(session, interviewer)
    session.finish(by=interviewer)
    score(card, [2, None])  # a score and "not assessed"; question 3 open
    response = client_for(interviewer).post(save_url(session), SUBMIT, headers=headers)
    html = response.content.decode()
    assert "The interview has not finished" not in html
    assert "1 question is still open — score each, mark it not assessed, or skip it" in html
    assert f"Q3 “{titles(session)[3]}”" in html
    nothing_changed(card)


def test_scored_not_assessed_or_skipped_is_enough_once_the_interview_is_over(
    client_for, session, interviewer
):
    card = card_of(session, interviewer)
    score(card, [4, None])
    session.finish(by=interviewer)
    record = records_of(card)[2]
    QuestionRecord.toggle_skipped(
        scorecard_id=card.pk, session_question_id=record.session_question_id, by_id=interviewer.pk
    )
    response = client_for(interviewer).post(save_url(session), SUBMIT)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.is_submitted


def test_the_draft_page_says_what_blocks_submitting(client_for, session, interviewer):
    card = card_of(session, interviewer)
    score(card, [1, 2])
    html = client_for(interviewer).get(reverse("interviews:scorecard", args=[session.pk]))
    html = html.content.decode()
    assert "the interview has not been finished" in html
    assert f"Q3 “{titles(session)[3]}”</a> is open" in html
    session.finish(by=interviewer)
    score(card, [1, 2, 3])
    html = client_for(interviewer).get(reverse("interviews:scorecard", args=[session.pk]))
    assert "Submitting opens when" not in html.content.decode()


def test_an_early_submission_cannot_open_the_debrief(
    client_for, session, interviewer, interviewer2
):
    """The attack of issue 9: submit "Yes" before the interview to read the others' cards."""
    other = card_of(session, interviewer2)
    score(other, [1, 1, 1])
    complete_and_score(session, other)
    other.summary, other.recommendation = "B-SUBMITTED-VERDICT", "no"
    other.save()
    submit_scorecard(scorecard=other, by=interviewer2)
    client = client_for(interviewer)
    client.post(save_url(session), {"recommendation": "yes", "summary": "x", "action": "submit"})
    assert not card_of(session, interviewer).is_submitted  # open questions: refused
    debrief = client.get(reverse("interviews:debrief", args=[session.pk]))
    assert "B-SUBMITTED-VERDICT" not in debrief.content.decode()


# --- the database's side --------------------------------------------------------------


@pytest.fixture
def submitted(session, interviewer):
    card = card_of(session, interviewer)
    score(card, [3, 3, 3])
    return finish(card)


def test_an_ad_hoc_question_adds_no_record_to_a_submitted_card(
    session, interviewer, interviewer2, submitted
):
    # A submitted card with its session still running: data from before this rule.
    session.refresh_from_db()
    type(session).objects.filter(pk=session.pk).update(state=SessionState.IN_PROGRESS)
    session.refresh_from_db()
    question = session.add_ad_hoc_question(
        title="Sharding", prompt="How?", minutes=5, added_by=interviewer2, save_to_bank=False
    )
    assert not QuestionRecord.objects.filter(scorecard=submitted, session_question=question)
    assert QuestionRecord.objects.filter(
        scorecard=card_of(session, interviewer2), session_question=question
    ).exists()
    assert submitted.records.count() == 3


def test_the_database_refuses_a_record_inserted_into_a_submitted_card(session, submitted):
    with pytest.raises(IntegrityError, match="is submitted"), transaction.atomic():
        # A second record for another question of the session would slip past the
        # unique constraint; the trigger must refuse it.
        other = session.questions.create(
            order=99,
            title="Late",
            category_name="x",
            category_slug="x",
            difficulty="easy",
            prompt="p",
            prompt_html="<p>p</p>",
        )
        QuestionRecord.objects.create(scorecard=submitted, session_question=other)


def test_the_database_refuses_deleting_a_record_of_a_submitted_card(submitted):
    with pytest.raises(IntegrityError, match="is submitted"), transaction.atomic():
        submitted.records.first().delete()
    assert submitted.records.count() == 3


def test_a_draft_card_still_gains_and_loses_records(session, interviewer2):
    draft = card_of(session, interviewer2)
    draft.records.first().delete()
    assert draft.records.count() == 2


def test_amendments_and_audit_events_are_append_only(submitted, interviewer):
    record = records_of(submitted)[0]
    amend_scorecard(
        scorecard=submitted,
        by=interviewer,
        field="score",
        new_value="4",
        reason="Re-read.",
        record=record,
    )
    amendment = Amendment.objects.get(scorecard=submitted)
    event = AuditEvent.objects.filter(scorecard=submitted).first()
    for change in (
        lambda: Amendment.objects.filter(pk=amendment.pk).update(reason="nothing happened"),
        lambda: Amendment.objects.filter(pk=amendment.pk).delete(),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(new_value="forged"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            change()
    amendment.refresh_from_db()
    event.refresh_from_db()
    assert amendment.reason == "Re-read."
    assert event.new_value != "forged"
    # Appending still works.
    AuditEvent.objects.create(actor=interviewer, session=submitted.session, action="score")
