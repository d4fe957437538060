"""Give a bare `pytest` run the project-local PostgreSQL, as `make test` does.

Settings read DATABASE_URL and start nothing. `make test` starts the local server and
passes its URL; when pytest is run by hand without DATABASE_URL, conftest.py's
`pytest_configure` calls `use_local_database()` before any test touches the database: it
starts (or reuses) the local server, points the default connection at it, and exports
its URL for the child processes some tests start.
"""

from __future__ import annotations

import os

from django.conf import settings


def use_local_database() -> None:
    if os.environ.get("DATABASE_URL"):
        return
    from intervy import localdb
    from intervy.settings import database_from_url

    url = localdb.url()
    os.environ["DATABASE_URL"] = url
    # In place: the connection handler holds this very dict.
    settings.DATABASES["default"].update(database_from_url(url))
