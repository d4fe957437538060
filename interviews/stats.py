"""The statistics behind Intervy's analytics (ANALYTICS.md), in plain Python.

No Django, no database, no numpy: the data are small (a busy year is a few thousand
scorecards), every function here is a few dozen lines, and a pure module is tested
against published values without a request. Each function says which figure it serves,
why it has its shape, and its cost, so the page layer can tell what it may call per
request and what it should cache.

Undefined is never zero: a function returns None where its statistic does not exist
(no pairs, no spread, an empty group), and the page shows "—".
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Literal

Metric = Literal["ordinal", "interval", "nominal"]
SCORE_LEVELS: tuple[int, ...] = (1, 2, 3, 4)

# 1.96: the two-sided 95 % normal quantile every interval of ANALYTICS.md uses.
Z95 = 1.959963984540054
# The bootstrap's fixed seed: the same data give the same interval on every page load.
ALPHA_BOOTSTRAP_SEED = 12
ALPHA_BOOTSTRAP_RESAMPLES = 1000

# Leniency (ANALYTICS.md): shrink toward 0 by n_c / (n_c + 5); flag only when the shrunk
# mean is at least half a point, its interval excludes 0 and there are 10 candidates.
LENIENCY_PRIOR_CANDIDATES = 5
LENIENCY_FLAG_AT = 0.5
LENIENCY_FLAG_MIN_CANDIDATES = 10

# Theil–Sen is exact up to this many pairs, then samples this many with a fixed seed.
THEIL_SEN_MAX_PAIRS = 20_000
THEIL_SEN_SEED = 90

# CUSUM (ANALYTICS.md): reference value k and decision interval h, in SDs.
CUSUM_K = 0.5
CUSUM_H = 4.0
# Drift runs its CUSUM on at most this many consecutive batch means, each against the
# values before it once there are DRIFT_WARM_UP of them (see batch_standardise).
DRIFT_BATCHES = 20
DRIFT_WARM_UP = 10


# --- small helpers ------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values (never a silent 0)."""
    return math.fsum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n − 1), or None below two values. O(n)."""
    n = len(values)
    if n < 2:
        return None
    centre = math.fsum(values) / n
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (n - 1))


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between order statistics.

    This is Hyndman & Fan's type 7 (numpy's and R's default), so figures match what an
    analyst re-computing them in a notebook would get. O(n log n) for the sort.
    """
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    fraction = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


def median(values: Iterable[float]) -> float | None:
    """The median (the 50th percentile, so an even count averages the middle two)."""
    return percentile(values, 50)


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n, ties sharing the average of the ranks they span (mid-ranks).

    Spearman's ρ and the Mann–Whitney AUC both need mid-ranks: scores are on a 1–4
    scale, so ties are the rule, not the exception. Ranking the distinct values (few,
    for means of 1–4 scores) and looking each value up keeps it O(n + d log d).
    """
    rank_of: dict[float, float] = {}
    below = 0
    for value, count in sorted(Counter(values).items()):
        rank_of[value] = below + (count + 1) / 2
        below += count
    return [rank_of[value] for value in values]


# --- Krippendorff's α ---------------------------------------------------------------


Pattern = tuple[int, ...]


def rating_patterns(units: Iterable[Sequence[int | None]]) -> Counter[Pattern]:
    """The pairable units as their sorted ratings, with how many units share each pattern.

    α depends on a unit only through the multiset of its ratings, and panels of two to
    four on a 1–4 scale have few distinct multisets (65 at most), so counting patterns
    first makes the per-unit work one small sort and one dict increment. Units with
    fewer than two ratings are not pairable and are left out. O(total ratings).
    """
    patterns: Counter[Pattern] = Counter()
    for unit in units:
        values = [value for value in unit if value is not None]
        if len(values) >= 2:
            values.sort()
            patterns[tuple(values)] += 1
    return patterns


def _ordered_pairs(pattern: Pattern, index: Mapping[int, int]) -> dict[tuple[int, int], int]:
    """Ordered pairs of distinct ratings in one unit, per cell (level indices)."""
    try:
        counts = Counter(index[value] for value in pattern)
    except KeyError as error:
        raise ValueError(f"rating {error.args[0]!r} is not one of the levels") from None
    return {
        (a, b): count_a * (count_a - 1) if a == b else count_a * count_b
        for a, count_a in counts.items()
        for b, count_b in counts.items()
        if a != b or count_a > 1
    }


def coincidence_matrix(
    units: Iterable[Sequence[int | None]], levels: Sequence[int] = SCORE_LEVELS
) -> list[list[float]]:
    """Krippendorff's coincidence matrix o[a][b] over `levels` (indices, not values).

    Each unit with m ≥ 2 ratings adds 1/(m − 1) for every ordered pair of distinct
    ratings in it; a unit with fewer ratings is not pairable and adds nothing. Every
    level keeps its row even when unused, because the ordinal distance counts the
    marginals of the levels *between* two ratings. O(total ratings).
    """
    return coincidence_matrix_of_patterns(rating_patterns(units), levels)


def coincidence_matrix_of_patterns(
    patterns: Mapping[Pattern, int], levels: Sequence[int] = SCORE_LEVELS
) -> list[list[float]]:
    """The coincidence matrix from `rating_patterns`' counts. O(distinct patterns)."""
    index = {level: position for position, level in enumerate(levels)}
    size = len(levels)
    matrix = [[0.0] * size for _ in range(size)]
    for pattern, units in patterns.items():
        weight = units / (len(pattern) - 1)
        for (a, b), pairs in _ordered_pairs(pattern, index).items():
            matrix[a][b] += pairs * weight
    return matrix


def _squared_distances(
    marginals: Sequence[float], levels: Sequence[int], metric: Metric
) -> list[list[float]]:
    size = len(levels)
    if metric == "nominal":
        return [[0.0 if j == k else 1.0 for k in range(size)] for j in range(size)]
    if metric == "interval":
        return [[float(levels[j] - levels[k]) ** 2 for k in range(size)] for j in range(size)]
    if metric == "ordinal":
        distances = [[0.0] * size for _ in range(size)]
        for j in range(size):
            for k in range(j + 1, size):
                between = math.fsum(marginals[j : k + 1])
                value = (between - (marginals[j] + marginals[k]) / 2) ** 2
                distances[j][k] = distances[k][j] = value
        return distances
    raise ValueError(f"unknown metric {metric!r}: ordinal, interval or nominal")


def alpha_from_matrix(
    matrix: Sequence[Sequence[float]],
    *,
    levels: Sequence[int] = SCORE_LEVELS,
    metric: Metric = "ordinal",
) -> float | None:
    """α = 1 − D_o / D_e from a coincidence matrix; None when undefined.

    Undefined when nothing is pairable (n ≤ 1) or when every pairable rating is the same
    level (D_e = 0): agreement is then perfect but uninformative, and 1.0 would
    overstate it. O(levels²), so the bootstrap can call it per resample.
    """
    marginals = [math.fsum(row) for row in matrix]
    n = math.fsum(marginals)
    if n <= 1:
        return None
    distances = _squared_distances(marginals, levels, metric)
    size = len(levels)
    observed = math.fsum(matrix[j][k] * distances[j][k] for j in range(size) for k in range(size))
    expected = math.fsum(
        marginals[j] * marginals[k] * distances[j][k] for j in range(size) for k in range(size)
    )
    if expected <= 0:
        return None
    # D_o / D_e = (Σ o δ² / n) / (Σ n_j n_k δ² / (n (n − 1))) = (n − 1) Σ o δ² / Σ n_j n_k δ².
    return 1.0 - (n - 1) * observed / expected


def krippendorff_alpha(
    units: Iterable[Sequence[int | None]],
    *,
    levels: Sequence[int] = SCORE_LEVELS,
    metric: Metric = "ordinal",
) -> float | None:
    """Krippendorff's α for units of ratings (one sequence per unit, None = no rating).

    It is the panel-reliability figure because it copes with what interview panels
    are: a varying number of raters per unit, missing ratings, and an ordinal 1–4 scale.
    Returns None when no unit is pairable or D_e = 0. A rating outside `levels` is a
    ValueError rather than silently widening the scale. O(total ratings).
    """
    return alpha_from_matrix(coincidence_matrix(units, levels), levels=levels, metric=metric)


def alpha_bootstrap_interval(
    clusters: Iterable[Iterable[Sequence[int | None]]],
    *,
    levels: Sequence[int] = SCORE_LEVELS,
    metric: Metric = "ordinal",
    resamples: int = ALPHA_BOOTSTRAP_RESAMPLES,
    confidence: float = 0.95,
    seed: int = ALPHA_BOOTSTRAP_SEED,
) -> tuple[float, float] | None:
    """A percentile bootstrap interval for α, resampling whole clusters (candidates).

    A candidate's units are correlated (one strong candidate scores high everywhere),
    so resampling units would understate the uncertainty; resampling candidates keeps
    each one's units together. The fixed seed makes the interval the same on every page
    load. None when α itself is undefined or fewer than two clusters have a pairable unit.

    How it stays cheap: the coincidence matrix is a sum over units, so each cluster's
    contribution is computed once, as exact integers (pair counts scaled by the least
    common multiple of the units' m − 1), and packed into one integer, a field per cell
    of the symmetric matrix. A resample is then one sum of the drawn clusters' integers
    and a few shifts. Cost: O(total ratings) once, then O(resamples × clusters) integer
    additions, about as many as there are random draws; a scope of many thousands of
    candidates is still worth caching.
    """
    size = len(levels)
    index = {level: position for position, level in enumerate(levels)}
    counted = [patterns for patterns in map(rating_patterns, clusters) if patterns]
    if len(counted) < 2:
        return None
    distinct = set().union(*counted)
    # The scale clears every 1/(m − 1), so cells are exact integers.
    scale = math.lcm(*(len(pattern) - 1 for pattern in distinct))
    upper = [(a, b) for a in range(size) for b in range(a, size)]
    cells_of = {}
    for pattern in distinct:
        pairs = _ordered_pairs(pattern, index)
        weight = scale // (len(pattern) - 1)
        cells_of[pattern] = {cell: pairs[cell] * weight for cell in upper if cell in pairs}
    widest = max(
        sum(units * max(cells_of[pattern].values()) for pattern, units in patterns.items())
        for patterns in counted
    )
    width = (widest * len(counted)).bit_length() + 1
    mask = (1 << width) - 1
    shifts = {cell: position * width for position, cell in enumerate(upper)}
    packed_pattern = {
        pattern: sum(value << shifts[cell] for cell, value in cells.items())
        for pattern, cells in cells_of.items()
    }
    packed = [
        sum(units * packed_pattern[pattern] for pattern, units in patterns.items())
        for patterns in counted
    ]

    def alpha_of(total: int) -> float | None:
        matrix = [[0.0] * size for _ in range(size)]
        for (a, b), shift in shifts.items():
            matrix[a][b] = matrix[b][a] = ((total >> shift) & mask) / scale
        return alpha_from_matrix(matrix, levels=levels, metric=metric)

    if alpha_of(sum(packed)) is None:
        return None
    count = len(packed)
    draws = range(count)
    uniform = random.Random(seed).random
    alphas: list[float] = []
    for _ in range(resamples):
        pick = itemgetter(*[int(uniform() * count) for _ in draws])
        value = alpha_of(sum(pick(packed)))
        if value is not None:
            alphas.append(value)
    if not alphas:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = percentile(alphas, tail), percentile(alphas, 100 - tail)
    assert low is not None and high is not None  # noqa: S101 - alphas is not empty
    return low, high


def reading_of_alpha(alpha: float | None) -> str | None:
    """Krippendorff's reading: ≥ 0.80 reliable, 0.667–0.80 tentative, else unreliable."""
    if alpha is None:
        return None
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


# --- leniency against co-panelists --------------------------------------------------


def deviations_from_others[K: Hashable](
    ratings: Sequence[tuple[K, float]],
) -> list[tuple[K, float]]:
    """For one unit: each rater's rating minus the mean of the *other* raters' ratings.

    Comparing with the others who heard the same answer separates a severe interviewer
    from a hard question or a weak candidate. A unit with one rating yields nothing.
    O(m) per unit (the others' mean is the total less one's own).
    """
    m = len(ratings)
    if m < 2:
        return []
    total = math.fsum(value for _, value in ratings)
    return [(rater, value - (total - value) / (m - 1)) for rater, value in ratings]


@dataclass(frozen=True)
class LeniencyEstimate:
    """An interviewer's mean deviation from co-panelists, per candidate, with its interval.

    `mean` is L_i over co-rated candidates; `shrunk` is L*_i = L_i · n_c / (n_c + 5), the
    figure to show, so a handful of candidates cannot produce a large number.
    """

    candidates: int
    mean: float | None
    se: float | None
    low: float | None
    high: float | None
    shrunk: float | None
    flagged: bool

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def leniency_estimate(
    deviations_by_candidate: Iterable[Sequence[float]],
    *,
    prior_candidates: int = LENIENCY_PRIOR_CANDIDATES,
    flag_at: float = LENIENCY_FLAG_AT,
    flag_min_candidates: int = LENIENCY_FLAG_MIN_CANDIDATES,
    z: float = Z95,
) -> LeniencyEstimate:
    """L_i from the deviations d(i, u), grouped by candidate (ANALYTICS.md).

    Averaging per candidate first (D(i, c)) makes the candidate the unit of evidence: a
    lenient day moves all of that candidate's answers, so ten answers of one candidate
    are not ten independent observations. SE = sd(D) / √n_c; the interval is L ± 1.96 SE.
    Flagged only when |L*| ≥ 0.5, the interval excludes 0 and n_c ≥ 10: with twenty
    interviewers about one false flag at 95 % is expected by chance, so the bar is high.
    O(total deviations).
    """
    per_candidate = [math.fsum(d) / len(d) for d in deviations_by_candidate if len(d)]
    n_c = len(per_candidate)
    centre = mean(per_candidate)
    if centre is None:
        return LeniencyEstimate(0, None, None, None, None, None, False)
    sd = sample_sd(per_candidate)
    se = None if sd is None else sd / math.sqrt(n_c)
    low = None if se is None else centre - z * se
    high = None if se is None else centre + z * se
    shrunk = centre * n_c / (n_c + prior_candidates)
    estimate = LeniencyEstimate(n_c, centre, se, low, high, shrunk, False)
    flagged = abs(shrunk) >= flag_at and estimate.excludes_zero and n_c >= flag_min_candidates
    return LeniencyEstimate(n_c, centre, se, low, high, shrunk, flagged)


# --- proportions, rank correlation, separation --------------------------------------


def wilson_interval(successes: int, n: int, *, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's score interval for a proportion; None when n = 0.

    Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and does not collapse to a point at
    0 % or 100 %, which matters at the small counts of one interviewer's mix.
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0 % and 100 % the bound is exactly 0 or 1; rounding must not pull it inside p.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def pearson_r(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r, or None below two pairs or when either side has no spread. O(n)."""
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    n = len(x)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(x) / n, math.fsum(y) / n
    dx = [v - mean_x for v in x]
    dy = [v - mean_y for v in y]
    sxx = math.fsum(v * v for v in dx)
    syy = math.fsum(v * v for v in dy)
    if sxx <= 0 or syy <= 0:
        return None
    return math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)


def spearman_rho(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's ρ: Pearson's r on mid-ranks, so ties (common on a 1–4 scale) count right.

    The shortcut 1 − 6Σd²/(n(n²−1)) is only exact without ties, so it is not used.
    None when undefined (fewer than two pairs, or one side constant). O(n log n).
    """
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    return pearson_r(average_ranks(x), average_ranks(y))


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """P(a positive's score > a negative's) + ½ P(tie): the Mann–Whitney U / (n₁ n₀).

    Used as "agreement with decisions" (hired vs rejected); computed from mid-ranks of
    the pooled scores, so it is O(n log n) instead of comparing every pair, and ties
    count half exactly. None when either group is empty.
    """
    n1, n0 = len(positives), len(negatives)
    if n1 == 0 or n0 == 0:
        return None
    ranks = average_ranks([*positives, *negatives])
    u = math.fsum(ranks[:n1]) - n1 * (n1 + 1) / 2
    return u / (n1 * n0)


# --- drift: Theil–Sen slope and CUSUM -----------------------------------------------


def theil_sen_slope(
    x: Sequence[float],
    y: Sequence[float],
    *,
    max_pairs: int = THEIL_SEN_MAX_PAIRS,
    seed: int = THEIL_SEN_SEED,
) -> float | None:
    """The Theil–Sen slope: the median of the slopes of all pairs with distinct x.

    Robust to the odd outlying residual (one candidate's bad day) where least squares is
    not. Exact up to `max_pairs` pairs (200 points at the default); above that, the
    median of `max_pairs` pairs drawn with a fixed seed, so the cost stays O(max_pairs)
    however often a question was asked and the figure is the same on every load. The
    median of m random pairs is about as precise as the exact estimator on 0.4 m
    points, far finer than the two decimals a page shows. None below two distinct x.
    """
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    n = len(x)
    slopes: list[float] = []
    if n * (n - 1) // 2 <= max_pairs:
        for i in range(n):
            xi, yi = x[i], y[i]
            slopes.extend((y[j] - yi) / (x[j] - xi) for j in range(i + 1, n) if x[j] != xi)
    elif n >= 2:
        pick = random.Random(seed).random
        for _ in range(max_pairs):
            i, j = int(pick() * n), int(pick() * n)
            if x[i] != x[j]:
                slopes.append((y[j] - y[i]) / (x[j] - x[i]))
    return median(slopes)


@dataclass(frozen=True)
class CusumResult:
    """An upper one-sided CUSUM path and the indices where it alarmed (restarting after each)."""

    path: tuple[float, ...]
    alarms: tuple[int, ...]

    @property
    def alarm_index(self) -> int | None:
        return self.alarms[0] if self.alarms else None

    @property
    def alarmed(self) -> bool:
        return bool(self.alarms)


def batch_standardise(
    values: Sequence[float], *, batches: int = DRIFT_BATCHES, warm_up: int = DRIFT_WARM_UP
) -> tuple[list[float], list[int]] | None:
    """Standardise a series for the drift CUSUM: batch means against everything before them.

    The series is cut into at most `batches` consecutive, near-equal groups, and each
    group's mean is compared with the mean and SD of all the values *before* it:
    z = (group mean − earlier mean) / (earlier SD · √(1/size + 1/earlier count)), the
    self-starting form (Hawkins 1987). Groups before `warm_up` earlier values get z = 0.

    Why groups: a CUSUM with k = 0.5, h = 4 on single values has an in-control run
    length of about 340, so a stable question asked 200 times would alarm about 40 % of
    the time. On at most 20 group means a stable question alarms about 1 time in 20
    whatever its exposure (about the rate of the leniency flag), and a sustained rise is
    found sooner, as a group mean carries √size times the shift. Below 20 values every
    group is one value: the plain CUSUM.

    Why earlier values only: standardising on the whole series' mean makes the early
    part look high whenever the later part falls (when a sibling question leaks, the
    other questions' residuals drop), which would raise an upward alarm for a question
    that never moved. Against its own past, a question alarms only when it rises.

    Returns the z's and each group's last index (where an alarm is dated), or None
    when the series has no spread. O(n).
    """
    n = len(values)
    overall_sd = sample_sd(values)
    if overall_sd is None or overall_sd <= 0:
        return None
    count = min(n, batches)
    zs: list[float] = []
    ends: list[int] = []
    earlier_n, earlier_sum, earlier_squares = 0, 0.0, 0.0
    for group in range(count):
        start, stop = group * n // count, (group + 1) * n // count
        chunk = values[start:stop]
        size = stop - start
        z = 0.0
        if earlier_n >= max(warm_up, 2):
            earlier_mean = earlier_sum / earlier_n
            variance = (earlier_squares - earlier_n * earlier_mean**2) / (earlier_n - 1)
            # A past with no spread at all cannot scale a change: use the series' SD.
            sd = math.sqrt(variance) if variance > 1e-12 else overall_sd
            scale = sd * math.sqrt(1 / size + 1 / earlier_n)
            z = (math.fsum(chunk) / size - earlier_mean) / scale
        zs.append(z)
        ends.append(stop - 1)
        earlier_n += size
        earlier_sum += math.fsum(chunk)
        earlier_squares += math.fsum(v * v for v in chunk)
    return zs, ends


def cusum_upper(
    standardised: Sequence[float], *, k: float = CUSUM_K, h: float = CUSUM_H
) -> CusumResult:
    """The tabular upper CUSUM S_t = max(0, S_{t−1} + z_t − k), alarming when S_t > h.

    One-sided on purpose: a leaked or worn-out question scores *higher* than the same
    candidates' other answers, so only a rise is a prompt. k = 0.5 tunes it to a shift
    of one SD; h = 4 trades false alarms against delay. After an alarm the sum restarts
    at 0, as a chart is restarted once a signal has been looked at, so an early blip
    does not hide when a later, lasting rise began, and a lasting rise keeps alarming.
    The path (with its restarts) is returned whole for the page to draw. O(n).
    """
    path: list[float] = []
    alarms: list[int] = []
    level = 0.0
    for position, z in enumerate(standardised):
        level = max(0.0, level + z - k)
        path.append(level)
        if level > h:
            alarms.append(position)
            level = 0.0
    return CusumResult(tuple(path), tuple(alarms))
