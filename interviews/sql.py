"""Plain SQL for the runner's hot paths, yielding model instances as the ORM would.

Compiling the ORM queries of the runner's few hot reads and writes cost more CPU than
PostgreSQL spent answering them (measured with the benchmark); these two helpers let
hand-written SQL name every column of a model and turn its rows back into instances.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


@functools.cache
def select_list(model: type[models.Model], table: str = "") -> str:
    """The model's columns, in field order, for a SELECT or RETURNING list (built once)."""
    prefix = f"{table}." if table else ""
    quote = connection.ops.quote_name
    return ", ".join(prefix + quote(field.column) for field in model._meta.concrete_fields)


@functools.cache
def row_shape(model: type[models.Model]) -> tuple[list[str], list[tuple[int, Any]]]:
    """The attribute names of `select_list(model)` and the converters some of them need."""
    fields = model._meta.concrete_fields
    converters = [
        (index, field.from_db_value)
        for index, field in enumerate(fields)
        if hasattr(field, "from_db_value")
    ]
    return [field.attname for field in fields], converters


def instance_from_row[ModelT: models.Model](model: type[ModelT], row: Sequence[Any]) -> ModelT:
    """An instance from a row of `select_list(model)`, as the ORM would have loaded it."""
    names, converters = row_shape(model)
    values = list(row)
    for index, convert in converters:
        if values[index] is not None:
            values[index] = convert(values[index], None, connection)
    return model.from_db(connection.alias, names, values)
