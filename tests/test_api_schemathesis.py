"""Schemathesis against the live API: generated reads and writes, with tokens.

The app runs in pytest-django's live server (a real HTTP server on a free port, against the
test database); the `schemathesis` command line generates requests from /api/v1/schema/ —
examples, the schema's boundaries and random (also invalid) data — and checks that nothing
answers 5xx and every response matches the schema (status codes, content type, body).
Run once as an admin (sees and schedules everything) and once as an interviewer with a
running session (scores, notes, submits). Bounded: a few examples per operation, one worker.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.tokens import issue_token
from interviews.models import TeamRole
from tests.factories import make_position, make_question, make_session, seat
from tests.scorecard_data import card_of, finish, score

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
    question = make_question()
    running = make_session(panel=[interviewer, interviewer2], position=position, count=3)
    make_session(panel=[interviewer], position=position, count=2, started=False)
    # A panel-complete session, so the analytics reads have figures to shape.
    done = make_session(panel=[interviewer, interviewer2], position=position, count=2)
    for user, level in ((interviewer, 4), (interviewer2, 2)):
        card = card_of(done, user)
        score(card, [level, level])
        finish(card, recommendation="yes" if level > 2 else "no", summary="Done.")
    return {
        "admin": issue_token(user=admin_user, name="schemathesis", scope="write").secret,
        "interviewer": issue_token(user=interviewer, name="schemathesis", scope="write").secret,
        "manager": issue_token(user=manager, name="schemathesis", scope="read").secret,
        # Real ids, so the interviewer's run reaches the services rather than 404s.
        "ids": {
            "path.session_id": running.pk,
            "path.position_id": position.pk,
            "path.candidate_id": running.candidate_id,
            "path.order": 1,
            "path.slug": question.slug,
            "path.user_id": interviewer.pk,
            "path.question_id": done.questions.order_by("order").first().source_question_id,
            "path.version": 1,
        },
    }


# (who, phases, examples per operation, pin the path ids to the live world, extra options)
RUNS = {
    # Every operation with any ids, valid and not: doors, parsing and 404s, for everything
    # an admin may do (schedule, decide, edit the bank).
    "admin": ("examples,fuzzing", 10, False, []),
    # The interviewer's own running session: scores, notes, the draft, submit, at the
    # schema's boundaries (coverage) and at random.
    "interviewer": ("coverage,fuzzing", 10, True, ["--include-tag", "scorecards"]),
    # The analytics reads as a hiring manager, on a panel-complete session's figures: the
    # filters (dates, positions not theirs, templates) at their boundaries and at random.
    "manager": ("examples,coverage,fuzzing", 10, True, ["--include-tag", "analytics"]),
}


def run_schemathesis(
    url: str,
    token: str,
    tmp_path: Path,
    phases: str,
    examples: int,
    ids: dict | None,
    extra: list[str],
) -> subprocess.CompletedProcess:
    config = tmp_path / "schemathesis.toml"
    lines = ["[parameters]"] + [f'"{key}" = {value!r}' for key, value in (ids or {}).items()]
    config.write_text("\n".join(lines).replace("'", '"') + "\n")
    return subprocess.run(  # noqa: S603 (the installed schemathesis, our arguments)
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--phases",
            phases,
            "--max-examples",
            str(examples),
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
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("who", ["admin", "interviewer", "manager"])
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    live_server, live_world, who, tmp_path
):
    phases, examples, pinned, extra = RUNS[who]
    ids = live_world["ids"] if pinned else None
    result = run_schemathesis(
        live_server.url, live_world[who], tmp_path, phases, examples, ids, extra
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    tested = re.search(r"(\d+) generated, (\d+) passed", output)
    assert tested and int(tested.group(1)) >= 100 and tested.group(1) == tested.group(2), output
