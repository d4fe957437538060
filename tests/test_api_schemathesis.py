"""Schemathesis against the live API: generated reads and writes, with tokens.

The app runs in pytest-django's live server (a real HTTP server on a free port, against the
test database); the `schemathesis` command line generates requests from /api/v1/schema/ —
examples, the schema's boundaries and random (also invalid) data — and checks that nothing
answers 5xx and every response matches the schema (status codes, content type, body).
Run once as an admin (sees and schedules everything) and once as an interviewer with a
running session (scores, notes, submits). Bounded: a few examples per operation, one worker.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from api.tokens import issue_token
from interviews.models import TeamRole
from tests.factories import make_position, make_question, make_session, seat

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


@pytest.fixture
def live_world(transactional_db, admin_user, interviewer, interviewer2, manager, settings):
    settings.API_RATE_LIMIT = 1_000_000
    position = make_position(manager)
    seat(position, interviewer)
    seat(position, interviewer2, TeamRole.COORDINATOR)
    make_question()
    make_session(panel=[interviewer, interviewer2], position=position, count=3)
    make_session(panel=[interviewer], position=position, count=2, started=False)
    return {
        "admin": issue_token(user=admin_user, name="schemathesis", scope="write").secret,
        "interviewer": issue_token(user=interviewer, name="schemathesis", scope="write").secret,
    }


def run_schemathesis(url: str, token: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "8",
            "--workers",
            "1",
            "--seed",
            "20261201",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
            "--no-color",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("who", ["admin", "interviewer"])
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    live_server, live_world, who, tmp_path
):
    result = run_schemathesis(live_server.url, live_world[who], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "No issues found" in output or "passed" in output.lower(), output[-3000:]
