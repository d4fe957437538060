"""Logs: JSON lines with request context, and never a secret or a note's text."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import Client

from intervy.logs import JsonFormatter, RequestContextFilter
from tests.conftest import PASSWORD
from tests.production_env import production_env, run

WRONG_PASSWORD = "wrong-but-still-secret-9431"
NOTE_TEXT = "Candidate explained MVCC with a vivid bank-vault analogy"


@pytest.fixture
def log_lines():
    """Every log line the app writes during the test, formatted as on stdout."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield read
    finally:
        root.removeHandler(handler)


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "intervy.access"]


def test_stdout_is_configured_for_json_lines():
    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout"
    assert (
        settings.LOGGING["formatters"][handler["formatter"]]["()"] == "intervy.logs.JsonFormatter"
    )


def test_a_real_process_writes_one_json_object_per_line_on_stdout():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz', headers={'host': 'example.com', 'X-Request-ID': 'probe-1'})\n"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    access = [line for line in lines if line["logger"] == "intervy.access"]
    assert access[0]["message"] == "GET /healthz 200"
    assert access[0]["request_id"] == "probe-1"


@pytest.mark.django_db
def test_the_access_line_carries_the_request_context(client, interviewer, log_lines):
    client.force_login(interviewer)
    response = client.get("/", headers={"X-Request-ID": "trace-42"})
    line = access_lines(log_lines())[-1]
    assert response["X-Request-ID"] == "trace-42"
    assert line["request_id"] == "trace-42"
    assert line["user_id"] == interviewer.pk
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" injected="1'})
    assert response["X-Request-ID"] != 'x" injected="1'
    assert access_lines(log_lines())[-1]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_signing_in_logs_no_password_session_or_csrf_token(interviewer, log_lines):
    client = Client(enforce_csrf_checks=True)
    token = str(client.get("/accounts/login/").context["csrf_token"])
    form = {"username": "interviewer", "csrfmiddlewaretoken": token}
    client.post("/accounts/login/", {**form, "password": WRONG_PASSWORD})
    client.post("/accounts/login/", {**form, "password": PASSWORD})
    client.get("/accounts/login/?next=/&token=query-secret-7781")
    secrets = [
        PASSWORD,
        WRONG_PASSWORD,
        token,
        client.cookies["csrftoken"].value,
        client.cookies["sessionid"].value,
        "query-secret-7781",
    ]
    lines = log_lines()
    written = "\n".join(json.dumps(line) for line in lines)
    assert len(access_lines(lines)) == 4  # the log did capture the requests
    for secret in secrets:
        assert secret not in written


@pytest.mark.django_db
def test_secrets_and_notes_passed_to_a_logger_are_redacted(client, log_lines):
    logging.getLogger("interviews.runner").warning(
        "Notes save retried",
        extra={
            "notes": NOTE_TEXT,
            "summary": NOTE_TEXT,
            "password": PASSWORD,
            "csrf_token": "csrf-secret-1",
            "session_key": "session-secret-1",
            "api_token": "token-secret-1",
            "session_id": 7,
        },
    )
    line = log_lines()[-1]
    written = json.dumps(line)
    for secret in (NOTE_TEXT, PASSWORD, "csrf-secret-1", "session-secret-1", "token-secret-1"):
        assert secret not in written
    assert line["notes"] == "[redacted]"
    assert line["message"] == "Notes save retried"


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_errors")
def test_a_crash_is_logged_once_as_json_without_the_request_body(log_lines):
    client = Client(raise_request_exception=False)
    client.post("/test-errors/explode/", {"notes": NOTE_TEXT, "password": PASSWORD})
    lines = log_lines()
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert [line["logger"] for line in errors] == ["django.request"]
    assert errors[0]["status_code"] == 500
    assert "RuntimeError: kaboom" in errors[0]["exception"]
    written = json.dumps(lines)
    assert NOTE_TEXT not in written
    assert PASSWORD not in written


@pytest.mark.django_db
def test_a_404_is_one_access_line_not_a_django_warning(client, log_lines):
    client.get("/no-such-page/?token=query-secret-1")
    lines = log_lines()
    assert [line["logger"] for line in lines] == ["intervy.access"]
    assert lines[0]["message"] == "GET /no-such-page/ 404"
