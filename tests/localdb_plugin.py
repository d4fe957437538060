"""Give a bare `pytest` run the project-local PostgreSQL, as `make test` does.

Settings read DATABASE_URL and start nothing. `make test` starts the local server and
passes its URL; this plugin (loaded by `-p` in pyproject.toml, before pytest-django loads
the settings) does the same when pytest is run by hand without DATABASE_URL.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> Generator[None]:
    if not os.environ.get("DATABASE_URL"):
        from intervy import localdb

        os.environ["DATABASE_URL"] = localdb.url()
    return (yield)
