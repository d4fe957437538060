"""The runner page: what an interviewer sees, where it opens, its clocks, who may open it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import InterviewSession, QuestionRecord, Scorecard, SessionState
from tests.factories import make_session
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def runner_url(session, order=None):
    if order is None:
        return reverse("interviews:runner", args=[session.pk])
    return reverse("interviews:runner_question", args=[session.pk, order])


def visit_url(session, order):
    return reverse("interviews:runner_visit", args=[session.pk, order])


def open_in_browser(client, session, order):
    """What a browser with runner.js does: GET the page, then POST the visit."""
    response = client.get(runner_url(session, order))
    assert client.post(visit_url(session, order)).status_code == 204
    return response


def question(session, order):
    return session.questions.get(order=order)


def record(session, user, order):
    return QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=user, session_question__order=order
    )


def current_nav(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" aria-current="step">', html)
    assert match, "no navigator item is marked current"
    return match.group(1)


def test_it_shows_the_candidate_position_template_and_the_first_question(
    client_for, interviewer, session
):
    html = client_for(interviewer).get(runner_url(session)).content.decode()
    first = question(session, 1)
    assert "Ada Lovelace" in html
    assert "Backend engineer" in html
    assert session.template_name in html
    assert f'<h2 id="question-title" class="question-title">{first.title}</h2>' in html
    assert first.category_name in html
    assert "Medium" in html
    assert "Question 1 of 5" in html


def test_it_shows_prompt_collapsible_reference_answer_and_follow_up(
    client_for, interviewer, session
):
    html = client_for(interviewer).get(runner_url(session, 2)).content.decode()
    second = question(session, 2)
    assert second.prompt_html in html
    assert re.search(
        r"<details class=\"reference\">\s*<summary>Reference answer</summary>", html
    ), "the reference answer is not collapsible"
    assert "<strong>reference</strong>" in html
    assert second.follow_up_html in html
    assert 'id="follow-up-toggle"' in html and "Follow-up asked" in html


def test_score_buttons_begin_with_their_score_and_show_the_anchor(client_for, interviewer, session):
    html = client_for(interviewer).get(runner_url(session, 1)).content.decode()
    first = question(session, 1)
    for level in (1, 2, 3, 4):
        button = re.search(
            rf'<button type="submit" name="score" value="{level}"[^>]*>(.*?)</button>', html
        )
        assert button, f"no button for score {level}"
        text = re.sub(r"<[^>]+>", "", button.group(1))
        assert text.startswith(f"{level} — ")
        assert first.anchor(level) in text
    not_assessed = re.search(
        r'<button type="submit" name="score" value="na"[^>]*>(.*?)</button>', html
    )
    assert re.sub(r"<[^>]+>", "", not_assessed.group(1)).startswith("Not assessed")


def test_the_chosen_score_is_marked_pressed(client_for, interviewer, session):
    QuestionRecord.record_score(
        scorecard_id=record(session, interviewer, 1).scorecard_id,
        session_question_id=question(session, 1).pk,
        score=3,
        by_id=interviewer.pk,
    )
    html = client_for(interviewer).get(runner_url(session, 1)).content.decode()
    assert re.search(r'value="3" id="score-3" class="score score-3" aria-pressed="true"', html)
    assert re.search(r'value="2" id="score-2" class="score score-2" aria-pressed="false"', html)
    assert "Scored 3" in html


def test_the_navigator_lists_every_question_with_its_state(client_for, interviewer, session):
    scorecard_id = record(session, interviewer, 1).scorecard_id
    QuestionRecord.record_score(
        scorecard_id=scorecard_id,
        session_question_id=question(session, 1).pk,
        score=4,
        by_id=interviewer.pk,
    )
    QuestionRecord.record_score(
        scorecard_id=scorecard_id,
        session_question_id=question(session, 2).pk,
        score=None,
        by_id=interviewer.pk,
    )
    QuestionRecord.toggle_skipped(
        scorecard_id=scorecard_id, session_question_id=question(session, 3).pk, by_id=interviewer.pk
    )
    html = client_for(interviewer).get(runner_url(session, 4)).content.decode()
    states = re.findall(r'<li id="nav-q-(\d+)" class="nav-item state-(\w+)"', html)
    assert states == [
        ("1", "scored"),
        ("2", "not_assessed"),
        ("3", "skipped"),
        ("4", "unasked"),
        ("5", "unasked"),
    ]
    assert "scored 4" in html and "not assessed" in html and ">skipped<" in html
    assert current_nav(html) == runner_url(session, 4)


def test_it_has_a_notes_field_labelled_notes_with_a_saved_state(client_for, interviewer, session):
    QuestionRecord.save_notes(
        scorecard_id=record(session, interviewer, 1).scorecard_id,
        session_question_id=question(session, 1).pk,
        text="Talked about <b>indexes</b>",
        base_revision=0,
    )
    html = client_for(interviewer).get(runner_url(session, 1)).content.decode()
    assert '<label for="notes">Notes</label>' in html
    assert "Talked about &lt;b&gt;indexes&lt;/b&gt;</textarea>" in html
    assert 'data-revision="1"' in html
    assert 'name="base_revision" value="1"' in html
    assert ">Saved</span>" in html
    assert "Save notes" in html


def test_previous_and_next_links_follow_the_question_order(client_for, interviewer, session):
    html = client_for(interviewer).get(runner_url(session, 3)).content.decode()
    assert f'href="{runner_url(session, 2)}" rel="prev"' in html
    assert f'href="{runner_url(session, 4)}" rel="next"' in html
    first = client_for(interviewer).get(runner_url(session, 1)).content.decode()
    assert '<span class="button" aria-disabled="true">← Previous question</span>' in first


def test_it_reopens_at_the_question_where_the_interviewer_left_off(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    open_in_browser(client, session, 4)
    html = client.get(runner_url(session)).content.decode()
    assert current_nav(html) == runner_url(session, 4)
    assert f">{question(session, 4).title}</h2>" in html
    assert Scorecard.objects.get(session=session).current_question == question(session, 4)


def test_panelists_keep_their_own_place(client_for, interviewer, interviewer2, position):
    session = make_session(panel=[interviewer, interviewer2], position=position)
    open_in_browser(client_for(interviewer), session, 3)
    open_in_browser(client_for(interviewer2), session, 2)
    assert current_nav(client_for(interviewer).get(runner_url(session)).content.decode()) == (
        runner_url(session, 3)
    )


def test_a_reload_does_not_reset_the_question_clock(client_for, interviewer, session):
    client = client_for(interviewer)
    open_in_browser(client, session, 1)
    first_visit = record(session, interviewer, 1)
    assert first_visit.entered_at is not None
    earlier = timezone.now() - timedelta(minutes=2)
    QuestionRecord.objects.filter(pk=first_visit.pk).update(entered_at=earlier)
    html = open_in_browser(client, session, 1).content.decode()
    assert record(session, interviewer, 1).entered_at == earlier
    spent = int(re.search(r'data-question-spent="(\d+)"', html).group(1))
    assert 120 <= spent < 180


def test_moving_on_closes_the_visit_and_keeps_its_time(client_for, interviewer, session):
    client = client_for(interviewer)
    open_in_browser(client, session, 1)
    QuestionRecord.objects.filter(pk=record(session, interviewer, 1).pk).update(
        entered_at=timezone.now() - timedelta(seconds=90), seconds_spent=30
    )
    open_in_browser(client, session, 2)
    left = record(session, interviewer, 1)
    assert left.entered_at is None
    # now() in the database is the test transaction's start, so allow for it.
    assert left.seconds_spent >= 90
    assert record(session, interviewer, 2).entered_at is not None
    assert record(session, interviewer, 2).first_shown_at is not None


def test_timers_and_pace_come_from_server_timestamps(client_for, interviewer, session):
    now = timezone.now()
    InterviewSession.objects.filter(pk=session.pk).update(started_at=now - timedelta(minutes=12))
    client = client_for(interviewer)
    open_in_browser(client, session, 1)
    QuestionRecord.objects.filter(pk=record(session, interviewer, 1).pk).update(
        entered_at=now - timedelta(minutes=12)
    )
    html = client.get(runner_url(session, 1)).content.decode()
    total = int(re.search(r'data-total-elapsed="(\d+)"', html).group(1))
    assert 720 <= total < 780
    assert 'data-question-budget="300"' in html
    assert 'data-running="true"' in html
    # The pace the script moves on: a 25-minute plan, the other four questions' 20 still
    # needed, this one over its budget (so it holds for no second more).
    pace = int(re.search(r'data-pace-pending="(-?\d+)"', html).group(1))
    assert pace == 1500 - (total + 1200)
    assert 'data-pace-pending-steady-for="0"' in html
    assert f'data-pace-rated="{pace}"' in html
    # 12 minutes on a 5-minute question, with the other four untouched: 7 behind.
    assert ">7 min behind</p>" in html


def test_pace_is_ahead_when_questions_went_faster_than_planned(client_for, interviewer, session):
    now = timezone.now()
    InterviewSession.objects.filter(pk=session.pk).update(started_at=now - timedelta(minutes=4))
    scorecard_id = record(session, interviewer, 1).scorecard_id
    for order in (1, 2):
        QuestionRecord.record_score(
            scorecard_id=scorecard_id,
            session_question_id=question(session, order).pk,
            score=3,
            by_id=interviewer.pk,
        )
    html = client_for(interviewer).get(runner_url(session, 3)).content.decode()
    assert ">6 min ahead</p>" in html


def test_a_scheduled_session_shows_start_interview_and_disabled_scores(
    client_for, interviewer, position
):
    session = make_session(panel=[interviewer], position=position, started=False)
    html = client_for(interviewer).get(runner_url(session)).content.decode()
    assert "Start interview" in html
    assert 'class="score-buttons" disabled' in html
    assert 'data-running="false"' in html
    assert "Not started" in html
    assert "Finish interview" not in html


def test_a_completed_session_shows_it_is_finished(client_for, interviewer, session):
    session.finish(by=interviewer)
    html = client_for(interviewer).get(runner_url(session)).content.decode()
    assert "This interview is finished" in html
    assert reverse("interviews:scorecard", args=[session.pk]) in html
    assert "Finish interview" not in html
    assert 'data-running="false"' in html


def test_it_has_the_help_overlay_and_the_add_question_form(client_for, interviewer, session):
    html = client_for(interviewer).get(runner_url(session)).content.decode()
    assert '<dialog id="runner-help"' in html
    assert "Keyboard shortcuts" in html
    assert "<summary>Add an ad-hoc question</summary>" in html
    assert "Save to the bank as a draft" in html


def test_an_unknown_question_is_404_with_a_clear_message(client_for, interviewer, session):
    response = client_for(interviewer).get(runner_url(session, 99))
    assert_refused(response, 404)


@pytest.mark.parametrize("persona", ["interviewer2", "manager", "stranger", "admin_user"])
def test_anyone_not_on_the_panel_gets_404(request, client_for, session, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert_refused(client.get(runner_url(session)), 404)
    assert_refused(client.get(runner_url(session, 1)), 404)
    assert Scorecard.objects.filter(session=session, interviewer=user).count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, session):
    response = client.get(runner_url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_runner_page_refuses_post(client_for, interviewer, session):
    assert_refused(client_for(interviewer).post(runner_url(session)), 405)
    assert_refused(client_for(interviewer).post(runner_url(session, 1)), 405)


@pytest.mark.parametrize("count", [5, 30])
def test_the_runner_page_query_count_is_flat(
    client_for, interviewer, position, django_assert_num_queries, count
):
    session = make_session(panel=[interviewer], position=position, count=count)
    client = client_for(interviewer)
    client.get(runner_url(session, 2))
    # A reload of the same question: the web session, user with its role groups,
    # scorecard with its session/candidate/position, the records with their questions.
    with django_assert_num_queries(4):
        response = client.get(runner_url(session, 2))
    assert response.status_code == 200
    assert response.content.decode().count('class="nav-item') == count
    # Opening another question writes nothing either: the same four reads.
    with django_assert_num_queries(4):
        response = client.get(runner_url(session, 3))
    assert current_nav(response.content.decode()) == runner_url(session, 3)
    # The script's visit: the web session, the user, the panel row with the question,
    # and the one statement that moves the clock, whatever the question count.
    with django_assert_num_queries(4):
        assert client.post(visit_url(session, 3)).status_code == 204


def test_a_session_stays_in_progress_after_viewing(client_for, interviewer, session):
    client_for(interviewer).get(runner_url(session, 2))
    session.refresh_from_db()
    assert session.state == SessionState.IN_PROGRESS


def test_opening_a_question_without_the_script_moves_no_clock(client_for, interviewer, session):
    """An image or a prefetch pointing at a runner URL is a GET: it must change nothing."""
    client = client_for(interviewer)
    open_in_browser(client, session, 1)
    client.get(runner_url(session, 3))
    assert record(session, interviewer, 1).entered_at is not None
    assert record(session, interviewer, 3).entered_at is None
    assert Scorecard.objects.get(session=session).current_question == question(session, 1)


def test_a_visit_to_a_finished_interview_moves_the_place_but_no_clock(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    open_in_browser(client, session, 1)
    session.finish(by=interviewer)
    open_in_browser(client, session, 2)
    assert Scorecard.objects.get(session=session).current_question == question(session, 2)
    assert record(session, interviewer, 2).entered_at is None
    assert record(session, interviewer, 2).first_shown_at is None


def test_the_visit_refuses_get_and_strangers(client_for, interviewer2, session, interviewer):
    assert_refused(client_for(interviewer).get(visit_url(session, 1)), 405)
    assert_refused(client_for(interviewer2).post(visit_url(session, 1)), 404)
    assert_refused(client_for(interviewer).post(visit_url(session, 42)), 404)
