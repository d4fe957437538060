"""The runner page's data: the navigator, the clocks and pace, the score buttons.

Read from one list of records (`QuestionRecord.for_runner`), with no request: the view
does HTTP only, and these are tested directly (tests/test_runner_pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from interviews.forms_runner import NOT_ASSESSED
from interviews.models import InterviewSession, QuestionRecord, SessionQuestion
from questions.markdown import render_inline_markdown

# Shown on the score buttons of a question that has no anchors of its own (ad-hoc ones).
GENERIC_ANCHORS = {
    1: "Does not meet the bar",
    2: "Partly meets the bar",
    3: "Meets the bar",
    4: "Exceeds the bar",
}
NOT_ASSESSED_HINT = "Not covered — kept apart from a low score"
# Within this many seconds of the plan, the interview is "on pace".
PACE_TOLERANCE_SECONDS = 60


def question_url(session_id: int, order: int) -> str:
    return reverse("interviews:runner_question", args=[session_id, order])


def question_urls(session_id: int, order: int) -> dict[str, str]:
    """Where the question's score, notes, follow-up and skip forms post."""
    return {
        name: reverse(f"interviews:runner_{name}", args=[session_id, order])
        for name in ("score", "notes", "follow_up", "skip")
    }


@dataclass(frozen=True, slots=True)
class NavItem:
    """One line of the navigator: a question, this interviewer's record of it, its link."""

    order: int
    title: str
    state: str
    state_label: str
    follow_up_asked: bool
    is_current: bool
    url: str

    @classmethod
    def of(cls, question: SessionQuestion, record: QuestionRecord, *, is_current: bool) -> NavItem:
        state = record.state
        if record.score is not None:
            label = f"scored {record.score}"
        else:
            label = {"not_assessed": "not assessed", "skipped": "skipped"}.get(state, "unasked")
        return cls(
            order=question.order,
            title=question.title,
            state=state,
            state_label=label,
            follow_up_asked=record.follow_up_asked,
            is_current=is_current,
            url=question_url(question.session_id, question.order),
        )


@dataclass(frozen=True, slots=True)
class ScoreChoice:
    """One score button: the value it posts, its label and anchor, whether it is pressed."""

    value: str
    key: str
    level: str
    anchor: str
    pressed: bool
    not_assessed: bool = False


def score_choices(question: SessionQuestion, record: QuestionRecord) -> list[ScoreChoice]:
    """The five score buttons: 1–4 with the question's anchors, then "not assessed"."""
    choices = [
        ScoreChoice(
            value=str(level),
            key=str(level),
            level=str(level),
            anchor=render_inline_markdown(question.anchor(level) or GENERIC_ANCHORS[level]),
            pressed=record.score == level,
        )
        for level in (1, 2, 3, 4)
    ]
    choices.append(
        ScoreChoice(
            value=NOT_ASSESSED,
            key="0",
            level="Not assessed",
            anchor=NOT_ASSESSED_HINT,
            pressed=record.not_assessed,
            not_assessed=True,
        )
    )
    return choices


def clock_text(seconds: int) -> str:
    """A duration as the timers show it: 4:05, or 1:02:03 past an hour."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class Clock:
    """Timers and pace, computed from server-side timestamps; runner.js only ticks them on.

    The pace is the template's total budget minus (time used + time still needed):
    positive is ahead, negative behind. Time still needed is the budget still open on
    the other unrated questions (`remaining_other`) and, while the current question is
    unrated, what is left of its own budget.
    """

    running: bool
    question_spent: int
    question_budget: int
    total_elapsed: int
    total_budget: int
    remaining_other: int
    current_pending: bool

    def pace_after(self, seconds: int, *, pending: bool) -> int:
        """The pace `seconds` from now, while the interview runs, with the current question
        unrated (`pending`) or rated. The one statement of the pace rule: the page sends
        runner.js its two lines (`pace_line`) rather than the rule."""
        spent = self.question_spent + seconds
        elapsed = self.total_elapsed + seconds
        current_left = max(0, self.question_budget - spent) if pending else 0
        return self.total_budget - (elapsed + self.remaining_other + current_left)

    @property
    def pace(self) -> int:
        return self.pace_after(0, pending=self.current_pending)

    def pace_line(self) -> dict[str, int]:
        """What runner.js needs to move the pace on as the seconds pass, and when a score
        or a skip changes whether the current question is still to be rated.

        Unrated, the pace holds while the question is within its budget (the time spent
        comes off what it still needs), then falls a second a second; rated, it falls
        from now on. So each line is its pace now and how long it holds.
        """
        steady = max(0, self.question_budget - self.question_spent)
        return {
            "pending": self.pace_after(0, pending=True),
            "pending_steady_for": steady,
            "rated": self.pace_after(0, pending=False),
            "tolerance": PACE_TOLERANCE_SECONDS,
        }

    @property
    def pace_state(self) -> str:
        if abs(self.pace) < PACE_TOLERANCE_SECONDS:
            return "on"
        return "ahead" if self.pace > 0 else "behind"

    @property
    def pace_label(self) -> str:
        if not self.running and self.total_elapsed == 0:
            return "Not started"
        if self.pace_state == "on":
            return "On pace"
        return f"{abs(self.pace) // 60} min {self.pace_state}"

    @property
    def question_display(self) -> str:
        return clock_text(self.question_spent)

    @property
    def total_display(self) -> str:
        return clock_text(self.total_elapsed)

    @property
    def question_budget_minutes(self) -> int:
        return self.question_budget // 60

    @property
    def total_budget_minutes(self) -> int:
        return self.total_budget // 60


def runner_clock(
    session: InterviewSession,
    records: list[QuestionRecord],
    current: QuestionRecord,
    now: datetime,
) -> Clock:
    """The clock for `current` among this scorecard's `records` (as of `now`)."""
    if session.started_at is None:
        elapsed = 0
    else:
        # A finished interview's clock stopped when it finished.
        end = now if session.is_running else (session.completed_at or now)
        elapsed = max(0, int((end - session.started_at).total_seconds()))
    remaining_other = sum(
        max(0, record.session_question.minutes * 60 - record.seconds_on_question(now))
        for record in records
        if record.pk != current.pk and record.state == "unasked"
    )
    return Clock(
        running=session.is_running,
        question_spent=current.seconds_on_question(now),
        question_budget=current.session_question.minutes * 60,
        total_elapsed=elapsed,
        total_budget=sum(record.session_question.minutes for record in records) * 60,
        remaining_other=remaining_other,
        current_pending=current.state == "unasked",
    )


@dataclass(frozen=True, slots=True)
class RunnerPosition:
    """Where the runner stands: the current record, its neighbours, the navigator."""

    records: list[QuestionRecord]
    current: QuestionRecord
    previous: SessionQuestion | None
    next: SessionQuestion | None
    navigator: list[NavItem]

    @property
    def unasked_count(self) -> int:
        return sum(1 for item in self.navigator if item.state == "unasked")


def runner_position(
    records: list[QuestionRecord], *, order: int | None, current_question_id: int | None
) -> RunnerPosition | None:
    """The record at question `order` (None: where the interviewer left off, else the first).

    None when there is no such question.
    """
    if not records:
        return None
    if order is None:
        current = next(
            (r for r in records if r.session_question_id == current_question_id), records[0]
        )
    else:
        found = next((r for r in records if r.session_question.order == order), None)
        if found is None:
            return None
        current = found
    index = records.index(current)
    return RunnerPosition(
        records=records,
        current=current,
        previous=records[index - 1].session_question if index > 0 else None,
        next=records[index + 1].session_question if index + 1 < len(records) else None,
        navigator=[
            NavItem.of(record.session_question, record, is_current=record is current)
            for record in records
        ],
    )
