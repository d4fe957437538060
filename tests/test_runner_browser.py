"""The runner in a real browser: keys, clicks, autosave, retries, the help overlay.

Debian's Chromium through Playwright, against Django's live server. "No full page load"
is checked with a marker on `window` that a reload would wipe.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from interviews.models import InterviewSession, QuestionRecord, Scorecard, SessionState
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS
from tests.factories import make_position, make_session
from tests.htmx import wait_until_settled
from tests.scorecard_data import finish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    for name in (INTERVIEWERS, HIRING_MANAGERS):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def session(interviewer, manager):
    return make_session(
        panel=[interviewer], position=make_position(manager), candidate_name="Grace Hopper"
    )


@pytest.fixture
def runner(page: Page, live_server, interviewer, session):
    """A page signed in as the interviewer; `runner(order)` opens that question."""
    client = Client()
    client.force_login(interviewer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    def open_question(order: int | None = None) -> Page:
        if order is None:
            path = reverse("interviews:runner", args=[session.pk])
        else:
            path = reverse("interviews:runner_question", args=[session.pk, order])
        page.goto(live_server.url + path)
        expect(page.locator("html.js")).to_have_count(1)  # runner.js is running
        return page

    return open_question


def record(session, order):
    return QuestionRecord.objects.get(scorecard__session=session, session_question__order=order)


def score_button(page: Page, label: str):
    return page.get_by_role("button", name=re.compile(rf"^{label} "))


def mark_page(page: Page) -> None:
    page.evaluate("window.__marker = 1")


def assert_no_page_load(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded"


def test_scoring_by_click_saves_without_a_page_load(runner, session):
    page = runner(1)
    mark_page(page)
    score_button(page, "3 —").click()
    expect(score_button(page, "3 —")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#nav-q-1")).to_contain_text("scored 3")
    expect(page.locator("#runner-announce")).to_have_text("Score 3 saved for question 1.")
    expect(page.locator("#unasked-count")).to_have_text("4 questions not rated yet.")
    assert_no_page_load(page)
    assert record(session, 1).score == 3
    # Changing it: the old choice is released.
    wait_until_settled(page, "#question-state")
    score_button(page, "1 —").click()
    expect(score_button(page, "1 —")).to_have_attribute("aria-pressed", "true")
    expect(score_button(page, "3 —")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#nav-q-1")).to_contain_text("scored 1")
    assert_no_page_load(page)


def test_scoring_by_key_saves_without_a_page_load(runner, session):
    page = runner(2)
    mark_page(page)
    page.keyboard.press("4")
    expect(score_button(page, "4 —")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#nav-q-2")).to_contain_text("scored 4")
    page.keyboard.press("0")
    expect(score_button(page, "Not assessed")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#nav-q-2")).to_contain_text("not assessed")
    page.keyboard.press("f")
    expect(page.locator("#follow-up-toggle")).to_have_attribute("aria-pressed", "true")
    assert_no_page_load(page)
    saved = record(session, 2)
    assert (saved.score, saved.not_assessed, saved.follow_up_asked) == (None, True, True)


def test_quick_key_presses_end_in_the_last_one(runner, session):
    page = runner(1)
    for key in "1234":
        page.keyboard.press(key)
    expect(score_button(page, "4 —")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#nav-q-1")).to_contain_text("scored 4")
    assert record(session, 1).score == 4


def test_skip_by_key_and_the_refusal_to_skip_a_scored_question(runner, session):
    page = runner(3)
    mark_page(page)
    page.keyboard.press("s")
    expect(page.locator("#skip-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#nav-q-3")).to_contain_text("skipped")
    page.keyboard.press("2")
    expect(page.locator("#nav-q-3")).to_contain_text("scored 2")
    page.keyboard.press("s")
    expect(page.get_by_role("alert")).to_contain_text("already has a rating")
    expect(page.locator("#nav-q-3")).to_contain_text("scored 2")
    assert_no_page_load(page)
    assert (record(session, 3).score, record(session, 3).skipped) == (2, False)


def test_keys_do_not_fire_while_typing_and_escape_leaves_the_notes(runner, session):
    page = runner(1)
    notes = page.get_by_label("Notes", exact=True)
    notes.click()
    page.keyboard.type("n1 p2 s3 f4 ?0")
    expect(notes).to_have_value("n1 p2 s3 f4 ?0")
    expect(page.locator("#notes-status")).to_have_text("Saved")
    assert record(session, 1).score is None
    assert page.url.endswith(reverse("interviews:runner_question", args=[session.pk, 1]))
    page.keyboard.press("Escape")
    expect(notes).not_to_be_focused()
    page.keyboard.press("3")
    expect(score_button(page, "3 —")).to_have_attribute("aria-pressed", "true")


def test_notes_autosave_and_survive_a_reload(runner, session):
    page = runner(2)
    notes = page.get_by_label("Notes", exact=True)
    notes.click()
    page.keyboard.type("Explains write-ahead logging well.")
    expect(page.locator("#notes-status")).to_have_text("Saved")
    assert record(session, 2).notes == "Explains write-ahead logging well."
    page.reload()
    expect(page.get_by_label("Notes", exact=True)).to_have_value(
        "Explains write-ahead logging well."
    )
    expect(page.locator("#notes-status")).to_have_text("Saved")
    # Editing again after the reload continues from the stored revision.
    page.get_by_label("Notes", exact=True).press("End")
    page.keyboard.type(" Weak on replication.")
    expect(page.locator("#notes-status")).to_have_text("Saved")
    saved = record(session, 2)
    assert saved.notes == "Explains write-ahead logging well. Weak on replication."
    assert saved.notes_revision > 1


def test_notes_typed_just_before_leaving_are_not_lost(runner, session):
    page = runner(1)
    page.get_by_label("Notes", exact=True).click()
    page.keyboard.type("Left in a hurry")
    page.keyboard.press("Escape")
    page.keyboard.press("n")  # before the debounce fires
    expect(page.locator("#question-title")).to_have_text(session.questions.get(order=2).title)
    page.keyboard.press("p")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Left in a hurry")
    expect(page.locator("#notes-status")).to_have_text("Saved")
    assert record(session, 1).notes == "Left in a hurry"


def test_a_failed_save_says_so_and_is_retried(runner, session, page: Page):
    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=500, body="boom")
        else:
            route.continue_()

    page.route(re.compile(r".*/questions/1/notes$"), fail_once)
    page = runner(1)
    page.get_by_label("Notes", exact=True).click()
    page.keyboard.type("Retry me")
    expect(page.locator("#notes-status")).to_have_text("Not saved — retrying")
    expect(page.locator("#notes-status")).to_have_text("Saved")
    assert len(failures) == 1
    assert record(session, 1).notes == "Retry me"


def test_a_refused_save_shows_the_reason(runner, session):
    page = runner(1)
    finish(session.scorecards.get(), summary="Good.")
    page.get_by_label("Notes", exact=True).click()
    page.keyboard.type("Too late")
    expect(page.locator("#notes-status")).to_contain_text("Not saved — This scorecard is submitted")
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    expect(page.get_by_role("alert")).to_contain_text("This scorecard is submitted")
    assert record(session, 1).score is None


def test_the_help_overlay_opens_with_question_mark_and_closes_with_escape(runner):
    page = runner(1)
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Not assessed")
    expect(page.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("3")  # keys are inert while the help is open
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    expect(score_button(page, "3 —")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name=re.compile("^Keys")).click()
    expect(help_dialog).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(help_dialog).to_be_hidden()


def test_an_interview_run_by_keyboard_alone(runner, session):
    """Score every question by key, notes on some, a reload midway, finish: nothing lost."""
    page = runner()
    titles = [question.title for question in session.questions.order_by("order")]
    scores = ["3", "4", "0", "2", "1"]
    for index, (title, key) in enumerate(zip(titles, scores, strict=True), start=1):
        expect(page.locator("#question-title")).to_have_text(title)
        mark_page(page)
        page.keyboard.press(key)
        expect(page.locator(f"#nav-q-{index}")).to_contain_text(
            "not assessed" if key == "0" else f"scored {key}"
        )
        assert_no_page_load(page)
        if index in (1, 2, 4):
            page.get_by_label("Notes", exact=True).focus()
            page.keyboard.type(f"Evidence for question {index}")
            page.keyboard.press("Escape")
            expect(page.locator("#notes-status")).to_have_text("Saved")
        if index == 3:
            page.reload()
            expect(page.locator("#question-title")).to_have_text(title)
            expect(page.locator(f"#nav-q-{index}")).to_contain_text("not assessed")
        if index < len(titles):
            page.keyboard.press("ArrowRight" if index % 2 else "n")
    page.keyboard.press("p")
    expect(page.locator("#question-title")).to_have_text(titles[3])
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#question-title")).to_have_text(titles[2])

    # Finish with the keyboard: Tab to the button, Enter.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "finish":
            break
    expect(page.get_by_role("button", name="Finish interview")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/sessions/{session.pk}/scorecard/$"))

    session.refresh_from_db()
    assert session.state == SessionState.COMPLETED
    records = QuestionRecord.objects.filter(scorecard__session=session).order_by(
        "session_question__order"
    )
    assert [(r.score, r.not_assessed) for r in records] == [
        (3, False),
        (4, False),
        (None, True),
        (2, False),
        (1, False),
    ]
    assert [r.notes for r in records] == [
        "Evidence for question 1",
        "Evidence for question 2",
        "",
        "Evidence for question 4",
        "",
    ]


def test_the_question_clock_survives_a_reload(runner, session):
    page = runner(1)
    QuestionRecord.objects.filter(pk=record(session, 1).pk).update(
        entered_at=timezone.now() - timedelta(minutes=3)
    )
    page.reload()
    expect(page.locator("#timer-question")).to_have_text(re.compile(r"^3:0\d$"))


def test_the_pace_follows_a_score_as_the_server_said(runner, session):
    """Two and a half minutes into a 25-minute plan, all on question 1 (5 minutes): on
    pace while it is still to be rated; once rated, its unused minutes are ahead, shown
    without a page load from the line the server sent."""
    started = timezone.now() - timedelta(seconds=150)
    InterviewSession.objects.filter(pk=session.pk).update(started_at=started)
    page = runner(1)
    QuestionRecord.objects.filter(pk=record(session, 1).pk).update(entered_at=started)
    page.reload()
    expect(page.locator("html.js")).to_have_count(1)
    expect(page.locator("#pace")).to_have_text("On pace")
    mark_page(page)
    page.keyboard.press("3")
    expect(page.locator("#nav-q-1")).to_contain_text("scored 3")
    expect(page.locator("#pace")).to_have_text("2 min ahead")
    expect(page.locator("#pace")).to_have_class(re.compile(r"\bpace-ahead\b"))
    assert_no_page_load(page)


def test_an_ad_hoc_question_added_mid_interview(runner, session):
    page = runner(2)
    page.get_by_text("Add an ad-hoc question").click()
    page.get_by_label("Title").fill("Design a job queue")
    page.get_by_label("Prompt").fill("How would you build **retries**?")
    page.get_by_label("Save to the bank as a draft").check()
    page.get_by_role("button", name="Add question").click()
    expect(page.locator("#question-title")).to_have_text("Design a job queue")
    expect(page.locator(".prompt strong")).to_have_text("retries")
    page.keyboard.press("3")
    expect(page.locator("#nav-q-6")).to_contain_text("scored 3")
    assert record(session, 6).score == 3


def test_notes_typed_while_signed_out_wait_and_save_after_signing_in_again(
    runner, session, interviewer, live_server
):
    page = runner(1)
    page.context.clear_cookies()
    page.get_by_label("Notes", exact=True).click()
    page.keyboard.type("Typed after the session expired")
    expect(page.locator("#notes-status")).to_contain_text("you may be signed out")
    assert record(session, 1).notes == ""

    # Signing in again in another tab gives the browser a session and a fresh token.
    client = Client()
    client.force_login(interviewer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    other = page.context.new_page()
    other.goto(live_server.url + reverse("interviews:runner_question", args=[session.pk, 2]))
    other.close()

    expect(page.locator("#notes-status")).to_have_text("Saved", timeout=20_000)
    assert record(session, 1).notes == "Typed after the session expired"


def test_a_score_then_next_at_once_keeps_the_score(runner, session):
    page = runner(1)
    page.keyboard.press("3")
    page.keyboard.press("n")
    expect(page.locator("#question-title")).to_have_text(session.questions.get(order=2).title)
    expect(page.locator("#nav-q-1")).to_contain_text("scored 3")
    assert record(session, 1).score == 3


def test_keys_on_a_scheduled_interview_say_to_start_it(runner, session):
    InterviewSession.objects.filter(pk=session.pk).update(
        state=SessionState.SCHEDULED, started_at=None
    )
    page = runner(1)
    page.keyboard.press("3")
    expect(page.get_by_role("alert")).to_contain_text("press “Start interview” first")
    page.get_by_role("button", name="Start interview").click()
    expect(page.get_by_role("button", name="Finish interview")).to_be_visible()
    page.keyboard.press("3")
    expect(page.locator("#nav-q-1")).to_contain_text("scored 3")


# --- Two tabs on one question: nothing typed is lost (issue 9, point 5) --------------


def second_tab(page: Page) -> Page:
    """Another tab of the same browser (same cookies, own sessionStorage) on the same page."""
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.locator("html.js")).to_have_count(1)
    return other


def type_notes(page: Page, text: str) -> None:
    field = page.get_by_label("Notes", exact=True)
    field.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_two_tabs_on_one_question_lose_nothing_typed(runner, session):
    laptop = runner(1)
    tablet = second_tab(laptop)

    type_notes(laptop, "Alpha: explains MVCC.")
    expect(laptop.locator("#notes-status")).to_have_text("Saved")
    type_notes(tablet, "Beta: asks about locks.")

    # The tablet's save is refused as a conflict it cannot miss, with both texts.
    conflict = tablet.get_by_role("alert").filter(has_text="These notes changed somewhere else")
    expect(conflict).to_be_visible()
    expect(tablet.locator("#notes-status")).to_have_text(
        "Not saved — conflict: choose which text to keep"
    )
    expect(tablet.get_by_label("Your text (not saved)")).to_have_value("Beta: asks about locks.")
    expect(tablet.get_by_label("Saved elsewhere")).to_have_value("Alpha: explains MVCC.")
    assert record(session, 1).notes == "Alpha: explains MVCC."  # nothing overwritten

    # Typing on while the conflict is open saves nothing, and the panel follows along.
    type_notes(tablet, " Good.")
    expect(tablet.get_by_label("Your text (not saved)")).to_have_value(
        "Beta: asks about locks. Good."
    )
    assert record(session, 1).notes == "Alpha: explains MVCC."

    tablet.get_by_role("button", name="Keep both").click()
    expect(tablet.locator("#notes-status")).to_have_text("Saved")
    expect(conflict).to_have_count(0)
    both = "Beta: asks about locks. Good.\n\nAlpha: explains MVCC."
    assert record(session, 1).notes == both

    # The laptop, still on the old revision, types on: its turn to see a conflict.
    type_notes(laptop, " Strong.")
    expect(laptop.get_by_label("Saved elsewhere")).to_have_value(both)
    expect(laptop.get_by_label("Your text (not saved)")).to_have_value(
        "Alpha: explains MVCC. Strong."
    )
    laptop.get_by_role("button", name="Keep mine").click()
    expect(laptop.locator("#notes-status")).to_have_text("Saved")
    saved = record(session, 1)
    assert saved.notes == "Alpha: explains MVCC. Strong."
    # Kept by choice, against the revision the tablet made: the server numbered each save.
    assert saved.notes_revision == 3


def test_taking_the_other_text_then_typing_saves_without_a_new_conflict(runner, session):
    laptop = runner(2)
    tablet = second_tab(laptop)
    type_notes(laptop, "From the laptop.")
    expect(laptop.locator("#notes-status")).to_have_text("Saved")
    type_notes(tablet, "From the tablet.")
    tablet.get_by_role("button", name="Use the text saved elsewhere").click()
    expect(tablet.get_by_label("Notes", exact=True)).to_have_value("From the laptop.")
    expect(tablet.locator("#notes-status")).to_have_text("Saved")
    assert record(session, 2).notes == "From the laptop."
    type_notes(tablet, " Tablet agrees.")
    expect(tablet.locator("#notes-status")).to_have_text("Saved")
    assert record(session, 2).notes == "From the laptop. Tablet agrees."
    assert tablet.locator("#notes-conflict").count() == 0


def test_a_conflict_survives_a_reload_of_the_tab_that_lost(runner, session):
    laptop = runner(3)
    tablet = second_tab(laptop)
    type_notes(laptop, "Laptop text.")
    expect(laptop.locator("#notes-status")).to_have_text("Saved")
    type_notes(tablet, "Tablet text.")
    expect(tablet.get_by_label("Saved elsewhere")).to_have_value("Laptop text.")
    tablet.reload()
    # The unsaved text comes back from sessionStorage, still in conflict, not saved over.
    expect(tablet.get_by_label("Your text (not saved)")).to_have_value("Tablet text.")
    expect(tablet.get_by_label("Saved elsewhere")).to_have_value("Laptop text.")
    assert record(session, 3).notes == "Laptop text."


def test_the_page_records_the_visit_by_post(runner, session, page: Page):
    with page.expect_response(re.compile(r"/questions/3/visit$")) as visit:
        runner(3)
    assert visit.value.status == 204
    assert visit.value.request.method == "POST"
    opened = record(session, 3)
    assert opened.entered_at is not None and opened.first_shown_at is not None
    assert Scorecard.objects.get(session=session).current_question.order == 3
