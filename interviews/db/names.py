"""Table and column names for hand-written SQL, read from the models' `_meta`."""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from django.db import connection, models


def column(field: models.Field[Any, Any] | models.ForeignObjectRel) -> str:
    """A concrete field's column name (django types `Field.column` optional: a relation's
    reverse side, or a field with no column, has none; asking for one is a bug)."""
    name = getattr(field, "column", None)
    if not isinstance(name, str):
        raise TypeError(f"{field} has no column")
    return name


@functools.cache
def names(model: type[models.Model]) -> SimpleNamespace:
    """`.table` and one attribute per concrete field, each quoted for SQL.

    A foreign key answers to its field name (`scorecard`) and to its attname
    (`scorecard_id`), both meaning the column `scorecard_id`.
    """
    quote = connection.ops.quote_name
    columns: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        columns[field.name] = quote(column(field))
        columns[field.attname] = quote(column(field))
    return SimpleNamespace(table=quote(model._meta.db_table), **columns)


@functools.cache
def column_list(model: type[models.Model], alias: str = "") -> str:
    """Every concrete column of `model`, for a SELECT or RETURNING list."""
    prefix = f"{alias}." if alias else ""
    quote = connection.ops.quote_name
    return ", ".join(prefix + quote(column(field)) for field in model._meta.concrete_fields)
