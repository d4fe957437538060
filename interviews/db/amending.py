"""The amending flag: the one way a submitted scorecard's rows may change.

The trigger of migration 0002 refuses writes to a submitted scorecard's records unless
the transaction has set `intervy.amending` to 'on'. Setting a custom GUC for the current
transaction only (`set_config(…, true)`, i.e. SET LOCAL) is something the ORM cannot say.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def _set_amending(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('intervy.amending', %s, true)", [value])


@contextmanager
def amending() -> Iterator[None]:
    """Within the current transaction, let the block write to a submitted scorecard.

    The flag goes off again as the block ends, even on error: an outer transaction (a
    test, a batch) must not stay unlocked for what follows it.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "amending() needs a transaction: the flag lasts only as long as one."
        )
    _set_amending("on")
    try:
        yield
    finally:
        _set_amending("off")
