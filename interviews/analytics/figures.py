"""Every figure of ANALYTICS.md from plain records: no Django, no database.

The reads layer turns submitted scorecards into `RatingRecord`s (one per question record)
and `ScorecardRecord`s (one per scorecard), plus the decided outcome of each candidate,
and calls `interviewer_figures`, `question_figures` and `panel_reliability` for the scope
a page shows (a position, a template, a date range). Drafts must never be passed in: blind
review means a draft moves nothing, not even a count.

Every figure carries its n and a `Gate` from ANALYTICS.md's minimum-n table; a hidden
figure keeps its n but drops its numbers, so no page can show a value that means
nothing. Flags are worded as prompts for a conversation, never as verdicts.

Cost: each function makes a constant number of passes over its records with dicts,
O(records) plus the statistics' own costs (sorting per question version for ranks and
drift; the bootstrap in `panel_reliability` is the one heavy part, see its docstring).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
class DriftPoint:
    at: datetime
    residual: float


@dataclass(frozen=True)
class Drift:
    """Residuals (this question − the same candidates' other answers) in date order.

    `slope_per_90_days` is Theil–Sen; `cusum` the upper CUSUM path over batch means
    (stats.batch_standardise) and `alarm_at` the date of the administration closing the
    batch where it first crossed h. `series` is there for the sparkline.
    """

    n: int
    span_days: float
    gate: Gate
    slope_per_90_days: float | None
    cusum: tuple[float, ...]
    alarm_at: datetime | None
    series: tuple[DriftPoint, ...]

    @property
    def alarmed(self) -> bool:
        return self.alarm_at is not None


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


def _hidden_values(value: float | None, gate: Gate) -> float | None:
    return None if gate is Gate.HIDDEN else value


def _rated_units(ratings: Iterable[RatingRecord]) -> dict[int, list[RatingRecord]]:
    units: dict[int, list[RatingRecord]] = defaultdict(list)
    for record in ratings:
        if record.score is not None:
            units[record.unit_key].append(record)
    return units


def interviewer_figures(
    ratings: Iterable[RatingRecord],
    scorecards: Iterable[ScorecardRecord],
    outcomes: Mapping[int, Outcome],
) -> dict[int, InterviewerFigures]:
    """ANALYTICS.md's interviewer section for every interviewer in the records.

    `outcomes` maps candidate → decided outcome (undecided candidates are simply absent);
    withdrawn candidates are left out of the agreement with outcome. O(records +
    scorecards): one pass to group by unit and by session, one over the groups.
    """
    ratings = list(ratings)
    scorecards = list(scorecards)
    asked: dict[int, int] = defaultdict(int)
    unrated: dict[int, int] = defaultdict(int)
    for record in ratings:
        asked[record.interviewer_id] += 1
        if record.score is None:
            unrated[record.interviewer_id] += 1

    score_deviations: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    shared_answers: dict[int, int] = defaultdict(int)
    for unit in _rated_units(ratings).values():
        if len(unit) < 2:
            continue
        deviations = stats.deviations_from_others([(r, float(r.score)) for r in unit])  # type: ignore[arg-type]
        for record, deviation in deviations:
            score_deviations[record.interviewer_id][record.candidate_id].append(deviation)
            shared_answers[record.interviewer_id] += 1

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
        pass_leniency = _leniency(
            pass_deviations.get(interviewer, {}),
            shared_panels.get(interviewer, 0),
            higher="Passes candidates more often",
            lower="Passes candidates less often",
        )
        mix = tuple(
            proportion(
                sum(1 for c in cards if c.recommendation == level),
                len(cards),
                figure="recommendation_mix",
            )
            for level in SCORE_LEVELS
        )
        passes = sum(1 for c in cards if c.recommendation >= PASS_AT)
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
            pass_share=proportion(passes, len(cards), figure="recommendation_mix"),
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
        _hidden_values(stats.median(hours), gate),
        _hidden_values(stats.percentile(hours, 90), gate),
        within,
    )


def interviewer_deviations(ratings: Iterable[RatingRecord], interviewer_id: int) -> list[Deviation]:
    """The shared answers behind one interviewer's leniency, largest difference first.

    For the detail page: where this interviewer differs from their co-panelists most,
    so a calibration conversation can start from concrete answers. O(records).
    """
    rows: list[Deviation] = []
    for unit in _rated_units(ratings).values():
        own = [r for r in unit if r.interviewer_id == interviewer_id]
        others = [r.score for r in unit if r.interviewer_id != interviewer_id]
        if not own or not others:
            continue
        record = own[0]
        assert record.score is not None  # noqa: S101 - _rated_units keeps scored records
        others_mean = math.fsum(others) / len(others)  # type: ignore[arg-type]
        rows.append(
            Deviation(
                candidate_id=record.candidate_id,
                session_id=record.session_id,
                unit_key=record.unit_key,
                question_id=record.question_id,
                question_version=record.question_version,
                score=record.score,
                others_mean=others_mean,
                others=len(others),
                deviation=record.score - others_mean,
            )
        )
    rows.sort(key=lambda row: (-abs(row.deviation), row.session_id, row.unit_key))
    return rows


# --- panel reliability --------------------------------------------------------------


def panel_reliability(
    ratings: Iterable[RatingRecord],
    *,
    bootstrap: bool = True,
    resamples: int = stats.ALPHA_BOOTSTRAP_RESAMPLES,
    seed: int = stats.ALPHA_BOOTSTRAP_SEED,
) -> Reliability:
    """Ordinal α (with its candidate-bootstrap interval) and interval α for a scope.

    The interval α sits beside the ordinal one because the scorecard aggregate averages
    scores, which treats them as interval. The bootstrap is O(resamples × candidates):
    pass `bootstrap=False` where only the point figure is wanted (a per-question row).
    """
    units = _rated_units(ratings)
    pairable = [unit for unit in units.values() if len(unit) >= 2]
    n_ratings = sum(len(unit) for unit in pairable)
    gate = gate_for("alpha", len(pairable))
    if gate is Gate.HIDDEN:
        return Reliability(len(pairable), n_ratings, gate, None, None, None, None, None)
    scores = [[r.score for r in unit] for unit in pairable]
    ordinal = stats.krippendorff_alpha(scores, metric="ordinal")
    interval_alpha = stats.krippendorff_alpha(scores, metric="interval")
    low = high = None
    if bootstrap and ordinal is not None:
        clusters: dict[int, list[list[int | None]]] = defaultdict(list)
        for unit, unit_scores in zip(pairable, scores, strict=True):
            clusters[unit[0].candidate_id].append(unit_scores)
        bounds = stats.alpha_bootstrap_interval(clusters.values(), resamples=resamples, seed=seed)
        if bounds is not None:
            low, high = bounds
    return Reliability(
        len(pairable),
        n_ratings,
        gate,
        ordinal,
        interval_alpha,
        low,
        high,
        stats.reading_of_alpha(ordinal),
    )


# --- question health ----------------------------------------------------------------


@dataclass
class _Administration:
    """One session question as the panel rated it (a unit with at least one score)."""

    candidate_id: int
    session_id: int
    completed_at: datetime
    scores: list[int]

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def question_figures(
    ratings: Iterable[RatingRecord], outcomes: Mapping[int, Outcome]
) -> dict[tuple[int, int | None], QuestionFigures]:
    """ANALYTICS.md's question-health table for every (question, version) in the records.

    The "other questions of the same session" are every other rated session question,
    ad hoc ones included, each weighted once (the mean of their panel means), so a
    question rated by three interviewers does not outweigh one rated by two.
    O(records) to group, then per version O(a log a) for ranks and the drift sort, plus
    Theil–Sen's bounded O(min(a², 200,000)).
    """
    asked: dict[tuple[int, int | None], int] = defaultdict(int)
    unrated: dict[tuple[int, int | None], int] = defaultdict(int)
    administrations: dict[int, _Administration] = {}
    version_of_unit: dict[int, tuple[int, int | None]] = {}
    asked_units: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    candidates_asked: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    first: dict[tuple[int, int | None], datetime] = {}
    last: dict[tuple[int, int | None], datetime] = {}
    for record in ratings:
        if record.score is not None:
            administration = administrations.get(record.unit_key)
            if administration is None:
                administration = administrations[record.unit_key] = _Administration(
                    record.candidate_id, record.session_id, record.completed_at, []
                )
            administration.scores.append(record.score)
        if record.question_id is None:
            continue
        key = (record.question_id, record.question_version)
        version_of_unit[record.unit_key] = key
        asked[key] += 1
        asked_units[key].add(record.unit_key)
        candidates_asked[key].add(record.candidate_id)
        when = record.completed_at
        if key not in first or when < first[key]:
            first[key] = when
        if key not in last or when > last[key]:
            last[key] = when
        if record.score is None:
            unrated[key] += 1

    session_sum: dict[int, float] = defaultdict(float)
    session_count: dict[int, int] = defaultdict(int)
    for administration in administrations.values():
        session_sum[administration.session_id] += administration.mean
        session_count[administration.session_id] += 1

    # Per version: (administration, mean of the same session's other questions or None).
    rated: dict[tuple[int, int | None], list[tuple[_Administration, float | None]]] = defaultdict(
        list
    )
    for unit_key, administration in administrations.items():
        key = version_of_unit.get(unit_key)
        if key is None:
            continue
        total = session_sum[administration.session_id]
        count = session_count[administration.session_id]
        rest = (total - administration.mean) / (count - 1) if count > 1 else None
        rated[key].append((administration, rest))

    result: dict[tuple[int, int | None], QuestionFigures] = {}
    for key in sorted(asked, key=lambda k: (k[0], -1 if k[1] is None else k[1])):
        rows = rated.get(key, [])
        result[key] = _one_question(
            key,
            rows,
            outcomes,
            Exposure(len(asked_units[key]), len(candidates_asked[key]), first[key], last[key]),
            proportion(unrated[key], asked[key]),
        )
    return result


def _one_question(
    key: tuple[int, int | None],
    rows: list[tuple[_Administration, float | None]],
    outcomes: Mapping[int, Outcome],
    exposure: Exposure,
    not_assessed: Proportion,
) -> QuestionFigures:
    distribution = _distribution([s for administration, _ in rows for s in administration.scores])

    paired = [(a.mean, rest) for a, rest in rows if rest is not None]
    item_rest_gate = gate_for("item_rest", len(paired))
    item_rest = Correlation(
        _hidden_values(
            stats.spearman_rho([p[0] for p in paired], [p[1] for p in paired])
            if len(paired) >= 2
            else None,
            item_rest_gate,
        ),
        len(paired),
        item_rest_gate,
    )

    per_candidate: dict[int, list[float]] = defaultdict(list)
    for administration, _ in rows:
        per_candidate[administration.candidate_id].append(administration.mean)
    hired = [sum(v) / len(v) for c, v in per_candidate.items() if outcomes.get(c) is Outcome.HIRED]
    rejected = [
        sum(v) / len(v) for c, v in per_candidate.items() if outcomes.get(c) is Outcome.REJECTED
    ]
    auc_gate = gate_for("auc", len(hired) + len(rejected))
    separation = Separation(
        _hidden_values(stats.auc(hired, rejected), auc_gate),
        len(hired),
        len(rejected),
        len(hired) + len(rejected),
        auc_gate,
    )

    alpha = _question_alpha([a.scores for a, _ in rows])
    drift = _drift(rows)

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


def _distribution(scores: Sequence[int]) -> Distribution:
    counts = tuple(sum(1 for s in scores if s == level) for level in SCORE_LEVELS)
    n = len(scores)
    gate = gate_for("proportion", n)
    if gate is Gate.HIDDEN:
        return Distribution(n, gate, counts, None, None, None, False, False, False)
    shares = tuple(c / n for c in counts)
    sd = stats.sample_sd([float(s) for s in scores])
    return Distribution(
        n,
        gate,
        counts,
        shares,
        stats.mean([float(s) for s in scores]),
        sd,
        little_spread=sd is not None and sd < LITTLE_SPREAD_SD,
        ceiling=shares[3] >= CEILING_TOP_SHARE or shares[2] + shares[3] >= CEILING_TOP_TWO_SHARE,
        floor=shares[0] >= CEILING_TOP_SHARE or shares[0] + shares[1] >= CEILING_TOP_TWO_SHARE,
    )


def _question_alpha(units: Sequence[Sequence[int]]) -> Reliability:
    pairable = [unit for unit in units if len(unit) >= 2]
    gate = gate_for("alpha", len(pairable))
    n_ratings = sum(len(unit) for unit in pairable)
    if gate is Gate.HIDDEN:
        return Reliability(len(pairable), n_ratings, gate, None, None, None, None, None)
    ordinal = stats.krippendorff_alpha(pairable, metric="ordinal")
    return Reliability(
        len(pairable),
        n_ratings,
        gate,
        ordinal,
        stats.krippendorff_alpha(pairable, metric="interval"),
        None,
        None,
        stats.reading_of_alpha(ordinal),
    )


def _drift(rows: Sequence[tuple[_Administration, float | None]]) -> Drift:
    """Residuals in date order, their Theil–Sen slope per 90 days and the CUSUM alarm.

    Gated on 40 administrations spanning 60 days (hidden below, no provisional state):
    fewer, or a shorter span, cannot tell drift from noise.
    """
    ordered = sorted(
        ((a.completed_at, a.session_id, a.mean - rest) for a, rest in rows if rest is not None),
        key=lambda row: (row[0], row[1]),
    )
    n = len(ordered)
    span = (ordered[-1][0] - ordered[0][0]).total_seconds() / SECONDS_PER_DAY if n else 0.0
    gate = (
        Gate.OK if n >= DRIFT_MIN_ADMINISTRATIONS and span >= DRIFT_MIN_SPAN_DAYS else Gate.HIDDEN
    )
    if gate is Gate.HIDDEN:
        return Drift(n, span, gate, None, (), None, ())
    start = ordered[0][0]
    days = [(when - start).total_seconds() / SECONDS_PER_DAY for when, _, _ in ordered]
    residuals = [residual for _, _, residual in ordered]
    slope = stats.theil_sen_slope(days, residuals)
    cusum: tuple[float, ...] = ()
    alarm_at = None
    batches = stats.batch_standardise(residuals)
    if batches is not None:
        zs, ends = batches
        result = stats.cusum_upper(zs)
        cusum = result.path
        if result.alarm_index is not None:
            alarm_at = ordered[ends[result.alarm_index]][0]
    return Drift(
        n,
        span,
        gate,
        None if slope is None else slope * 90,
        cusum,
        alarm_at,
        tuple(DriftPoint(when, residual) for when, _, residual in ordered),
    )


# --- everything for one scope -------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    interviewers: dict[int, InterviewerFigures]
    questions: dict[tuple[int, int | None], QuestionFigures]
    reliability: Reliability


def compute_figures(
    ratings: Iterable[RatingRecord],
    scorecards: Iterable[ScorecardRecord],
    outcomes: Mapping[int, Outcome],
    *,
    bootstrap: bool = True,
) -> Figures:
    """All three sections for one scope; pages that need one section call it alone."""
    ratings = list(ratings)
    return Figures(
        interviewers=interviewer_figures(ratings, scorecards, outcomes),
        questions=question_figures(ratings, outcomes),
        reliability=panel_reliability(ratings, bootstrap=bootstrap),
    )
