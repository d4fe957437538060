"""The runner's writes to a QuestionRecord: audited updates, notes, visits.

Each door is one statement. In autocommit a statement is its own transaction, committed
before it returns, so none needs atomic(); inside a caller's transaction it joins it.
The new row comes back by RETURNING rather than by reading it again.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection

from interviews.db.names import column_list, fetch_named, instance_from_row, names
from interviews.models import (
    AlreadyAssessed,
    AuditAction,
    AuditEvent,
    NotesSave,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
)

ALREADY_ASSESSED = (
    "This question already has a rating; choose another score or "
    "“Not assessed” instead of skipping it."
)


def audited_record_update(
    *,
    scorecard_id: int,
    session_question_id: int,
    by_id: int,
    action: str,
    assignments: str,
    old_value: str,
    new_value: str,
    guard: str = "TRUE",
    params: dict[str, Any] | None = None,
) -> QuestionRecord | None:
    """Lock the record, change it, and audit old → new, in one statement.

    The record is locked FOR UPDATE and its scorecard FOR SHARE: a submission (which
    takes the scorecard FOR UPDATE) waits for a change in flight, a change arriving after
    the submission finds no open card and changes nothing, and two presses on the same
    record run one after the other, so fifty parallel requests leave one record and a
    full history. The old value is read under that lock and goes into the audit event in
    the same statement (RETURNING), so the trail can never disagree with the record.

    `assignments`, `old_value`, `new_value` and `guard` are SQL fragments; `{r.<field>}`
    in them names a QuestionRecord column, `old.` the row as it was. Returns the updated
    record, or None when nothing was updated (no open card, or `guard` false).
    """
    sql, values = audited_update_statement(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        by_id=by_id,
        action=action,
        assignments=assignments,
        old_value=old_value,
        new_value=new_value,
        guard=guard,
        params=params,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = fetch_named(cursor)
    return None if row is None else instance_from_row(QuestionRecord, row)


def audited_update_statement(
    *,
    scorecard_id: int,
    session_question_id: int,
    by_id: int,
    action: str,
    assignments: str,
    old_value: str,
    new_value: str,
    guard: str = "TRUE",
    params: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The statement of audited_record_update and its parameters."""
    sql = _audited_sql(assignments, old_value, new_value, guard)
    return sql, {
        **(params or {}),
        "scorecard": scorecard_id,
        "question": session_question_id,
        "by": by_id,
        "action": action,
    }


@functools.cache
def _audited_sql(assignments: str, old_value: str, new_value: str, guard: str) -> str:
    """The SQL of one kind of audited update, built once per process."""
    r, s, a = names(QuestionRecord), names(Scorecard), names(AuditEvent)
    fragments = {
        key: text.format(r=r)
        for key, text in {
            "assignments": assignments,
            "old_value": old_value,
            "new_value": new_value,
            "guard": guard,
        }.items()
    }
    return f"""
        WITH old AS (
            SELECT r.*, s.{s.session} AS audit_session_id
              FROM {r.table} r
              JOIN {s.table} s ON s.{s.id} = r.{r.scorecard}
             WHERE r.{r.scorecard} = %(scorecard)s
               AND r.{r.session_question} = %(question)s
               AND s.{s.submitted_at} IS NULL
               FOR UPDATE OF r FOR SHARE OF s
        ), updated AS (
            UPDATE {r.table} r
               SET {fragments["assignments"]}, {r.updated_at} = now()
              FROM old
             WHERE r.{r.id} = old.{r.id} AND ({fragments["guard"]})
         RETURNING r.*, old.audit_session_id,
                   ({fragments["old_value"]}) AS audit_old,
                   ({fragments["new_value"]}) AS audit_new
        ), audited AS (
            INSERT INTO {a.table}
                   ({a.actor}, {a.at}, {a.session}, {a.scorecard}, {a.session_question},
                    {a.action}, {a.old_value}, {a.new_value})
            SELECT %(by)s, now(), audit_session_id, %(scorecard)s, %(question)s, %(action)s,
                   audit_old, audit_new
              FROM updated
        )
        SELECT {column_list(QuestionRecord)} FROM updated
    """  # noqa: S608 (names from _meta, values as parameters)


def record_score(
    *, scorecard_id: int, session_question_id: int, score: int | None, by_id: int
) -> QuestionRecord:
    """Score 1–4, or "not assessed" for None; clears a skip. ScorecardLocked once submitted."""
    record = audited_record_update(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        by_id=by_id,
        action=AuditAction.SCORE if score is not None else AuditAction.NOT_ASSESSED,
        assignments=(
            "{r.score} = %(score)s, {r.not_assessed} = %(not_assessed)s, "
            "{r.skipped} = false, {r.scored_at} = now()"
        ),
        old_value=(
            "CASE WHEN old.{r.score} IS NOT NULL THEN old.{r.score}::text "
            "WHEN old.{r.not_assessed} THEN 'not assessed' ELSE '' END"
        ),
        new_value="%(new_value)s",
        params={
            "score": score,
            "not_assessed": score is None,
            "new_value": str(score) if score is not None else "not assessed",
        },
    )
    if record is None:
        raise ScorecardLocked()
    return record


def toggle_follow_up(*, scorecard_id: int, session_question_id: int, by_id: int) -> QuestionRecord:
    """Flip "follow-up asked"; a double press flips twice rather than losing one."""
    record = audited_record_update(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        by_id=by_id,
        action=AuditAction.FOLLOW_UP,
        assignments="{r.follow_up_asked} = NOT old.{r.follow_up_asked}",
        old_value="CASE WHEN old.{r.follow_up_asked} THEN 'asked' ELSE 'not asked' END",
        new_value="CASE WHEN old.{r.follow_up_asked} THEN 'not asked' ELSE 'asked' END",
    )
    if record is None:
        raise ScorecardLocked()
    return record


def toggle_skipped(*, scorecard_id: int, session_question_id: int, by_id: int) -> QuestionRecord:
    """Skip or un-skip; never over a score or "not assessed" (AlreadyAssessed then)."""
    record = audited_record_update(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        by_id=by_id,
        action=AuditAction.SKIPPED,
        assignments="{r.skipped} = NOT old.{r.skipped}",
        old_value="CASE WHEN old.{r.skipped} THEN 'skipped' ELSE '' END",
        new_value="CASE WHEN old.{r.skipped} THEN '' ELSE 'skipped' END",
        guard="old.{r.score} IS NULL AND NOT old.{r.not_assessed}",
    )
    if record is not None:
        return record
    # Refused: say why. Only the refusal pays this second read.
    open_card = QuestionRecord.objects.filter(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        scorecard__submitted_at__isnull=True,
    ).exists()
    if open_card:
        raise AlreadyAssessed(ALREADY_ASSESSED)
    raise ScorecardLocked()


def save_notes(
    *, scorecard_id: int, session_question_id: int, text: str, base_revision: int
) -> NotesSave:
    """Store `text` if the notes are still at `base_revision`; the database numbers it.

    The writer says which revision its text was edited from; the stored revision goes
    up by one on every save. If another tab or device saved in between, nothing is
    written and the reply carries the text now stored and its revision, so the writer
    can show both and let its user choose (a conflict). A save whose text is what is
    stored already (a retry whose first try landed) is not a conflict. Submitted
    scorecards refuse.

    The revision test sits on the updated table itself: when two saves from the same
    revision race, the second waits for the first's row lock and PostgreSQL re-checks
    the condition on the row as the first committed it, so the second finds a newer
    revision and is refused rather than overwriting. The scorecard is share-locked,
    as in audited_record_update, so a submission and a save cannot interleave.
    """
    r, s = names(QuestionRecord), names(Scorecard)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH card AS (
                SELECT {s.id} FROM {s.table}
                 WHERE {s.id} = %(scorecard)s AND {s.submitted_at} IS NULL
                   FOR SHARE
            )
            UPDATE {r.table} r
               SET {r.notes} = %(text)s, {r.notes_revision} = r.{r.notes_revision} + 1,
                   {r.updated_at} = now()
              FROM card
             WHERE r.{r.scorecard} = card.{s.id}
               AND r.{r.session_question} = %(question)s
               AND r.{r.notes_revision} = %(base)s
         RETURNING r.{r.notes_revision}
            """,  # noqa: S608 (names from _meta, values as parameters)
            {
                "scorecard": scorecard_id,
                "question": session_question_id,
                "text": text,
                "base": base_revision,
            },
        )
        row = cursor.fetchone()
        if row is not None:
            return NotesSave(stored=True, revision=row[0], notes=text)
        # Not stored: a new statement (a new snapshot, so it sees what a racing save
        # committed) reads what is there. Hand-written like the update: the ORM's query
        # cost the retried autosave 15–25 % of its throughput (bench/ab.py).
        cursor.execute(stored_notes_statement(), [scorecard_id, session_question_id])
        found = cursor.fetchone()
    if found is None:  # no record: a card submitted before this question was added
        return NotesSave(stored=False, revision=0, notes="", locked=True)
    notes, revision, submitted = found
    return NotesSave(
        stored=notes == text and not submitted,
        revision=revision,
        notes=notes,
        locked=submitted,
    )


@functools.cache
def stored_notes_statement() -> str:
    """A record's notes, their revision and whether its scorecard is submitted."""
    r, s = names(QuestionRecord), names(Scorecard)
    return f"""
        SELECT r.{r.notes}, r.{r.notes_revision}, s.{s.submitted_at} IS NOT NULL
          FROM {r.table} r
          JOIN {s.table} s ON s.{s.id} = r.{r.scorecard}
         WHERE r.{r.scorecard} = %s AND r.{r.session_question} = %s
    """  # noqa: S608 (names from _meta, values as parameters)


def visit(
    *, scorecard_id: int, session_question_id: int, track_time: bool
) -> dict[int, tuple[int, Any, Any]]:
    """Make this the interviewer's current question and, if `track_time`, move the clock.

    Time on a question is its closed visits (seconds_spent) plus the open one (since
    entered_at), all kept in the database, so a reload or a restart neither resets
    nor double-counts it. Opening a question closes whichever visit was open; opening
    the one already open changes nothing. One statement, whatever the question count,
    so the place and the clocks move together or not at all.

    Returns the records it changed, by question id: (seconds_spent, entered_at,
    first_shown_at) as stored, so the caller need not read them again.
    """
    r, s = names(QuestionRecord), names(Scorecard)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH moved AS (
                UPDATE {s.table}
                   SET {s.current_question} = %(question)s
                 WHERE {s.id} = %(scorecard)s
                   AND {s.current_question} IS DISTINCT FROM %(question)s
            )
            UPDATE {r.table}
               SET {r.seconds_spent} = CASE
                       WHEN {r.session_question} = %(question)s THEN {r.seconds_spent}
                       ELSE {r.seconds_spent} + GREATEST(
                           0, floor(extract(epoch FROM now() - {r.entered_at})))::integer
                   END,
                   {r.entered_at} = CASE
                       WHEN {r.session_question} = %(question)s THEN now() END,
                   {r.first_shown_at} = CASE
                       WHEN {r.session_question} = %(question)s
                       THEN COALESCE({r.first_shown_at}, now())
                       ELSE {r.first_shown_at} END
             WHERE %(track)s
               AND {r.scorecard} = %(scorecard)s
               AND (
                   ({r.session_question} = %(question)s AND {r.entered_at} IS NULL)
                   OR ({r.session_question} <> %(question)s AND {r.entered_at} IS NOT NULL)
               )
         RETURNING {r.session_question}, {r.seconds_spent}, {r.entered_at}, {r.first_shown_at}
            """,  # noqa: S608 (names from _meta, values as parameters)
            {"scorecard": scorecard_id, "question": session_question_id, "track": track_time},
        )
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def close_visits(*, session_id: int) -> None:
    """Stop every open question clock of a session (it has finished)."""
    r, s = names(QuestionRecord), names(Scorecard)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {r.table} r
               SET {r.seconds_spent} = r.{r.seconds_spent} + GREATEST(
                       0, floor(extract(epoch FROM now() - r.{r.entered_at})))::integer,
                   {r.entered_at} = NULL
              FROM {s.table} s
             WHERE s.{s.id} = r.{r.scorecard} AND s.{s.session} = %(session)s
               AND r.{r.entered_at} IS NOT NULL
            """,  # noqa: S608 (names from _meta, values as parameters)
            {"session": session_id},
        )
