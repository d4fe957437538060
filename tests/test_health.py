import json

import pytest

from tests.production_env import production_env, run


@pytest.mark.django_db
def test_healthz_answers_without_a_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_the_database_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32


def test_readyz_is_503_when_the_database_is_down():
    # A real stopped database: a fresh process pointed at a port nothing listens on.
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "ready = Client().get('/readyz', headers={'host': 'example.com'})\n"
        "alive = Client().get('/healthz', headers={'host': 'example.com'})\n"
        "print(json.dumps([ready.status_code, ready.json(), alive.status_code]))\n"
    )
    env = production_env(DATABASE_URL="postgresql://intervy@127.0.0.1:9/intervy")
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    ready_status, ready_body, alive_status = json.loads(result.stdout.splitlines()[-1])
    assert ready_status == 503
    assert ready_body == {"status": "unavailable", "database": "down"}
    assert alive_status == 200  # the process itself still answers


@pytest.mark.django_db
def test_health_probes_are_never_cached(client):
    assert "no-cache" in client.get("/readyz")["Cache-Control"]
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


@pytest.mark.django_db
def test_readyz_says_how_old_the_oldest_waiting_task_is(client):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from interviews.tasks import send_deliveries

    empty = client.get("/readyz").json()
    assert empty["tasks"] == {"waiting": 0, "oldest_waiting_seconds": None}
    assert empty["outbox"] == {"due": 0, "oldest_due_seconds": None}

    send_deliveries.enqueue()
    send_deliveries.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()  # not due
    DBTaskResult.objects.filter(run_after__year=9999).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    body = client.get("/readyz").json()
    assert body["status"] == "ok"  # a stalled worker does not take the web out of service
    assert body["tasks"]["waiting"] == 1
    assert 600 <= body["tasks"]["oldest_waiting_seconds"] < 660
