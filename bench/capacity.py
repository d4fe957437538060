"""Capacity in simultaneous interviews: `make bench-capacity` (bench/results/capacity.json).

Simulated interviewers run the 60-minute ready template as the runner does, faster than
real time, against one app server and then against two behind HAProxy, and a search
finds the largest number of simultaneous interviews for which every interactive request
stays within 50 ms at the 99th percentile.

The model of one interview (issue 15, item 3), per question of the template:
  - one runner page load (the question's page), and the visit its script then posts;
  - notes typed in bursts for 60 % of the question's minutes, with a pause in typing every
    3 s; the runner autosaves 0.6 s into each pause (its debounce), so one autosave every
    3 s of typing, sent as the runner's script sends it (JSON, CSRF header);
  - one score (HTMX), and the follow-up toggle (HTMX) on every second question;
  - then the next question, when the question's minutes are up.
Before the first question the interview is started; after the last it is finished, then
the scorecard page, a draft save and a submit (a minute, two minutes and 30 s apart).

Faster than real time: a simulated interviewer at speed S runs that timeline S times
faster, so it sends the requests of S real interviews. The figure is the sustained
request rate divided by one real interview's request rate (both reported), that is
simultaneous interviews = virtual interviewers × S when the generator keeps pace.

Why a generator of our own rather than Locust: the app and the load share two cores, so
the generator must cost little CPU per request (asyncio over raw sockets: its CPU per
request is measured and reported), and latency must run from each request's intended
send time (an open schedule per interviewer), so a server that falls behind is charged
for the queue — Locust's users wait for each answer and then think, which hides it.

Each level's report names the app server that answered each request (HAProxy's
X-Served-By), so the two-server search shows both servers carrying the load, and judges
every kind of request that the level holds at least KIND_MIN_SAMPLES times on its own p99.

    python bench/capacity.py --quick          # a short run that proves the tooling works
    python bench/capacity.py                  # the real search (about 30 minutes)
    python bench/capacity.py --compare-threads 0   # without the threaded-workers search
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    HOST,
    PROJECT,
    PYTHON,
    RESULTS,
    BenchError,
    app_environment,
    ensure_database,
    free_port,
    machine,
    percentile,
    postgres_version,
    run_step,
    say,
    sign_in,
    wait_until_ready,
)

SLO_P99_MS = 50.0
# A kind of request is judged on its own p99 once a level holds this many of it; fewer, and
# its "p99" is only its slowest few (it is reported, with its count, but not judged).
KIND_MIN_SAMPLES = 100
TEMPLATE = "Backend deep dive — 60 min"
NOTES_FRACTION = 0.6
TYPING_PAUSE_S = 3.0
AUTOSAVE_DEBOUNCE_S = 0.6
WORKERS_PER_SERVER = 2

# --- The model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: float  # seconds into the interview, real time
    kind: str  # what the runner does: page, notes, score, follow_up, ...
    order: int = 0


def interview_timeline(questions: list[tuple[int, int]]) -> list[Step]:
    """Every request of one interview at its real-time offset; `questions` = (order, minutes)."""
    steps = [Step(0.0, "start")]
    t = 1.0
    for index, (order, minutes) in enumerate(questions):
        seconds = minutes * 60
        steps.append(Step(t, "page", order))
        # The runner's script tells the server which question is on screen (a GET writes
        # nothing), right after the page loads.
        steps.append(Step(t + 0.2, "visit", order))
        typing = seconds * NOTES_FRACTION
        pause = TYPING_PAUSE_S
        while pause <= typing:
            steps.append(Step(t + pause + AUTOSAVE_DEBOUNCE_S, "notes", order))
            pause += TYPING_PAUSE_S
        if index % 2 == 0:
            steps.append(Step(t + typing + 5, "follow_up", order))
        steps.append(Step(t + typing + 10, "score", order))
        t += seconds
    steps += [
        Step(t, "finish"),
        Step(t + 1, "scorecard"),
        Step(t + 61, "draft"),
        Step(t + 181, "submit"),
    ]
    return sorted(steps, key=lambda step: step.at)


def per_interview(timeline: list[Step]) -> dict[str, float]:
    seconds = timeline[-1].at
    return {
        "requests": len(timeline),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(timeline) / seconds, 4),
    }


# --- HTTP, as small as it can be ----------------------------------------------------------


SERVED_BY = b"\r\nx-served-by: "


def served_by(answer: bytes) -> str:
    """The app server HAProxy names in X-Served-By ("" straight from an app server)."""
    head = answer.partition(b"\r\n\r\n")[0].lower()
    at = head.find(SERVED_BY)
    if at < 0:
        return ""
    return head[at + len(SERVED_BY) :].partition(b"\r\n")[0].decode()


async def http(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, bytes]:
    """One request on its own connection, closed after the answer.

    A browser keeps its connection open; gunicorn's sync workers close it after each
    answer anyway, so with sync workers this is what a browser gets too.
    """
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        answer = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    status_line, _, _ = answer.partition(b"\r\n")
    parts = status_line.split()
    return (int(parts[1]) if len(parts) > 1 else 0), answer


@dataclass
class Interviewer:
    username: str
    cookie: str
    csrf: str
    sessions: list[int]


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sent: int = 0  # measured: intended after the warm-up
    issued: int = 0  # every request of the level, the warm-up's too (the generator's CPU)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    by_server: dict[str, int] = field(default_factory=dict)


async def run_interviewer(
    who: Interviewer,
    ports: list[int],
    timeline: list[Step],
    speed: float,
    begin: float,
    warm_until: float,
    end: float,
    samples: Samples,
    rng: random.Random,
) -> None:
    """Interviews one after another until `end`, each request at its intended time.

    The first interview starts at a random point of its timeline (its earlier questions
    scored during the warm-up), so the interviewers are spread over the hour at once.
    """
    base_headers = {"Cookie": who.cookie, "X-CSRFToken": who.csrf}
    port_cycle = 0
    first = True
    intended = begin
    while who.sessions and intended < end:
        session = who.sessions.pop()
        # The notes revision each question's record is at: the server numbers revisions,
        # and an autosave states the one its text was edited from (as runner.js does).
        revisions: dict[int, int] = {}
        skip_to = rng.uniform(0, timeline[-1].at) if first else 0.0
        first = False
        start_at = intended - skip_to / speed
        for step in timeline:
            late_start = step.at < skip_to
            if late_start and step.kind not in ("start", "score"):
                continue
            intended = max(start_at + step.at / speed, begin) if not late_start else begin
            if intended >= end:
                return
            delay = intended - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            method, path, headers, body = request_for(
                step, session, base_headers, revisions.get(step.order, 0)
            )
            port = ports[port_cycle % len(ports)]
            port_cycle += 1
            try:
                status, answer = await http(port, method, path, headers, body)
            except OSError:
                status, answer = 0, b""
            done = time.monotonic()
            samples.issued += 1
            if step.kind == "notes" and status == 200:
                revisions[step.order] = revisions.get(step.order, 0) + 1
            if intended < warm_until:
                continue
            latency = (done - intended) * 1000
            samples.sent += 1
            samples.latencies.append(latency)
            samples.by_kind.setdefault(step.kind, []).append(latency)
            server = served_by(answer)
            samples.by_server[server] = samples.by_server.get(server, 0) + 1
            if not 200 <= status < 400:
                samples.errors += 1


def request_for(
    step: Step, session: int, base: dict[str, str], notes_revision: int = 0
) -> tuple[str, str, dict[str, str], bytes]:
    form = {**base, "Content-Type": "application/x-www-form-urlencoded"}
    htmx = {**form, "HX-Request": "true"}
    question = f"/sessions/{session}/questions/{step.order}/"
    if step.kind == "start":
        return "POST", f"/sessions/{session}/start", form, b""
    if step.kind == "page":
        return "GET", question, base, b""
    if step.kind == "visit":
        return "POST", question + "visit", form, b""
    if step.kind == "notes":
        text = f"Explained the trade-off; asked about failure modes ({notes_revision}). " * 3
        body = urlencode({"notes": text, "base_revision": notes_revision}).encode()
        return "POST", question + "notes", {**form, "Accept": "application/json"}, body
    if step.kind == "follow_up":
        return "POST", question + "follow-up", htmx, b""
    if step.kind == "score":
        return "POST", question + "score", htmx, b"score=3"
    if step.kind == "finish":
        return "POST", f"/sessions/{session}/finish", form, b""
    if step.kind == "scorecard":
        return "GET", f"/sessions/{session}/scorecard/", base, b""
    summary = urlencode({"recommendation": "yes", "summary": "Solid.", "action": ""})
    if step.kind == "draft":
        body = summary.replace("action=", "action=draft").encode()
        return "POST", f"/sessions/{session}/scorecard/save/", htmx, body
    body = summary.replace("action=", "action=submit").encode()
    return "POST", f"/sessions/{session}/scorecard/save/", form, body


# --- One level of load --------------------------------------------------------------------


async def measure_level(
    interviewers: list[Interviewer],
    ports: list[int],
    timeline: list[Step],
    speed: float,
    warmup: float,
    seconds: float,
) -> dict[str, Any]:
    samples = Samples()
    rng = random.Random(len(interviewers))  # noqa: S311 — spreading load, not secrets
    begin = time.monotonic() + 0.5
    warm_until = begin + warmup
    end = warm_until + seconds
    cpu_before = time.process_time()
    await asyncio.gather(
        *(
            run_interviewer(w, ports, timeline, speed, begin, warm_until, end, samples, rng)
            for w in interviewers
        )
    )
    cpu = time.process_time() - cpu_before
    if not samples.latencies:
        return {"requests": 0, "p99_ms": math.inf, "errors": 0}
    rate = samples.sent / seconds
    return {
        "requests": samples.sent,
        "request_rate": round(rate, 1),
        "p50_ms": round(percentile(samples.latencies, 50), 1),
        "p99_ms": round(percentile(samples.latencies, 99), 1),
        "max_ms": round(max(samples.latencies), 1),
        "errors": samples.errors,
        "p99_ms_by_kind": {
            kind: round(percentile(values, 99), 1) for kind, values in samples.by_kind.items()
        },
        "requests_by_kind": {kind: len(values) for kind, values in samples.by_kind.items()},
        # Which app server answered, as HAProxy names it ("" = no proxy in between).
        "requests_by_server": dict(sorted(samples.by_server.items())),
        # The generator's CPU over every request it sent in the level, warm-up included.
        "generator_cpu_ms_per_request": round(cpu * 1000 / max(1, samples.issued), 3),
    }


# --- Set-up: a database of its own, interviewers, sessions ---------------------------------

SETUP = """
import json, sys
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from interviews.models import InterviewTemplate, Position, Candidate
from interviews.services.scheduling import schedule_session
from intervy.roles import INTERVIEWERS

users, per_user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
group = Group.objects.get_or_create(name=INTERVIEWERS)[0]
template = InterviewTemplate.objects.get(name=TEMPLATE)
position = template.position or Position.objects.filter(is_open=True).first()
out = {"questions": [], "sessions": {}}
reset = sys.argv[4:] == ["--reset-password"]
for n in range(1, users + 1):
    user, created = User.objects.get_or_create(username=f"capacity-{n:02d}")
    if created or reset:
        user.set_password(password)
        user.save()
        user.groups.add(group)
    ids = []
    for _ in range(per_user):
        candidate = Candidate.objects.create(full_name=f"Capacity candidate {n}")
        session = schedule_session(
            candidate=candidate, position=position, template=template, interviewers=[user],
            scheduled_at=timezone.now(), created_by=user,
        )
        ids.append(session.pk)
    out["sessions"][user.username] = ids
first = InterviewTemplate.objects.get(pk=template.pk).sessions.order_by("-pk").first()
out["questions"] = list(first.questions.order_by("order").values_list("order", "minutes"))
print(json.dumps(out))
"""


def capacity_database(base: str) -> str:
    parts = urlparse(base)
    name = unquote(parts.path.lstrip("/")) + "_capacity"
    return urlunparse(parts._replace(path=f"/{name}"))


def collect_static(env: dict[str, str]) -> None:
    # DEBUG off serves the hashed files of staticfiles/staticfiles.json: without them every
    # page answers 500 (a clean clone has none until something collects them).
    static = [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    run_step("collectstatic", static, timeout=300, env=env)


def prepare(env: dict[str, str], database_url: str) -> None:
    collect_static(env)
    ensure_database(database_url, fresh=True)
    run_step(
        "migrate", [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], timeout=300, env=env
    )
    seeds = [PYTHON, "manage.py", "load_questions", "seeds/"]
    run_step("load the seed bank", seeds, timeout=120, env=env, capture=True)
    # seed_demo prints the demo users' password; nothing here signs in as them.
    demo = [PYTHON, "manage.py", "seed_demo"]
    run_step("demo users and ready templates", demo, timeout=120, env=env, capture=True)


def make_sessions(
    env: dict[str, str], users: int, per_user: int, password: str, *, reset: bool = False
) -> dict[str, Any]:
    """The interviewers (made once; `reset` sets their password again) and `per_user` new
    scheduled interviews for each."""
    code = "import django\ndjango.setup()\n" + f"TEMPLATE = {TEMPLATE!r}\n" + SETUP
    out = run_step(
        f"schedule {users * per_user} interviews",
        [PYTHON, "-c", code, str(users), str(per_user), password]
        + (["--reset-password"] if reset else []),
        timeout=900,
        env=env,
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


# --- Servers ------------------------------------------------------------------------------


@contextlib.contextmanager
def app_server(
    env: dict[str, str],
    log: Path,
    *,
    workers: int = WORKERS_PER_SERVER,
    threads: int = 1,
    app: str = "bench.wsgi:application",
) -> Iterator[int]:
    """One app server as production runs it: gunicorn with gunicorn.conf.py, in its own
    process group, killed with the group however we leave."""
    port = free_port()
    server_env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
    }
    cmd = [PYTHON, "-m", "gunicorn", "-c", str(PROJECT / "gunicorn.conf.py"), app]
    say(f"starting gunicorn: {workers} workers x {threads} threads on {HOST}:{port} ({log})")
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 — our interpreter, our config
            cmd,
            cwd=PROJECT,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(port, process)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextlib.contextmanager
def haproxy(ports: list[int], log: Path) -> Iterator[int]:
    binary = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if not binary:
        raise BenchError("HAProxy is needed for two servers: apt-get install haproxy")
    port = free_port()
    servers = "\n".join(f"    server app{i} {HOST}:{p} check" for i, p in enumerate(ports, 1))
    # Every answer names the app server that gave it (X-Served-By): the run counts them, so
    # the report shows that both servers carried the load.
    config = log.with_suffix(".cfg")
    config.write_text(
        "global\n    maxconn 4096\n"
        "defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n"
        "    timeout server 60s\n    option forwardfor\n"
        f"frontend round-robin\n    bind {HOST}:{port}\n    default_backend app\n"
        "backend app\n    balance roundrobin\n    option httpchk\n"
        f"    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {HOST}\n"
        "    http-response set-header X-Served-By %[srv_name]\n"
        f"{servers}\n"
    )
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 — our binary and config
            [binary, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        time.sleep(1.5)
        if process.poll() is not None:
            raise BenchError(f"HAProxy exited: {log.read_text()[-500:]}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- The search ---------------------------------------------------------------------------


def slow_kinds(row: dict[str, Any]) -> list[str]:
    """The kinds with enough samples to judge whose own p99 misses the SLO."""
    counts = row.get("requests_by_kind", {})
    return sorted(
        kind
        for kind, p99 in row.get("p99_ms_by_kind", {}).items()
        if counts.get(kind, 0) >= KIND_MIN_SAMPLES and p99 > SLO_P99_MS
    )


def passes(row: dict[str, Any], intended_rate: float) -> bool:
    return (
        row["p99_ms"] <= SLO_P99_MS
        and not slow_kinds(row)
        and row["errors"] == 0
        and row.get("request_rate", 0) >= 0.9 * intended_rate
    )


def search(
    label: str,
    ports: list[int],
    servers: int,
    identities: dict[str, tuple[str, str]],
    schedule: Any,
    args: argparse.Namespace,
    timeline: list[Step],
    rate_per_interview: float,
) -> dict[str, Any]:
    """Double the interviewers until a level fails, then bisect between pass and fail."""
    steps: list[dict[str, Any]] = []
    # Interviews each simulated interviewer may run in one level, the one it starts
    # inside included: fresh scheduled sessions, made before the level starts.
    per_interviewer = math.ceil((args.seconds + args.warmup) * args.speed / timeline[-1].at) + 1

    def level(count: int) -> dict[str, Any]:
        users = list(identities)
        sessions = schedule(math.ceil(count / len(users)) * per_interviewer)
        interviewers = []
        for i in range(count):
            user = users[i % len(users)]
            cookie, csrf = identities[user]
            mine = [sessions[user].pop() for _ in range(per_interviewer)]
            interviewers.append(Interviewer(user, cookie, csrf, mine))
        row = asyncio.run(
            measure_level(interviewers, ports, timeline, args.speed, args.warmup, args.seconds)
        )
        interviews = count * args.speed
        intended = interviews * rate_per_interview
        row.update(
            virtual_interviewers=count,
            interviews=round(interviews),
            intended_rate=round(intended, 1),
        )
        row["slow_kinds"] = slow_kinds(row)
        row["pass"] = passes(row, intended)
        say(
            f"{label}: {row['interviews']} interviews ({count} simulated at {args.speed:g}x): "
            f"{row.get('request_rate', 0):g} req/s, p99 {row['p99_ms']} ms, "
            f"{row['errors']} errors -> {'pass' if row['pass'] else 'FAIL'}"
        )
        steps.append(row)
        return row

    best: dict[str, Any] | None = None
    count, failed_at = args.start, None
    while count <= args.max_interviewers:
        row = level(count)
        if not row["pass"]:
            failed_at = count
            break
        best = row
        count *= 2
    low = best["virtual_interviewers"] if best else 0
    high = failed_at or low
    for _ in range(args.bisect):
        if high - low <= 1:
            break
        middle = (low + high) // 2
        row = level(middle)
        if row["pass"]:
            best, low = row, middle
        else:
            high = middle
    return {
        "interviews": best["interviews"] if best else 0,
        "p99_ms": best["p99_ms"] if best else None,
        "request_rate": best.get("request_rate") if best else None,
        # App servers behind `ports` (one HAProxy port fronts two): not len(ports).
        "servers": servers,
        "steps": steps,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run: proves the tooling")
    parser.add_argument("--speed", type=float, default=None, help="times faster than real time")
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=None, help="seconds before measuring")
    parser.add_argument("--start", type=int, default=None, help="simulated interviewers at first")
    parser.add_argument("--max-interviewers", type=int, default=400)
    parser.add_argument("--bisect", type=int, default=None, help="bisection steps after a fail")
    parser.add_argument("--users", type=int, default=None, help="interviewer accounts to use")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (>1: gthread workers)"
    )
    parser.add_argument(
        "--compare-threads",
        type=int,
        default=4,
        help="also search one server of gthread workers with this many threads (0: skip)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "capacity.json")
    args = parser.parse_args(argv)
    quick = args.quick
    args.speed = args.speed or (30.0 if quick else 10.0)
    args.seconds = args.seconds or (6.0 if quick else 45.0)
    args.warmup = args.warmup or (3.0 if quick else 10.0)
    args.start = args.start or (1 if quick else 4)
    args.bisect = args.bisect if args.bisect is not None else (1 if quick else 3)
    args.users = args.users or (4 if quick else 20)
    if quick:
        args.max_interviewers = min(args.max_interviewers, 8)
    if args.compare_threads == args.threads:
        args.compare_threads = 0

    base = os.environ.get("DATABASE_URL", "")
    if not base:
        raise BenchError("DATABASE_URL is not set (make bench-capacity sets it)")
    database_url = capacity_database(base)
    env = app_environment(database_url)
    env["DEMO_PASSWORD"] = secrets.token_urlsafe(12)
    started = time.monotonic()
    prepare(env, database_url)
    password = secrets.token_urlsafe(12)
    # Enough interviews for every level of both searches (each simulated interviewer runs
    # `seconds × speed / 3600` interviews per level, plus the one it starts inside).
    plan = make_sessions(env, args.users, 1, password)
    timeline = interview_timeline([tuple(q) for q in plan["questions"]])
    model = per_interview(timeline)
    say(
        f"one interview: {model['requests']} requests over {model['seconds'] / 60:.0f} min = "
        f"{model['requests_per_second']} req/s"
    )
    results: dict[str, Any] = {
        "quick": quick,
        "note": "a short run that only proves the tooling" if quick else "",
        "model": {
            "template": TEMPLATE,
            "questions": len(plan["questions"]),
            "notes_fraction": NOTES_FRACTION,
            "typing_pause_s": TYPING_PAUSE_S,
            **{f"per_interview_{k}": v for k, v in model.items()},
        },
        "settings": {
            "speed": args.speed,
            "seconds_per_level": args.seconds,
            "warmup_s": args.warmup,
            "workers_per_server": WORKERS_PER_SERVER,
            "threads_per_worker": args.threads,
            "worker_class": "gthread" if args.threads > 1 else "sync",
            "slo_p99_ms": SLO_P99_MS,
            "kind_min_samples": KIND_MIN_SAMPLES,
        },
    }
    workdir = Path(tempfile.mkdtemp(prefix="intervy-capacity-"))
    try:
        threads = args.threads
        rate = model["requests_per_second"]

        def schedule(per_user: int) -> dict[str, list[int]]:
            return make_sessions(env, args.users, per_user, password)["sessions"]

        with app_server(env, workdir / "one.log", threads=threads) as port:
            identities = {}
            for user in plan["sessions"]:
                who = sign_in(port, user, password)
                identities[user] = (who.cookie_header, who.csrf)
            results["one_server"] = search(
                "one server", [port], 1, identities, schedule, args, timeline, rate
            )
            with (
                app_server(env, workdir / "two.log", threads=threads) as second,
                haproxy([port, second], workdir / "haproxy.log") as proxy,
            ):
                results["two_servers"] = search(
                    "two servers via HAProxy",
                    [proxy],
                    2,
                    identities,
                    schedule,
                    args,
                    timeline,
                    rate,
                )
        if args.compare_threads:
            # The same one-server search with threaded workers: a sync worker waits idle
            # while PostgreSQL commits (fsync); a thread lets the other threads run meanwhile.
            log = workdir / "threads.log"
            with app_server(env, log, threads=args.compare_threads) as port:
                results["one_server_threads"] = {
                    "threads_per_worker": args.compare_threads,
                    **search(
                        f"one server, {args.compare_threads} threads per worker",
                        [port],
                        1,
                        identities,
                        schedule,
                        args,
                        timeline,
                        rate,
                    ),
                }
        results["machine"] = {
            **machine(postgres_version(database_url), WORKERS_PER_SERVER, "true"),
            "load_generator": "bench/capacity.py (asyncio, raw sockets)",
            "load_average_at_end": os.getloadavg(),
        }
        results["total_seconds"] = round(time.monotonic() - started, 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    for key in ("one_server", "two_servers", "one_server_threads"):
        if key not in results:
            continue
        row = results[key]
        say(
            f"{key}: {row['interviews']} simultaneous interviews within {SLO_P99_MS:g} ms p99 "
            f"(p99 {row['p99_ms']} ms at {row['request_rate']} req/s)"
        )
    say(f"wrote {args.output} in {results['total_seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        sys.exit(main())
    except BenchError as error:
        say(f"FAILED: {error}")
        sys.exit(1)
