"""CSV and JSON exports of submitted scorecards: one session, or a whole position.

Exports carry submitted scorecards only, chosen by the blind-review door, with their
current (amended) values and an `amended` flag. The position CSV streams rows from a
server-side cursor, in a fixed number of queries however many scorecards there are.
The JSON format is documented in README.md, "Scorecard export format (JSON)".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interviews import scoring
from interviews.access import (
    blind_to_decisions,
    position_for_manager,
    session_for_reviewer,
    visible_scorecards,
    visible_scorecards_for_position,
)
from interviews.models import (
    OUTCOMES,
    Amendment,
    Decision,
    InterviewSession,
    QuestionRecord,
    Scorecard,
)
from intervy.dbrouter import reporting_database, reporting_reads
from intervy.http import HtmxHttpRequest, private_no_store
from intervy.roles import hiring_manager_required, role_required

EXPORT_FORMAT = "intervy.scorecards"
# 2: a `candidates` list (each with its `decisions`), and `candidate_id` in each session.
EXPORT_VERSION = 2
CSV_CHUNK_BYTES = 64 * 1024
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


def exported_session_scorecards(
    user: Any, session_id: int
) -> tuple[InterviewSession, QuerySet[Scorecard]]:
    """The session and its submitted scorecards this user may export; 404 if none may be.

    A panelist who has not submitted exports nothing — not even an empty file that would
    say how many others have submitted.
    """
    session = session_for_reviewer(user, session_id)
    own = Scorecard.objects.filter(session=session, interviewer_id=user.pk).first()
    if own is not None and not own.is_submitted:
        raise Http404("Submit your own scorecard first.")
    return session, visible_scorecards(user, session).submitted()


def session_decisions(user: Any, session: InterviewSession) -> QuerySet[Decision] | None:
    """The decisions on the session's candidate for its position, or None while the user
    may not see them (`access.blind_to_decisions`: they still owe a scorecard of the loop)."""
    if blind_to_decisions(user, session.position, session.candidate_id):
        return None
    return Decision.objects.filter(
        position_id=session.position_id, candidate_id=session.candidate_id
    )


# A text cell in SQL. A spreadsheet runs a cell that starts with = + - @ tab or CR as a
# formula (CSV injection), so such a cell gets a leading ' (the first character's code
# point is compared: = 61, + 43, - 45, @ 64, tab 9, CR 13; cheaper than comparing text).
# And '' becomes NULL, because COPY writes NULL as an empty cell but quotes '' as "".
_SAFE = "NULLIF(CASE WHEN ascii({0}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {0} ELSE {0} END, '')"
_FLAG = "CASE WHEN {0} THEN 'true' ELSE 'false' END"
# datetime.isoformat() of a UTC timestamp: microseconds only when there are some.
_ISOFORMAT = (
    "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN date_trunc('second', {0}) = {0} THEN ''"
    " ELSE to_char({0} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
# The candidate's latest decision for the position, and the final outcome it means: the
# CASE is written from models.OUTCOMES, so the mapping is stated once. Both stay empty
# when the exporter may not see decisions (%(decisions)s is false).
_OUTCOME = (
    "CASE decision.kind "
    + " ".join(f"WHEN '{kind.value}' THEN '{outcome}'" for kind, outcome in OUTCOMES.items())
    + " END"
)
_AMENDED = _FLAG.format(
    "record.id IN (SELECT record_id FROM amended WHERE record_id IS NOT NULL)"
    " OR card.id IN (SELECT scorecard_id FROM amended WHERE record_id IS NULL)"
)
# The COPY that writes the rows of CSV_COLUMNS. The scorecards (with their session's
# names) and their sessions' questions are read first, with their cells computed once
# per scorecard or question rather than once per row; each scorecard's records are then
# read through the scorecard index and joined to the questions in memory (hashing the
# records instead cost a fifth more, 500 scorecards at benchmark size). Every piece of
# SQL is a constant of this module: the only input, the scorecard ids, is a bound
# parameter.
CSV_COPY = f"""COPY (
    WITH card AS MATERIALIZED (
        SELECT card.id, card.session_id,
            {_SAFE.format("candidate.full_name")} AS candidate,
            {_SAFE.format("position.title")} AS position,
            {_SAFE.format("interviewer.username")} AS interviewer,
            {_SAFE.format("card.recommendation")} AS recommendation,
            {_SAFE.format("card.summary")} AS summary,
            {_ISOFORMAT.format("card.submitted_at")} AS submitted_at,
            CASE WHEN %(decisions)s THEN decision.kind END AS current_stage,
            CASE WHEN %(decisions)s THEN {_OUTCOME} END AS outcome
        FROM interviews_scorecard card
        JOIN interviews_interviewsession session ON session.id = card.session_id
        JOIN interviews_candidate candidate ON candidate.id = session.candidate_id
        JOIN interviews_position position ON position.id = session.position_id
        JOIN auth_user interviewer ON interviewer.id = card.interviewer_id
        LEFT JOIN LATERAL (
            SELECT kind FROM interviews_decision
            WHERE position_id = session.position_id AND candidate_id = session.candidate_id
            ORDER BY decided_at DESC, id DESC LIMIT 1
        ) decision ON true
        WHERE card.id = ANY(%(ids)s)
    ), question AS MATERIALIZED (
        SELECT id, "order",
            {_SAFE.format("title")} AS title,
            {_SAFE.format("category_name")} AS category,
            {_SAFE.format("difficulty")} AS difficulty
        FROM interviews_sessionquestion
        WHERE session_id IN (SELECT session_id FROM card)
    ), amended AS MATERIALIZED (
        SELECT scorecard_id, record_id FROM interviews_amendment
        WHERE scorecard_id = ANY(%(ids)s)
    )
    SELECT card.candidate, card.position, card.session_id, card.interviewer,
        question."order", question.title, question.category, question.difficulty,
        record.score,
        {_FLAG.format("record.not_assessed")},
        {_FLAG.format("record.follow_up_asked")},
        {_FLAG.format("record.skipped")},
        {_SAFE.format("record.notes")},
        card.recommendation, card.summary, card.submitted_at,
        {_AMENDED},
        card.current_stage, card.outcome
    FROM card
    JOIN interviews_questionrecord record ON record.scorecard_id = card.id
    JOIN question ON question.id = record.session_question_id
    ORDER BY card.session_id, card.id, question."order"
    ) TO STDOUT WITH (FORMAT csv)"""  # noqa: S608 — constants only, see above


def csv_chunks(scorecards: QuerySet[Scorecard], *, decisions: bool) -> Iterator[bytes]:
    """The CSV of these scorecards: the header at once, then rows in chunks of ~64 KB.

    PostgreSQL writes the rows itself (COPY … TO STDOUT, CSV): building them in Python
    cost about 20 µs a row, which made a large position's export the slowest request of
    the app. Which scorecards are exported is still decided by the caller (through
    interviews.access); the COPY only reads their rows. COPY quotes exactly as Python's
    csv module does (on , " CR LF) and ends a row with LF, so each row's LF becomes CRLF.
    The COPY does not pass through Django's cursor wrapper, so query counters miss it,
    and psycopg merges its ids into the statement client-side: COPY takes no
    server-side parameters. `decisions` says whether the exporter may see the
    candidates' decisions (the stage and outcome columns are empty otherwise).

    The header goes out before any query runs, so the download starts (its first byte
    reaches the client) as soon as the access checks have passed; the rows follow as
    PostgreSQL writes them. They are read from the replica when there is one.
    """
    yield ",".join(CSV_COLUMNS).encode() + b"\r\n"
    alias = reporting_database()
    ids = list(scorecards.using(alias).order_by().values_list("pk", flat=True))
    buffer = bytearray()
    if ids:
        with (
            connections[alias].cursor() as cursor,
            cursor.cursor.copy(CSV_COPY, {"ids": ids, "decisions": decisions}) as copy,
        ):
            for row in copy:
                buffer += row[:-1]
                buffer += b"\r\n"
                if len(buffer) >= CSV_CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
    if buffer:
        yield bytes(buffer)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def _json(document: dict, filename: str) -> HttpResponse:
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _attachment(response, filename)


@private_no_store
@require_GET
@role_required
def session_export_csv(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    session, scorecards = exported_session_scorecards(request.user, session_id)
    response = StreamingHttpResponse(
        csv_chunks(scorecards, decisions=session_decisions(request.user, session) is not None),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-session-{session_id}.csv")


@private_no_store
@require_GET
@role_required
def session_export_json(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    session, scorecards = exported_session_scorecards(request.user, session_id)
    decisions = session_decisions(request.user, session)  # an access rule: on the primary
    with reporting_reads():
        document = export_document("session", session_id, scorecards, decisions)
    return _json(document, f"intervy-session-{session_id}.json")


@private_no_store
@require_GET
@hiring_manager_required
def position_export_csv(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    """Every submitted scorecard of the position, one row per question, streamed."""
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    response = StreamingHttpResponse(
        csv_chunks(scorecards, decisions=True),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-position-{position.pk}.csv")


@private_no_store
@require_GET
@hiring_manager_required
def position_export_json(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    # Only the position's manager and admins reach here: they see every decision.
    with reporting_reads():
        document = export_document(
            "position", position.pk, scorecards, Decision.objects.filter(position=position)
        )
    return _json(document, f"intervy-position-{position.pk}.json")
