"""What `make bench-capacity` reports (bench/capacity.py), and the server it starts.

The search itself needs a quiet machine; these check its accounting: which app server
answered, which kinds are judged on their own p99, and how gunicorn is configured.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.capacity import KIND_MIN_SAMPLES, SLO_P99_MS, passes, served_by, slow_kinds
from bench.profile_capacity import kind_of

PROJECT = Path(__file__).resolve().parent.parent


def test_the_answering_server_is_read_from_the_proxys_header():
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nx-served-by: app2\r\n\r\n"
    answer += b"<p>x-served-by: app1</p>"
    assert served_by(answer) == "app2"
    assert served_by(b"HTTP/1.1 200 OK\r\nX-Served-By: app1\r\n\r\n") == "app1"
    # Straight from an app server there is no proxy to name one.
    assert served_by(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") == ""


def level(p99: float = 30.0, **kinds: tuple[int, float]) -> dict:
    return {
        "p99_ms": p99,
        "errors": 0,
        "request_rate": 10.0,
        "requests_by_kind": {kind: n for kind, (n, _) in kinds.items()},
        "p99_ms_by_kind": {kind: p for kind, (_, p) in kinds.items()},
    }


def test_a_frequent_kind_over_the_slo_fails_the_level_though_the_mix_passes():
    row = level(notes=(900, 32.0), page=(KIND_MIN_SAMPLES, SLO_P99_MS + 10))
    assert slow_kinds(row) == ["page"]
    assert not passes(row, intended_rate=10.0)


def test_a_rare_kind_is_reported_but_not_judged_on_its_few_samples():
    row = level(notes=(900, 32.0), start=(3, 110.0), page=(40, 85.0))
    assert slow_kinds(row) == []
    assert passes(row, intended_rate=10.0)


def test_the_mix_p99_errors_and_a_generator_that_falls_behind_still_fail_a_level():
    assert not passes(level(p99=SLO_P99_MS + 1, notes=(900, 32.0)), intended_rate=10.0)
    assert not passes({**level(notes=(900, 32.0)), "errors": 1}, intended_rate=10.0)
    assert not passes(level(notes=(900, 32.0)), intended_rate=12.0)


def test_the_profiler_names_each_capacity_request_as_the_model_does():
    assert kind_of("POST", "/sessions/12/questions/3/notes") == "notes"
    assert kind_of("GET", "/sessions/12/questions/3/") == "page"
    assert kind_of("POST", "/sessions/12/questions/3/score") == "score"
    assert kind_of("POST", "/sessions/12/scorecard/save/") == "save"
    assert kind_of("GET", "/sessions/12/questions/3/notes") == "other"


@pytest.mark.parametrize(("threads", "worker_class"), [("", "sync"), ("4", "gthread")])
def test_gunicorn_runs_threaded_workers_when_told_to(threads, worker_class):
    code = "import runpy; ns = runpy.run_path('gunicorn.conf.py');"
    code += "print(ns['worker_class'], ns['threads'])"
    done = subprocess.run(  # noqa: S603 — our interpreter, our code
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={"GUNICORN_THREADS": threads, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [worker_class, threads or "1"]
