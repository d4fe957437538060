"""The panelist's scorecard with its session, candidate and position (and a question);
the runner's records with their questions.

Every runner, notes and score request reads this first. The ORM's version is two
queries (the scorecard with select_related, then the question), and compiling them is a
large share of the notes autosave's app CPU (README, "Hand-made pieces, measured"); this
is one statement, built once per process, its columns read back by name
(`names.instance_from_row`, which converts them as the ORM does).
"""

from __future__ import annotations

import functools

from django.db import connection, models

from interviews.db.names import column, fetch_named, instance_from_row, names
from interviews.models import (
    Candidate,
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
)

# Each model of the row under its own alias: its columns come back as "<alias>__<attname>".
_JOINED: tuple[tuple[str, type[models.Model]], ...] = (
    ("c", Scorecard),
    ("s", InterviewSession),
    ("k", Candidate),
    ("p", Position),
)


def _select(alias: str, model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(
        f"{alias}.{quote(column(field))} AS {quote(f'{alias}__{field.attname}')}"
        for field in model._meta.concrete_fields
    )


@functools.cache
def _statement(with_question: bool) -> str:
    c, s, k, p, q = (
        names(model)
        for model in (Scorecard, InterviewSession, Candidate, Position, SessionQuestion)
    )
    selected = [_select(alias, model) for alias, model in _JOINED]
    question_join = ""
    if with_question:
        selected.append(_select("q", SessionQuestion))
        question_join = (
            f"LEFT JOIN {q.table} q ON q.{q.session} = s.{s.id} AND q.{q.order} = %(order)s"
        )
    return f"""
        SELECT {", ".join(selected)}
          FROM {c.table} c
          JOIN {s.table} s ON s.{s.id} = c.{c.session}
          JOIN {k.table} k ON k.{k.id} = s.{s.candidate}
          JOIN {p.table} p ON p.{p.id} = s.{s.position}
          {question_join}
         WHERE c.{c.session} = %(session)s AND c.{c.interviewer} = %(user)s
    """  # noqa: S608 (names from _meta, values as parameters)


def panel_row(
    *, user_id: int, session_id: int, order: int | None
) -> tuple[InterviewSession, Scorecard, SessionQuestion | None] | None:
    """The user's scorecard on the session, the session with its candidate and position
    cached on it, and the session's question `order` (None without one). None when the
    user is not on the panel."""
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(order is not None),
            {"session": session_id, "user": user_id, "order": order},
        )
        row = fetch_named(cursor)
    if row is None:
        return None
    scorecard = instance_from_row(Scorecard, row, "c")
    session = instance_from_row(InterviewSession, row, "s")
    assert scorecard is not None and session is not None
    InterviewSession._meta.get_field("candidate").set_cached_value(
        session, instance_from_row(Candidate, row, "k")
    )
    InterviewSession._meta.get_field("position").set_cached_value(
        session, instance_from_row(Position, row, "p")
    )
    Scorecard._meta.get_field("session").set_cached_value(scorecard, session)
    question = instance_from_row(SessionQuestion, row, "q") if order is not None else None
    return session, scorecard, question


@functools.cache
def _runner_statement() -> str:
    r, q = names(QuestionRecord), names(SessionQuestion)
    return f"""
        SELECT {_select("r", QuestionRecord)}, {_select("q", SessionQuestion)}
          FROM {r.table} r
          JOIN {q.table} q ON q.{q.id} = r.{r.session_question}
         WHERE r.{r.scorecard} = %(scorecard)s
         ORDER BY q.{q.order}
    """  # noqa: S608 (names from _meta, values as parameters)


def runner_records(*, scorecard_id: int) -> list[QuestionRecord]:
    """The scorecard's records, each with its session question cached on it, in question
    order: what `QuestionRecord.objects.filter(scorecard_id=…).select_related(
    "session_question").order_by("session_question__order")` reads, in one statement
    built once per process (the ORM compiling that query each time cost the runner page
    14–30 % of its throughput; README, "Hand-made pieces, measured")."""
    cached = QuestionRecord._meta.get_field("session_question").set_cached_value
    records = []
    with connection.cursor() as cursor:
        cursor.execute(_runner_statement(), {"scorecard": scorecard_id})
        columns = [described.name for described in cursor.description]
        for found in cursor.fetchall():
            row = dict(zip(columns, found, strict=True))
            record = instance_from_row(QuestionRecord, row, "r")
            assert record is not None
            cached(record, instance_from_row(SessionQuestion, row, "q"))
            records.append(record)
    return records
