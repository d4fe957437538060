"""The figures find what was planted (tests/planted_analytics.py), and nothing else.

Three hundred synthetic sessions with a known truth: a lenient interviewer, a question
that leaks part-way through the year, one question that measures what the decision was
made on and one that measures nothing. Pure records, no database: the page-level test
can write the same history and expect the same findings.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from interviews.analytics import figures
from interviews.analytics.figures import Gate
from tests import planted_analytics as planted


@pytest.fixture(scope="module")
def history() -> planted.History:
    return planted.planted_history()


@pytest.fixture(scope="module")
def interviewers(history):
    return figures.interviewer_figures(history.ratings, history.scorecards, history.outcomes)


@pytest.fixture(scope="module")
def questions(history):
    return figures.question_figures(history.ratings, history.outcomes)


def test_the_lenient_interviewer_is_flagged_as_a_prompt(interviewers):
    lenient = interviewers[planted.LENIENT].leniency
    assert lenient.gate is Gate.OK and lenient.n >= 25
    assert 0.5 <= lenient.shrunk <= 1.0  # one point above, less where 4 caps it
    assert lenient.low > 0
    assert lenient.flag == (
        "Scores run higher than co-panelists on the same candidates: "
        "worth a calibration conversation"
    )
    assert lenient.flag in interviewers[planted.LENIENT].flags


def test_no_unbiased_interviewer_is_flagged(interviewers):
    for interviewer, figure in interviewers.items():
        if interviewer == planted.LENIENT:
            continue
        assert figure.leniency.gate is Gate.OK
        assert figure.leniency.flag is None, interviewer
        assert abs(figure.leniency.shrunk) < 0.3, interviewer


def _first_sessions_until(history: planted.History, co_rated: int) -> planted.History:
    """The history cut where the lenient interviewer reaches `co_rated` panels."""
    kept: set[int] = set()
    panels = {}
    for card in history.scorecards:
        panels.setdefault(card.session_id, []).append(card.interviewer_id)
    reached = 0
    for session in sorted(panels):
        if reached == co_rated:
            break
        kept.add(session)
        reached += planted.LENIENT in panels[session]
    return planted.History(
        ratings=[r for r in history.ratings if r.session_id in kept],
        scorecards=[c for c in history.scorecards if c.session_id in kept],
        outcomes=history.outcomes,
    )


@pytest.mark.parametrize(("co_rated", "gate"), [(25, Gate.OK), (10, Gate.PROVISIONAL)])
def test_the_flag_holds_at_the_stated_minimum_n(history, co_rated, gate):
    cut = _first_sessions_until(history, co_rated)
    found = figures.interviewer_figures(cut.ratings, cut.scorecards, cut.outcomes)
    lenient = found[planted.LENIENT].leniency
    assert lenient.n == co_rated and lenient.gate is gate
    assert lenient.flag is not None
    assert [i for i, f in found.items() if f.leniency.flag] == [planted.LENIENT]


def test_below_ten_candidates_nobody_is_flagged_however_large_the_difference(history):
    cut = _first_sessions_until(history, 9)
    lenient = figures.interviewer_figures(cut.ratings, cut.scorecards, cut.outcomes)[
        planted.LENIENT
    ].leniency
    assert lenient.n == 9 and lenient.gate is Gate.PROVISIONAL
    assert lenient.mean > 0.5 and lenient.flag is None


def test_the_leaked_question_raises_the_drift_alarm_after_the_leak(history, questions):
    leaked = questions[planted.LEAKED, 1]
    assert leaked.drift.gate is Gate.OK
    after = [at for at in leaked.drift.alarms if at >= history.leak_at]
    assert after and after[0] <= history.leak_at + timedelta(days=45)
    assert leaked.drift.latest_alarm_at >= history.leak_at
    assert leaked.drift.slope_per_90_days > 0.15
    assert any(
        flag.endswith("possibly leaked or worn out — review or retire") for flag in leaked.flags
    )


def test_stable_questions_raise_no_drift_alarm(questions):
    for question in (planted.SEPARATING, planted.UNRELATED, *planted.STEADY):
        drift = questions[question, 1].drift
        assert drift.gate is Gate.OK and drift.n >= 250
        assert not drift.alarmed, question
        assert not any("leaked" in flag for flag in questions[question, 1].flags)


def test_the_separating_question_separates_and_the_unrelated_one_does_not(questions):
    separating = questions[planted.SEPARATING, 1].separation
    unrelated = questions[planted.UNRELATED, 1].separation
    assert separating.gate is unrelated.gate is Gate.OK
    assert separating.auc > 0.8
    assert abs(unrelated.auc - 0.5) < 0.1
    does_not = "Does not separate hired from rejected (agreement with decisions)"
    assert does_not in questions[planted.UNRELATED, 1].flags
    assert does_not not in questions[planted.SEPARATING, 1].flags


def test_withdrawn_candidates_are_left_out_of_separation(history, questions):
    withdrew = sum(1 for o in history.outcomes.values() if o is figures.Outcome.WITHDREW)
    separation = questions[planted.SEPARATING, 1].separation
    assert withdrew > 0
    assert separation.n == separation.hired + separation.rejected == 300 - withdrew


def test_the_unrelated_question_agrees_least_with_the_other_answers(questions):
    unrelated = questions[planted.UNRELATED, 1].item_rest
    assert unrelated.gate is Gate.OK and unrelated.value < 0.2
    for question in planted.STEADY:
        assert questions[question, 1].item_rest.value > 0.5


def test_panel_reliability_has_an_interval_around_it(history):
    reliability = figures.panel_reliability(history.ratings, resamples=200)
    assert reliability.gate is Gate.OK and reliability.n > 1000
    assert reliability.low < reliability.ordinal < reliability.high
    assert reliability.interval is not None
    assert reliability.reading in {"reliable", "tentative", "unreliable"}
