"""The export documents of submitted scorecards: the CSV rows and the JSON document.

Assembled without a request from scorecards the caller chose through the blind-review
door (`interviews.access`), with their current (amended) values and an `amended` flag.
The CSV streams: its header goes out before any query runs, then the rows in chunks,
in a fixed number of queries however many scorecards there are. The JSON format is
documented in README.md, "Scorecard export format (JSON)".
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from interviews import scoring
from interviews.access import blind_to_decisions
from interviews.db.exports import CSV_CHUNK_BYTES, copy_csv_rows
from interviews.models import (
    OUTCOMES,
    Amendment,
    Decision,
    DecisionKind,
    InterviewSession,
    QuestionRecord,
    Scorecard,
)
from intervy.dbrouter import reporting_database

EXPORT_FORMAT = "intervy.scorecards"
# 2: a `candidates` list (each with its `decisions`), and `candidate_id` in each session.
EXPORT_VERSION = 2
# Columns of SessionQuestion an export never reads: the question's text, as written and
# rendered, and its anchors.
SESSION_QUESTION_BULK = (
    "prompt",
    "prompt_html",
    "answer",
    "answer_html",
    "follow_up",
    "follow_up_html",
    "anchors",
)
CSV_COLUMNS = (
    "candidate",
    "position",
    "session_id",
    "interviewer",
    "question_order",
    "question_title",
    "category",
    "difficulty",
    "score",
    "not_assessed",
    "follow_up_asked",
    "skipped",
    "notes",
    "recommendation",
    "summary",
    "submitted_at",
    "amended",
    "current_stage",
    "outcome",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

type CsvRows = Callable[..., Iterator[bytes]]


def session_decisions(user: User, session: InterviewSession) -> QuerySet[Decision] | None:
    """The decisions on the session's candidate for its position, or None while the user
    may not see them (`access.blind_to_decisions`: they still owe a scorecard of the loop)."""
    if blind_to_decisions(user, session.position, session.candidate_id):
        return None
    return Decision.objects.filter(
        position_id=session.position_id, candidate_id=session.candidate_id
    )


def csv_chunks(scorecards: QuerySet[Scorecard], *, decisions: bool) -> Iterator[bytes]:
    """The CSV of these scorecards: the header at once, then rows in chunks of ~64 KB.

    The header goes out before any query runs, so the download starts (its first byte
    reaches the client) as soon as the access checks have passed. The rows are read from
    the replica when there is one, and written by `CSV_ROWS`. `decisions` says whether
    the exporter may see the candidates' decisions (stage and outcome stay empty if not).
    """
    yield ",".join(CSV_COLUMNS).encode() + b"\r\n"
    alias = reporting_database()
    ids = list(scorecards.using(alias).order_by().values_list("pk", flat=True))
    yield from CSV_ROWS(ids, decisions=decisions, alias=alias)


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _flag(value: bool) -> str:
    return "true" if value else "false"


class _Lines:
    """What csv.writer writes to: lines kept until a chunk is full."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, line: str) -> None:
        self.parts.append(line)
        self.size += len(line)

    def take(self) -> bytes:
        chunk = "".join(self.parts).encode()
        self.parts.clear()
        self.size = 0
        return chunk


def orm_csv_rows(ids: list[int], *, decisions: bool, alias: str) -> Iterator[bytes]:
    """The CSV rows (no header) of these scorecards, by the ORM and Python's csv module.

    The plain version of `interviews.db.exports.copy_csv_rows`, byte for byte: the
    scorecards with their names, the amendments and the latest decisions first (one
    query each), then the records with their questions streamed from a server-side
    cursor in export order.
    """
    if not ids:
        return
    cards = {
        row[0]: row[1:]
        for row in Scorecard.objects.using(alias)
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "session_id",
            "session__position_id",
            "session__candidate_id",
            "session__candidate__full_name",
            "session__position__title",
            "interviewer__username",
            "recommendation",
            "summary",
            "submitted_at",
        )
    }
    amended_records: set[int] = set()
    amended_cards: set[int] = set()
    # The record is nullable (an amendment of the recommendation or summary has none);
    # django-stubs types the values_list column as a plain int, so the type is said here.
    amendments: Iterable[tuple[int, int | None]] = (
        Amendment.objects.using(alias)
        .filter(scorecard_id__in=ids)
        .values_list("scorecard_id", "record_id")
    )
    for card_id, record_id in amendments:
        if record_id is None:
            amended_cards.add(card_id)
        else:
            amended_records.add(record_id)
    stages: dict[tuple[int, int], str] = {}
    if decisions:
        loops = {(card[1], card[2]) for card in cards.values()}
        stages = {
            (position_id, candidate_id): kind
            for position_id, candidate_id, kind in Decision.objects.using(alias)
            .filter(
                position_id__in={loop[0] for loop in loops},
                candidate_id__in={loop[1] for loop in loops},
            )
            .latest_per_candidate()
            .values_list("position_id", "candidate_id", "kind")
        }
    card_cells: dict[int, tuple[list[Any], list[Any]]] = {}
    for pk, (session_id, position_id, candidate_id, *names, summary, submitted_at) in cards.items():
        candidate, position, interviewer, recommendation = names
        stage = stages.get((position_id, candidate_id), "")
        assert submitted_at is not None  # the ids are of submitted scorecards
        card_cells[pk] = (
            [_cell(candidate), _cell(position), session_id, _cell(interviewer)],
            [
                _cell(recommendation),
                _cell(summary),
                submitted_at.astimezone(UTC).isoformat(),
                pk in amended_cards,
                stage,
                OUTCOMES.get(DecisionKind(stage), "") if stage else "",
            ],
        )
    lines = _Lines()
    writer = csv.writer(lines)
    records = (
        QuestionRecord.objects.using(alias)
        .filter(scorecard_id__in=ids)
        .order_by("scorecard__session_id", "scorecard_id", "session_question__order")
        .values_list(
            "pk",
            "scorecard_id",
            "session_question__order",
            "session_question__title",
            "session_question__category_name",
            "session_question__difficulty",
            "score",
            "not_assessed",
            "follow_up_asked",
            "skipped",
            "notes",
        )
    )
    for pk, card_id, order, title, category, difficulty, score, *flags, notes in records.iterator(
        chunk_size=2000
    ):
        before, (recommendation, summary, submitted, card_amended, stage, outcome) = card_cells[
            card_id
        ]
        writer.writerow(
            [
                *before,
                order,
                _cell(title),
                _cell(category),
                _cell(difficulty),
                score,
                *map(_flag, flags),
                _cell(notes),
                recommendation,
                summary,
                submitted,
                _flag(card_amended or pk in amended_records),
                stage,
                outcome,
            ]
        )
        if lines.size >= CSV_CHUNK_BYTES:
            yield lines.take()
    if lines.size:
        yield lines.take()


# Which writes the export's CSV rows: see README.md, "Hand-made pieces, measured".
CSV_ROWS: CsvRows = copy_csv_rows


def export_document(
    scope: str,
    scope_id: int,
    scorecards: QuerySet[Scorecard],
    decisions: QuerySet[Decision] | None,
) -> dict:
    """The JSON export: scorecards with their questions and amendments, and the candidates
    with their decisions (None: the exporter may not see them); four queries."""
    cards = list(
        scorecards.select_related(
            "interviewer", "session__candidate", "session__position"
        ).order_by("session_id", "pk")
    )
    ids = [card.pk for card in cards]
    records: dict[int, list[QuestionRecord]] = defaultdict(list)
    for record in (
        QuestionRecord.objects.filter(scorecard_id__in=ids)
        .select_related("session_question")
        # The question's text and rendered markdown stay behind: sorting thousands of
        # rows with them spilled to disk (500 scorecards: 9.5 MB, 50 ms).
        .defer(*(f"session_question__{name}" for name in SESSION_QUESTION_BULK))
        .order_by("session_question__order")
    ):
        records[record.scorecard_id].append(record)
    amendments: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in (
        Amendment.objects.filter(scorecard_id__in=ids)
        .select_related("amended_by", "record__session_question")
        .order_by("amended_at", "pk")
    ):
        amendments[amendment.scorecard_id].append(amendment)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "scope": {"type": scope, "id": scope_id},
        "scorecards": [
            scorecard_document(card, records[card.pk], amendments[card.pk]) for card in cards
        ],
        "candidates": candidates_document(cards, decisions),
    }


def candidates_document(cards: list[Scorecard], decisions: QuerySet[Decision] | None) -> list:
    """Each candidate of the export (by its scorecards or its decisions) with its decisions.

    `decisions` None means the exporter may not see them: the candidate is listed with
    null stage, outcome and decisions, never with an empty history that is not true.
    """
    candidates: dict[tuple[int, int], dict[str, Any]] = {}
    for card in cards:
        session = card.session
        candidates.setdefault(
            (session.position_id, session.candidate_id),
            {"id": session.candidate_id, "name": session.candidate.full_name},
        )
    history: dict[tuple[int, int], list[Decision]] = defaultdict(list)
    if decisions is not None:
        for decision in decisions.select_related("candidate", "decided_by").order_by(
            "decided_at", "pk"
        ):
            key = (decision.position_id, decision.candidate_id)
            candidates.setdefault(
                key, {"id": decision.candidate_id, "name": decision.candidate.full_name}
            )
            history[key].append(decision)
    documents = []
    for (position_id, _), candidate in sorted(
        candidates.items(), key=lambda item: (item[1]["name"], item[1]["id"], item[0])
    ):
        kept = history[(position_id, candidate["id"])]
        latest = kept[-1] if kept else None
        documents.append(
            {
                **candidate,
                "position_id": position_id,
                "current_stage": None if decisions is None or latest is None else latest.kind,
                "outcome": (latest.outcome or None) if decisions is not None and latest else None,
                "decisions": None
                if decisions is None
                else [
                    {
                        "kind": decision.kind,
                        "rationale": decision.rationale,
                        "override_reason": decision.override_reason,
                        "decided_by": decision.decided_by.get_username(),
                        "decided_at": decision.decided_at.isoformat(),
                    }
                    for decision in kept
                ],
            }
        )
    return documents


def scorecard_document(
    card: Scorecard, records: list[QuestionRecord], amendments: list[Amendment]
) -> dict:
    session = card.session
    amended_records = {amendment.record_id for amendment in amendments if amendment.record_id}
    ratings = [
        scoring.Rating(
            record.session_question.category_slug,
            record.session_question.category_name,
            record.score,
            record.not_assessed,
        )
        for record in records
    ]
    overall = scoring.aggregate(ratings)
    return {
        "id": card.pk,
        "session": {
            "id": session.pk,
            "candidate": session.candidate.full_name,
            "candidate_id": session.candidate_id,
            "position": {"id": session.position_id, "title": session.position.title},
            "template": session.template_name,
            "template_version": session.template_version,
            "scheduled_at": session.scheduled_at.isoformat(),
        },
        "interviewer": {
            "username": card.interviewer.get_username(),
            "name": card.interviewer.get_full_name(),
        },
        "recommendation": card.recommendation,
        "summary": card.summary,
        "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
        "amended": bool(amendments),
        "aggregate": _aggregate_document(overall),
        "categories": [
            {"slug": result.slug, "name": result.name, **_aggregate_document(result.aggregate)}
            for result in scoring.category_results(ratings)
        ],
        "questions": [
            {
                "order": record.session_question.order,
                "title": record.session_question.title,
                "category": record.session_question.category_name,
                "difficulty": record.session_question.difficulty,
                "score": record.score,
                "not_assessed": record.not_assessed,
                "follow_up_asked": record.follow_up_asked,
                "skipped": record.skipped,
                "notes": record.notes,
                "amended": record.pk in amended_records,
            }
            for record in records
        ],
        "amendments": [
            {
                "field": amendment.field,
                "question_order": amendment.record.session_question.order
                if amendment.record
                else None,
                "old_value": amendment.old_value,
                "new_value": amendment.new_value,
                "reason": amendment.reason,
                "amended_by": amendment.amended_by.get_username(),
                "amended_at": amendment.amended_at.isoformat(),
            }
            for amendment in amendments
        ],
    }


def _aggregate_document(aggregate: scoring.Aggregate) -> dict:
    return {
        "mean": None if aggregate.mean is None else str(aggregate.mean),
        "assessed": aggregate.assessed,
        "not_assessed": aggregate.not_assessed,
    }
