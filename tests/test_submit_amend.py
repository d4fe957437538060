"""Submitting locks a scorecard; later changes are amendments (PRODUCT D1), in the database too."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from interviews.models import Amendment, AuditAction, AuditEvent, QuestionRecord, ScorecardLocked
from interviews.services.scorecards import amend_scorecard, save_scorecard_draft, submit_scorecard
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS
from tests.factories import complete_and_score, make_position, make_session
from tests.scorecard_data import card_of, finish, note, records_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(interviewer, interviewer2, manager):
    return make_session(panel=[interviewer, interviewer2], position=make_position(manager), count=3)


@pytest.fixture
def card(session, interviewer):
    card = card_of(session, interviewer)
    score(card, [2, 3, None])
    note(card, 1, "Knew B-trees.")
    return card


def save_url(session):
    return reverse("interviews:scorecard_save", args=[session.pk])


def amend_url(session):
    return reverse("interviews:scorecard_amend", args=[session.pk])


def test_submitting_locks_the_scorecard_and_audits_it(client_for, session, card, interviewer):
    complete_and_score(session, card)
    response = client_for(interviewer).post(
        save_url(session),
        {"recommendation": "strong_yes", "summary": "Hire.", "action": "submit"},
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.submitted_at is not None
    assert card.recommendation == "strong_yes"
    event = AuditEvent.objects.get(scorecard=card, action=AuditAction.SUBMITTED)
    assert event.actor == interviewer
    page = client_for(interviewer).get(response["Location"]).content.decode()
    assert "Submitted" in page
    assert "Amend this scorecard" in page
    assert "Submit scorecard" not in page


def test_submitting_over_htmx_redirects_the_browser(client_for, session, card, interviewer):
    complete_and_score(session, card)
    response = client_for(interviewer).post(
        save_url(session),
        {"recommendation": "no", "summary": "Not yet.", "action": "submit"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("interviews:scorecard", args=[session.pk])
    card.refresh_from_db()
    assert card.is_submitted


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recommendation": "yes", "summary": ""}, "Write a summary to submit."),
        ({"recommendation": "yes", "summary": "   "}, "Write a summary to submit."),
        ({"recommendation": "", "summary": "Fine."}, "Choose an overall recommendation"),
        ({"recommendation": "neutral", "summary": "Fine."}, "there is no neutral"),
    ],
)
def test_an_incomplete_submission_is_refused_and_nothing_locks(
    client_for, session, card, interviewer, data, message
):
    response = client_for(interviewer).post(save_url(session), {**data, "action": "submit"})
    assert response.status_code == 200
    assert message in response.content.decode()
    card.refresh_from_db()
    assert card.submitted_at is None
    assert not AuditEvent.objects.filter(scorecard=card, action=AuditAction.SUBMITTED).exists()


def test_the_service_refuses_an_incomplete_scorecard(session, card, interviewer):
    complete_and_score(session, card)
    with pytest.raises(ValidationError) as error:
        submit_scorecard(scorecard=card, by=interviewer)
    assert "summary" in error.value.message_dict
    card.refresh_from_db()
    assert card.submitted_at is None


def test_only_the_author_may_submit(card, interviewer2):
    with pytest.raises(PermissionDenied):
        submit_scorecard(scorecard=card, by=interviewer2)


def test_saving_a_submitted_scorecard_is_a_409(client_for, session, card, interviewer):
    finish(card, summary="Original summary.")
    response = client_for(interviewer).post(
        save_url(session), {"recommendation": "no", "summary": "Rewritten.", "action": "draft"}
    )
    assert response.status_code == 409
    assert "change it with an amendment below" in response.content.decode()
    card.refresh_from_db()
    assert card.summary == "Original summary."


def test_an_htmx_save_of_a_submitted_scorecard_refreshes_the_page(
    client_for, session, card, interviewer
):
    finish(card)
    response = client_for(interviewer).post(
        save_url(session),
        {"recommendation": "no", "summary": "x", "action": "submit"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert response["HX-Refresh"] == "true"


def test_record_score_and_save_notes_refuse_a_submitted_scorecard(card):
    finish(card)
    record = records_of(card)[0]
    with pytest.raises(ScorecardLocked):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=4,
            by_id=card.interviewer_id,
        )
    stored = QuestionRecord.save_notes(
        scorecard_id=card.pk,
        session_question_id=record.session_question_id,
        text="late edit",
        base_revision=record.notes_revision,
    )
    assert stored.locked and not stored.stored
    record.refresh_from_db()
    assert (record.score, record.notes) == (2, "Knew B-trees.")


def test_the_database_refuses_a_raw_update_of_a_submitted_record(card):
    finish(card)
    with pytest.raises(IntegrityError, match="change it with an amendment"), transaction.atomic():
        QuestionRecord.objects.filter(scorecard=card).update(score=4)
    with pytest.raises(IntegrityError, match="change it with an amendment"), transaction.atomic():
        type(card).objects.filter(pk=card.pk).update(summary="sneaky")
    assert list(QuestionRecord.objects.filter(scorecard=card).values_list("score", flat=True)) == [
        2,
        3,
        None,
    ]


def test_the_database_still_lets_a_draft_change(card):
    QuestionRecord.objects.filter(scorecard=card).update(follow_up_asked=True)
    assert QuestionRecord.objects.filter(scorecard=card, follow_up_asked=True).count() == 3


def test_an_amendment_changes_the_score_and_keeps_the_original(
    client_for, session, card, interviewer
):
    finish(card)
    record = records_of(card)[0]
    client = client_for(interviewer)
    response = client.post(
        amend_url(session),
        {"target": f"score:{record.pk}", "new_value": "3", "reason": "Re-read my notes."},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.score == 3
    amendment = Amendment.objects.get(record=record)
    assert (amendment.old_value, amendment.new_value, amendment.amended_by) == (
        "2",
        "3",
        interviewer,
    )
    html = client.get(reverse("interviews:scorecard", args=[session.pk])).content.decode()
    assert "originally" in html
    assert "score amended to" in html
    assert "Re-read my notes." in html
    assert AuditEvent.objects.filter(
        scorecard=card, action=AuditAction.AMENDED, old_value="score: 2", new_value="score: 3"
    ).exists()


def test_an_amendment_can_change_the_recommendation_and_summary(card, interviewer):
    finish(card, recommendation="no", summary="First take.")
    amend_scorecard(
        scorecard=card, by=interviewer, field="recommendation", new_value="yes", reason="Debrief."
    )
    amend_scorecard(
        scorecard=card, by=interviewer, field="summary", new_value="Second take.", reason="Typo."
    )
    card.refresh_from_db()
    assert (card.recommendation, card.summary) == ("yes", "Second take.")
    assert list(card.amendments.values_list("old_value", "new_value")) == [
        ("no", "yes"),
        ("First take.", "Second take."),
    ]


def test_the_amending_switch_does_not_outlive_the_amendment(card, interviewer):
    finish(card)
    record = records_of(card)[1]
    amend_scorecard(
        scorecard=card, by=interviewer, field="notes", record=record, new_value="x", reason="y"
    )
    # Still inside the test's transaction: a raw write must be refused again.
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionRecord.objects.filter(pk=record.pk).update(score=1)


def test_an_amendment_without_a_reason_is_refused(client_for, session, card, interviewer):
    finish(card)
    record = records_of(card)[0]
    response = client_for(interviewer).post(
        amend_url(session), {"target": f"score:{record.pk}", "new_value": "4", "reason": ""}
    )
    assert response.status_code == 200
    assert "Say why you are changing a submitted scorecard." in response.content.decode()
    record.refresh_from_db()
    assert record.score == 2
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("target", "value", "message"),
    [
        ("recommendation", "neutral", "A recommendation is strong_no, no, yes or strong_yes."),
        ("score", "5", "A score is 1, 2, 3, 4"),
        ("summary", "  ", "A submitted scorecard keeps a summary."),
    ],
)
def test_an_invalid_amendment_is_refused(
    client_for, session, card, interviewer, target, value, message
):
    finish(card)
    if target == "score":
        target = f"score:{records_of(card)[0].pk}"
    response = client_for(interviewer).post(
        amend_url(session), {"target": target, "new_value": value, "reason": "because"}
    )
    assert message in response.content.decode()
    assert not Amendment.objects.exists()


def test_an_amendment_of_another_scorecards_record_is_refused(
    client_for, session, card, interviewer, interviewer2
):
    finish(card)
    theirs = records_of(card_of(session, interviewer2))[0]
    response = client_for(interviewer).post(
        amend_url(session), {"target": f"score:{theirs.pk}", "new_value": "1", "reason": "x"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Amendment.objects.exists()


def test_a_draft_is_not_amended(client_for, session, card, interviewer):
    record = records_of(card)[0]
    response = client_for(interviewer).post(
        amend_url(session), {"target": f"score:{record.pk}", "new_value": "4", "reason": "x"}
    )
    assert response.status_code == 302
    assert not Amendment.objects.exists()
    with pytest.raises(ValidationError):
        amend_scorecard(
            scorecard=card, by=interviewer, field="score", record=record, new_value="4", reason="x"
        )


def wait_until_someone_waits_for_a_lock() -> None:
    """Poll pg_stat_activity until another backend is blocked on a lock (bounded)."""
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.05)
    raise AssertionError("the submission never waited for the write in flight")


def in_thread(work, results: list) -> threading.Thread:
    def run():
        try:
            results.append(work())
        except Exception as error:  # handed to the test thread to assert on
            results.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    for name in (INTERVIEWERS, HIRING_MANAGERS):
        Group.objects.get_or_create(name=name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["score", "notes"])
def test_a_submission_waits_for_a_write_in_flight_without_deadlock(
    role_groups, interviewer, interviewer2, manager, write
):
    session = make_session(panel=[interviewer, interviewer2], position=make_position(manager))
    card = card_of(session, interviewer)
    complete_and_score(session, card)
    save_scorecard_draft(scorecard=card, recommendation="yes", summary="Done.", by=interviewer)
    question_id = records_of(card)[0].session_question_id
    in_flight, release = threading.Event(), threading.Event()

    def slow_write():
        with transaction.atomic():
            if write == "score":
                QuestionRecord.record_score(
                    scorecard_id=card.pk,
                    session_question_id=question_id,
                    score=4,
                    by_id=card.interviewer_id,
                )
            else:
                QuestionRecord.save_notes(
                    scorecard_id=card.pk,
                    session_question_id=question_id,
                    text="last words",
                    base_revision=0,
                )
            in_flight.set()
            release.wait(10)
        return "written"

    results: list = []
    writer = in_thread(slow_write, results)
    assert in_flight.wait(10)
    submitter = in_thread(lambda: submit_scorecard(scorecard=card, by=interviewer), results)
    wait_until_someone_waits_for_a_lock()
    release.set()
    writer.join(10)
    submitter.join(10)
    assert not writer.is_alive() and not submitter.is_alive()
    assert results[0] == "written"
    assert not isinstance(results[1], Exception), results[1]
    record = QuestionRecord.objects.get(scorecard=card, session_question_id=question_id)
    assert (record.score, record.notes) == ((4, "") if write == "score" else (None, "last words"))
    card.refresh_from_db()
    assert card.is_submitted
    # And after the submission, the same write is refused.
    with pytest.raises(ScorecardLocked):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=question_id,
            score=1,
            by_id=card.interviewer_id,
        )


def test_an_invalid_htmx_amendment_re_renders_the_form_fragment(
    client_for, session, card, interviewer
):
    finish(card)
    record = records_of(card)[0]
    response = client_for(interviewer).post(
        amend_url(session),
        {"target": f"notes:{record.pk}", "new_value": "better notes", "reason": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="amend"' in html
    assert "<html" not in html
    assert "Say why you are changing a submitted scorecard." in html
    assert not Amendment.objects.exists()
