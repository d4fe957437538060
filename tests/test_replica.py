"""With DATABASE_REPLICA_URL set, exports and the comparison read from a streaming replica.

A real one: a small primary made with initdb, a standby made from it with
`pg_basebackup -R` (same binaries as the project-local server), streaming. A fresh app
process gets both URLs. Replay on the standby is then paused: a scorecard submitted after
that is on the primary only, so what the exports show says where they read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pgtools import (
    chown_tree,
    connection_args,
    fresh_cluster,
    primary,
    start,
    stop,
    tool,
    url,
)
from tests.production_env import production_env, run_json

pytestmark = pytest.mark.django_db

DATABASE = "intervy"


@dataclass
class Pair:
    primary_url: str
    replica_url: str


@pytest.fixture
def streaming_pair(tmp_path) -> Iterator[Pair]:
    source = primary()
    main = fresh_cluster("replica-test-primary")
    standby = fresh_cluster("replica-test-standby")
    try:
        tool(
            "initdb",
            "--pgdata",
            str(main.data),
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            as_server=True,
        )
        start(main)
        tool("createdb", "--host", main.socket, "--username=postgres", DATABASE)
        # The schema as the test database has it (migrated): dumped and restored, which is
        # quicker than migrating again.
        dump = tmp_path / "schema.dump"
        tool(
            "pg_dump",
            *connection_args(source),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            source["NAME"],
        )
        tool(
            "pg_restore",
            "--host",
            main.socket,
            "--username=postgres",
            "--no-owner",
            f"--dbname={DATABASE}",
            str(dump),
        )
        tool(
            "pg_basebackup",
            "--host",
            main.socket,
            "--username=postgres",
            f"--pgdata={standby.data}",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
        )
        chown_tree(standby.home)
        start(standby)
        assert "t" in tool(
            "psql",
            "--host",
            standby.socket,
            "--username=postgres",
            "--tuples-only",
            "--command=SELECT pg_is_in_recovery()",
            DATABASE,
        )
        yield Pair(url(main.socket, DATABASE), url(standby.socket, DATABASE))
    finally:
        stop(standby)
        stop(main)


SCENARIO = """
import json, time
from django.db import connections
from django.test import Client
from django.urls import reverse
from interviews.models import Scorecard
from tests.conftest import make_user
from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, score
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS

def replayed(count):
    deadline = time.monotonic() + 20
    while Scorecard.objects.using("replica").submitted().count() != count:
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)

def submitted_session(name, interviewer, position):
    session = make_session(panel=[interviewer], position=position, candidate_name=name, count=2)
    card = card_of(session, interviewer)
    score(card, [3, 4])
    finish(card)
    return session

interviewer = make_user("interviewer", group=INTERVIEWERS)
manager = make_user("manager", group=HIRING_MANAGERS)
position = make_position(manager)
first = submitted_session("Before Pause", interviewer, position)
replayed(1)
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")
second = submitted_session("After Pause", interviewer, position)

client = Client()
client.force_login(manager)
csv_url = reverse("interviews:position_export_csv", args=[position.pk])
json_url = reverse("interviews:position_export_json", args=[position.pk])
compare_url = reverse("interviews:compare", args=[position.pk])
position_url = reverse("interviews:position_detail", args=[position.pk])
compare_query = {"candidate": [first.candidate_id, second.candidate_id]}
paused = {
    "csv": b"".join(client.get(csv_url).streaming_content).decode(),
    "json": client.get(json_url).json(),
    "compare": client.get(compare_url, compare_query).content.decode(),
    "position_page": client.get(position_url).content.decode(),
    "primary_count": Scorecard.objects.submitted().count(),
}
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_resume()")
replayed(2)
resumed = {"csv": b"".join(client.get(csv_url).streaming_content).decode()}
print(json.dumps({"paused": paused, "resumed": resumed}))
"""


def test_exports_and_the_comparison_read_from_the_replica_and_the_rest_from_the_primary(
    streaming_pair: Pair,
):
    result = run_json(
        SCENARIO,
        production_env(
            DEBUG="1",
            ALLOWED_HOSTS="testserver",
            DATABASE_URL=streaming_pair.primary_url,
            DATABASE_REPLICA_URL=streaming_pair.replica_url,
        ),
    )
    paused, resumed = result["paused"], result["resumed"]
    # The primary has both scorecards, and the position page (read from it) shows both.
    assert paused["primary_count"] == 2
    assert "Before Pause" in paused["position_page"]
    assert "After Pause" in paused["position_page"]
    # The exports and the comparison read the paused standby: only the first one.
    assert "Before Pause" in paused["csv"]
    assert "After Pause" not in paused["csv"]
    assert [c["session"]["candidate"] for c in paused["json"]["scorecards"]] == ["Before Pause"]
    assert "Before Pause" in paused["compare"]
    assert "3.50" in paused["compare"] or "3.5" in paused["compare"]
    # Replay resumed: the standby catches up and the export has both.
    assert "Before Pause" in resumed["csv"]
    assert "After Pause" in resumed["csv"]


def test_without_a_replica_url_there_is_one_database():
    result = run_json(
        "import json\nfrom django.conf import settings\nfrom intervy.dbrouter import "
        "reporting_database\nprint(json.dumps({'aliases': sorted(settings.DATABASES), "
        "'reporting': reporting_database()}))",
        production_env(),
    )
    assert result == {"aliases": ["default"], "reporting": "default"}


def test_a_replica_url_adds_the_replica_and_routes_reports_to_it():
    code = """
import json
from django.conf import settings
from django.db import router
from interviews.models import Scorecard
from intervy.dbrouter import reporting_reads
with reporting_reads() as alias:
    inside = router.db_for_read(Scorecard)
print(json.dumps({
    "host": settings.DATABASES["replica"]["HOST"],
    "inside": inside,
    "outside": router.db_for_read(Scorecard),
    "write": router.db_for_write(Scorecard),
    "migrate_replica": router.allow_migrate("replica", "interviews"),
}))
"""
    result = run_json(
        code, production_env(DATABASE_REPLICA_URL="postgresql://app@replica.internal:5432/intervy")
    )
    assert result == {
        "host": "replica.internal",
        "inside": "replica",
        "outside": "default",
        "write": "default",
        "migrate_replica": False,
    }


__all__ = ["Path"]
