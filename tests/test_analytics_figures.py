"""interviews.analytics.figures on small hand-built histories with hand-computed figures."""

from __future__ import annotations

import gc
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviews import stats
from interviews.analytics import figures
from interviews.analytics.figures import Gate, Outcome, RatingRecord, ScorecardRecord

DAY0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
A, B, C = 1, 2, 3
Q1, Q2 = 100, 200


def rating(candidate, session, unit, question, interviewer, score, *, day=0, version=1):
    return RatingRecord(
        candidate_id=candidate,
        session_id=session,
        unit_key=unit,
        question_id=question,
        question_version=version if question is not None else None,
        interviewer_id=interviewer,
        score=score,
        completed_at=DAY0 + timedelta(days=day),
    )


def card(candidate, session, interviewer, recommendation, *, hours=1.0, day=0):
    completed = DAY0 + timedelta(days=day)
    return ScorecardRecord(
        session_id=session,
        candidate_id=candidate,
        interviewer_id=interviewer,
        recommendation=recommendation,
        completed_at=completed,
        submitted_at=completed + timedelta(hours=hours),
    )


def twelve_pairs():
    """Twelve candidates, each seen by A and B. On Q1 A gives B's score + 1 (B: 1, 2, 3
    in turn); Q2 only A scores (always 4), B marks it not assessed. A recommends Yes,
    B No. A submits after 0…11 hours, B after 30. Candidates 0–5 hired, 6–9 rejected,
    10–11 withdrew."""
    ratings, cards, outcomes = [], [], {}
    for i in range(12):
        candidate, session = 10 + i, 100 + i
        b_score = 1 + i % 3
        ratings += [
            rating(candidate, session, 2 * i, Q1, A, b_score + 1, day=i),
            rating(candidate, session, 2 * i, Q1, B, b_score, day=i),
            rating(candidate, session, 2 * i + 1, Q2, A, 4, day=i),
            rating(candidate, session, 2 * i + 1, Q2, B, None, day=i),
        ]
        cards += [
            card(candidate, session, A, 3, hours=i, day=i),
            card(candidate, session, B, 2, hours=30, day=i),
        ]
        outcomes[candidate] = (
            Outcome.HIRED if i < 6 else Outcome.REJECTED if i < 10 else Outcome.WITHDREW
        )
    return ratings, cards, outcomes


@pytest.mark.parametrize(
    ("figure", "n", "gate"),
    [
        ("leniency", 4, Gate.HIDDEN),
        ("leniency", 5, Gate.PROVISIONAL),
        ("leniency", 25, Gate.OK),
        ("recommendation_mix", 9, Gate.HIDDEN),
        ("recommendation_mix", 29, Gate.PROVISIONAL),
        ("item_rest", 99, Gate.PROVISIONAL),
        ("auc", 100, Gate.OK),
        ("alpha", 29, Gate.HIDDEN),
        ("alpha", 139, Gate.PROVISIONAL),
        ("alpha", 140, Gate.OK),
    ],
)
def test_gates_follow_the_minimum_n_table(figure, n, gate):
    assert figures.gate_for(figure, n) is gate


def test_a_co_panelist_one_point_higher_on_every_answer():
    ratings, cards, outcomes = twelve_pairs()
    found = figures.interviewer_figures(ratings, cards, outcomes)
    a, b = found[A].leniency, found[B].leniency
    # D(A, c) = +1 for every candidate: L = 1, SE = 0, L* = 12/17.
    assert (a.n, a.units, a.gate) == (12, 12, Gate.PROVISIONAL)
    assert (a.mean, a.se, a.low, a.high) == (1.0, 0.0, 1.0, 1.0)
    assert a.shrunk == pytest.approx(12 / 17)
    assert a.flag == (
        "Scores run higher than co-panelists on the same candidates: "
        "worth a calibration conversation"
    )
    assert b.shrunk == pytest.approx(-12 / 17)
    assert b.flag.startswith("Scores run lower than co-panelists")


def test_recommendations_and_passes_against_the_same_panels():
    ratings, cards, outcomes = twelve_pairs()
    a = figures.interviewer_figures(ratings, cards, outcomes)[A]
    assert a.recommendation_leniency.mean == 1.0  # Yes (3) against No (2)
    assert a.pass_share_leniency.mean == 1.0  # passes every candidate B fails
    assert a.recommendation_leniency.flag.startswith("Recommends more strongly")
    assert a.pass_share_leniency.flag.startswith("Passes candidates more often")
    assert len(a.flags) == 3


def test_recommendation_mix_with_wilson_intervals():
    ratings, cards, outcomes = twelve_pairs()
    mix = figures.interviewer_figures(ratings, cards, outcomes)[A].recommendation_mix
    assert [share.count for share in mix] == [0, 0, 12, 0]
    yes = mix[2]
    assert (yes.n, yes.gate, yes.share) == (12, Gate.PROVISIONAL, 1.0)
    assert (yes.low, yes.high) == pytest.approx(stats.wilson_interval(12, 12))
    assert mix[0].share == 0.0 and mix[0].high == pytest.approx(0.2425, abs=1e-4)


def test_agreement_with_the_panel_and_with_the_outcome():
    ratings, cards, outcomes = twelve_pairs()
    found = figures.interviewer_figures(ratings, cards, outcomes)
    # A passes all twelve, B fails all: neither ever agrees with the other.
    assert (found[A].panel_agreement.count, found[A].panel_agreement.n) == (0, 12)
    # Ten decided (two withdrew): A's passes agree with the six hires, B's fails with
    # the four rejections.
    assert (found[A].outcome_agreement.count, found[A].outcome_agreement.n) == (6, 10)
    assert (found[B].outcome_agreement.count, found[B].outcome_agreement.n) == (4, 10)


def test_a_tied_panel_has_no_majority_to_agree_with():
    cards = [card(1, 9, A, 4), card(1, 9, B, 3), card(1, 9, C, 1)]
    found = figures.interviewer_figures([], cards, {})
    # A's co-panelists split (B passes, C does not), as do B's; C's two both pass.
    assert found[A].panel_agreement.n == found[B].panel_agreement.n == 0
    assert (found[C].panel_agreement.count, found[C].panel_agreement.n) == (0, 1)


def test_not_assessed_rate_and_time_to_submit():
    ratings, cards, outcomes = twelve_pairs()
    found = figures.interviewer_figures(ratings, cards, outcomes)
    assert (found[B].not_assessed.count, found[B].not_assessed.n) == (12, 24)
    assert found[B].not_assessed.share == 0.5
    assert found[A].not_assessed.share == 0.0
    a_time = found[A].time_to_submit
    assert (a_time.n, a_time.gate) == (12, Gate.PROVISIONAL)
    assert a_time.median_hours == pytest.approx(5.5)
    assert a_time.p90_hours == pytest.approx(9.9)
    assert a_time.within_24h.share == 1.0
    assert found[B].time_to_submit.within_24h.share == 0.0


def test_hidden_figures_keep_their_n_and_drop_their_numbers():
    ratings, cards, outcomes = twelve_pairs()
    few = [r for r in ratings if r.candidate_id < 13]  # three candidates
    found = figures.interviewer_figures(few, cards[:6], outcomes)
    assert found[A].leniency == figures.Leniency(
        3, 3, Gate.HIDDEN, None, None, None, None, None, None
    )
    assert found[A].recommendation_mix[2].share is None
    assert found[A].scorecards == 3
    assert found[A].flags == ()


def test_the_answers_behind_the_leniency_largest_first():
    ratings = [
        rating(10, 1, 1, Q1, A, 4),
        rating(10, 1, 1, Q1, B, 1),
        rating(10, 1, 1, Q1, C, 2),
        rating(10, 1, 2, Q2, A, 3),
        rating(10, 1, 2, Q2, B, 3),
        rating(10, 1, 3, None, A, 2),  # ad hoc, rated alone: nothing to compare with
    ]
    rows = figures.interviewer_deviations(ratings, A)
    assert [(row.unit_key, row.deviation, row.others) for row in rows] == [(1, 2.5, 2), (2, 0.0, 1)]
    assert rows[0].others_mean == 1.5 and rows[0].question_id == Q1


def test_question_health_of_a_small_history():
    ratings, _, outcomes = twelve_pairs()
    found = figures.question_figures(ratings, outcomes)
    q1, q2 = found[Q1, 1], found[Q2, 1]
    assert q1.exposure == figures.Exposure(12, 12, DAY0, DAY0 + timedelta(days=11))
    # Q1's ratings: B gives 1, 2, 3 in turn, A one more: four 1s, eight 2s, eight 3s, four 4s.
    assert q1.distribution.counts == (4, 8, 8, 4)
    assert q1.distribution.shares == pytest.approx((1 / 6, 1 / 3, 1 / 3, 1 / 6))
    assert q1.distribution.mean == 2.5
    assert q1.distribution.sd == pytest.approx((22 / 23) ** 0.5)
    assert not (q1.distribution.ceiling or q1.distribution.floor or q1.distribution.little_spread)
    assert q1.not_assessed.share == 0.0
    # Q2: only A scored it, always 4; B never assessed it.
    assert q2.not_assessed.count == 12 and q2.not_assessed.share == 0.5
    assert q2.distribution.ceiling and q2.distribution.little_spread
    assert "Often not assessed: possibly too long or off-role — worth a look" in q2.flags
    assert any(flag.startswith("Ceiling") for flag in q2.flags)
    # Twelve administrations are below every inferential figure's minimum.
    assert q1.item_rest.gate is q1.separation.gate is q1.alpha.gate is Gate.HIDDEN
    assert q1.item_rest.value is q1.separation.auc is q1.alpha.ordinal is None
    assert q1.drift.gate is Gate.HIDDEN and not q1.drift.alarmed


def test_separation_leaves_withdrawn_candidates_out():
    ratings, outcomes = [], {}
    for i in range(80):
        outcome = Outcome.HIRED if i < 30 else Outcome.REJECTED if i < 60 else Outcome.WITHDREW
        outcomes[i] = outcome
        score = 4 if outcome is Outcome.HIRED else 1
        ratings += [rating(i, i, 2 * i, Q1, A, score), rating(i, i, 2 * i + 1, Q2, A, 2)]
    separation = figures.question_figures(ratings, outcomes)[Q1, 1].separation
    assert (separation.hired, separation.rejected, separation.n) == (30, 30, 60)
    assert separation.gate is Gate.PROVISIONAL and separation.auc == 1.0


def test_item_rest_and_alpha_of_one_question():
    ratings = []
    for i in range(40):
        level = 1 + i % 4
        ratings += [
            rating(i, i, 2 * i, Q1, A, level),
            rating(i, i, 2 * i, Q1, B, level),
            rating(i, i, 2 * i + 1, Q2, A, 5 - level),  # the exact reverse of Q1
            rating(i, i, 2 * i + 1, Q2, B, 5 - level),
        ]
    found = figures.question_figures(ratings, {})
    assert found[Q1, 1].item_rest.value == pytest.approx(-1.0)
    assert found[Q1, 1].item_rest.gate is Gate.PROVISIONAL
    assert "Disagrees with the candidates' other answers — worth inspecting" in found[Q1, 1].flags
    assert found[Q1, 1].alpha.ordinal == 1.0 and found[Q1, 1].alpha.n == 40


def test_versions_are_kept_apart_and_ad_hoc_questions_have_no_row():
    ratings = [
        rating(1, 1, 1, Q1, A, 2, version=1),
        rating(2, 2, 2, Q1, A, 3, version=2),
        rating(2, 2, 3, None, A, 3),
    ]
    found = figures.question_figures(ratings, {})
    assert set(found) == {(Q1, 1), (Q1, 2)}
    assert found[Q1, 2].exposure.times_asked == 1


def test_drift_residuals_are_against_the_same_sessions_other_questions():
    ratings = []
    for i in range(60):
        # Q1 sits one point under Q2 until day 80, then level with it: a rise of 1.
        other = 2 + i % 2
        q1 = other - 1 + (1 if i >= 40 else 0)
        ratings += [
            rating(i, i, 2 * i, Q1, A, q1, day=2 * i),
            rating(i, i, 2 * i + 1, Q2, A, other, day=2 * i),
        ]
    found = figures.question_figures(ratings, {})
    drift, mirror = found[Q1, 1].drift, found[Q2, 1].drift
    assert drift.gate is Gate.OK and drift.n == 60 and drift.span_days == 118
    assert drift.residuals[:2] == (-1.0, -1.0) and drift.residuals[-1] == 0.0
    assert drift.dates[0] == DAY0 and drift.dates[-1] == DAY0 + timedelta(days=118)
    assert drift.alarmed and drift.alarm_at >= DAY0 + timedelta(days=80)
    # A clean step is not a trend: most pairs lie on one side of it, so the median
    # pairwise slope stays 0 while the CUSUM sees the shift. The page shows both.
    assert drift.slope_per_90_days == 0.0
    assert not mirror.alarmed  # Q2 only fell against Q1


def test_panel_reliability_is_hidden_below_thirty_pairable_units():
    ratings, _, _ = twelve_pairs()
    reliability = figures.panel_reliability(ratings)
    assert (reliability.n, reliability.ratings, reliability.gate) == (12, 24, Gate.HIDDEN)
    assert reliability.ordinal is None and reliability.low is None


def test_panel_reliability_counts_only_pairable_units_and_bootstraps_candidates():
    ratings = []
    for i in range(40):
        level = 1 + i % 4
        ratings += [
            rating(i, i, 3 * i, Q1, A, level),
            rating(i, i, 3 * i, Q1, B, min(4, level + i % 2)),
            rating(i, i, 3 * i + 1, Q2, A, level),
            rating(i, i, 3 * i + 1, Q2, B, None),  # not assessed: Q2 is not pairable
            rating(i, i, 3 * i + 2, None, A, level),
            rating(i, i, 3 * i + 2, None, C, level),
        ]
    reliability = figures.panel_reliability(ratings, resamples=200)
    pairable = [
        [level_of(r) for r in ratings if r.unit_key == unit and r.score is not None]
        for unit in range(120)
        if unit % 3 != 1
    ]
    assert (reliability.n, reliability.ratings, reliability.gate) == (80, 160, Gate.PROVISIONAL)
    assert reliability.ordinal == pytest.approx(stats.krippendorff_alpha(pairable))
    assert reliability.interval == pytest.approx(
        stats.krippendorff_alpha(pairable, metric="interval")
    )
    assert reliability.low <= reliability.ordinal <= reliability.high
    assert figures.panel_reliability(ratings, resamples=200) == reliability  # fixed seed


def level_of(record: RatingRecord) -> int:
    assert record.score is not None
    return record.score


def test_the_statistics_and_the_figures_import_no_django():
    # Pure modules: a notebook or a worker can use them without settings or a database.
    code = (
        "import sys, interviews.stats, interviews.analytics.figures; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'numpy'}))"
    )
    root = Path(__file__).resolve().parent.parent
    found = subprocess.run(  # noqa: S603 - our own interpreter, a fixed argument list
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert found.stdout.strip() == "[]"


def test_the_figures_give_the_garbage_collector_back_as_they_found_it():
    ratings, cards, outcomes = twelve_pairs()
    assert gc.isenabled()
    figures.compute_figures(ratings, cards, outcomes)
    assert gc.isenabled()
    gc.disable()
    try:
        figures.compute_figures(ratings, cards, outcomes)
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
