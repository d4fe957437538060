"""interviews.stats against published values, hand-computed examples and properties."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews import stats

N = None
# Krippendorff's published examples (ANALYTICS.md), one list per coder.
FIRST = {
    "A": [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    "B": [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    "C": [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
}
SECOND = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}


def units_of(coders: dict[str, list[int | None]]) -> list[tuple[int | None, ...]]:
    return list(zip(*coders.values(), strict=True))


# --- Krippendorff's α ---------------------------------------------------------------


@pytest.mark.parametrize(("metric", "expected"), [("nominal", 0.691358), ("interval", 0.810845)])
def test_alpha_matches_krippendorffs_first_example(metric, expected):
    alpha = stats.krippendorff_alpha(units_of(FIRST), metric=metric)
    assert alpha == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("metric", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_matches_krippendorffs_2011_example_on_five_levels(metric, expected):
    alpha = stats.krippendorff_alpha(units_of(SECOND), levels=(1, 2, 3, 4, 5), metric=metric)
    assert alpha == pytest.approx(expected, abs=5e-4)


def test_a_rating_outside_the_levels_is_refused_not_absorbed():
    with pytest.raises(ValueError, match="not one of the levels"):
        stats.krippendorff_alpha(units_of(SECOND))  # has 5s; the default levels are 1–4


def test_an_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric"):
        stats.krippendorff_alpha([(1, 2), (2, 2)], metric="ratio")  # type: ignore[arg-type]


def test_unused_levels_stay_in_the_matrix():
    matrix = stats.coincidence_matrix([(1, 1), (1, 4)])
    assert len(matrix) == 4 and all(len(row) == 4 for row in matrix)
    assert matrix[0] == [2.0, 0.0, 0.0, 1.0]
    assert matrix[1] == matrix[2] == [0.0, 0.0, 0.0, 0.0]


def test_a_unit_of_three_adds_one_half_per_ordered_pair():
    # Krippendorff: a unit with m ratings adds 1/(m − 1) per ordered pair of ratings.
    matrix = stats.coincidence_matrix([(2, 2, 3)])
    assert matrix[1][1] == pytest.approx(1.0)  # the two 2s: 2 ordered pairs × ½
    assert matrix[1][2] == matrix[2][1] == pytest.approx(1.0)  # 2 × 1 pairs × ½
    assert sum(map(sum, matrix)) == pytest.approx(3.0)  # n = pairable ratings


@pytest.mark.parametrize(
    "units",
    [
        [],
        [(3,), (2, None), (None, None)],  # nothing pairable
        [(2, 2), (2, 2, 2)],  # pairable, but one level only: D_e = 0
    ],
)
def test_alpha_is_undefined_without_pairs_or_without_spread(units):
    for metric in ("ordinal", "interval", "nominal"):
        assert stats.krippendorff_alpha(units, metric=metric) is None


def test_perfect_agreement_with_spread_is_one():
    units = [(1, 1), (2, 2, 2), (4, 4), (3, None, 3)]
    for metric in ("ordinal", "interval", "nominal"):
        assert stats.krippendorff_alpha(units, metric=metric) == 1.0


def test_systematic_disagreement_is_negative():
    assert stats.krippendorff_alpha([(1, 4), (4, 1), (1, 4)]) < 0


unit_strategy = st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(unit_strategy, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_alpha_ignores_the_order_of_units_and_of_raters(units, rng):
    shuffled = [list(unit) for unit in units]
    for unit in shuffled:
        rng.shuffle(unit)
    rng.shuffle(shuffled)
    for metric in ("ordinal", "interval", "nominal"):
        before = stats.krippendorff_alpha(units, metric=metric)
        after = stats.krippendorff_alpha(shuffled, metric=metric)
        if before is None:
            assert after is None
        else:
            assert after == pytest.approx(before, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(unit_strategy, min_size=1, max_size=25))
def test_alpha_never_exceeds_one(units):
    for metric in ("ordinal", "interval", "nominal"):
        alpha = stats.krippendorff_alpha(units, metric=metric)
        assert alpha is None or alpha <= 1.0 + 1e-12


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(2, 4)), min_size=1, max_size=20),
)
def test_agreeing_panels_give_one_or_undefined(levels_and_sizes):
    units = [[level] * size for level, size in levels_and_sizes]
    distinct = {level for level, _ in levels_and_sizes}
    alpha = stats.krippendorff_alpha(units)
    assert alpha == (1.0 if len(distinct) > 1 else None)


# --- the bootstrap ------------------------------------------------------------------


def _panel_clusters(candidates: int, units_each: int, seed: int) -> list[list[list[int]]]:
    """Candidates with a true level; two raters each within a point of it."""
    rng = random.Random(seed)
    clusters = []
    for _ in range(candidates):
        level = rng.randint(1, 4)
        cluster = []
        for _ in range(units_each):
            cluster.append([min(4, max(1, level + rng.choice((-1, 0, 0, 1)))) for _ in range(2)])
        clusters.append(cluster)
    return clusters


def test_the_bootstrap_interval_holds_the_estimate_and_is_repeatable():
    clusters = _panel_clusters(60, 5, seed=3)
    alpha = stats.krippendorff_alpha([unit for cluster in clusters for unit in cluster])
    interval = stats.alpha_bootstrap_interval(clusters, resamples=300)
    assert interval is not None
    low, high = interval
    assert low < alpha < high
    assert high - low < 0.5
    assert stats.alpha_bootstrap_interval(clusters, resamples=300) == interval


def test_the_bootstrap_resamples_candidates_not_units():
    # The same answers, once as 20 candidates with 10 identical units each, once as 200
    # candidates with one unit each: the coincidence matrix (and α) is the same, but
    # correlated units are fewer independent observations, so the interval is wider.
    clusters = _panel_clusters(20, 1, seed=5)
    repeated = [cluster * 10 for cluster in clusters]
    spread = [cluster for cluster in clusters for _ in range(10)]
    same = stats.krippendorff_alpha([u for c in repeated for u in c])
    assert same == pytest.approx(stats.krippendorff_alpha([u for c in spread for u in c]))
    low_r, high_r = stats.alpha_bootstrap_interval(repeated, resamples=400)
    low_s, high_s = stats.alpha_bootstrap_interval(spread, resamples=400)
    assert high_r - low_r > 2 * (high_s - low_s)


def test_the_bootstrap_is_undefined_where_alpha_is():
    assert stats.alpha_bootstrap_interval([[[2, 2]], [[2, 2, 2]]]) is None
    assert stats.alpha_bootstrap_interval([[[1, 4], [2, 3]]]) is None  # one cluster
    assert stats.alpha_bootstrap_interval([]) is None


# --- leniency -----------------------------------------------------------------------


def test_deviation_is_against_the_other_raters_mean():
    deviations = dict(stats.deviations_from_others([("a", 3.0), ("b", 2.0), ("c", 1.0)]))
    assert deviations == {"a": 1.5, "b": 0.0, "c": -1.5}
    assert stats.deviations_from_others([("a", 3.0)]) == []


def test_leniency_averages_per_candidate_then_over_candidates():
    # D = (0.5, 0.5, 1.0): L = 2/3, sd = √(1/12), SE = sd/√3 = 1/6, L* = L · 3/8 = 0.25.
    estimate = stats.leniency_estimate([[1.0, 0.0], [0.5], [1.5, 0.5, 1.0]])
    assert estimate.candidates == 3
    assert estimate.mean == pytest.approx(2 / 3)
    assert estimate.se == pytest.approx(1 / 6)
    assert estimate.low == pytest.approx(2 / 3 - stats.Z95 / 6)
    assert estimate.high == pytest.approx(2 / 3 + stats.Z95 / 6)
    assert estimate.shrunk == pytest.approx(0.25)
    assert not estimate.flagged


def _steady(level: float, candidates: int) -> list[list[float]]:
    return [[level + (0.2 if c % 2 else -0.2)] for c in range(candidates)]


def test_leniency_flags_a_clear_large_difference_on_ten_candidates():
    estimate = stats.leniency_estimate(_steady(1.0, 10))
    assert estimate.shrunk == pytest.approx(10 / 15)
    assert estimate.excludes_zero and estimate.flagged
    assert stats.leniency_estimate(_steady(-1.0, 10)).flagged


@pytest.mark.parametrize(
    ("deviations", "why"),
    [
        (_steady(1.0, 9), "nine candidates are too few"),
        (_steady(0.7, 10), "shrunk to 0.47, below half a point"),
        ([[4.0], [-2.0]] * 6, "L* is 0.71 but the interval includes 0"),
        ([[3.0]], "one candidate has no SE"),
    ],
)
def test_leniency_does_not_flag(deviations, why):
    assert not stats.leniency_estimate(deviations).flagged, why


def test_leniency_of_nobody_is_empty():
    estimate = stats.leniency_estimate([])
    assert estimate.candidates == 0 and estimate.mean is None and not estimate.flagged


# --- Wilson, Spearman, AUC ----------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (8, 10, 0.4902, 0.9433),
    ],
)
def test_wilson_matches_newcombes_table(successes, n, low, high):
    interval = stats.wilson_interval(successes, n)
    assert interval == pytest.approx((low, high), abs=5e-5)


def test_wilson_of_nothing_is_undefined_and_bad_counts_are_refused():
    assert stats.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)


def test_spearman_matches_the_textbook_example():
    # IQ against hours of TV a week (the Wikipedia example): ρ = −29/165.
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    assert stats.spearman_rho(iq, tv) == pytest.approx(-29 / 165)


def test_spearman_gives_ties_their_average_rank():
    # Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): r = 4.5 / √(4.5 · 5) = √0.9.
    assert stats.average_ranks([1, 2, 2, 3]) == [1.0, 2.5, 2.5, 4.0]
    assert stats.spearman_rho([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(math.sqrt(0.9))


def test_spearman_is_undefined_without_spread():
    assert stats.spearman_rho([2, 2, 2], [1, 2, 3]) is None
    assert stats.spearman_rho([1], [1]) is None
    assert stats.spearman_rho([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)


def test_auc_counts_ties_as_half():
    # Pairs (hired, rejected): (1,1) ½, (1,2) 0, (2,1) 1, (2,2) ½, (3,1) 1, (3,2) 1 → 4/6.
    assert stats.auc([1, 2, 3], [1, 2]) == pytest.approx(4 / 6)
    assert stats.auc([3, 4], [1, 2]) == 1.0
    assert stats.auc([2, 2], [2, 2, 2]) == 0.5
    assert stats.auc([], [1]) is None


scores = st.lists(st.integers(1, 4), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(scores, scores)
def test_auc_is_symmetric_and_equals_counting_pairs(x, y):
    value = stats.auc(x, y)
    assert value == pytest.approx(1 - stats.auc(y, x))
    pairs = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in x for b in y)
    assert value == pytest.approx(pairs / (len(x) * len(y)))


# --- Theil–Sen, CUSUM, percentiles --------------------------------------------------


def test_theil_sen_is_the_median_pairwise_slope():
    # Slopes 2, ½, 4/3, −1, 1, 3 → median (1 + 4/3) / 2.
    assert stats.theil_sen_slope([1, 2, 3, 4], [1, 3, 2, 5]) == pytest.approx(7 / 6)


def test_theil_sen_shrugs_off_an_outlier():
    assert stats.theil_sen_slope([1, 2, 3, 4, 5], [1, 2, 3, 4, 100]) == 1.0


def test_theil_sen_skips_equal_x_and_is_undefined_without_two():
    assert stats.theil_sen_slope([1, 1, 2], [0, 5, 1]) == pytest.approx((1 + (-4)) / 2)
    assert stats.theil_sen_slope([3, 3], [1, 2]) is None
    assert stats.theil_sen_slope([], []) is None


def test_theil_sen_sampled_above_the_pair_budget_stays_close():
    rng = random.Random(9)
    x = [i / 10 for i in range(1500)]
    y = [2 * v + rng.gauss(0, 1) for v in x]
    sampled = stats.theil_sen_slope(x, y, max_pairs=50_000)
    assert sampled == pytest.approx(2.0, abs=0.02)
    assert stats.theil_sen_slope(x, y, max_pairs=50_000) == sampled  # fixed seed


def test_cusum_accumulates_above_k_and_alarms_past_h():
    result = stats.cusum_upper([0.0, 1.0, 2.0, 3.0, 0.0, -9.0])
    assert result.path == pytest.approx((0.0, 0.5, 2.0, 4.5, 0.0, 0.0))  # restarts after
    assert result.alarms == (3,) and result.alarm_index == 3 and result.alarmed
    assert not stats.cusum_upper([-1.0, 0.4, 0.5, 0.5]).alarmed


def test_cusum_keeps_alarming_on_a_lasting_rise():
    result = stats.cusum_upper([2.5] * 6)  # +2 a step above k: 2, 4, 6 > 4 → restart
    assert result.alarms == (2, 5)


def test_batch_standardise_compares_each_value_with_those_before_it():
    short = [float(v % 3) for v in range(12)]  # 0 1 2 0 1 2 …
    zs, ends = stats.batch_standardise(short)
    assert ends == list(range(12))  # under 20 values, each is its own batch
    assert zs[:10] == [0.0] * 10  # warm-up: no reference yet
    # The 11th value against the first ten, in the self-starting form.
    earlier = short[:10]
    expected = (short[10] - stats.mean(earlier)) / (
        stats.sample_sd(earlier) * math.sqrt(1 + 1 / 10)
    )
    assert zs[10] == pytest.approx(expected)
    long = [float(v % 5) for v in range(300)]
    zs, ends = stats.batch_standardise(long)
    assert len(zs) == 20 and ends[0] == 14 and ends[-1] == 299
    assert zs[1] == pytest.approx(0.0)  # batches of 15 hold every level equally often
    assert stats.batch_standardise([2.0] * 50) is None


def _drift_alarm_rate(length: int, shift: float, trials: int, seed: int) -> float:
    rng = random.Random(seed)
    alarms = 0
    for _ in range(trials):
        series = [rng.gauss(0, 1) + (shift if i >= 2 * length // 3 else 0) for i in range(length)]
        zs, _ = stats.batch_standardise(series)
        alarms += stats.cusum_upper(zs).alarmed
    return alarms / trials


@pytest.mark.parametrize("length", [40, 300, 1000])
def test_drift_rarely_alarms_on_a_stable_series_whatever_its_length(length):
    assert _drift_alarm_rate(length, 0.0, trials=300, seed=length) < 0.08


def test_drift_finds_a_sustained_one_sd_rise():
    assert _drift_alarm_rate(150, 1.0, trials=200, seed=2) > 0.9


def test_drift_does_not_mistake_a_later_fall_for_an_earlier_rise():
    # Against the whole series' mean, the part before a fall looks high; against its own
    # past, a series that only falls never raises the upward alarm.
    assert _drift_alarm_rate(150, -1.0, trials=200, seed=4) < 0.08


def test_percentiles_interpolate_like_numpy():
    assert stats.percentile([1, 2, 3, 4], 90) == pytest.approx(3.7)
    assert stats.median([4, 1, 3, 2]) == 2.5
    assert stats.median([]) is None
    with pytest.raises(ValueError):
        stats.percentile([1], 101)


def test_mean_and_sd_are_undefined_not_zero_when_empty():
    assert stats.mean([]) is None
    assert stats.sample_sd([3.0]) is None
    assert stats.sample_sd([1.0, 3.0]) == pytest.approx(math.sqrt(2))


def test_reading_of_alpha_follows_krippendorff():
    assert [stats.reading_of_alpha(a) for a in (0.85, 0.7, 0.5, None)] == [
        "reliable",
        "tentative",
        "unreliable",
        None,
    ]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_holds_the_share_inside_zero_to_one(successes, n):
    successes = min(successes, n)
    low, high = stats.wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.floats(-5, 5)), min_size=2, max_size=40))
def test_spearman_is_symmetric_bounded_and_blind_to_monotone_rescaling(pairs):
    x = [float(a) for a, _ in pairs]
    y = [b for _, b in pairs]
    rho = stats.spearman_rho(x, y)
    assert rho == stats.spearman_rho(y, x) or rho == pytest.approx(stats.spearman_rho(y, x))
    if rho is not None:
        assert -1 - 1e-9 <= rho <= 1 + 1e-9
        assert stats.spearman_rho([v**3 + 7 for v in x], y) == pytest.approx(rho)


@settings(max_examples=200, deadline=None)
@given(scores, scores)
def test_auc_is_blind_to_monotone_rescaling(x, y):
    assert stats.auc([10 * v - 3 for v in x], [10 * v - 3 for v in y]) == pytest.approx(
        stats.auc(x, y)
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(1, 4), min_size=2, max_size=3), min_size=2, max_size=15))
def test_one_point_higher_in_every_pair_moves_leniency_by_one(units):
    # In panels of two, adding 1 to one rater's scores moves each of their deviations
    # from the other by exactly +1: the estimate sees the planted bias undiluted.
    base = [stats.deviations_from_others([("a", float(u[0])), ("b", float(u[1]))]) for u in units]
    moved = [
        stats.deviations_from_others([("a", float(u[0]) + 1), ("b", float(u[1]))]) for u in units
    ]
    before = stats.leniency_estimate([[dict(d)["a"]] for d in base])
    after = stats.leniency_estimate([[dict(d)["a"]] for d in moved])
    assert after.mean == pytest.approx(before.mean + 1)
    assert after.se == pytest.approx(before.se, abs=1e-9)
