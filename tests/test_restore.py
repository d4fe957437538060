"""Backups restore: a `pg_dump` of the database, restored into an empty one, serves the app.

The README's "Backups" section promises that `pg_dump --format=custom` and `pg_restore`
into an empty database give back a working Intervy. This holds it: the dump and the
restore use PostgreSQL's own programs (the same binaries as the server), and a fresh app
process pointed at the restored database shows what was saved.
"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.factories import make_position, make_session
from tests.pgtools import connection_args, primary, tool, url
from tests.production_env import production_env, run_json
from tests.scorecard_data import card_of, finish, note, score

pytestmark = pytest.mark.django_db(transaction=True)

SERVE = """
import json
from django.contrib.auth.models import User
from django.db.migrations.executor import MigrationExecutor
from django.db import connection
from django.test import Client
from django.urls import reverse
from interviews.models import InterviewSession

executor = MigrationExecutor(connection)
unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
session = InterviewSession.objects.get(candidate__full_name="Restored Candidate")
client = Client()
signed_in = client.login(username="interviewer", password=PASSWORD)
page = client.get(reverse("interviews:scorecard", args=[session.pk]))
manager = Client()
manager.force_login(User.objects.get(username="manager"))
export = manager.get(reverse("interviews:position_export_csv", args=[session.position_id]))
print(json.dumps({
    "unapplied": len(unapplied),
    "signed_in": signed_in,
    "status": page.status_code,
    "page": page.content.decode(),
    "export": b"".join(export.streaming_content).decode(),
}))
"""


@pytest.fixture
def restored_database():
    database = primary()
    name = f"{database['NAME']}_restored"
    tool("dropdb", *connection_args(database), "--if-exists", "--force", name)
    tool("createdb", *connection_args(database), name)
    yield name
    tool("dropdb", *connection_args(database), "--if-exists", "--force", name)


def test_a_pg_dump_restored_into_an_empty_database_serves_the_app(
    tmp_path, restored_database, interviewer, manager
):
    session = make_session(
        panel=[interviewer], position=make_position(manager), candidate_name="Restored Candidate"
    )
    card = card_of(session, interviewer)
    score(card, [4, 3, 2, 3, 4])
    note(card, 1, "RESTORED-NOTE: explained MVCC with an example")
    finish(card, recommendation="strong_yes", summary="Restored summary")
    database = primary()
    dump = tmp_path / "intervy.dump"
    tool(
        "pg_dump",
        *connection_args(database),
        "--format=custom",
        "--no-owner",
        f"--file={dump}",
        database["NAME"],
    )
    tool(
        "pg_restore",
        *connection_args(database),
        "--no-owner",
        f"--dbname={restored_database}",
        str(dump),
    )

    served = run_json(
        f"PASSWORD = {PASSWORD!r}\n" + SERVE,
        production_env(
            DATABASE_URL=url(database["HOST"], restored_database),
            # Pages link static files; with DEBUG off they need a collectstatic first.
            DEBUG="1",
            ALLOWED_HOSTS="testserver",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
        ),
    )

    assert served["unapplied"] == 0
    assert served["signed_in"] is True
    assert served["status"] == 200
    assert "Restored Candidate" in served["page"]
    assert "RESTORED-NOTE: explained MVCC with an example" in served["page"]
    assert "Restored summary" in served["page"]
    assert "Restored Candidate" in served["export"]
    assert "RESTORED-NOTE" in served["export"]
