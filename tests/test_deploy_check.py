"""`manage.py check --deploy` with production settings is clean."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time

import pytest

from intervy.healthcheck import probe_host
from tests.production_env import BASE_DIR, production_env, run


def test_check_deploy_with_production_settings_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_check_deploy_does_catch_a_weakened_production_setting():
    # The same command fails loudly when a protection is switched off, so the clean run
    # above means something.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W012" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "example.com"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited during start-up"
        try:
            get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 seconds")


def test_gunicorn_serves_the_app_from_its_config_file(tmp_path):
    port = free_port()
    env = production_env(
        PORT=str(port),
        WEB_CONCURRENCY="2",
        METRICS_ALLOWED_IPS="127.0.0.1",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "intervy.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(port, server)
        status, headers, body = get(port, "/healthz")
        metrics_status, _, metrics = get(port, "/metrics")
        container_probe = run(["-m", "intervy.healthcheck"], env)
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=60)
    probe_after_stop = run(["-m", "intervy.healthcheck"], env)
    assert container_probe.returncode == 0, container_probe.stderr
    assert probe_after_stop.returncode == 1
    assert "Connection refused" in probe_after_stop.stderr
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert len(headers["X-Request-ID"]) == 32
    assert metrics_status == 200
    assert 'django_http_responses_total_by_status_total{status="200"}' in metrics
    assert stderr.count("Booting worker") == 2
    access = [json.loads(line) for line in stdout.splitlines() if '"intervy.access"' in line]
    assert {line["message"] for line in access} >= {"GET /healthz 200", "GET /metrics 200"}


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("example.com,www.example.com", "example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_container_probe_sends_a_host_the_app_accepts(allowed_hosts, host):
    assert probe_host(allowed_hosts) == host
