"""Sign-in state holds across gunicorn workers: what one worker did, every worker knows.

gunicorn runs with two sync workers on a free loopback port against the test database.
Which worker answers is made certain, not left to chance: a sync worker serves one
connection at a time, so a connection held open with half a request keeps one worker
busy and the next request must go to the other. Each answer is matched to the worker's
pid through the access log line carrying the request's id.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from questions.models import Question
from tests.conftest import PASSWORD
from tests.production_env import BASE_DIR, production_env, run

HOST = "127.0.0.1"
LOGIN = "/accounts/login/"
HOME = "/"
UPLOAD = "/admin/questions/question/upload/"

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    request_id: str


class Gunicorn:
    """gunicorn with production settings (plain HTTP on loopback, as `make run` serves)."""

    def __init__(self, log: Path, static_root: Path) -> None:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.log = log
        env = production_env(
            LOOPBACK_HTTP="1",
            ALLOWED_HOSTS=HOST,
            GUNICORN_BIND=f"{HOST}:{self.port}",
            WEB_CONCURRENCY="2",
            STATIC_ROOT=str(static_root),
        )
        with open(log, "w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "intervy.wsgi"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.cookies: dict[str, str] = {}

    def wait_until_both_workers_serve(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            if self.log.read_text().count("Booting worker") == 2:
                try:
                    if self.request("GET", "/healthz").status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start two workers within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)

    # --- requests -------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        body: bytes | None = None,
        content_type: str = "",
        cookies: dict[str, str] | None = None,
    ) -> Answer:
        request_id = uuid.uuid4().hex
        headers = {"Host": HOST, "X-Request-ID": request_id}
        jar = self.cookies if cookies is None else cookies
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if form is not None:
            body = urlencode(form).encode()
            content_type = "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode(), request_id)
        finally:
            connection.close()
        if cookies is None:
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.coded_value
        return answer

    def hold_a_worker(self) -> socket.socket:
        """A connection with half a request: the worker that took it is busy until release."""
        held = socket.create_connection((HOST, self.port), timeout=30)
        held.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nX-Request-ID: ".encode())
        time.sleep(0.3)  # let a worker accept it before the next connection arrives
        return held

    @staticmethod
    def release(held: socket.socket) -> str:
        request_id = uuid.uuid4().hex
        held.sendall(f"{request_id}\r\nConnection: close\r\n\r\n".encode())
        while held.recv(65536):
            pass
        held.close()
        return request_id

    def on_each_worker(self, send: Callable[[], Answer]) -> tuple[Answer, Answer]:
        """`send()` once on each worker: first on one, then on the other."""
        held = self.hold_a_worker()
        first = send()
        held_too = self.hold_a_worker()  # the worker that answered `first`
        self.release(held)
        second = send()
        self.release(held_too)
        assert self.pid_of(first) != self.pid_of(second)
        return first, second

    def pid_of(self, answer: Answer) -> int:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for line in self.log.read_text().splitlines():
                if answer.request_id in line and '"intervy.access"' in line:
                    return json.loads(line)["pid"]
            time.sleep(0.05)
        raise AssertionError(f"no access line for request {answer.request_id}")

    def csrf_token(self) -> str:
        return self.cookies["csrftoken"]

    def sign_in(self, username: str) -> None:
        page = self.request("GET", LOGIN)
        assert page.status == 200
        answer = self.request(
            "POST",
            LOGIN,
            form={
                "csrfmiddlewaretoken": self.csrf_token(),
                "username": username,
                "password": PASSWORD,
            },
        )
        assert (answer.status, answer.headers["Location"]) == (302, HOME), answer.body
        assert "sessionid" in self.cookies


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """The hashed static files production pages link to (collected once for the module)."""
    root = tmp_path_factory.mktemp("static")
    result = run(
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        production_env(STATIC_ROOT=str(root)),
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def server(tmp_path, static_root):
    gunicorn = Gunicorn(tmp_path / "gunicorn.log", static_root)
    try:
        gunicorn.wait_until_both_workers_serve()
        yield gunicorn
    finally:
        gunicorn.stop()


def test_signing_out_on_one_worker_refuses_the_old_cookie_on_every_worker(server, interviewer):
    server.sign_in("interviewer")
    old_cookie = dict(server.cookies)
    show_home = lambda: server.request("GET", HOME, cookies=old_cookie)  # noqa: E731
    # Both workers have read (and, with a per-process session cache, kept) the session.
    for answer in server.on_each_worker(show_home):
        assert answer.status == 200
        assert "Interviewer" in answer.body

    held = server.hold_a_worker()
    signed_out = server.request("POST", "/accounts/logout/", form={"csrfmiddlewaretoken": "x"})
    # The CSRF token is checked before signing out: a forged form changes nothing.
    assert signed_out.status == 403
    signed_out = server.request(
        "POST", "/accounts/logout/", form={"csrfmiddlewaretoken": server.csrf_token()}
    )
    server.release(held)
    assert (signed_out.status, signed_out.headers["Location"]) == (302, LOGIN)
    signed_out_by = server.pid_of(signed_out)

    # The old cookie, replayed: each worker, the one that signed out and the other one,
    # sends it to sign in.
    for answer in server.on_each_worker(show_home):
        assert (answer.status, answer.headers["Location"]) == (302, f"{LOGIN}?next=/")
    # And under load, whichever worker answers.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: show_home(), range(40)))
    assert {(a.status, a.headers["Location"]) for a in answers} == {(302, f"{LOGIN}?next=/")}
    pids = {server.pid_of(answer) for answer in answers}
    assert signed_out_by in pids and len(pids) == 2


PACK = """\
version: 1
categories:
  - slug: databases
    name: Databases
questions:
  - slug: {slug}
    title: Indexes
    category: databases
    difficulty: easy
    tags: [sql]
    prompt: What is an index?
    answer: A sorted structure.
    follow_up: When does it hurt?
    rubric: {{1: Does not know., 2: Vague., 3: Explains B-trees., 4: Explains write costs.}}
"""


def multipart(fields: dict[str, str], file_field: str, name: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{name}"\r\nContent-Type: application/yaml\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_pack_previewed_on_one_worker_is_applied_on_the_other(server, admin_user):
    server.sign_in("admin")
    server.request("GET", UPLOAD)  # the admin's CSRF cookie after sign-in
    body, content_type = multipart(
        {"csrfmiddlewaretoken": server.csrf_token()},
        "pack",
        "indexes.yaml",
        PACK.format(slug="indexes").encode(),
    )

    def preview() -> Answer:
        return server.request("POST", UPLOAD, body=body, content_type=content_type)

    def confirm(token: str) -> Answer:
        return server.request(
            "POST", UPLOAD, form={"csrfmiddlewaretoken": server.csrf_token(), "token": token}
        )

    held = server.hold_a_worker()
    previewed = preview()
    held_too = server.hold_a_worker()  # the worker that showed the preview
    server.release(held)
    assert previewed.status == 200
    assert "1 created, 0 updated, 0 unchanged" in previewed.body
    token = re.search(r'name="token" value="([^"]+)"', previewed.body).group(1)
    applied = confirm(token)
    server.release(held_too)

    assert server.pid_of(previewed) != server.pid_of(applied)
    assert applied.status == 302
    assert applied.headers["Location"] == "/admin/questions/question/"
    assert Question.objects.filter(slug="indexes").exists()
    changelist = server.request("GET", "/admin/questions/question/")
    assert "Loaded indexes.yaml: 1 created, 0 updated, 0 unchanged" in changelist.body
