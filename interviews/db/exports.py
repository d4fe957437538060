"""The scorecard CSV written by PostgreSQL itself: one COPY … TO STDOUT.

It replaces, row for row and byte for byte, `interviews.pages.exports.orm_csv_rows` (a
test holds the two equal); README.md, "Hand-made pieces, measured", says what it buys.
Every table and column is named through the models' `_meta`; the only input, the
scorecard ids, is a bound parameter. Which scorecards are exported is decided by the
caller, through interviews.access; this only reads their rows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Model

from interviews.db.names import column
from interviews.models import (
    OUTCOMES,
    Amendment,
    Candidate,
    Decision,
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
)

CSV_CHUNK_BYTES = 64 * 1024


def _table(model: type[Model]) -> str:
    return connections["default"].ops.quote_name(model._meta.db_table)


def _col(model: type[Model], name: str, alias: str = "") -> str:
    quoted = connections["default"].ops.quote_name(column(model._meta.get_field(name)))
    return f"{alias}.{quoted}" if alias else quoted


# A text cell. A spreadsheet runs a cell that starts with = + - @ tab or CR as a formula
# (CSV injection), so such a cell gets a leading ' (the first character's code point is
# compared: = 61, + 43, - 45, @ 64, tab 9, CR 13). And '' becomes NULL, because COPY
# writes NULL as an empty cell but quotes '' as "".
_SAFE = "NULLIF(CASE WHEN ascii({0}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {0} ELSE {0} END, '')"
_FLAG = "CASE WHEN {0} THEN 'true' ELSE 'false' END"
# datetime.isoformat() of a UTC timestamp: microseconds only when there are some.
_ISOFORMAT = (
    "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN date_trunc('second', {0}) = {0} THEN ''"
    " ELSE to_char({0} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)


@functools.cache
def csv_copy_sql() -> str:
    """The COPY that writes the rows of `pages.exports.CSV_COLUMNS` (built once).

    The scorecards (with their session's names) and their sessions' questions are read
    first, their cells computed once per scorecard or question rather than once per row;
    each scorecard's records are then read through the scorecard index and joined to the
    questions in memory.
    """
    user = get_user_model()
    card, session, candidate, position = Scorecard, InterviewSession, Candidate, Position
    record, question, decision, amendment = QuestionRecord, SessionQuestion, Decision, Amendment
    outcome = (
        f"CASE d.{_col(decision, 'kind')} "
        + " ".join(f"WHEN '{kind.value}' THEN '{text}'" for kind, text in OUTCOMES.items())
        + " END"
    )
    record_id = _col(record, "id", "r")
    amended = _FLAG.format(
        f"{record_id} IN (SELECT record_id FROM amended WHERE record_id IS NOT NULL)"  # noqa: S608
        " OR card.id IN (SELECT scorecard_id FROM amended WHERE record_id IS NULL)"
    )
    on_candidate = f"{_col(candidate, 'id', 'k')} = {_col(session, 'candidate', 's')}"
    on_position = f"{_col(position, 'id', 'p')} = {_col(session, 'position', 's')}"
    return f"""COPY (
    WITH card AS MATERIALIZED (
        SELECT {_col(card, "id", "c")} AS id, {_col(card, "session", "c")} AS session_id,
            {_SAFE.format(_col(candidate, "full_name", "k"))} AS candidate,
            {_SAFE.format(_col(position, "title", "p"))} AS position,
            {_SAFE.format(_col(user, "username", "u"))} AS interviewer,
            {_SAFE.format(_col(card, "recommendation", "c"))} AS recommendation,
            {_SAFE.format(_col(card, "summary", "c"))} AS summary,
            {_ISOFORMAT.format(_col(card, "submitted_at", "c"))} AS submitted_at,
            CASE WHEN %(decisions)s THEN d.{_col(decision, "kind")} END AS current_stage,
            CASE WHEN %(decisions)s THEN {outcome} END AS outcome
        FROM {_table(card)} c
        JOIN {_table(session)} s ON {_col(session, "id", "s")} = {_col(card, "session", "c")}
        JOIN {_table(candidate)} k ON {on_candidate}
        JOIN {_table(position)} p ON {on_position}
        JOIN {_table(user)} u ON {_col(user, "id", "u")} = {_col(card, "interviewer", "c")}
        LEFT JOIN LATERAL (
            SELECT {_col(decision, "kind")} FROM {_table(decision)}
            WHERE {_col(decision, "position")} = {_col(session, "position", "s")}
              AND {_col(decision, "candidate")} = {_col(session, "candidate", "s")}
            ORDER BY {_col(decision, "decided_at")} DESC, {_col(decision, "id")} DESC LIMIT 1
        ) d ON true
        WHERE {_col(card, "id", "c")} = ANY(%(ids)s)
    ), question AS MATERIALIZED (
        SELECT {_col(question, "id")} AS id, {_col(question, "order")} AS ord,
            {_SAFE.format(_col(question, "title"))} AS title,
            {_SAFE.format(_col(question, "category_name"))} AS category,
            {_SAFE.format(_col(question, "difficulty"))} AS difficulty
        FROM {_table(question)}
        WHERE {_col(question, "session")} IN (SELECT session_id FROM card)
    ), amended AS MATERIALIZED (
        SELECT {_col(amendment, "scorecard")} AS scorecard_id,
            {_col(amendment, "record")} AS record_id
        FROM {_table(amendment)}
        WHERE {_col(amendment, "scorecard")} = ANY(%(ids)s)
    )
    SELECT card.candidate, card.position, card.session_id, card.interviewer,
        question.ord, question.title, question.category, question.difficulty,
        {_col(record, "score", "r")},
        {_FLAG.format(_col(record, "not_assessed", "r"))},
        {_FLAG.format(_col(record, "follow_up_asked", "r"))},
        {_FLAG.format(_col(record, "skipped", "r"))},
        {_SAFE.format(_col(record, "notes", "r"))},
        card.recommendation, card.summary, card.submitted_at,
        {amended},
        card.current_stage, card.outcome
    FROM card
    JOIN {_table(record)} r ON {_col(record, "scorecard", "r")} = card.id
    JOIN question ON question.id = {_col(record, "session_question", "r")}
    ORDER BY card.session_id, card.id, question.ord
    ) TO STDOUT WITH (FORMAT csv)"""  # noqa: S608 — model names from _meta, no input


def copy_csv_rows(ids: list[int], *, decisions: bool, alias: str) -> Iterator[bytes]:
    """The CSV rows (no header) of these scorecards, in chunks of about 64 KB.

    COPY quotes exactly as Python's csv module does (on , " CR LF) and ends a row with
    LF, so each row's LF becomes CRLF. The COPY does not pass through Django's cursor
    wrapper, so query counters miss it, and psycopg merges its parameters into the
    statement client-side: COPY takes no server-side parameters. `decisions` says whether
    the exporter may see the candidates' decisions (stage and outcome stay empty if not).
    """
    if not ids:
        return
    buffer = bytearray()
    with (
        connections[alias].cursor() as cursor,
        cursor.cursor.copy(csv_copy_sql(), {"ids": ids, "decisions": decisions}) as copy,
    ):
        for row in copy:
            buffer += row[:-1]
            buffer += b"\r\n"
            if len(buffer) >= CSV_CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)
