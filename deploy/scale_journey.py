"""`journey.py scale`: the checks of `make scale-check`, through a round-robin proxy.

The proxy names the app server that answered each request in `X-Served-By`. Besides the
round-robin address it offers one address per server (`--server-a`, `--server-b`: the same
proxy, one backend each), so a check can say "through this server, then that one" and
still go through the proxy (which sets X-Forwarded-For, as in production).
"""

from __future__ import annotations

import argparse
import json
import re
import uuid

from journey import (
    Browser,
    Page,
    Results,
    check,
    password,
    run_interview,
    schedule,
    start,
)

PACK = """version: 1
categories:
  - slug: scale-check
    name: Scale check
questions:
  - slug: {slug}
    title: {title}
    category: scale-check
    difficulty: medium
    status: published
    tags: [scale]
    prompt: |
      How would you run two app servers on one database?
    answer: |
      Stateless servers; sessions and throttling state in the database.
    follow_up: |
      And a third?
    rubric:
      1: Nothing.
      2: A little.
      3: Most of it.
      4: All of it.
"""


def served_alternately(browser: Browser, since: int) -> str:
    hops = browser.served[since:]
    check(all(hops), f"some responses carry no {'X-Served-By'} header: {hops}")
    servers = set(hops)
    check(len(servers) == 2, f"requests all went to {servers}; expected two servers")
    repeats = [i for i, (a, b) in enumerate(zip(hops, hops[1:], strict=False)) if a == b]
    check(
        not repeats,
        f"{len(repeats)} of {len(hops) - 1} consecutive requests hit the same server: "
        + "; ".join(
            f"{browser.trail[since + i]} → {browser.trail[since + i + 1]}" for i in repeats
        ),
    )
    return f"{len(hops)} requests, alternating between {sorted(servers)}"


def sign_in_and_interview(browser: Browser, username: str) -> str:
    since = len(browser.served)
    browser.sign_in(username, password())
    interview = run_interview(browser, f"Scale Candidate {uuid.uuid4().hex[:6]}", "Notes")
    return f"session {interview.session_id}: " + served_alternately(browser, since)


def notes_out_of_order(browser: Browser, a: str, b: str) -> str:
    """Two devices save notes edited from the same revision, each at another server.

    The server numbers revisions: the first save is stored, the second is a conflict that
    carries the stored text (nothing is silently overwritten), and keeping it against the
    current revision — at the other server — is stored. A retry of a stored save is not a
    conflict. Both servers then show the kept text.
    """
    interview = schedule(browser, f"Autosave Candidate {uuid.uuid4().hex[:6]}", "30 min")
    start(browser, interview)
    order = interview.questions[0]
    path = f"/sessions/{interview.session_id}/questions/{order}/"
    page = browser.get(a + path)
    textarea = re.search(r'data-revision="(\d+)"', page.body)
    check(textarea is not None, "the runner's notes carry no revision")
    assert textarea is not None
    base = int(textarea.group(1))
    token = browser.cookie("csrftoken") or ""
    headers = {"Accept": "application/json", "X-CSRFToken": token, "HX-Request": "true"}

    def save(server: str, text: str, revision: int) -> tuple[int, str | None, dict]:
        reply = browser.request(
            "POST",
            server + path + "notes",
            [("notes", text), ("base_revision", str(revision))],
            headers=headers,
        )
        check(reply.status in (200, 409), f"autosave at {reply.served_by} answered {reply.status}")
        return reply.status, reply.served_by, json.loads(reply.body)

    laptop, tablet = f"laptop text {uuid.uuid4().hex[:6]}", f"tablet text {uuid.uuid4().hex[:6]}"
    first = save(a, laptop, base)
    check(first[0] == 200 and first[2] == {"saved": True, "revision": base + 1}, f"{first}")
    second = save(b, tablet, base)
    check(second[0] == 409 and second[2].get("conflict") is True, f"no conflict: {second}")
    check(second[2].get("notes") == laptop, f"the conflict lacks the stored text: {second}")
    check(first[1] != second[1], f"both saves hit {first[1]}")
    retry = save(b, laptop, base)
    check(retry[0] == 200 and retry[2].get("saved") is True, f"a retried save conflicted: {retry}")
    kept = f"{tablet}\n{laptop}"
    keep = save(a, kept, second[2]["revision"])
    check(keep[0] == 200 and keep[2].get("saved") is True, f"keeping both was refused: {keep}")
    for server in (a, b):
        shown = browser.get(server + path)
        check(laptop in shown.body and tablet in shown.body, f"{shown.served_by} lost a text")
    return (
        f"first save at {first[1]}, conflict at {second[1]} carrying it, both kept: "
        "both servers show them"
    )


def signed_out_everywhere(browser: Browser, a: str, b: str) -> str:
    # Both servers have served this session (and may hold it in a cache) before sign-out.
    for server in (a, b):
        home = browser.get(server + "/")
        check(home.status == 200 and "/accounts/login/" not in home.url, "not signed in")
    old = browser.cookie("sessionid")
    home = browser.get("/")
    out = browser.submit(home, home.form("/accounts/logout/"))
    check(out.status == 200 and "/accounts/login/" in out.url, f"signing out: {out.url}")
    stale = Browser(browser.base)
    refused = []
    for server in (a, b):
        probe = stale.request("GET", server + "/", headers={"Cookie": f"sessionid={old}"})
        check(
            "/accounts/login/" in probe.url,
            f"{probe.served_by} still accepts the signed-out cookie "
            f"({probe.status} at {probe.url})",
        )
        refused.append(probe.served_by)
    return f"the old cookie is refused by {refused}"


def throttle_shared(base: str, a: str, b: str, username: str) -> str:
    """Failed sign-ins through one server lock the account on the other as well."""
    attacker = Browser(base)
    failures = []
    for attempt in range(5):
        login = attacker.get(a + "/accounts/login/")
        form = login.form("login")
        form.set("username", username)
        form.set("password", f"wrong-{attempt}")
        reply = attacker.submit(login, form)
        failures.append((reply.served_by, reply.status))
    check(
        len({server for server, _ in failures}) == 1,
        f"the failures did not all go through one server: {failures}",
    )
    results = []
    for server in (b, a):
        user = Browser(base)
        login = user.get(server + "/accounts/login/")
        form = login.form("login")
        form.set("username", username)
        form.set("password", password())
        reply = user.submit(login, form)
        check(
            reply.status == 429 and "/accounts/login/" in reply.url,
            f"after 5 failures at {failures[0][0]}, {reply.served_by} answered the right "
            f"password with {reply.status} at {reply.url}, not the lock (429)",
        )
        results.append(reply.served_by)
    return f"5 failures at {failures[0][0]}; locked at {results}"


def multipart(fields: list[tuple[str, str]], name: str, filename: str, text: str):  # type: ignore[no-untyped-def]
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}')
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        f"\r\nContent-Type: application/x-yaml\r\n\r\n{text}"
    )
    body = ("\r\n".join(parts) + f"\r\n--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload_pack(base: str, username: str) -> str:
    admin = Browser(base)
    since = len(admin.served)
    admin.sign_in(username, password())
    slug = f"two-servers-{uuid.uuid4().hex[:6]}"
    title = f"Two servers {slug[-6:]}"
    page = admin.get("/admin/questions/question/upload/")
    check(page.status == 200, f"the upload page answered {page.status}")
    form = page.form("upload")
    body, content_type = multipart(
        form.fields, "pack", "scale-pack.yaml", PACK.format(slug=slug, title=title)
    )
    preview = admin.request("POST", page.url, body=body, content_type=content_type)
    check("Preview of scale-pack.yaml" in preview.body, "no preview: " + preview.text()[:300])
    check(slug in preview.body, "the preview does not list the new question")
    applied = admin.submit(preview, preview.form("upload"))
    said = re.findall(r'<li class="(?:error|warning|success|info)">(.*?)</li>', applied.body)
    check(
        "Loaded scale-pack.yaml" in applied.body,
        f"applying at {admin.served[-2]} (previewed at {preview.served_by}) did not load it; "
        f"the admin said: {said or applied.text()[:300]}",
    )
    listing = admin.get("/questions/?q=" + slug.replace("-", "+"))
    check(title in listing.body, f"the bank at {listing.served_by} does not list {title}")
    return "previewed and applied on different servers; " + served_alternately(admin, since)


def scale_command(args: argparse.Namespace) -> None:
    results = Results()
    browser = Browser(args.base)
    results.step(
        "sign in and run an interview through the proxy, requests alternating",
        lambda: print("      " + sign_in_and_interview(browser, args.username)),
    )
    results.step(
        "autosave notes out of order across both servers",
        lambda: print("      " + notes_out_of_order(browser, args.server_a, args.server_b)),
    )
    results.step(
        "upload a question pack in the admin and confirm it",
        lambda: print("      " + upload_pack(args.base, args.admin)),
    )
    results.step(
        "sign out; the old cookie is refused by both servers",
        lambda: print("      " + signed_out_everywhere(browser, args.server_a, args.server_b)),
    )
    # Last: the lock also counts the address, and every check here comes from one address.
    results.step(
        "trip the sign-in throttle through one server, find it tripped on the other",
        lambda: print(
            "      " + throttle_shared(args.base, args.server_a, args.server_b, args.throttled)
        ),
    )
    results.exit()


def add_scale_command(commands) -> None:  # type: ignore[no-untyped-def]
    scale = commands.add_parser("scale", help="the checks of make scale-check")
    scale.add_argument("--base", required=True, help="the round-robin address")
    scale.add_argument("--server-a", required=True, help="the proxy's address for server A")
    scale.add_argument("--server-b", required=True, help="the proxy's address for server B")
    scale.add_argument("--username", default="interviewer")
    scale.add_argument("--admin", default="admin")
    scale.add_argument("--throttled", default="interviewer2")
    scale.set_defaults(run=scale_command)


__all__ = ["Page", "add_scale_command"]
