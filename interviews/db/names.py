"""Table and column names for hand-written SQL, read from the models' `_meta`."""

from __future__ import annotations

import functools
from collections.abc import Mapping
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


@functools.cache
def _row_shape(
    model: type[models.Model], alias: str
) -> tuple[tuple[str, ...], list[str], tuple[tuple[int, tuple[Any, ...], Any], ...]]:
    """The result-column names of `model`'s fields (`<alias>__<attname>` under an alias,
    the column name without), their attnames, and the converters the ORM would apply."""
    fields = model._meta.concrete_fields
    keys = tuple(f"{alias}__{field.attname}" if alias else column(field) for field in fields)
    converters = tuple(
        (index, tuple(field.get_db_converters(connection)), field)
        for index, field in enumerate(fields)
        if field.get_db_converters(connection)
    )
    return keys, [field.attname for field in fields], converters


def instance_from_row[ModelT: models.Model](
    model: type[ModelT], row: Mapping[str, Any], alias: str = ""
) -> ModelT | None:
    """The model's instance from a row read by column name, as the ORM would load it;
    None when its primary key is NULL (an outer join that found nothing)."""
    keys, attnames, converters = _row_shape(model, alias)
    values = [row[key] for key in keys]
    if values[0] is None:
        return None
    for index, convert_all, field in converters:
        value = values[index]
        if value is not None:
            for convert in convert_all:
                value = convert(value, field, connection)
            values[index] = value
    return model.from_db(connection.alias, attnames, values)


def fetch_named(cursor: Any) -> dict[str, Any] | None:
    """The cursor's next row as {column name: value}, or None."""
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip((described.name for described in cursor.description), found, strict=True))
