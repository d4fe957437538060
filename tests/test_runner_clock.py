"""The runner's page data without HTTP: the clock and its pace, the navigator, the buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from interviews.models import QuestionRecord, Scorecard
from interviews.pages.runner import (
    PACE_TOLERANCE_SECONDS,
    Clock,
    clock_text,
    runner_clock,
    runner_position,
    score_choices,
)
from tests.factories import make_position, make_session

CLOCKS = [
    # A question still within its budget, one over it, one not yet started, a stopped clock.
    Clock(True, 120, 300, 400, 1500, 900, True),
    Clock(True, 420, 300, 700, 1500, 600, True),
    Clock(True, 0, 300, 0, 1500, 1200, True),
    Clock(False, 200, 300, 1300, 1500, 0, False),
]


def as_runner_js_moves_it(line: dict[str, int], seconds: int, *, pending: bool) -> int:
    """What runner.js does with the line the page sends (static/js/runner.js, tick)."""
    if pending:
        return line["pending"] - max(0, seconds - line["pending_steady_for"])
    return line["rated"] - seconds


@pytest.mark.parametrize("clock", CLOCKS)
@pytest.mark.parametrize("pending", [True, False])
def test_the_line_sent_to_the_script_is_the_pace_rule_itself(clock, pending):
    line = clock.pace_line()
    for seconds in (0, 1, 59, 60, 179, 180, 181, 600, 3600):
        assert as_runner_js_moves_it(line, seconds, pending=pending) == clock.pace_after(
            seconds, pending=pending
        )
    assert line["tolerance"] == PACE_TOLERANCE_SECONDS


def test_the_pace_reads_as_the_interviewer_sees_it():
    # 12 minutes used, the current 5-minute question over, 20 minutes still needed: 7 behind.
    behind = Clock(True, 720, 300, 720, 1500, 1200, True)
    assert (behind.pace, behind.pace_state, behind.pace_label) == (-420, "behind", "7 min behind")
    # Two of five questions done in 4 minutes of the 10 planned: 6 ahead.
    ahead = Clock(True, 0, 300, 240, 1500, 600, True)
    assert (ahead.pace_state, ahead.pace_label) == ("ahead", "6 min ahead")
    on = Clock(True, 30, 300, 30, 1500, 1200, True)
    assert (on.pace_state, on.pace_label) == ("on", "On pace")
    assert Clock(False, 0, 300, 0, 1500, 1200, True).pace_label == "Not started"


def test_clock_text():
    assert [clock_text(s) for s in (0, 5, 65, 3599, 3723, -3)] == [
        "0:00",
        "0:05",
        "1:05",
        "59:59",
        "1:02:03",
        "0:00",
    ]


@pytest.mark.django_db
def test_the_clock_and_navigator_from_the_records(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager), count=4)
    card = Scorecard.objects.get(session=session, interviewer=interviewer)
    now = timezone.now()
    session.started_at = now - timedelta(minutes=6)
    records = QuestionRecord.for_runner(scorecard_id=card.pk)
    records[0].score = 3
    records[1].entered_at = now - timedelta(minutes=2)

    position = runner_position(records, order=2, current_question_id=None)
    assert position is not None
    assert (position.previous.order, position.next.order) == (1, 3)
    assert [item.state_label for item in position.navigator] == [
        "scored 3",
        "unasked",
        "unasked",
        "unasked",
    ]
    assert [item.is_current for item in position.navigator] == [False, True, False, False]
    assert position.unasked_count == 3
    clock = runner_clock(session, records, position.current, now)
    assert (clock.question_spent, clock.question_budget) == (120, 300)
    assert (clock.total_elapsed, clock.total_budget) == (360, 1200)
    assert clock.remaining_other == 600  # questions 3 and 4; 1 is scored
    assert clock.pace == 1200 - (360 + 600 + 180)

    # Where the interviewer left off, else the first; no such question: None.
    assert (
        runner_position(
            records, order=None, current_question_id=records[2].session_question_id
        ).current.session_question.order
        == 3
    )
    assert runner_position(records, order=None, current_question_id=None).current is records[0]
    assert runner_position(records, order=9, current_question_id=None) is None


@pytest.mark.django_db
def test_score_buttons_press_the_recorded_level(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager), count=1)
    record = QuestionRecord.objects.select_related("session_question").get(
        scorecard__session=session
    )
    record.score = 2
    choices = score_choices(record.session_question, record)
    assert [(c.value, c.key, c.pressed) for c in choices] == [
        ("1", "1", False),
        ("2", "2", True),
        ("3", "3", False),
        ("4", "4", False),
        ("na", "0", False),
    ]
    assert choices[0].anchor.startswith("Level 1 answer")
