"""CSV and JSON exports of submitted scorecards: one session, or a whole position.

Exports carry submitted scorecards only, chosen by the blind-review door, with their
current (amended) values and an `amended` flag. The position CSV streams rows from a
server-side cursor, in a fixed number of queries however many scorecards there are.
The JSON format is documented in README.md, "Scorecard export format (JSON)".
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interviews import scoring
from interviews.access import (
    position_for_manager,
    session_for_reviewer,
    visible_scorecards,
    visible_scorecards_for_position,
)
from interviews.models import Amendment, QuestionRecord, Scorecard
from intervy.http import HtmxHttpRequest
from intervy.roles import hiring_manager_required, role_required

EXPORT_FORMAT = "intervy.scorecards"
EXPORT_VERSION = 1
CHUNK_SIZE = 2000
CSV_CHUNK_CHARS = 64 * 1024
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
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def exported_session_scorecards(user: Any, session_id: int) -> QuerySet[Scorecard]:
    """The session's submitted scorecards this user may export; 404 if none may be.

    A panelist who has not submitted exports nothing — not even an empty file that would
    say how many others have submitted.
    """
    session = session_for_reviewer(user, session_id)
    own = Scorecard.objects.filter(session=session, interviewer_id=user.pk).first()
    if own is not None and not own.is_submitted:
        raise Http404("Submit your own scorecard first.")
    return visible_scorecards(user, session).submitted()


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a leading '."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_rows(scorecards: QuerySet[Scorecard]) -> Iterator[list[Any]]:
    """One row per question of these scorecards, in three queries however many there are.

    Only the exported columns are read: loading whole records with their question
    snapshots (HTML, anchors) cost most of a large export's time. The scorecards and
    their amendments are small, so they are read first and joined in Python; the records
    stream from a server-side cursor in the export's order.
    """
    # A scorecard's cells are the same on each of its rows: neutralised once, not per row.
    cards = {
        pk: (
            [safe_cell(candidate), safe_cell(position), session_id, safe_cell(interviewer)],
            [
                safe_cell(recommendation),
                safe_cell(summary),
                submitted.isoformat() if submitted else "",
            ],
        )
        for (
            pk,
            candidate,
            position,
            session_id,
            interviewer,
            recommendation,
            summary,
            submitted,
        ) in scorecards.order_by().values_list(
            "pk",
            "session__candidate__full_name",
            "session__position__title",
            "session_id",
            "interviewer__username",
            "recommendation",
            "summary",
            "submitted_at",
        )
    }
    if not cards:
        return
    amended_cards: set[int] = set()
    amended_records: set[int] = set()
    for scorecard_id, record_id in Amendment.objects.filter(scorecard_id__in=cards).values_list(
        "scorecard_id", "record_id"
    ):
        if record_id is None:
            amended_cards.add(scorecard_id)
        else:
            amended_records.add(record_id)
    records = (
        QuestionRecord.objects.filter(scorecard_id__in=cards)
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
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for (
        record_id,
        scorecard_id,
        order,
        title,
        category,
        difficulty,
        score,
        not_assessed,
        follow_up_asked,
        skipped,
        notes,
    ) in records:
        session_cells, verdict_cells = cards[scorecard_id]
        yield [
            *session_cells,
            order,
            safe_cell(title),
            safe_cell(category),
            safe_cell(difficulty),
            "" if score is None else score,
            "true" if not_assessed else "false",
            "true" if follow_up_asked else "false",
            "true" if skipped else "false",
            safe_cell(notes),
            *verdict_cells,
            "true" if record_id in amended_records or scorecard_id in amended_cards else "false",
        ]


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text in pieces of about CSV_CHUNK_CHARS: one write per line to the socket
    cost a third of a large export's time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_document(scope: str, scope_id: int, scorecards: QuerySet[Scorecard]) -> dict:
    """The JSON export: scorecards with their questions and amendments; three queries."""
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
    }


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


def _json(document: dict, filename: str) -> HttpResponse:
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _attachment(response, filename)


@require_GET
@role_required
def session_export_csv(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    scorecards = exported_session_scorecards(request.user, session_id)
    response = StreamingHttpResponse(
        csv_chunks(csv_rows(scorecards)),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-session-{session_id}.csv")


@require_GET
@role_required
def session_export_json(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    scorecards = exported_session_scorecards(request.user, session_id)
    document = export_document("session", session_id, scorecards)
    return _json(document, f"intervy-session-{session_id}.json")


@require_GET
@hiring_manager_required
def position_export_csv(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    """Every submitted scorecard of the position, one row per question, streamed."""
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    response = StreamingHttpResponse(
        csv_chunks(csv_rows(scorecards)),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-position-{position.pk}.csv")


@require_GET
@hiring_manager_required
def position_export_json(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    document = export_document("position", position.pk, scorecards)
    return _json(document, f"intervy-position-{position.pk}.json")
