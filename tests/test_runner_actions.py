"""Runner verbs besides scoring: follow-up, skip, ad-hoc questions, start and finish.

Each works with plain POSTs (no JavaScript) and redirects back; strangers get 404.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from interviews.models import (
    AuditAction,
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    SessionQuestion,
    SessionState,
)
from questions.models import Question, Status
from tests.factories import make_session
from tests.htmx import HTMX
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def url(name, session, order=None):
    args = [session.pk] if order is None else [session.pk, order]
    return reverse(f"interviews:{name}", args=args)


def record(session, user, order):
    return QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=user, session_question__order=order
    )


# --- follow-up ---------------------------------------------------------------------------


def test_follow_up_asked_toggles_without_javascript(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(url("runner_follow_up", session, 2))
    assert response.status_code == 303
    assert response["Location"] == url("runner_question", session, 2)
    assert record(session, interviewer, 2).follow_up_asked is True
    page = client.get(response["Location"]).content.decode()
    assert 'id="follow-up-toggle" class="flag" aria-pressed="true"' in page
    client.post(url("runner_follow_up", session, 2))
    assert record(session, interviewer, 2).follow_up_asked is False
    audit = AuditEvent.objects.filter(action=AuditAction.FOLLOW_UP).values_list(
        "old_value", "new_value"
    )
    assert list(audit) == [("not asked", "asked"), ("asked", "not asked")]


def test_follow_up_over_htmx_returns_the_state(client_for, interviewer, session):
    response = client_for(interviewer).post(url("runner_follow_up", session, 1), headers=HTMX)
    html = response.content.decode()
    assert 'id="follow-up-toggle" class="flag" aria-pressed="true"' in html
    assert 'id="nav-q-1"' in html and 'data-hx-swap-oob="true"' in html
    assert "follow-up asked" in html
    assert (
        "Follow-up marked as asked"
        in json.loads(response["HX-Trigger"])["intervy:saved"]["message"]
    )


# --- skip ----------------------------------------------------------------------------------


def test_skip_marks_the_question_skipped_and_again_unskips(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(url("runner_skip", session, 3))
    assert response.status_code == 303
    assert record(session, interviewer, 3).skipped is True
    page = client.get(response["Location"]).content.decode()
    assert '<li id="nav-q-3" class="nav-item state-skipped">' in page
    assert "Question 3 skipped." in page
    htmx = client.post(url("runner_skip", session, 3), headers=HTMX)
    assert 'id="skip-toggle" class="flag" aria-pressed="false"' in htmx.content.decode()
    assert record(session, interviewer, 3).skipped is False


def test_skip_never_erases_a_score(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(url("runner_score", session, 1), {"score": "2"})
    response = client.post(url("runner_skip", session, 1))
    assert response.status_code == 409
    assert "already has a rating" in response.content.decode()
    saved = record(session, interviewer, 1)
    assert (saved.score, saved.skipped) == (2, False)
    htmx = client.post(url("runner_skip", session, 1), headers=HTMX)
    assert htmx.status_code == 409
    assert htmx["HX-Retarget"] == "#runner-error"
    assert not AuditEvent.objects.filter(action=AuditAction.SKIPPED).exists()


# --- ad-hoc questions --------------------------------------------------------------------


def test_an_ad_hoc_question_is_appended_for_every_panelist(
    client_for, interviewer, interviewer2, position
):
    session = make_session(panel=[interviewer, interviewer2], position=position)
    client = client_for(interviewer)
    response = client.post(
        url("runner_add_question", session),
        {"title": "Design a rate limiter", "prompt": "How would you *limit* requests?"},
    )
    assert response.status_code == 303
    assert response["Location"] == url("runner_question", session, 6)
    added = SessionQuestion.objects.get(session=session, order=6)
    assert added.is_ad_hoc and added.minutes == 5 and added.added_by == interviewer
    assert "<em>limit</em>" in added.prompt_html
    assert added.source_question is None
    assert QuestionRecord.objects.filter(session_question=added).count() == 2
    assert not Question.objects.filter(title="Design a rate limiter").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Design a rate limiter</h2>" in page
    assert "Question added." in page
    assert "Question 6 of 6" in page
    # The other panelist's navigator has it too.
    other = client_for(interviewer2).get(url("runner", session)).content.decode()
    assert "Design a rate limiter" in other


def test_an_ad_hoc_question_can_be_saved_to_the_bank_as_a_draft(client_for, interviewer, session):
    client = client_for(interviewer)
    for _ in range(2):
        client.post(
            url("runner_add_question", session),
            {
                "title": "Explain CAP",
                "prompt": "What is CAP?",
                "minutes": "7",
                "save_to_bank": "on",
            },
        )
    drafts = Question.objects.filter(title="Explain CAP").order_by("id")
    assert [(q.slug, q.status, q.category.name) for q in drafts] == [
        ("explain-cap", Status.DRAFT, "Ad hoc"),
        ("explain-cap-2", Status.DRAFT, "Ad hoc"),
    ]
    copies = SessionQuestion.objects.filter(session=session, is_ad_hoc=True).order_by("order")
    assert [(c.order, c.minutes, c.source_question_id) for c in copies] == [
        (6, 7, drafts[0].pk),
        (7, 7, drafts[1].pk),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.QUESTION_ADDED).count() == 2


def test_an_ad_hoc_question_needs_a_title_and_a_prompt(client_for, interviewer, session):
    client = client_for(interviewer)
    assert '<details class="add-question">' in client.get(url("runner", session)).content.decode()
    response = client.post(
        url("runner_add_question", session),
        {"title": "Rate limiter", "prompt": "", "minutes": "999"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The question was not added: see the form below." in html
    assert "This field is required." in html
    assert '<details class="add-question" open>' in html
    # What was typed stays in the form; only the bad fields are marked.
    assert 'id="adhoc-title" maxlength="200" required value="Rate limiter">' in html
    assert 'id="adhoc-prompt" rows="3" maxlength="10000" required aria-invalid="true"' in html
    assert session.questions.count() == 5


def test_ad_hoc_questions_are_refused_before_the_interview_starts(
    client_for, interviewer, position
):
    session = make_session(panel=[interviewer], position=position, started=False)
    response = client_for(interviewer).post(
        url("runner_add_question", session), {"title": "T", "prompt": "P"}
    )
    assert response.status_code == 409
    assert "not started" in response.content.decode()
    assert session.questions.count() == 5


# --- start and finish ----------------------------------------------------------------------


def test_start_interview_starts_the_clock(client_for, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    client = client_for(interviewer)
    response = client.post(url("runner_start", session))
    assert response.status_code == 303
    assert response["Location"] == url("runner", session)
    session.refresh_from_db()
    assert session.state == SessionState.IN_PROGRESS and session.started_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Start interview" not in page
    assert 'data-running="true"' in page
    assert "Finish interview" in page


def test_finish_completes_the_session_and_opens_the_scorecard(client_for, interviewer, session):
    client = client_for(interviewer)
    client.get(url("runner_question", session, 2))
    response = client.post(url("runner_finish", session))
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:scorecard", args=[session.pk])
    session.refresh_from_db()
    assert session.state == SessionState.COMPLETED and session.completed_at is not None
    assert record(session, interviewer, 2).entered_at is None  # its clock stopped
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_COMPLETED).count() == 1
    # Finishing twice is harmless.
    assert client.post(url("runner_finish", session)).status_code == 303
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_COMPLETED).count() == 1


def test_a_session_not_started_cannot_be_finished(client_for, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    response = client_for(interviewer).post(url("runner_finish", session))
    assert response.status_code == 409
    assert "only an interview in progress can be finished" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED


def test_a_cancelled_session_cannot_be_started(client_for, interviewer, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    InterviewSession.objects.filter(pk=session.pk).update(state=SessionState.CANCELLED)
    response = client_for(interviewer).post(url("runner_start", session))
    assert response.status_code == 409
    assert "cancelled" in response.content.decode()


def test_everything_is_where_it_was_after_a_reload(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(url("runner_score", session, 1), {"score": "3"})
    client.post(url("runner_notes", session, 1), {"notes": "Good on joins", "base_revision": "0"})
    client.post(url("runner_follow_up", session, 1))
    client.get(url("runner_question", session, 2))
    client.post(url("runner_visit", session, 2))  # what runner.js does once the page is up
    client.post(url("runner_score", session, 2), {"score": "na"})
    page = client.get(url("runner", session)).content.decode()
    assert f'<a href="{url("runner_question", session, 2)}" aria-current="step">' in page
    first = client.get(url("runner_question", session, 1)).content.decode()
    assert 'id="score-3" class="score score-3" aria-pressed="true"' in first
    assert "Good on joins</textarea>" in first
    assert 'id="follow-up-toggle" class="flag" aria-pressed="true"' in first
    assert "not assessed" in first


# --- access ----------------------------------------------------------------------------------

POSTS = [
    ("runner_follow_up", 1, {}),
    ("runner_skip", 1, {}),
    ("runner_notes", 1, {"notes": "x", "base_revision": "0"}),
    ("runner_visit", 1, {}),
    ("runner_score", 1, {"score": "3"}),
    ("runner_add_question", None, {"title": "T", "prompt": "P"}),
    ("runner_start", None, {}),
    ("runner_finish", None, {}),
]


@pytest.mark.parametrize("persona", ["interviewer2", "manager", "stranger"])
@pytest.mark.parametrize(("name", "order", "data"), POSTS)
def test_every_runner_action_is_404_off_the_panel(
    request, client_for, session, persona, name, order, data
):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(url(name, session, order), data).status_code == 404
    assert client.post(url(name, session, order), data, headers=HTMX).status_code == 404
    session.refresh_from_db()
    assert session.state == SessionState.IN_PROGRESS
    assert session.questions.count() == 5
    assert not AuditEvent.objects.exclude(action=AuditAction.SESSION_STARTED).exists()


@pytest.mark.parametrize(("name", "order", "data"), POSTS)
def test_every_runner_action_refuses_get(client_for, interviewer, session, name, order, data):
    assert_refused(client_for(interviewer).get(url(name, session, order)), 405)
