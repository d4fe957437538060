"""Two commits on one machine, alternated: `python bench/ab.py --before TREE [--rounds N]`.

Back-to-back `make bench` runs of two commits differ here by ±20 % on the same code:
the machine's speed drifts over minutes (other tenants, CPU frequency), and each run
sees a different stretch of it. This runs both commits at once instead — a gunicorn
from this tree and one from TREE (a checkout of the other commit with its own
.venv), on the same benchmark database — and loads them in turn, endpoint by endpoint,
a few seconds each, in ABBA order for several rounds, the framework ceiling beside
each. An idle sync worker costs nothing, so only the server being loaded runs; every
drift of the machine falls on both sides alike.

Reports, per endpoint, the median over rounds of each side's `ratio_to_framework`
(req/s over the framework ceiling's just before) and of its app CPU per request, and the
change from TREE to this tree; writes bench/results/ab.json. Exit status 1 when an
endpoint's ratio fell by more than 10 % (issue 10, item 3).

Needs the benchmark data `make bench` left (it does not generate any).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py: the servers, sign-in, wrk, endpoints)
from compare import ALLOWED_DROP  # noqa: E402  (the same 10 % as bench/compare.py)

DEFAULT_ENDPOINTS = ("runner", "runner_question", "score", "notes", "scorecard", "api_score")


@contextlib.contextmanager
def server(
    tree: Path, python: str, env: dict[str, str], workers: int, log: Path
) -> Iterator[tuple[int, int]]:
    """bench/run.py's gunicorn, from `tree` with its own interpreter."""
    port = bench.free_port()
    cmd = [
        python, "-m", "gunicorn", "bench.wsgi:application",
        "--bind", f"{bench.HOST}:{port}",
        "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "60", "--graceful-timeout", "5",
    ]  # fmt: skip
    bench.say(f"starting gunicorn from {tree} on port {port}")
    with open(log, "w") as out:
        process = subprocess.Popen(
            cmd,
            cwd=tree,
            env={**env, "PYTHONPATH": str(tree)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        bench.wait_until_ready(port, process)
        yield port, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path, help="the other commit's tree")
    parser.add_argument("--rounds", type=int, default=4, help="ABBA rounds")
    parser.add_argument("--seconds", type=float, default=4.0, help="per endpoint and side")
    parser.add_argument("--only", nargs="+", default=list(DEFAULT_ENDPOINTS))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    before_tree = args.before.resolve()
    before_python = str(before_tree / ".venv" / "bin" / "python")

    env = bench.app_environment(bench.bench_database_url(False))
    marker = bench.load_marker(env)
    if marker is None:
        raise SystemExit("no benchmark data: run `make bench` first")
    fixtures = marker["fixtures"]
    for tree, python in ((bench.PROJECT, bench.PYTHON), (before_tree, before_python)):
        bench.run_step(
            f"collectstatic in {tree}",
            [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            timeout=180,
            env={**env, "PYTHONPATH": str(tree)},
            cwd=tree,
        )
    wrk = bench.ensure_wrk()
    os.environ.update(env)
    sys.path.insert(0, str(bench.PROJECT))
    import django

    django.setup()
    wanted = set(args.only) | {"framework"}
    endpoints = [e for e in bench.endpoints(fixtures, 1) if e.name in wanted]

    samples: dict[str, dict[str, list[dict[str, float]]]] = {"before": {}, "after": {}}
    with (
        tempfile.TemporaryDirectory(prefix="intervy-ab-") as workdir,
        server(
            bench.PROJECT, bench.PYTHON, env, args.workers, Path(workdir) / "after.log"
        ) as after,
        server(before_tree, before_python, env, args.workers, Path(workdir) / "before.log") as (
            before
        ),
    ):
        sides = {"after": after, "before": before}
        prepared: dict[str, dict[str, bench.Prepared]] = {}
        for side, (port, _) in sides.items():
            identities = {
                "interviewer": bench.sign_in(port, fixtures["interviewer"], fixtures["password"]),
                "manager": bench.sign_in(port, fixtures["manager"], fixtures["password"]),
            }
            identities["interviewer"].api_token = bench.api_token(env, fixtures["interviewer"])
            prepared[side] = {e.name: bench.prepare(e, fixtures, identities) for e in endpoints}

        def load(side: str, name: str) -> dict[str, float]:
            port, master = sides[side]
            cpu = bench.workers_cpu_seconds(master)
            row = bench.measure(wrk, port, prepared[side][name], args.seconds, 2, Path(workdir))
            if row.get("status") != "ok":
                raise SystemExit(f"{side} {name}: {row.get('detail')}")
            spent = bench.workers_cpu_seconds(master) - cpu
            return {"rps": row["rps"], "cpu_ms": spent * 1000 / row["requests"]}

        names = [e.name for e in endpoints if e.name != "framework"]
        for round_number in range(args.rounds):
            order = ("before", "after") if round_number % 2 == 0 else ("after", "before")
            for name in names:
                for side in order:
                    ceiling = load(side, "framework")
                    measured = load(side, name)
                    samples[side].setdefault(name, []).append(
                        {
                            "rps": measured["rps"],
                            "cpu_ms": measured["cpu_ms"],
                            "ratio_to_framework": measured["rps"] / ceiling["rps"],
                        }
                    )

    report: dict[str, Any] = {"rounds": args.rounds, "seconds": args.seconds, "endpoints": {}}
    print("| endpoint | ratio to framework, before | after | change | CPU ms/req before | after |")
    print("|---|--:|--:|--:|--:|--:|")
    dropped = []
    for name in names:
        row: dict[str, Any] = {}
        for side in ("before", "after"):
            runs = samples[side][name]
            row[side] = {
                key: round(statistics.median(r[key] for r in runs), 4)
                for key in ("rps", "cpu_ms", "ratio_to_framework")
            }
            row[side]["ratio_runs"] = [round(r["ratio_to_framework"], 4) for r in runs]
        change = row["after"]["ratio_to_framework"] / row["before"]["ratio_to_framework"] - 1
        row["change"] = round(change, 4)
        report["endpoints"][name] = row
        flag = " **dropped**" if change < -ALLOWED_DROP else ""
        if flag:
            dropped.append(name)
        print(
            f"| {name} | {row['before']['ratio_to_framework']:.4f} "
            f"| {row['after']['ratio_to_framework']:.4f} | {change:+.1%}{flag} "
            f"| {row['before']['cpu_ms']:.2f} | {row['after']['cpu_ms']:.2f} |"
        )
    out = bench.RESULTS / "ab.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    bench.say(f"wrote {out}")
    return 1 if dropped else 0


if __name__ == "__main__":
    raise SystemExit(main())
