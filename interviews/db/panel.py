"""The panelist's scorecard with its session, candidate and position (and a question).

Every runner, notes and score request reads this first. The ORM's version is two
queries (the scorecard with select_related, then the question), and compiling them is a
large share of the notes autosave's app CPU (README, "Hand-made pieces, measured"); this
is one statement, built once per process, its columns read back by name.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from interviews.db.names import column, names
from interviews.models import Candidate, InterviewSession, Position, Scorecard, SessionQuestion

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


def _instance[ModelT: models.Model](
    model: type[ModelT], alias: str, row: dict[str, Any]
) -> ModelT | None:
    """The model's instance from its aliased columns, converted as the ORM converts them."""
    fields = model._meta.concrete_fields
    values = []
    for field in fields:
        value = row[f"{alias}__{field.attname}"]
        if value is not None:
            for convert in field.get_db_converters(connection):
                value = convert(value, field, connection)
        values.append(value)
    if values[0] is None:  # the primary key: an outer join found nothing
        return None
    return model.from_db(connection.alias, [field.attname for field in fields], values)


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
        found: Sequence[Any] | None = cursor.fetchone()
        if found is None:
            return None
        row = dict(zip((column.name for column in cursor.description), found, strict=True))
    scorecard = _instance(Scorecard, "c", row)
    session = _instance(InterviewSession, "s", row)
    assert scorecard is not None and session is not None
    InterviewSession._meta.get_field("candidate").set_cached_value(
        session, _instance(Candidate, "k", row)
    )
    InterviewSession._meta.get_field("position").set_cached_value(
        session, _instance(Position, "p", row)
    )
    Scorecard._meta.get_field("session").set_cached_value(scorecard, session)
    question = _instance(SessionQuestion, "q", row) if order is not None else None
    return session, scorecard, question
