"""Run Python or manage.py in a child process with production settings (DEBUG off).

Settings are read once per process, so production behaviour is only honestly tested in a
fresh interpreter with the environment a deployment would set.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


def local_test_database_url() -> str:
    """The test database as a DATABASE_URL, whether it is the local one or DATABASE_URL's."""
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"]
    port = f":{database['PORT']}" if database["PORT"] else ""
    name = quote(database["TEST"]["NAME"], safe="")
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{credentials}@/{name}?host={quote(host)}"
    return f"postgresql://{credentials}@{host}{port}/{name}"


def production_env(**overrides: str) -> dict[str, str]:
    # conftest.py relaxes async safety for Playwright; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "intervy.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": local_test_database_url(),
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_json(code: str, env: dict[str, str]) -> dict:
    """Run `code` after django.setup(); it prints one JSON object as its last line."""
    result = run(["-c", "import django\ndjango.setup()\n" + code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
