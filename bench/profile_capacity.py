"""Where a capacity request's time goes: app CPU per request kind, and a cProfile of it.

Starts the app as `bench/capacity.py` does (gunicorn with gunicorn.conf.py, production
settings, the benchmark's settings), wrapped so each worker measures its own CPU per
request (`time.thread_time`) by kind, and, with `--cprofile`, profiles every request.
It then walks the capacity model's interviews one request at a time at a low rate (a few
requests per second), so the figures hold on a busy machine: CPU time, not wall time.

Autosaves are most of the model (690 of 757 requests); `--notes-every N` sends only every
N-th one so that the rarer kinds get samples too, and the mix-weighted CPU per request is
computed from the model's own counts of each kind.

    python bench/profile_capacity.py                     # CPU per request kind
    python bench/profile_capacity.py --cprofile          # ... plus a cProfile per kind
    python bench/profile_capacity.py --threads 4         # gthread workers instead of sync

The figures go to stdout and, with `--output`, to a JSON file.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# --- In the worker: the WSGI wrapper ------------------------------------------------------

PROFILE_DIR = os.environ.get("INTERVY_PROFILE_DIR", "")
_KINDS = [
    ("POST", re.compile(r"^/sessions/\d+/start$"), "start"),
    ("GET", re.compile(r"^/sessions/\d+/questions/\d+/$"), "page"),
    ("POST", re.compile(r"^/sessions/\d+/questions/\d+/visit$"), "visit"),
    ("POST", re.compile(r"^/sessions/\d+/questions/\d+/notes$"), "notes"),
    ("POST", re.compile(r"^/sessions/\d+/questions/\d+/follow-up$"), "follow_up"),
    ("POST", re.compile(r"^/sessions/\d+/questions/\d+/score$"), "score"),
    ("POST", re.compile(r"^/sessions/\d+/finish$"), "finish"),
    ("GET", re.compile(r"^/sessions/\d+/scorecard/$"), "scorecard"),
    ("POST", re.compile(r"^/sessions/\d+/scorecard/save/$"), "save"),
    ("GET", re.compile(r"^/bench/bare/$"), "bare"),
    ("GET", re.compile(r"^/bench/framework/$"), "framework"),
]


def kind_of(method: str, path: str) -> str:
    for want, pattern, kind in _KINDS:
        if method == want and pattern.match(path):
            return kind
    return "other"


def _profiled_application() -> Callable[..., Iterable[bytes]]:
    from django.db import connection

    from bench.wsgi import application as app

    profiling = bool(os.environ.get("INTERVY_PROFILE_CPROFILE"))
    # One profile per kind of request, timed in CPU (thread) time: waiting for PostgreSQL
    # or for a core on a busy machine is not counted, as it would be in wall time.
    profilers: dict[str, cProfile.Profile] = {}
    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    database: dict[str, list[tuple[int, float]]] = {}  # (queries, seconds waiting) per request
    current = [0, 0.0]
    # The whole process's CPU from its first request on: a threaded worker's own threads
    # (the one that accepts and polls connections) count too, not only the request's.
    process = {"since": 0.0, "requests": 0}

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            current[0] += 1
            current[1] += time.perf_counter() - started

    def dump() -> None:
        out = Path(PROFILE_DIR)
        process_cpu = time.process_time() - process["since"] if process["requests"] else 0.0
        figures = {
            "cpu": cpu,
            "wall": wall,
            "database": database,
            "process": {"cpu": process_cpu, "requests": process["requests"]},
        }
        (out / f"{os.getpid()}.json").write_text(json.dumps(figures))
        for kind, profiler in profilers.items():
            profiler.dump_stats(out / f"{kind}.{os.getpid()}.prof")

    atexit.register(dump)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        kind = kind_of(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        profiler = None
        if profiling:
            profiler = profilers.setdefault(kind, cProfile.Profile(time.thread_time))
        current[:] = [0, 0.0]
        if not process["requests"]:
            process["since"] = time.process_time()
        process["requests"] += 1
        started, started_wall = time.thread_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        try:
            with connection.execute_wrapper(count):
                response = app(environ, start_response)
                try:
                    body = list(response)
                finally:
                    # Django's request_finished (connection clean-up) runs here: it counts.
                    if hasattr(response, "close"):
                        response.close()
        finally:
            if profiler is not None:
                profiler.disable()
            cpu.setdefault(kind, []).append(time.thread_time() - started)
            wall.setdefault(kind, []).append(time.perf_counter() - started_wall)
            database.setdefault(kind, []).append((current[0], current[1]))
        return body

    return application


if PROFILE_DIR:
    application = _profiled_application()


# --- The driver ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import asyncio

    from bench.capacity import (
        app_server,
        capacity_database,
        collect_static,
        http,
        interview_timeline,
        make_sessions,
        prepare,
        request_for,
    )
    from bench.run import BenchError, app_environment, ensure_database, say, sign_in

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=2, help="interviews to walk")
    parser.add_argument("--notes-every", type=int, default=5, help="send every N-th autosave")
    parser.add_argument("--gap", type=float, default=0.15, help="seconds between requests")
    parser.add_argument("--references", type=int, default=60, help="bare / framework requests")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument("--cprofile", action="store_true", help="also profile every request")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    parser.add_argument("--top", type=int, default=45, help="profile lines to print")
    parser.add_argument(
        "--profile-kinds", default="bare,notes,page,score", help="kinds whose profile to print"
    )
    parser.add_argument("--output", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "")
    if not base:
        raise BenchError("DATABASE_URL is not set (export it from intervy.localdb)")
    database_url = capacity_database(base).replace("_capacity", "_profile")
    env = app_environment(database_url)
    env["DEMO_PASSWORD"] = secrets.token_urlsafe(12)
    if args.reuse:
        ensure_database(database_url, fresh=False)
        collect_static(env)
    else:
        prepare(env, database_url)
    password = secrets.token_urlsafe(12)
    plan = make_sessions(env, 1, args.interviews, password, reset=args.reuse)
    timeline = interview_timeline([tuple(q) for q in plan["questions"]])
    model_counts = Counter("save" if s.kind in ("draft", "submit") else s.kind for s in timeline)

    workdir = Path(tempfile.mkdtemp(prefix="intervy-profile-"))
    env["INTERVY_PROFILE_DIR"] = str(workdir)
    if args.cprofile:
        env["INTERVY_PROFILE_CPROFILE"] = "1"
    latencies: dict[str, list[float]] = {}
    with app_server(
        env,
        workdir / "server.log",
        workers=args.workers,
        threads=args.threads,
        app="bench.profile_capacity:application",
    ) as port:
        (user,) = plan["sessions"]
        who = sign_in(port, user, password)
        headers = {"Cookie": who.cookie_header, "X-CSRFToken": who.csrf}

        async def walk() -> None:
            async def send(kind: str, method: str, path: str, h: dict, body: bytes) -> int:
                started = time.monotonic()
                status, _ = await http(port, method, path, h, body)
                latencies.setdefault(kind, []).append((time.monotonic() - started) * 1000)
                await asyncio.sleep(args.gap)
                return status

            for _ in range(args.references):
                await send("framework", "GET", "/bench/framework/", headers, b"")
                await send("bare", "GET", "/bench/bare/", headers, b"")
            for session in plan["sessions"][user]:
                revisions: dict[int, int] = {}
                notes_seen = 0
                for step in timeline:
                    if step.kind == "notes":
                        notes_seen += 1
                        if notes_seen % args.notes_every:
                            continue
                    method, path, h, body = request_for(
                        step, session, headers, revisions.get(step.order, 0)
                    )
                    status = await send(step.kind, method, path, h, body)
                    if not 200 <= status < 400:
                        raise BenchError(f"{method} {path} answered {status}")
                    if step.kind == "notes":
                        revisions[step.order] = revisions.get(step.order, 0) + 1

        walk_started = time.monotonic()
        asyncio.run(walk())
        walked = sum(map(len, latencies.values()))
        say(f"walked {walked} requests in {time.monotonic() - walk_started:.0f}s")
    # The server has stopped: every worker wrote its figures at exit.
    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    database: dict[str, list[list[float]]] = {}
    process_cpu, process_requests = 0.0, 0
    for part in workdir.glob("*.json"):
        figures = json.loads(part.read_text())
        process_cpu += figures["process"]["cpu"]
        process_requests += figures["process"]["requests"]
        for kind, values in figures["cpu"].items():
            cpu.setdefault(kind, []).extend(values)
            wall.setdefault(kind, []).extend(figures["wall"][kind])
            database.setdefault(kind, []).extend(figures["database"][kind])
    if not cpu:
        raise BenchError(f"no worker wrote its figures; see {workdir / 'server.log'}")

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    rows = {
        kind: {
            "n": len(values),
            "cpu_ms_median": round(median(values) * 1000, 3),
            "cpu_ms_mean": round(sum(values) / len(values) * 1000, 3),
            "wall_ms_median": round(median(wall[kind]) * 1000, 3),
            "queries_mean": round(sum(q for q, _ in database[kind]) / len(values), 2),
            "db_wait_ms_median": round(median([t for _, t in database[kind]]) * 1000, 3),
            "client_ms_median": round(median(latencies[kind]), 3) if kind in latencies else None,
        }
        for kind, values in sorted(cpu.items())
    }
    weighted = sum(
        rows[kind]["cpu_ms_mean"] * count for kind, count in model_counts.items() if kind in rows
    ) / sum(count for kind, count in model_counts.items() if kind in rows)
    result = {
        "workers": args.workers,
        "threads": args.threads,
        "cprofile": args.cprofile,
        "by_kind": rows,
        "model_mix": dict(model_counts),
        "mix_weighted_cpu_ms_per_request": round(weighted, 3),
        # Everything the workers spent over the requests they answered, less the sign-ins
        # ("other": a password hash is a second of CPU).
        "worker_process_cpu_ms_per_request": round(
            (process_cpu - sum(cpu.get("other", [])))
            * 1000
            / (process_requests - len(cpu.get("other", []))),
            3,
        ),
    }
    columns = ["n", "cpu_ms_median", "cpu_ms_mean", "wall_ms_median", "queries_mean"]
    columns += ["db_wait_ms_median", "client_ms_median"]
    print(f"{'kind':<10} " + " ".join(f"{c:>17}" for c in columns))
    for kind, row in rows.items():
        print(f"{kind:<10} " + " ".join(f"{row[c]!s:>17}" for c in columns))
    print(f"mix-weighted app CPU per capacity request: {weighted:.3f} ms")
    print(f"worker processes' CPU per request: {result['worker_process_cpu_ms_per_request']} ms")
    if args.cprofile:
        text = io.StringIO()
        for kind in args.profile_kinds.split(","):
            parts = sorted(workdir.glob(f"{kind}.*.prof"))
            if not parts:
                continue
            stats = pstats.Stats(*map(str, parts), stream=text)
            text.write(f"\n===== {kind}: {rows[kind]['n']} requests, CPU (thread) time =====\n")
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top // 2)
        # Beside the raw profiles (pstats files, one per kind and worker), not in the tree:
        # a profile taken on one machine at one moment is a finding, not a result to keep.
        (workdir / "profile.txt").write_text(text.getvalue())
        print(f"profile: {workdir / 'profile.txt'} (raw: {workdir}/<kind>.<pid>.prof)")
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
