"""Measure one hand-made piece: the scorecard CSV written by PostgreSQL's COPY
(`interviews.db.exports.copy_csv_rows`) against the plain ORM version it replaces
(`interviews.pages.exports.orm_csv_rows`), on the position export of 500 scorecards.

    .venv/bin/python bench/export_piece.py [--rounds 40] [--fresh]

1. A database of its own (the configured server, `_export_piece` appended to the
   database name; the project-local PostgreSQL when DATABASE_URL is unset), migrated and
   filled by `generate_load_data` at a small size with one 500-scorecard export position.
2. A child process with production-like settings (bench.settings, DEBUG off, persistent
   connections) signs the position's hiring manager in to Django's test Client and
   downloads the export, alternating the two row writers request by request (which goes
   first alternates too), reading each streamed response to its end.
3. Per request: the app's CPU time (time.process_time of this process: the whole
   request, middleware and streaming included), the PostgreSQL backend's CPU time (from
   /proc, when the server runs on this machine) and wall time. The verdict uses the
   app's CPU time, the rule of issue 10: keep the piece if it gains at least 15 %.
4. bench/results/export_piece.json, and the README row printed.

CPU time, not wall time, because the machine this runs on may be busy: say so when
quoting the figures. Each request's answer is checked to be the same for both writers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

PROJECT = Path(__file__).resolve().parent.parent
RESULT = PROJECT / "bench" / "results" / "export_piece.json"
SCORECARDS = 500
KEEP_IF_GAIN = 15.0
# Small enough to generate in a minute or two; the export position is what is measured.
LOAD = ["--questions", "300", "--sessions", "1000", "--scores", "20000"]

sys.path.insert(0, str(PROJECT))


def database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        out = subprocess.run(
            [sys.executable, "-m", "intervy.localdb"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        base = out.strip().splitlines()[-1]
    parts = urlparse(base)
    name = unquote(parts.path.lstrip("/")) + "_export_piece"
    return urlunparse(parts._replace(path=f"/{name}"))


def prepare(fresh: bool) -> dict[str, str]:
    from bench.run import app_environment, ensure_database, load_marker, run_step

    url = database_url()
    env = app_environment(url)
    env["ALLOWED_HOSTS"] = "testserver"
    ensure_database(url, fresh=fresh)
    manage = [sys.executable, "manage.py"]
    run_step("migrate", [*manage, "migrate", "--no-input", "-v", "0"], timeout=600, env=env)
    marker = load_marker(env)
    exports = marker and [e["scorecards"] for e in marker["fixtures"]["exports"]]
    if not marker or SCORECARDS not in exports:
        if marker:
            ensure_database(url, fresh=True)
            run_step("migrate", [*manage, "migrate", "--no-input", "-v", "0"], timeout=600, env=env)
        command = [*manage, "generate_load_data", *LOAD, "--no-progress"]
        command += ["--export-scorecards", str(SCORECARDS), "--comparison-scorecards", "3"]
        run_step("generate load data", command, timeout=1800, env=env)
    return env


def backend_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a PostgreSQL backend on this machine, or None if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(rounds: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.run import load_marker
    from interviews.db.exports import copy_csv_rows
    from interviews.models import Position
    from interviews.pages import exports

    env = dict(os.environ)
    marker = load_marker(env)
    assert marker is not None
    (fixture,) = [e for e in marker["fixtures"]["exports"] if e["scorecards"] == SCORECARDS]
    position = Position.objects.select_related("hiring_manager").get(pk=fixture["position"])
    client = Client()
    client.force_login(position.hiring_manager)
    url = reverse("interviews:position_export_csv", args=[position.pk])
    writers = {"copy": copy_csv_rows, "orm": exports.orm_csv_rows}
    samples: dict[str, dict[str, list[float]]] = {
        name: {"app_cpu": [], "db_cpu": [], "wall": []} for name in writers
    }

    def download(name: str) -> tuple[bytes, float, float | None, float]:
        exports.CSV_ROWS = writers[name]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        db_before = backend_cpu_seconds(pid)
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        body = b"".join(response.streaming_content)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db_after = backend_cpu_seconds(pid)
        db = None if db_before is None or db_after is None else db_after - db_before
        return body, cpu, db, wall

    reference = {name: download(name)[0] for name in writers}  # warm both paths up
    assert reference["copy"] == reference["orm"], "the two writers disagree"
    rows = reference["copy"].count(b"\r\n") - 1
    for index in range(rounds):
        order = list(writers) if index % 2 == 0 else list(reversed(writers))
        for name in order:
            body, cpu, db, wall = download(name)
            assert body == reference[name]
            samples[name]["app_cpu"].append(cpu * 1000)
            samples[name]["wall"].append(wall * 1000)
            if db is not None:
                samples[name]["db_cpu"].append(db * 1000)

    def summary(values: list[float]) -> dict | None:
        if not values:
            return None
        return {
            "mean_ms": round(statistics.fmean(values), 2),
            "median_ms": round(statistics.median(values), 2),
            "stdev_ms": round(statistics.stdev(values), 2) if len(values) > 1 else 0.0,
        }

    figures = {name: {k: summary(v) for k, v in kinds.items()} for name, kinds in samples.items()}
    copy_cpu = figures["copy"]["app_cpu"]["mean_ms"]
    orm_cpu = figures["orm"]["app_cpu"]["mean_ms"]
    gain = round(100 * (orm_cpu - copy_cpu) / orm_cpu, 1)
    totals = {}
    for name in writers:
        if figures[name]["db_cpu"]:
            totals[name] = round(
                figures[name]["app_cpu"]["mean_ms"] + figures[name]["db_cpu"]["mean_ms"], 2
            )
    return {
        "piece": "scorecard CSV by COPY (interviews/db/exports.py)",
        "endpoint": "interviews:position_export_csv",
        "scorecards": SCORECARDS,
        "rows": rows,
        "bytes": len(reference["copy"]),
        "rounds": rounds,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "how": (
            "in-process, Django test Client, bench.settings with DEBUG off and persistent "
            "connections; the two writers alternate request by request; CPU time of the "
            "app process per request (time.process_time), the PostgreSQL backend's from "
            "/proc; the machine was shared with other work, so wall times are noisy"
        ),
        "hand_made": figures["copy"],
        "plain": figures["orm"],
        "app_cpu_gain_percent": gain,
        "app_plus_db_cpu_ms": totals or None,
        "kept": gain >= KEEP_IF_GAIN,
        "rule": f"keep if the app CPU per request gains at least {KEEP_IF_GAIN:.0f} %",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.rounds)))
        return
    env = prepare(args.fresh)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", "--rounds", str(args.rounds)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    hand, plain = result["hand_made"]["app_cpu"], result["plain"]["app_cpu"]
    print(
        f"| {result['piece']} | `{result['endpoint']}` ({result['scorecards']} scorecards) "
        f"| {hand['mean_ms']} vs {plain['mean_ms']} | {result['app_cpu_gain_percent']} "
        f"| {'yes' if result['kept'] else 'no'} |"
    )
    print(f"written: {RESULT.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
