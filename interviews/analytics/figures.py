"""Every figure of ANALYTICS.md from plain records: no Django, no database.

The reads layer turns submitted scorecards into `RatingRecord`s (one per question record)
and `ScorecardRecord`s (one per scorecard), plus the decided outcome of each candidate,
and calls `interviewer_figures`, `question_figures` and `panel_reliability` for the scope
a page shows (a position, a template, a date range). Drafts must never be passed in: blind
review means a draft moves nothing, not even a count.

`outcomes` maps a candidate to the decision for the scope's position. Ids are only
compared for equality, so for a scope spanning positions the reads layer may pass
(candidate, position) as `candidate_id` to keep one person's two applications apart.

Every figure carries its n and a `Gate` from ANALYTICS.md's minimum-n table; a hidden
figure keeps its n but drops its numbers, so no page can show a value that means
nothing. Flags are worded as prompts for a conversation, never as verdicts.

Cost: each function makes a constant number of passes over its records with dicts,
O(records) plus the statistics' own costs (sorting per question version for ranks and
drift; the bootstrap in `panel_reliability` is the one heavy part, see its docstring).
"""

from __future__ import annotations

import functools
import gc
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from interviews import stats

SCORE_LEVELS = stats.SCORE_LEVELS
# The recommendation on the 1–4 scale ANALYTICS.md uses; "pass" is Yes or Strong yes.
RECOMMENDATION_LEVELS: Mapping[str, int] = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
PASS_AT = 3
SECONDS_PER_DAY = 86_400.0

# Flags, worded as prompts. The page shows them next to the figure that raised them.
CALIBRATION_PROMPT = "worth a calibration conversation"
DRIFT_PROMPT = "possibly leaked or worn out — review or retire"

# Question-health thresholds ANALYTICS.md states, and the two it leaves open (marked).
LITTLE_SPREAD_SD = 0.5
CEILING_TOP_SHARE = 0.5
CEILING_TOP_TWO_SHARE = 0.9
ITEM_REST_WEAK = 0.2
# Not in ANALYTICS.md: "high" not-assessed rate, and how near 0.5 "near 0.5" is.
HIGH_NOT_ASSESSED = 0.2
AUC_NEAR_HALF = 0.1
ALPHA_LOW = 0.667
DRIFT_MIN_ADMINISTRATIONS = 40
DRIFT_MIN_SPAN_DAYS = 60


class Outcome(StrEnum):
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDREW = "withdrew"


class Gate(StrEnum):
    """Whether a figure may be shown: below its minimum n it is hidden or provisional."""

    HIDDEN = "hidden"
    PROVISIONAL = "provisional"
    OK = "ok"


# figure → (hidden below, provisional below), ANALYTICS.md "How many before a figure
# means anything". "proportion" is not in that table: it gates the shares ANALYTICS.md
# gives no row of their own (panel and outcome agreement, not-assessed rates, time to
# submit, a question's distribution) like the recommendation mix, the table's one share.
MINIMUM_N: Mapping[str, tuple[int, int]] = {
    "leniency": (5, 25),
    "recommendation_mix": (10, 30),
    "item_rest": (30, 100),
    "auc": (30, 100),
    "alpha": (30, 140),
    "proportion": (10, 30),
}


def gate_for(figure: str, n: int) -> Gate:
    hidden_below, provisional_below = MINIMUM_N[figure]
    if n < hidden_below:
        return Gate.HIDDEN
    if n < provisional_below:
        return Gate.PROVISIONAL
    return Gate.OK


# --- records in -----------------------------------------------------------------------
# NamedTuples rather than dataclasses: the reads layer builds hundreds of thousands of
# them straight from `values_list` rows with `RatingRecord._make`, and a tuple is the
# cheapest immutable record Python has.


class RatingRecord(NamedTuple):
    """One question record of a submitted scorecard.

    `unit_key` names the session question: with the candidate it is ANALYTICS.md's unit.
    `score` is 1–4, or None when the interviewer marked it not assessed or skipped it
    (never a low score; it counts only in the not-assessed rates). `question_id` and
    `question_version` are the bank question and version it was copied from (None for an
    ad hoc question, which counts in α and leniency but has no question-health row).
    `completed_at` is the session's completion: the date order of drift and exposure.
    """

    candidate_id: int
    session_id: int
    unit_key: int
    question_id: int | None
    question_version: int | None
    interviewer_id: int
    score: int | None
    completed_at: datetime


class ScorecardRecord(NamedTuple):
    """One submitted scorecard: its recommendation (1–4, see RECOMMENDATION_LEVELS) and times."""

    session_id: int
    candidate_id: int
    interviewer_id: int
    recommendation: int
    completed_at: datetime | None
    submitted_at: datetime


# --- figures out ----------------------------------------------------------------------


@dataclass(frozen=True)
class Proportion:
    """count of n, as a share with its Wilson 95 % interval."""

    count: int
    n: int
    gate: Gate
    share: float | None
    low: float | None
    high: float | None


def proportion(count: int, n: int, *, figure: str = "proportion") -> Proportion:
    gate = gate_for(figure, n)
    if gate is Gate.HIDDEN or n == 0:
        return Proportion(count, n, gate, None, None, None)
    interval = stats.wilson_interval(count, n)
    assert interval is not None  # noqa: S101 - n > 0
    return Proportion(count, n, gate, count / n, *interval)


@dataclass(frozen=True)
class Leniency:
    """Mean deviation from co-panelists, per candidate (n = co-rated candidates).

    `shrunk` (L*) is the figure to show; `mean` is the unshrunk L with its interval.
    `units` is how many shared answers (or panels, for recommendations) it rests on.
    """

    n: int
    units: int
    gate: Gate
    mean: float | None
    se: float | None
    low: float | None
    high: float | None
    shrunk: float | None
    flag: str | None


@dataclass(frozen=True)
class TimeToSubmit:
    """submitted_at − session completed_at, in hours, over the scorecards that have both."""

    n: int
    gate: Gate
    median_hours: float | None
    p90_hours: float | None
    within_24h: Proportion


@dataclass(frozen=True)
class InterviewerFigures:
    interviewer_id: int
    scorecards: int
    leniency: Leniency
    recommendation_leniency: Leniency
    pass_share_leniency: Leniency
    # Strong no, No, Yes, Strong yes: each a share of this interviewer's scorecards.
    recommendation_mix: tuple[Proportion, ...]
    pass_share: Proportion
    panel_agreement: Proportion
    outcome_agreement: Proportion
    not_assessed: Proportion
    time_to_submit: TimeToSubmit
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Deviation:
    """One shared answer behind a leniency figure: this rating against the others' mean."""

    candidate_id: int
    session_id: int
    unit_key: int
    question_id: int | None
    question_version: int | None
    score: int
    others_mean: float
    others: int
    deviation: float


@dataclass(frozen=True)
class Exposure:
    times_asked: int
    candidates: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class Distribution:
    """How the ratings of a question version spread over 1–4 (n = ratings)."""

    n: int
    gate: Gate
    counts: tuple[int, ...]
    shares: tuple[float, ...] | None
    mean: float | None
    sd: float | None
    little_spread: bool
    ceiling: bool
    floor: bool


@dataclass(frozen=True)
class Correlation:
    value: float | None
    n: int
    gate: Gate


@dataclass(frozen=True)
class Separation:
    """AUC of hired against rejected candidates: agreement with decisions, not validity."""

    auc: float | None
    hired: int
    rejected: int
    n: int
    gate: Gate


@dataclass(frozen=True)
class Reliability:
    """Krippendorff's α on pairable units: ordinal (the figure) and interval beside it.

    `low`/`high` is the cluster-bootstrap 95 % interval of the ordinal α, when computed.
    `n` is pairable units, `ratings` the ratings in them.
    """

    n: int
    ratings: int
    gate: Gate
    ordinal: float | None
    interval: float | None
    low: float | None
    high: float | None
    reading: str | None


@dataclass(frozen=True)
class Drift:
    """Residuals (this question − the same candidates' other answers) in date order.

    `slope_per_90_days` is Theil–Sen; `cusum` the upper CUSUM path over batch means
    (stats.batch_standardise, restarting after each alarm) and `alarms` the dates of the
    administrations closing the batches where it crossed h, oldest first. `dates` and
    `residuals` (parallel, in date order) are there for the sparkline.
    """

    n: int
    span_days: float
    gate: Gate
    slope_per_90_days: float | None
    cusum: tuple[float, ...]
    alarms: tuple[datetime, ...]
    dates: tuple[datetime, ...]
    residuals: tuple[float, ...]

    @property
    def alarmed(self) -> bool:
        return bool(self.alarms)

    @property
    def alarm_at(self) -> datetime | None:
        """The first alarm."""
        return self.alarms[0] if self.alarms else None

    @property
    def latest_alarm_at(self) -> datetime | None:
        return self.alarms[-1] if self.alarms else None


@dataclass(frozen=True)
class QuestionFigures:
    question_id: int
    question_version: int | None
    exposure: Exposure
    not_assessed: Proportion
    distribution: Distribution
    item_rest: Correlation
    separation: Separation
    alpha: Reliability
    drift: Drift
    flags: tuple[str, ...]


# --- interviewers -------------------------------------------------------------------


def _leniency(
    by_candidate: Mapping[int, list[float]], units: int, *, higher: str, lower: str
) -> Leniency:
    estimate = stats.leniency_estimate(by_candidate.values())
    gate = gate_for("leniency", estimate.candidates)
    if gate is Gate.HIDDEN:
        return Leniency(estimate.candidates, units, gate, None, None, None, None, None, None)
    flag = None
    if estimate.flagged:
        assert estimate.shrunk is not None  # noqa: S101 - flagged implies a mean
        direction = higher if estimate.shrunk > 0 else lower
        flag = f"{direction} than co-panelists on the same candidates: {CALIBRATION_PROMPT}"
    return Leniency(
        estimate.candidates,
        units,
        gate,
        estimate.mean,
        estimate.se,
        estimate.low,
        estimate.high,
        estimate.shrunk,
        flag,
    )


def _unless_hidden(value: float | None, gate: Gate) -> float | None:
    return None if gate is Gate.HIDDEN else value


# --- grouping -----------------------------------------------------------------------


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the figures allocate.

    Grouping half a million records creates a few hundred thousand small tuples and
    lists, none of them cyclic garbage, and the collector's repeated passes over them
    cost about a quarter of the time. Reference counting still frees everything; the
    collector runs again as soon as the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _pausing_collection[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _no_cyclic_collection():
            return function(*args, **kwargs)

    return wrapper


VersionKey = tuple[int, int | None]


class Unit(NamedTuple):
    """One session question as its panel recorded it: ANALYTICS.md's unit.

    `scored` holds (interviewer, score) for the records with a score; `records` counts
    every record, not assessed and skipped included. `version` is None for ad hoc.
    """

    candidate_id: int
    session_id: int
    completed_at: datetime
    version: VersionKey | None
    records: list[int]  # one cell, so the grouping pass can count in place
    scored: list[tuple[int, int]]


@dataclass(frozen=True)
class RatingGroups:
    """The records grouped once by unit, with each interviewer's record counts.

    Every section needs the same grouping; `compute_figures` builds it once and hands
    it to all three, and each section builds it itself when given plain records.
    """

    units: dict[int, Unit]
    asked: dict[int, int]
    unrated: dict[int, int]


@_pausing_collection
def group_ratings(ratings: Iterable[RatingRecord] | RatingGroups) -> RatingGroups:
    """One pass over the records (O(records)); a RatingGroups is returned as it is."""
    if isinstance(ratings, RatingGroups):
        return ratings
    units: dict[int, Unit] = {}
    asked: dict[int, int] = defaultdict(int)
    unrated: dict[int, int] = defaultdict(int)
    # Unpacking the tuple is the cheapest way to read a record's fields.
    for candidate, session, key, question, version, interviewer, score, at in ratings:
        unit = units.get(key)
        if unit is None:
            unit = units[key] = Unit(
                candidate, session, at, None if question is None else (question, version), [0], []
            )
        unit.records[0] += 1
        asked[interviewer] += 1
        if score is None:
            unrated[interviewer] += 1
        else:
            unit.scored.append((interviewer, score))
    return RatingGroups(units, dict(asked), dict(unrated))


@_pausing_collection
def interviewer_figures(
    ratings: Iterable[RatingRecord] | RatingGroups,
    scorecards: Iterable[ScorecardRecord],
    outcomes: Mapping[int, Outcome],
) -> dict[int, InterviewerFigures]:
    """ANALYTICS.md's interviewer section for every interviewer in the records.

    `outcomes` maps candidate → decided outcome (undecided candidates are simply absent);
    withdrawn candidates are left out of the agreement with outcome. O(records +
    scorecards): one pass to group by unit and by session, one over the groups.
    """
    scorecards = list(scorecards)
    groups = group_ratings(ratings)
    asked, unrated = groups.asked, groups.unrated
    # (interviewer, candidate) → that interviewer's deviations on the candidate's answers.
    by_pair: dict[tuple[int, int], list[float]] = defaultdict(list)
    for unit in groups.units.values():
        rated = unit.scored
        m = len(rated)
        if m < 2:
            continue
        candidate = unit.candidate_id
        if m == 2:  # most panels: each against the one other
            (first, a), (second, b) = rated
            by_pair[first, candidate].append(a - b)
            by_pair[second, candidate].append(b - a)
            continue
        total = sum(score for _, score in rated)
        for interviewer, score in rated:
            by_pair[interviewer, candidate].append(score - (total - score) / (m - 1))
    score_deviations: dict[int, dict[int, list[float]]] = defaultdict(dict)
    shared_answers: dict[int, int] = defaultdict(int)
    for (interviewer, candidate), deviations in by_pair.items():
        score_deviations[interviewer][candidate] = deviations
        shared_answers[interviewer] += len(deviations)

    panels: dict[int, list[ScorecardRecord]] = defaultdict(list)
    for card in scorecards:
        panels[card.session_id].append(card)
    rec_deviations: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    pass_deviations: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    shared_panels: dict[int, int] = defaultdict(int)
    majority_agree: dict[int, int] = defaultdict(int)
    majority_n: dict[int, int] = defaultdict(int)
    for panel in panels.values():
        if len(panel) < 2:
            continue
        recs = stats.deviations_from_others([(c, float(c.recommendation)) for c in panel])
        passes = stats.deviations_from_others(
            [(c, 1.0 if c.recommendation >= PASS_AT else 0.0) for c in panel]
        )
        total_pass = sum(1 for c in panel if c.recommendation >= PASS_AT)
        for (card, rec_d), (_, pass_d) in zip(recs, passes, strict=True):
            rec_deviations[card.interviewer_id][card.candidate_id].append(rec_d)
            pass_deviations[card.interviewer_id][card.candidate_id].append(pass_d)
            shared_panels[card.interviewer_id] += 1
            own_pass = card.recommendation >= PASS_AT
            others_pass = total_pass - own_pass
            others_fail = len(panel) - 1 - others_pass
            if others_pass != others_fail:  # a tied panel has no majority to agree with
                majority_n[card.interviewer_id] += 1
                majority_agree[card.interviewer_id] += own_pass == (others_pass > others_fail)

    by_interviewer: dict[int, list[ScorecardRecord]] = defaultdict(list)
    for card in scorecards:
        by_interviewer[card.interviewer_id].append(card)

    result: dict[int, InterviewerFigures] = {}
    for interviewer in sorted(set(asked) | set(by_interviewer)):
        cards = by_interviewer.get(interviewer, [])
        leniency = _leniency(
            score_deviations.get(interviewer, {}),
            shared_answers.get(interviewer, 0),
            higher="Scores run higher",
            lower="Scores run lower",
        )
        rec_leniency = _leniency(
            rec_deviations.get(interviewer, {}),
            shared_panels.get(interviewer, 0),
            higher="Recommends more strongly",
            lower="Recommends less strongly",
        )
        # The same rule on all three (ANALYTICS.md: "do the same"). On the pass share,
        # |L*| ≥ 0.5 means passing half the candidates more often than the panel does.
        pass_leniency = _leniency(
            pass_deviations.get(interviewer, {}),
            shared_panels.get(interviewer, 0),
            higher="Passes candidates more often",
            lower="Passes candidates less often",
        )
        levels = Counter(c.recommendation for c in cards)
        mix = tuple(
            proportion(levels[level], len(cards), figure="recommendation_mix")
            for level in SCORE_LEVELS
        )
        passing = sum(1 for c in cards if c.recommendation >= PASS_AT)
        decided = [
            c for c in cards if outcomes.get(c.candidate_id) in (Outcome.HIRED, Outcome.REJECTED)
        ]
        agree_outcome = sum(
            1
            for c in decided
            if (c.recommendation >= PASS_AT) == (outcomes[c.candidate_id] is Outcome.HIRED)
        )
        flags = tuple(
            figure.flag
            for figure in (leniency, rec_leniency, pass_leniency)
            if figure.flag is not None
        )
        result[interviewer] = InterviewerFigures(
            interviewer_id=interviewer,
            scorecards=len(cards),
            leniency=leniency,
            recommendation_leniency=rec_leniency,
            pass_share_leniency=pass_leniency,
            recommendation_mix=mix,
            pass_share=proportion(passing, len(cards), figure="recommendation_mix"),
            panel_agreement=proportion(
                majority_agree.get(interviewer, 0), majority_n.get(interviewer, 0)
            ),
            outcome_agreement=proportion(agree_outcome, len(decided)),
            not_assessed=proportion(unrated.get(interviewer, 0), asked.get(interviewer, 0)),
            time_to_submit=time_to_submit(cards),
            flags=flags,
        )
    return result


def time_to_submit(cards: Sequence[ScorecardRecord]) -> TimeToSubmit:
    """Median, 90th percentile and share within 24 h of submitted_at − completed_at."""
    hours = [
        (card.submitted_at - card.completed_at).total_seconds() / 3600
        for card in cards
        if card.completed_at is not None
    ]
    gate = gate_for("proportion", len(hours))
    within = proportion(sum(1 for h in hours if h <= 24), len(hours))
    return TimeToSubmit(
        len(hours),
        gate,
        _unless_hidden(stats.median(hours), gate),
        _unless_hidden(stats.percentile(hours, 90), gate),
        within,
    )


@_pausing_collection
def interviewer_deviations(
    ratings: Iterable[RatingRecord] | RatingGroups, interviewer_id: int
) -> list[Deviation]:
    """The shared answers behind one interviewer's leniency, largest difference first.

    For the detail page: where this interviewer differs from their co-panelists most,
    so a calibration conversation can start from concrete answers. O(records).
    """
    rows: list[Deviation] = []
    for unit_key, unit in group_ratings(ratings).units.items():
        own = [score for interviewer, score in unit.scored if interviewer == interviewer_id]
        others = [score for interviewer, score in unit.scored if interviewer != interviewer_id]
        if not own or not others:
            continue
        others_mean = sum(others) / len(others)
        question, version = unit.version if unit.version is not None else (None, None)
        rows.append(
            Deviation(
                candidate_id=unit.candidate_id,
                session_id=unit.session_id,
                unit_key=unit_key,
                question_id=question,
                question_version=version,
                score=own[0],
                others_mean=others_mean,
                others=len(others),
                deviation=own[0] - others_mean,
            )
        )
    rows.sort(key=lambda row: (-abs(row.deviation), row.session_id, row.unit_key))
    return rows


# --- panel reliability --------------------------------------------------------------


@_pausing_collection
def panel_reliability(
    ratings: Iterable[RatingRecord] | RatingGroups,
    *,
    bootstrap: bool = True,
    resamples: int = stats.ALPHA_BOOTSTRAP_RESAMPLES,
    seed: int = stats.ALPHA_BOOTSTRAP_SEED,
) -> Reliability:
    """Ordinal α (with its candidate-bootstrap interval) and interval α for a scope.

    The interval α sits beside the ordinal one because the scorecard aggregate averages
    scores, which treats them as interval. O(records) for the point figures; the
    bootstrap adds O(resamples × candidates) (stats.alpha_bootstrap_interval): pass
    `bootstrap=False` where only the point figure is wanted, or fewer resamples.
    """
    clusters: dict[int, list[list[int]]] = defaultdict(list)
    for unit in group_ratings(ratings).units.values():
        if len(unit.scored) >= 2:
            clusters[unit.candidate_id].append([score for _, score in unit.scored])
    pairable = [scores for cluster in clusters.values() for scores in cluster]
    return _reliability(
        stats.rating_patterns(pairable),
        clusters=clusters.values() if bootstrap else None,
        resamples=resamples,
        seed=seed,
    )


def _reliability(
    patterns: Mapping[stats.Pattern, int],
    *,
    clusters: Iterable[Sequence[Sequence[int]]] | None = None,
    resamples: int = stats.ALPHA_BOOTSTRAP_RESAMPLES,
    seed: int = stats.ALPHA_BOOTSTRAP_SEED,
) -> Reliability:
    n = sum(patterns.values())
    n_ratings = sum(len(pattern) * units for pattern, units in patterns.items())
    gate = gate_for("alpha", n)
    if gate is Gate.HIDDEN:
        return Reliability(n, n_ratings, gate, None, None, None, None, None)
    matrix = stats.coincidence_matrix_of_patterns(patterns)
    ordinal = stats.alpha_from_matrix(matrix, metric="ordinal")
    interval_alpha = stats.alpha_from_matrix(matrix, metric="interval")
    low = high = None
    if clusters is not None and ordinal is not None:
        bounds = stats.alpha_bootstrap_interval(clusters, resamples=resamples, seed=seed)
        if bounds is not None:
            low, high = bounds
    return Reliability(
        n, n_ratings, gate, ordinal, interval_alpha, low, high, stats.reading_of_alpha(ordinal)
    )


# --- question health ----------------------------------------------------------------


# One session question of a bank question as its panel rated it: (candidate, session,
# completed_at, mean score). A plain tuple: there is one per administration.
_Administration = tuple[int, int, datetime, float]


@dataclass
class _VersionTally:
    """What one pass over the units gathers for one question version."""

    times_asked: int = 0
    records: int = 0
    unrated: int = 0
    candidates: set[int] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None
    # Every rated unit as its sorted scores (one-score units too): counts and α from it.
    patterns: Counter[stats.Pattern] = field(default_factory=Counter)
    administrations: list[_Administration] = field(default_factory=list)


@_pausing_collection
def question_figures(
    ratings: Iterable[RatingRecord] | RatingGroups, outcomes: Mapping[int, Outcome]
) -> dict[VersionKey, QuestionFigures]:
    """ANALYTICS.md's question-health table for every (question, version) in the records.

    The "other questions of the same session" are every other rated session question,
    ad hoc ones included, each weighted once (the mean of their panel means), so a
    question rated by three interviewers does not outweigh one rated by two.
    Not-assessed rates are per record: one of a panel of three not assessing counts 1/3.

    Cost: one pass over the records to group them by unit, one over the units, then per
    version O(a log a) in its administrations a (ranks, the drift's date order) and
    Theil–Sen's bounded O(min(a², 20,000)).
    """
    session_sum: dict[int, float] = defaultdict(float)
    session_count: dict[int, int] = defaultdict(int)
    tallies: dict[VersionKey, _VersionTally] = defaultdict(_VersionTally)
    for candidate, session, completed_at, key, (records,), scored in group_ratings(
        ratings
    ).units.values():
        scores = [score for _, score in scored]
        if scores:
            unit_mean = sum(scores) / len(scores)
            session_sum[session] += unit_mean
            session_count[session] += 1
        if key is None:
            continue
        tally = tallies[key]
        tally.times_asked += 1
        tally.records += records
        tally.unrated += records - len(scores)
        tally.candidates.add(candidate)
        if tally.first is None or completed_at < tally.first:
            tally.first = completed_at
        if tally.last is None or completed_at > tally.last:
            tally.last = completed_at
        if not scores:
            continue
        scores.sort()
        tally.patterns[tuple(scores)] += 1
        tally.administrations.append((candidate, session, completed_at, unit_mean))

    result: dict[VersionKey, QuestionFigures] = {}
    for key in sorted(tallies, key=lambda k: (k[0], -1 if k[1] is None else k[1])):
        tally = tallies[key]
        rest = []
        for _, session, _, unit_mean in tally.administrations:
            count = session_count[session]
            rest.append((session_sum[session] - unit_mean) / (count - 1) if count > 1 else None)
        result[key] = _one_question(key, tally, rest, outcomes)
    return result


def _one_question(
    key: VersionKey,
    tally: _VersionTally,
    rest: Sequence[float | None],
    outcomes: Mapping[int, Outcome],
) -> QuestionFigures:
    administrations = tally.administrations
    exposure = Exposure(tally.times_asked, len(tally.candidates), tally.first, tally.last)
    not_assessed = proportion(tally.unrated, tally.records)
    counts = [0] * len(SCORE_LEVELS)
    for pattern, units in tally.patterns.items():
        for score in pattern:
            counts[score - 1] += units
    distribution = _distribution(counts)

    paired = [
        (unit_mean, other)
        for (_, _, _, unit_mean), other in zip(administrations, rest, strict=True)
        if other is not None
    ]
    item_rest_gate = gate_for("item_rest", len(paired))
    rho = None
    if item_rest_gate is not Gate.HIDDEN:
        rho = stats.spearman_rho([p[0] for p in paired], [p[1] for p in paired])
    item_rest = Correlation(rho, len(paired), item_rest_gate)

    per_candidate: dict[int, list[float]] = defaultdict(list)
    for candidate, _, _, unit_mean in administrations:
        per_candidate[candidate].append(unit_mean)
    hired, rejected = [], []
    for candidate, means in per_candidate.items():
        outcome = outcomes.get(candidate)
        if outcome is Outcome.HIRED:
            hired.append(sum(means) / len(means))
        elif outcome is Outcome.REJECTED:
            rejected.append(sum(means) / len(means))
    auc_gate = gate_for("auc", len(hired) + len(rejected))
    separation = Separation(
        None if auc_gate is Gate.HIDDEN else stats.auc(hired, rejected),
        len(hired),
        len(rejected),
        len(hired) + len(rejected),
        auc_gate,
    )

    alpha = _reliability({p: units for p, units in tally.patterns.items() if len(p) >= 2})
    drift = _drift(administrations, rest)

    flags: list[str] = []
    if not_assessed.share is not None and not_assessed.share >= HIGH_NOT_ASSESSED:
        flags.append("Often not assessed: possibly too long or off-role — worth a look")
    if distribution.little_spread:
        flags.append("Little spread (SD < 0.5): the anchors may not separate answers")
    if distribution.ceiling:
        flags.append("Ceiling: most answers score at the top — worth a harder variant")
    if distribution.floor:
        flags.append("Floor: most answers score at the bottom — worth a look at its level")
    if item_rest.value is not None and item_rest.value < 0:
        flags.append("Disagrees with the candidates' other answers — worth inspecting")
    elif item_rest.value is not None and item_rest.value < ITEM_REST_WEAK:
        flags.append("Weak agreement with the candidates' other answers")
    if separation.auc is not None and abs(separation.auc - 0.5) < AUC_NEAR_HALF:
        flags.append("Does not separate hired from rejected (agreement with decisions)")
    if alpha.ordinal is not None and alpha.ordinal < ALPHA_LOW:
        flags.append("Panelists often disagree on it: its anchors may be ambiguous")
    if drift.alarmed:
        flags.append(f"Scores rising against the same candidates' other answers: {DRIFT_PROMPT}")
    return QuestionFigures(
        question_id=key[0],
        question_version=key[1],
        exposure=exposure,
        not_assessed=not_assessed,
        distribution=distribution,
        item_rest=item_rest,
        separation=separation,
        alpha=alpha,
        drift=drift,
        flags=tuple(flags),
    )


def _distribution(counts: Sequence[int]) -> Distribution:
    """Shares, mean and SD of a version's ratings from its counts at 1–4. O(levels)."""
    n = sum(counts)
    gate = gate_for("proportion", n)
    if gate is Gate.HIDDEN:
        return Distribution(n, gate, tuple(counts), None, None, None, False, False, False)
    shares = tuple(c / n for c in counts)
    centre = sum(level * c for level, c in zip(SCORE_LEVELS, counts, strict=True)) / n
    squares = sum(c * (level - centre) ** 2 for level, c in zip(SCORE_LEVELS, counts, strict=True))
    sd = math.sqrt(squares / (n - 1)) if n > 1 else None
    return Distribution(
        n,
        gate,
        tuple(counts),
        shares,
        centre,
        sd,
        little_spread=sd is not None and sd < LITTLE_SPREAD_SD,
        ceiling=shares[3] >= CEILING_TOP_SHARE or shares[2] + shares[3] >= CEILING_TOP_TWO_SHARE,
        floor=shares[0] >= CEILING_TOP_SHARE or shares[0] + shares[1] >= CEILING_TOP_TWO_SHARE,
    )


def _drift(administrations: Sequence[_Administration], rest: Sequence[float | None]) -> Drift:
    """Residuals in date order, their Theil–Sen slope per 90 days and the CUSUM alarm.

    Gated on 40 administrations spanning 60 days (hidden below, no provisional state):
    fewer, or a shorter span, cannot tell drift from noise.
    """
    ordered = sorted(
        (
            (completed_at, session, unit_mean - other)
            for (_, session, completed_at, unit_mean), other in zip(
                administrations, rest, strict=True
            )
            if other is not None
        ),
        key=lambda row: (row[0], row[1]),
    )
    n = len(ordered)
    span = (ordered[-1][0] - ordered[0][0]).total_seconds() / SECONDS_PER_DAY if n else 0.0
    gate = (
        Gate.OK if n >= DRIFT_MIN_ADMINISTRATIONS and span >= DRIFT_MIN_SPAN_DAYS else Gate.HIDDEN
    )
    if gate is Gate.HIDDEN:
        return Drift(n, span, gate, None, (), (), (), ())
    start = ordered[0][0]
    days = [(when - start).total_seconds() / SECONDS_PER_DAY for when, _, _ in ordered]
    residuals = [residual for _, _, residual in ordered]
    slope = stats.theil_sen_slope(days, residuals)
    cusum: tuple[float, ...] = ()
    alarms: tuple[datetime, ...] = ()
    batches = stats.batch_standardise(residuals)
    if batches is not None:
        zs, ends = batches
        result = stats.cusum_upper(zs)
        cusum = result.path
        alarms = tuple(ordered[ends[index]][0] for index in result.alarms)
    return Drift(
        n,
        span,
        gate,
        None if slope is None else slope * 90,
        cusum,
        alarms,
        tuple(when for when, _, _ in ordered),
        tuple(residuals),
    )


# --- everything for one scope -------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    interviewers: dict[int, InterviewerFigures]
    questions: dict[tuple[int, int | None], QuestionFigures]
    reliability: Reliability


@_pausing_collection
def compute_figures(
    ratings: Iterable[RatingRecord],
    scorecards: Iterable[ScorecardRecord],
    outcomes: Mapping[int, Outcome],
    *,
    bootstrap: bool = True,
) -> Figures:
    """All three sections for one scope; pages that need one section call it alone."""
    groups = group_ratings(ratings)
    return Figures(
        interviewers=interviewer_figures(groups, scorecards, outcomes),
        questions=question_figures(groups, outcomes),
        reliability=panel_reliability(groups, bootstrap=bootstrap),
    )
