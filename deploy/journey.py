"""A user's journeys through a running Intervy, over HTTP, as a browser without JavaScript.

`make image-check` and `make scale-check` drive the app with this: sign in through the
login form, schedule an interview, start it, score every question, finish, save the
scorecard's draft and submit it — every POST carrying the CSRF token the page gave, as a
browser would. Standard library only, so it runs from any Python 3.12+.

    python deploy/journey.py interview --base http://127.0.0.1:8000 --username interviewer
    python deploy/journey.py scale --base … --server-a … --server-b … (see scale-check.sh)

The password comes from $JOURNEY_PASSWORD. Each check prints one line; a failed check
raises and the process exits 1 after printing every result.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

SERVED_BY = "X-Served-By"


class JourneyFailed(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)


# --- HTML forms ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every option of each <select>, and every checkbox/radio value, by name.
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        self.fields = [(key, v) for key, v in self.fields if key != name] + [(name, value)]


class FormParser(HTMLParser):
    """The page's forms with their default values, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                form.choices.setdefault(name, []).append((a.get("value", "on"), ""))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select:
            self._option = (a.get("value", ""), "selected" in a)
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = ""
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.choices.setdefault(name, []).append((a.get("value", ""), ""))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select:
            value, selected = self._option
            self.forms[-1].choices[self._select].append((value, self._option_text.strip()))
            if selected:
                self.forms[-1].fields.append((self._select, value))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1].fields.append((self._textarea, self._text))
            self._textarea = None


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    body: str
    served_by: str

    def parsed(self) -> FormParser:
        parser = FormParser()
        parser.feed(self.body)
        return parser

    def form(self, action_contains: str) -> Form:
        forms = [form for form in self.parsed().forms if action_contains in form.action]
        check(bool(forms), f"{self.url}: no form posting to …{action_contains}")
        return forms[0]

    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.body))


# --- The client ---------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """Cookies, no JavaScript, redirects followed by hand so every hop is recorded."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.served: list[str] = []
        self.trail: list[str] = []  # "METHOD path (server)" per response, for messages

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def request(
        self,
        method: str,
        path: str,
        data: list[tuple[str, str]] | None = None,
        *,
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> Page:
        url = self.url(path)
        for _ in range(10):
            payload = body
            if data is not None:
                payload = urllib.parse.urlencode(data).encode()
            request = urllib.request.Request(url, data=payload, method=method)  # noqa: S310
            if payload is not None:
                request.add_header("Content-Type", content_type)
                parts = urllib.parse.urlsplit(url)
                request.add_header("Referer", url)
                request.add_header("Origin", f"{parts.scheme}://{parts.netloc}")
            for key, value in (headers or {}).items():
                request.add_header(key, value)
            try:
                response = self.opener.open(request, timeout=30)
            except urllib.error.HTTPError as error:
                response = error
            raw = response.read()
            page = Page(
                url,
                response.status,
                {key.lower(): value for key, value in response.headers.items()},
                raw.decode("utf-8", "replace"),
                response.headers.get(SERVED_BY, ""),
            )
            self.served.append(page.served_by)
            self.trail.append(
                f"{method} {urllib.parse.urlsplit(url).path} {page.status} ({page.served_by})"
            )
            if follow and page.status in (301, 302, 303, 307, 308):
                url = urllib.parse.urljoin(url, page.headers["location"])
                if page.status in (301, 302, 303):
                    method, data, body = "GET", None, None
                continue
            return page
        raise JourneyFailed(f"too many redirects from {path}")

    def get(self, path: str, **kwargs) -> Page:  # type: ignore[no-untyped-def]
        return self.request("GET", path, **kwargs)

    def submit(self, page: Page, form: Form, **kwargs) -> Page:  # type: ignore[no-untyped-def]
        action = urllib.parse.urljoin(page.url, form.action or page.url)
        return self.request(form.method.upper(), action, form.fields, **kwargs)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def sign_in(self, username: str, password: str) -> Page:
        login = self.get("/accounts/login/")
        check(login.status == 200, f"login page answered {login.status}")
        form = login.form("login")
        check(bool(form.value("csrfmiddlewaretoken")), "the login form carries no CSRF token")
        form.set("username", username)
        form.set("password", password)
        home = self.submit(login, form)
        check(
            home.status == 200 and "/accounts/login/" not in home.url,
            f"signing in as {username} failed: {home.status} at {home.url}",
        )
        check(self.cookie("sessionid") is not None, "no session cookie after signing in")
        return home


# --- The interview ------------------------------------------------------------------------


@dataclass
class Interview:
    session_id: int
    questions: list[int]
    runner_url: str


def schedule(browser: Browser, candidate: str, template_hint: str = "") -> Interview:
    page = browser.get("/sessions/new/")
    check(page.status == 200, f"the schedule page answered {page.status}")
    form = page.form("/sessions/new/")
    for name in ("position", "template"):
        options = [(v, label) for v, label in form.choices.get(name, []) if v]
        check(bool(options), f"the schedule form offers no {name}")
        chosen = next((v for v, label in options if template_hint in label), options[0][0])
        form.set(name, chosen if name == "template" else options[0][0])
    check(bool(form.value("interviewers")), "the schedule form does not pre-select me")
    form.set("new_candidate_name", candidate)
    runner = browser.submit(page, form)
    match = re.search(r"/sessions/(\d+)/$", runner.url)
    check(
        runner.status == 200 and match is not None,
        f"scheduling did not open the runner: {runner.status} at {runner.url}: "
        + runner.text()[:300],
    )
    check(candidate in runner.body, "the runner does not name the candidate")
    assert match is not None
    session_id = int(match.group(1))
    orders = sorted(
        {
            int(m.group(1))
            for link in runner.parsed().links
            if (m := re.search(rf"/sessions/{session_id}/questions/(\d+)/$", link))
        }
    )
    check(bool(orders), "the runner lists no questions")
    return Interview(session_id, orders, runner.url)


def start(browser: Browser, interview: Interview) -> Page:
    runner = browser.get(interview.runner_url)
    started = browser.submit(runner, runner.form("/start"))
    check(started.status == 200, f"starting answered {started.status}")
    return started


def score_all(browser: Browser, interview: Interview, notes: str = "") -> None:
    for order in interview.questions:
        page = browser.get(f"/sessions/{interview.session_id}/questions/{order}/")
        check(page.status == 200, f"question {order} answered {page.status}")
        if notes:
            form = page.form("/notes")
            form.set("notes", f"{notes} (question {order})")
            saved = browser.submit(page, form)
            check(saved.status == 200, f"notes of question {order}: {saved.status}")
            page = saved if "/score" in saved.body else browser.get(page.url)
        form = page.form("/score")
        # The score buttons are <button name="score" value="…">; a user presses "3".
        values = [value for value, _ in form.choices.get("score", [])]
        check("3" in values, f"question {order} offers no score 3 (offers {values})")
        form.set("score", "3")
        scored = browser.submit(page, form)
        check(scored.status == 200, f"scoring question {order} answered {scored.status}")
        check(
            f"Score 3 saved for question {order}" in scored.body,
            f"scoring question {order} did not say so: " + scored.text()[:300],
        )


def finish_and_submit(browser: Browser, interview: Interview) -> Page:
    runner = browser.get(interview.runner_url)
    scorecard = browser.submit(runner, runner.form("/finish"))
    check(
        scorecard.status == 200 and "/scorecard/" in scorecard.url,
        f"finishing did not open the scorecard: {scorecard.status} at {scorecard.url}",
    )
    form = scorecard.form("/scorecard/save/")
    form.set("recommendation", "yes")
    form.set("summary", "Clear reasoning throughout; checked over HTTP by deploy/journey.py.")
    form.set("action", "draft")
    draft = browser.submit(scorecard, form)
    check("Draft saved." in draft.body, "saving the draft did not say so: " + draft.text()[:300])
    form = draft.form("/scorecard/save/")
    form.set("recommendation", "yes")
    form.set("action", "submit")
    submitted = browser.submit(draft, form)
    check(
        "Scorecard submitted." in submitted.body,
        "submitting did not say so: " + submitted.text()[:400],
    )
    return submitted


def run_interview(browser: Browser, candidate: str, notes: str = "") -> Interview:
    interview = schedule(browser, candidate, template_hint="30 min")
    start(browser, interview)
    score_all(browser, interview, notes)
    finish_and_submit(browser, interview)
    return interview


# --- Reporting ----------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def step(self, name: str, function, *args, **kwargs):  # type: ignore[no-untyped-def]
        began = time.monotonic()
        try:
            value = function(*args, **kwargs)
        except (JourneyFailed, OSError, KeyError) as failure:
            self.failed.append(name)
            print(f"FAIL  {name}: {failure}", flush=True)
            return None
        print(f"ok    {name} ({time.monotonic() - began:.1f} s)", flush=True)
        return value

    def exit(self) -> None:
        if self.failed:
            print(f"{len(self.failed)} check(s) failed: {', '.join(self.failed)}", flush=True)
            sys.exit(1)
        print("Every check passed.", flush=True)


def password() -> str:
    value = os.environ.get("JOURNEY_PASSWORD", "")
    if not value:
        sys.exit("Set JOURNEY_PASSWORD to the user's password.")
    return value


def interview_command(args: argparse.Namespace) -> None:
    results = Results()
    browser = Browser(args.base)
    results.step("sign in", browser.sign_in, args.username, password())
    interview = results.step(
        "run one interview (schedule, start, score every question, finish, submit)",
        run_interview,
        browser,
        f"Container Candidate {uuid.uuid4().hex[:6]}",
        "Typed in the runner",
    )
    if interview is not None:
        results.step("the submitted scorecard shows", _shows_submitted, browser, interview)
    results.exit()


def _shows_submitted(browser: Browser, interview: Interview) -> None:
    page = browser.get(f"/sessions/{interview.session_id}/scorecard/")
    check(page.status == 200, f"the scorecard answered {page.status}")
    check("submitted" in page.text().lower(), "the scorecard page does not say it is submitted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("interview", help="sign in and run one interview")
    one.add_argument("--base", required=True)
    one.add_argument("--username", default="interviewer")
    one.set_defaults(run=interview_command)
    from scale_journey import add_scale_command  # the scale-check's checks, beside this file

    add_scale_command(commands)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
