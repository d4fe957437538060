"""The reads layer of the analytics: the database → figures.py's records → snapshots.

What enters a figure (blind review is absolute): the submitted scorecards of sessions
whose **whole panel has submitted**. A session with a draft on it contributes nothing,
to anyone — not a rating, not a count — until its last panelist submits. That is
stricter than excluding a session only for the viewer who is blind on it, and it is what
lets one precomputed snapshot serve every viewer of a scope: nobody can be blind on a
session that has no unsubmitted scorecard (README "Analytics", "What enters a figure").

Reads run inside `intervy.dbrouter.reporting_reads()` (the replica when there is one),
as `values_list` rows straight into figures.py's NamedTuples. Candidates are keyed per
application: `candidate_key(candidate, position)`, so one person's two applications keep
their own outcomes (figures.py's note on `outcomes`).

`compute_sections(scope)` computes every figure of a scope and returns the snapshot
sections the pages read (`SECTION_*`); `refresh(scope)` stores them (the worker's task);
`read_sections(scope, …)` is what a page calls: the stored sections, or — when none
are stored and the data are small — the same computed on the spot, stored nowhere (a GET
writes nothing).
"""

from __future__ import annotations

import dataclasses
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from interviews.analytics import figures
from interviews.analytics.figures import (
    Outcome,
    RatingRecord,
    ScorecardRecord,
)
from interviews.models import (
    Amendment,
    AnalyticsSnapshot,
    Decision,
    DecisionKind,
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
)
from intervy.dbrouter import reporting_reads
from questions.models import Question

# A candidate's application: candidate id and position id in one integer.
CANDIDATE_KEY_SHIFT = 32
SECTION_SUMMARY = "summary"
SECTION_INTERVIEWERS = "interviewers"
# The calibration list's order, by name as of the refresh: the interviewers' ids as
# words (the list reads it and the row sections of the page it shows, not the table).
SECTION_INTERVIEWER_ORDER = "interviewers:order"
# Panel reliability per position and per template (α with its bootstrap interval, by id):
# read by the reliability page, and the positions' by the position page, not kept in the
# summary every analytics page reads (a scope's per-template α ran to 40 kB).
SECTION_BY_POSITION = "reliability:positions"
SECTION_BY_TEMPLATE = "reliability:templates"
INTERVIEWER_SECTION = "interviewer:{}"
QUESTION_SECTION = "question:{}"
# The question-health list reads its order for the sort asked (one section per sort and
# way: the question versions as "id:version" words, computed with the figures) and then only
# the rows of the page it shows, one section per question version. (The whole table in
# one section was megabytes of JSON at benchmark size, read by every view of the list;
# then an index of every version's sort values, sorted per request, 194 kB and about
# 10 ms a view. The CSV reads every row section, in one query.)
QUESTION_ORDER_SECTION = "questions:order:{}"
# One interviewer's row of the calibration table: what their own listing and their detail
# page read (not the whole table, hundreds of kB at benchmark size).
INTERVIEWER_ROW_SECTION = "interviewer-row:{}"
# The shape of the stored sections: part of every signature, so a release that changes
# them makes each stored scope stale and the worker's next sweep recomputes it.
SNAPSHOT_FORMAT = 7
QUESTION_ROW_PREFIX = "question-row:"
QUESTION_ROW_SECTION = QUESTION_ROW_PREFIX + "{}:{}"
# Without a snapshot, a page computes an unfiltered scope on the spot only up to this
# many question records (about a second); above it, it says the worker is preparing it.
SYNCHRONOUS_RECORD_LIMIT = 60_000
# The detail page's lists: the answers, questions and candidates behind a leniency figure.
DETAIL_ANSWERS = 25
DETAIL_GROUPS = 10
# Points of a drift sparkline: the residual series averaged into this many buckets.
SPARKLINE_POINTS = 48
# Bootstrap resamples of the per-template and per-position α (the scope's own α uses
# stats.ALPHA_BOOTSTRAP_RESAMPLES): there can be dozens of them per scope.
BREAKDOWN_RESAMPLES = 200

OUTCOME_OF_DECISION: Mapping[str, Outcome] = {
    DecisionKind.HIRED: Outcome.HIRED,
    DecisionKind.REJECT: Outcome.REJECTED,
    DecisionKind.WITHDREW: Outcome.WITHDREW,
}


def candidate_key(candidate_id: int, position_id: int) -> int:
    return (candidate_id << CANDIDATE_KEY_SHIFT) | position_id


def split_candidate_key(key: int) -> tuple[int, int]:
    """(candidate id, position id) of a `candidate_key`."""
    return key >> CANDIDATE_KEY_SHIFT, key & ((1 << CANDIDATE_KEY_SHIFT) - 1)


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which sessions a set of figures is computed from.

    `positions` None means every position (an admin's view); otherwise the ids, sorted.
    `start`/`end` bound the session's completion date, both inclusive.
    """

    positions: tuple[int, ...] | None = None
    template: int | None = None
    start: date | None = None
    end: date | None = None
    # Narrowed by a filter to fewer positions than its audience's: never stored.
    narrowed: bool = dataclasses.field(default=False, compare=False)

    @property
    def key(self) -> str:
        positions = "*" if self.positions is None else ",".join(map(str, self.positions))
        return f"p={positions};t={self.template or ''};from={self.start or ''};to={self.end or ''}"[
            :200
        ]

    @property
    def filtered(self) -> bool:
        return (
            self.narrowed
            or self.template is not None
            or self.start is not None
            or self.end is not None
        )

    def unfiltered(self) -> Scope:
        return Scope(positions=self.positions)


# --- what enters a figure -------------------------------------------------------------


def eligible_sessions(scope: Scope) -> QuerySet[InterviewSession]:
    """Completed sessions of the scope with ≥ 1 scorecard, every one of them submitted."""
    cards = Scorecard.objects.filter(session=OuterRef("pk"))
    sessions = InterviewSession.objects.filter(completed_at__isnull=False).filter(
        Exists(cards.filter(submitted_at__isnull=False)),
        ~Exists(cards.filter(submitted_at__isnull=True)),
    )
    if scope.positions is not None:
        sessions = sessions.filter(position_id__in=scope.positions)
    if scope.template is not None:
        sessions = sessions.filter(template_id=scope.template)
    if scope.start is not None:
        sessions = sessions.filter(completed_at__date__gte=scope.start)
    if scope.end is not None:
        sessions = sessions.filter(completed_at__date__lte=scope.end)
    return sessions


def _candidate_key_expression(prefix: str) -> Any:
    """`candidate_key` in SQL, as a bigint (candidate id shifted, plus the position id)."""
    return ExpressionWrapper(
        Cast(F(f"{prefix}candidate_id"), BigIntegerField())
        * Value(1 << CANDIDATE_KEY_SHIFT, output_field=BigIntegerField())
        + Cast(F(f"{prefix}position_id"), BigIntegerField()),
        output_field=BigIntegerField(),
    )


def rating_records(session_ids: Sequence[int]) -> list[RatingRecord]:
    """One RatingRecord per question record of these (eligible) sessions.

    The ids come first in their own query (`session_facets`): given the EXISTS subqueries
    of `eligible_sessions` inline, the planner of a freshly loaded database (no
    statistics yet) chose plans that ran for minutes.
    """
    rows = (
        QuestionRecord.objects.filter(
            scorecard__submitted_at__isnull=False,
            scorecard__session_id__in=session_ids,
        )
        .annotate(
            applicant=_candidate_key_expression("scorecard__session__"),
            bank_question=Case(
                When(session_question__is_ad_hoc=True, then=Value(None)),
                default=F("session_question__source_question_id"),
                output_field=IntegerField(),
            ),
            bank_version=Case(
                When(session_question__is_ad_hoc=True, then=Value(None)),
                default=F("session_question__question_version"),
                output_field=IntegerField(),
            ),
            rating=Case(
                When(Q(not_assessed=True) | Q(skipped=True), then=Value(None)),
                default=F("score"),
                output_field=IntegerField(),
            ),
        )
        .values_list(
            "applicant",
            "scorecard__session_id",
            "session_question_id",
            "bank_question",
            "bank_version",
            "scorecard__interviewer_id",
            "rating",
            "scorecard__session__completed_at",
        )
        .order_by()
    )
    return list(map(RatingRecord._make, rows))


def scorecard_records(session_ids: Sequence[int]) -> list[ScorecardRecord]:
    """One ScorecardRecord per submitted scorecard of these (eligible) sessions."""
    levels = [
        When(recommendation=name, then=Value(level))
        for name, level in figures.RECOMMENDATION_LEVELS.items()
    ]
    rows = (
        Scorecard.objects.filter(
            submitted_at__isnull=False,
            recommendation__in=list(figures.RECOMMENDATION_LEVELS),
            session_id__in=session_ids,
        )
        .annotate(
            applicant=_candidate_key_expression("session__"),
            level=Case(*levels, output_field=IntegerField()),
        )
        .values_list(
            "session_id",
            "applicant",
            "interviewer_id",
            "level",
            "session__completed_at",
            "submitted_at",
        )
        .order_by()
    )
    return list(map(ScorecardRecord._make, rows))


def outcomes(scope: Scope) -> dict[int, Outcome]:
    """Each application's outcome from its latest decision (hired, rejected, withdrew).

    Applications still in progress (no decision, or the latest advances or offers) are
    absent: figures.py leaves them out of anything compared with the outcome.
    """
    decisions = Decision.objects.latest_per_candidate()
    if scope.positions is not None:
        decisions = decisions.filter(position_id__in=scope.positions)
    result: dict[int, Outcome] = {}
    for candidate, position, kind in decisions.values_list("candidate_id", "position_id", "kind"):
        outcome = OUTCOME_OF_DECISION.get(kind)
        if outcome is not None:
            result[candidate_key(candidate, position)] = outcome
    return result


def session_facets(scope: Scope) -> dict[int, tuple[int, int | None]]:
    """session → (position, template) for the scope's eligible sessions."""
    rows = eligible_sessions(scope).values_list("pk", "position_id", "template_id").order_by()
    return {session: (position, template) for session, position, template in rows}


def signature(scope: Scope) -> str:
    """What the figures of the scope were computed from, in a few aggregates.

    It changes when a scorecard is submitted (or a draft appears: it can take a session
    out of the figures), a decision is recorded or a submitted scorecard amended, which is
    everything a figure reads. Three aggregate queries, however much data there is.
    """
    cards = Scorecard.objects.all()
    decisions = Decision.objects.all()
    amendments = Amendment.objects.all()
    if scope.positions is not None:
        cards = cards.filter(session__position_id__in=scope.positions)
        decisions = decisions.filter(position_id__in=scope.positions)
        amendments = amendments.filter(scorecard__session__position_id__in=scope.positions)
    card_stats = cards.aggregate(
        n=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        latest=Max("submitted_at"),
        sessions_completed=Max("session__completed_at"),
    )
    decision_stats = decisions.aggregate(n=Count("pk"), latest=Max("pk"))
    amendment_stats = amendments.aggregate(n=Count("pk"), latest=Max("pk"))
    latest = card_stats["latest"]
    return ":".join(
        str(part)
        for part in (
            f"v{SNAPSHOT_FORMAT}",
            card_stats["n"],
            card_stats["submitted"],
            latest.isoformat() if latest else "",
            decision_stats["n"],
            decision_stats["latest"] or "",
            amendment_stats["n"],
            amendment_stats["latest"] or "",
        )
    )


# --- figures → snapshot sections --------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Figures' dataclasses as JSON: dicts, lists, ISO dates; enums by value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def sparkline_points(
    dates: Sequence[datetime], residuals: Sequence[float], points: int = SPARKLINE_POINTS
) -> list[list[Any]]:
    """The residual series as at most `points` (date, mean residual) buckets, in order."""
    n = len(residuals)
    if n == 0:
        return []
    buckets = min(points, n)
    result = []
    for index in range(buckets):
        lo, hi = index * n // buckets, (index + 1) * n // buckets
        chunk = residuals[lo:hi]
        result.append([dates[hi - 1].isoformat(), sum(chunk) / len(chunk)])
    return result


def _question_row(figure: figures.QuestionFigures) -> dict[str, Any]:
    """The question table's row: everything but the drift series (the detail page's)."""
    row = jsonable(figure)
    drift = row["drift"]
    drift.pop("dates")
    drift.pop("residuals")
    cusum = drift.pop("cusum")
    drift["cusum_peak"] = max(cusum) if cusum else None
    drift["alarmed"] = figure.drift.alarmed
    return row


def _gated(value: Any, gate: str) -> Any:
    return None if gate == "hidden" else value


def question_sort_values(row: Mapping[str, Any]) -> dict[str, float | None]:
    """What the question-health list sorts a row by, figure by figure: the value it
    shows, None while the figure is hidden (those rows sort last, by title)."""
    dist, drift, alpha = row["distribution"], row["drift"], row["alpha"]
    shares = dist["shares"]
    not_assessed = row["not_assessed"]
    return {
        "exposure": row["exposure"]["times_asked"],
        "not_assessed": _gated(not_assessed["share"], not_assessed["gate"]),
        "mean": _gated(dist["mean"], dist["gate"]),
        "sd": _gated(dist["sd"], dist["gate"]),
        "ceiling": shares[3] if shares else None,
        "floor": shares[0] if shares else None,
        "item_rest": _gated(row["item_rest"]["value"], row["item_rest"]["gate"]),
        "auc": _gated(row["separation"]["auc"], row["separation"]["gate"]),
        "alpha": _gated(alpha["ordinal"], alpha["gate"]) if alpha else None,
        "drift": _gated(drift["slope_per_90_days"], drift["gate"]),
    }


# What the question-health list can be sorted by: the title, or a figure's value as shown
# (question_sort_values), each either way.
QUESTION_SORT_KEYS = (
    "exposure",
    "not_assessed",
    "mean",
    "sd",
    "ceiling",
    "floor",
    "item_rest",
    "auc",
    "alpha",
    "drift",
)
QUESTION_SORTS = ("title", *QUESTION_SORT_KEYS)


def question_order_section(sort: str) -> str:
    """The section holding the list's order for `sort` (a QUESTION_SORTS name, `-` for
    the other way)."""
    return QUESTION_ORDER_SECTION.format(sort)


def question_orders(
    table: Sequence[Mapping[str, Any]], titles: Mapping[int, str]
) -> dict[str, dict[str, Any]]:
    """The list's every order, computed with the figures: for each sort, both ways, the
    question versions as "id:version" words. A figure sorts by its value (`-`: highest
    first) with the rows whose figure is hidden last; ties, and the hidden rows, by title,
    id and version; `-title` is Z–A."""

    def by_title(row: Mapping[str, Any]) -> tuple[str, int, int]:
        question = row["question_id"]
        return (titles.get(question, "").lower(), question, row["question_version"] or 0)

    named = sorted(table, key=by_title)
    values = {id(row): question_sort_values(row) for row in named}
    orders: dict[str, list[Mapping[str, Any]]] = {
        "title": named,
        "-title": named[::-1],
    }
    for key in QUESTION_SORT_KEYS:
        present = [(value, row) for row in named if (value := values[id(row)][key]) is not None]
        missing = [row for row in named if values[id(row)][key] is None]
        for descending in (False, True):
            # sorted() is stable: equal values keep the title order, either way.
            ranked = sorted(present, key=lambda pair: pair[0], reverse=descending)
            orders[f"-{key}" if descending else key] = [row for _, row in ranked] + missing
    # One string of "id:version" words: parsed in microseconds, where a JSON list of
    # [id, version] pairs took 0.7 ms at benchmark size, on every view of the list.
    return {
        question_order_section(sort): {
            "versions": " ".join(f"{row['question_id']}:{row['question_version']}" for row in rows)
        }
        for sort, rows in orders.items()
    }


def question_order(sections: Sections, sort: str) -> list[str]:
    """The row sections of the question-health list in the order of `sort`."""
    part = sections.part(question_order_section(sort)) or {"versions": ""}
    return [QUESTION_ROW_PREFIX + version for version in part["versions"].split()]


def user_names(ids: Iterable[int]) -> dict[int, str]:
    """How the analytics pages name people: the name and the username beside it (two demo
    interviewers share a first name), or the username alone."""
    users = get_user_model().objects.filter(pk__in=set(ids))
    return {
        pk: (f"{f'{first} {last}'.strip()} ({username})" if (first or last) else username)
        for pk, username, first, last in users.values_list(
            "pk", "username", "first_name", "last_name"
        )
    }


def interviewer_order_words(interviewers: Iterable[int]) -> str:
    """The interviewers' ids by name (case-blind, then id), as words."""
    interviewers = list(interviewers)
    with reporting_reads():
        names = user_names(interviewers)
    ordered = sorted(interviewers, key=lambda pk: (names.get(pk, "").lower(), pk))
    return " ".join(str(pk) for pk in ordered)


def interviewer_order(sections: Sections) -> list[int]:
    """The calibration list's interviewers in name order."""
    part = sections.part(SECTION_INTERVIEWER_ORDER) or {"ids": ""}
    return [int(pk) for pk in part["ids"].split()]


def question_row_section(row: Mapping[str, Any]) -> str:
    return QUESTION_ROW_SECTION.format(row["question_id"], row["question_version"])


def _question_detail(figure: figures.QuestionFigures) -> dict[str, Any]:
    row = _question_row(figure)
    row["drift"]["points"] = sparkline_points(figure.drift.dates, figure.drift.residuals)
    return row


def _interviewer_detail(deviations: Sequence[figures.Deviation]) -> dict[str, Any]:
    """The answers, questions and candidates behind one interviewer's leniency."""
    by_question: dict[int | None, list[float]] = defaultdict(list)
    by_candidate: dict[int, list[float]] = defaultdict(list)
    for row in deviations:
        by_question[row.question_id].append(row.deviation)
        by_candidate[row.candidate_id].append(row.deviation)

    def ranked(groups: Mapping[Any, list[float]], name: str) -> list[dict[str, Any]]:
        rows = [
            {name: key, "mean": sum(values) / len(values), "n": len(values)}
            for key, values in groups.items()
        ]
        rows.sort(key=lambda r: (-abs(r["mean"]) * min(r["n"], 5), -r["n"]))
        return rows[:DETAIL_GROUPS]

    candidates = ranked(by_candidate, "applicant")
    for entry in candidates:
        entry["candidate"], entry["position"] = split_candidate_key(entry.pop("applicant"))
    answers = []
    for row in deviations[:DETAIL_ANSWERS]:
        candidate, position = split_candidate_key(row.candidate_id)
        answers.append(
            {
                "candidate": candidate,
                "position": position,
                "session": row.session_id,
                "unit": row.unit_key,
                "question": row.question_id,
                "version": row.question_version,
                "score": row.score,
                "others_mean": row.others_mean,
                "others": row.others,
                "deviation": row.deviation,
            }
        )
    return {
        "shared_answers": len(deviations),
        "answers": answers,
        "by_question": ranked(by_question, "question"),
        "by_candidate": candidates,
    }


def _breakdown(
    ratings: Sequence[RatingRecord],
    facets: Mapping[int, tuple[int, int | None]],
    index: int,
) -> dict[str, Any]:
    """Panel reliability per position (index 0) or per template (index 1)."""
    groups: dict[int, list[RatingRecord]] = defaultdict(list)
    for record in ratings:
        facet = facets.get(record.session_id)
        key = facet[index] if facet is not None else None
        if key is not None:
            groups[key].append(record)
    return {
        str(key): jsonable(figures.panel_reliability(records, resamples=BREAKDOWN_RESAMPLES))
        for key, records in sorted(groups.items())
    }


def compute_sections(scope: Scope, *, bootstrap: bool = True) -> dict[str, dict[str, Any]]:
    """Every figure of the scope, as the snapshot sections the pages read."""
    with reporting_reads():
        sig = signature(scope)
        facets = session_facets(scope)
        ratings = rating_records(list(facets))
        cards = scorecard_records(list(facets))
        decided = outcomes(scope)
    groups = figures.group_ratings(ratings)
    interviewer_rows = figures.interviewer_figures(groups, cards, decided)
    question_rows = figures.question_figures(groups, decided)
    reliability = figures.panel_reliability(groups, bootstrap=bootstrap)
    summary = {
        "signature": sig,
        "records": len(ratings),
        "scorecards": len(cards),
        "sessions": len({card.session_id for card in cards}),
        "reliability": jsonable(reliability),
    }
    table = [_question_row(row) for row in question_rows.values()]
    # The titles as of now, for the list's title order (a page reads the current names
    # of the rows it shows; a renamed question moves in the order at the next refresh).
    with reporting_reads():
        titles = dict(
            Question.objects.filter(pk__in={row["question_id"] for row in table}).values_list(
                "pk", "title"
            )
        )
    sections: dict[str, dict[str, Any]] = {
        SECTION_SUMMARY: summary,
        SECTION_BY_POSITION: _breakdown(ratings, facets, 0) if bootstrap else {},
        SECTION_BY_TEMPLATE: _breakdown(ratings, facets, 1) if bootstrap else {},
        SECTION_INTERVIEWERS: {"rows": [jsonable(row) for row in interviewer_rows.values()]},
        SECTION_INTERVIEWER_ORDER: {"ids": interviewer_order_words(interviewer_rows)},
        **question_orders(table, titles),
    }
    for row in table:
        sections[question_row_section(row)] = row
    for interviewer, interviewer_row in interviewer_rows.items():
        sections[INTERVIEWER_ROW_SECTION.format(interviewer)] = jsonable(interviewer_row)
        deviations = figures.interviewer_deviations(groups, interviewer)
        sections[INTERVIEWER_SECTION.format(interviewer)] = _interviewer_detail(deviations)
    versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (question, _), question_figures in question_rows.items():
        versions[question].append(_question_detail(question_figures))
    for question, rows in versions.items():
        sections[QUESTION_SECTION.format(question)] = {"versions": rows}
    return sections


# --- snapshots ------------------------------------------------------------------------


def refresh(scope: Scope) -> int:
    """Compute the scope's figures and replace its stored snapshot; returns the sections."""
    sections = compute_sections(scope)
    now = timezone.now()
    sig = sections[SECTION_SUMMARY]["signature"]
    rows = [
        AnalyticsSnapshot(
            scope=scope.key, section=name, signature=sig, computed_at=now, payload=payload
        )
        for name, payload in sections.items()
    ]
    with transaction.atomic():
        AnalyticsSnapshot.objects.filter(scope=scope.key).delete()
        AnalyticsSnapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def default_scopes() -> list[Scope]:
    """The scopes the worker keeps fresh: everything (admins and interviewers' own
    figures), and each hiring manager's positions together (their unfiltered pages)."""
    managed: dict[int, list[int]] = defaultdict(list)
    for position, manager in Position.objects.values_list("pk", "hiring_manager_id").order_by("pk"):
        managed[manager].append(position)
    scopes = [Scope()]
    seen = {Scope().key}
    for positions in managed.values():
        scope = Scope(positions=tuple(sorted(positions)))
        if scope.key not in seen:
            seen.add(scope.key)
            scopes.append(scope)
    return scopes


def stale_scopes(scopes: Iterable[Scope]) -> list[Scope]:
    """The scopes whose stored summary is missing or was computed from other data."""
    scopes = list(scopes)
    stored = dict(
        AnalyticsSnapshot.objects.filter(
            scope__in=[s.key for s in scopes], section=SECTION_SUMMARY
        ).values_list("scope", "signature")
    )
    return [scope for scope in scopes if stored.get(scope.key) != signature(scope)]


def forget_other_scopes(scopes: Iterable[Scope]) -> int:
    """Delete the snapshots of scopes no longer kept (a position changed managers)."""
    deleted, _ = AnalyticsSnapshot.objects.exclude(scope__in=[s.key for s in scopes]).delete()
    return deleted


@dataclasses.dataclass(frozen=True)
class Sections:
    """What a page reads: the summary and the sections it asked for, and their age."""

    summary: dict[str, Any] | None
    parts: dict[str, dict[str, Any]]
    computed_at: datetime | None
    live: bool  # computed for this request (no snapshot)
    preparing: bool  # neither stored nor small enough to compute now

    def part(self, name: str) -> dict[str, Any] | None:
        return self.parts.get(name)


def read_sections(scope: Scope, names: Sequence[str]) -> Sections:
    """The summary and `names` sections of a scope: from its snapshot when stored
    (one query), else computed now if the scope is small, else marked as preparing.

    A filtered scope (template, dates) has no snapshot: it is computed now when small.
    """
    wanted = [SECTION_SUMMARY, *names]
    rows = list(
        AnalyticsSnapshot.objects.filter(scope=scope.key, section__in=wanted).values_list(
            "section", "payload", "computed_at", "signature"
        )
    )
    summary = next((row for row in rows if row[0] == SECTION_SUMMARY), None)
    # A snapshot stored by another release has other sections: as if none were stored,
    # until the sweep (within a minute of the upgrade) recomputes it.
    if summary is not None and summary[3].startswith(f"v{SNAPSHOT_FORMAT}:"):
        parts = {section: payload for section, payload, _, _ in rows}
        return Sections(parts[SECTION_SUMMARY], parts, summary[2], live=False, preparing=False)
    with reporting_reads():
        # The size of the work: the scope's submitted answers (an upper bound of what
        # enters, one aggregate query).
        records = QuestionRecord.objects.filter(scorecard__submitted_at__isnull=False)
        if scope.positions is not None:
            records = records.filter(scorecard__session__position_id__in=scope.positions)
        size = records.count()
    large = size > SYNCHRONOUS_RECORD_LIMIT
    if large and not scope.filtered:
        # The worker's sweep stores this scope within a minute (tasks.refresh_analytics).
        return Sections(None, {}, None, live=False, preparing=True)
    # A filtered scope is never stored: computed now, without the bootstrap when large.
    # Every section is kept (they are computed anyway), so `more_parts` reads none again.
    sections = compute_sections(scope, bootstrap=not large)
    return Sections(sections[SECTION_SUMMARY], sections, timezone.now(), live=True, preparing=False)


def more_parts(scope: Scope, sections: Sections, names: Sequence[str]) -> dict[str, Any]:
    """Further sections of the same snapshot (the rows a page shows): one query when
    stored, none when the sections were computed for this request."""
    if sections.live or sections.preparing:
        return {name: sections.parts[name] for name in names if name in sections.parts}
    if not names:
        return {}
    return dict(
        AnalyticsSnapshot.objects.filter(scope=scope.key, section__in=list(names)).values_list(
            "section", "payload"
        )
    )
