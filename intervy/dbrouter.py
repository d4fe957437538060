"""Reporting reads on the read replica, when there is one.

Exports and the comparison read many rows and change nothing, so with
`DATABASE_REPLICA_URL` set they read from a streaming standby and leave the primary to
the interviews. They say so by reading inside `reporting_reads()`; every other read, and
every write, goes to the primary. Who may see what is still decided by the caller on the
primary (interviews/access.py): only the rows to show come from the replica, which may
lag the primary by a moment — an export may miss a scorecard submitted a second ago.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("intervy_reporting_reads", default=False)


def reporting_database() -> str:
    """The alias reporting reads use: the replica if one is configured, else the primary."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


@contextmanager
def reporting_reads() -> Iterator[str]:
    """Within this block, ORM reads go to `reporting_database()`; yields that alias."""
    token = _reporting.set(True)
    try:
        yield reporting_database()
    finally:
        _reporting.reset(token)


class ReplicaRouter:
    """Routes reads made inside `reporting_reads()` to the replica; nothing else moves."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _reporting.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects from either relate.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A standby is read-only; it receives the schema from the primary's WAL.
        return db == "default"
