"""`make run` serves like production: bin/serve runs gunicorn, DEBUG off, HTTP on loopback.

bin/serve is started as `make run` starts it (after the set-up), against the test
database; it must show the app's own error pages, let a user sign in over plain
http://127.0.0.1, answer 50 parallel requests, and stop everything on SIGTERM.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests.conftest import PASSWORD
from tests.production_env import BASE_DIR, production_env, run

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.body = response.read().decode()  # type: ignore[attr-defined]
    connection.close()
    return response


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


@pytest.mark.django_db(transaction=True)
def test_make_run_serves_production_settings_over_plain_http_on_loopback(tmp_path, interviewer):
    port = free_port()
    env = production_env(PORT=str(port), STATIC_ROOT=str(tmp_path / "static"))
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"):
        env.pop(name)  # bin/serve decides these itself
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed below
    serve = subprocess.Popen(  # noqa: S603 - our own script
        [str(BASE_DIR / "bin" / "serve")],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not listening(port):
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "bin/serve did not listen within 90 s"
            time.sleep(0.3)

        # DEBUG is off: an unknown page is the app's 404, not Django's technical page.
        missing = get(port, "/no-such-page/")
        assert missing.status == 404
        assert "Not found" in missing.body
        assert "Using the URLconf" not in missing.body

        # Plain HTTP: no redirect to HTTPS, no HSTS, cookies a browser sends over http.
        login = get(port, "/accounts/login/")
        assert login.status == 200
        assert login.getheader("Strict-Transport-Security") is None
        csrf_cookie = login.getheader("Set-Cookie")
        assert "Secure" not in csrf_cookie
        token = re.search(r"csrftoken=([^;]+)", csrf_cookie).group(1)
        stylesheet = re.search(r'href="(/static/css/base\.[0-9a-f]{12}\.css)"', login.body)
        assert stylesheet, "pages link the hashed static files collectstatic wrote"
        assert get(port, stylesheet.group(1)).status == 200  # served by whitenoise

        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.request(
            "POST",
            "/accounts/login/",
            body=urlencode(
                {"csrfmiddlewaretoken": token, "username": "interviewer", "password": PASSWORD}
            ),
            headers={
                "Cookie": f"csrftoken={token}",
                "Content-Type": "application/x-www-form-urlencoded",
                # As a browser sends it: the CSRF check compares it with http://host.
                "Origin": f"http://{HOST}:{port}",
            },
        )
        signed_in = connection.getresponse()
        signed_in.read()
        connection.close()
        assert (signed_in.status, signed_in.getheader("Location")) == (302, "/")
        session_cookie = next(
            value
            for name, value in signed_in.getheaders()
            if name == "Set-Cookie" and value.startswith("sessionid=")
        )
        assert "Secure" not in session_cookie
        cookie = session_cookie.split(";")[0]

        # Fifty at once, as an interviewer's tabs and scripts send them: all answered.
        with ThreadPoolExecutor(max_workers=50) as pool:
            pages = list(pool.map(lambda _: get(port, "/", cookie), range(50)))
        assert [page.status for page in pages] == [200] * 50
        assert all("Interviewer" in page.body for page in pages)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        log.close()
    # Everything it started has stopped: nothing listens, no process of its group is left.
    assert not listening(port)
    with pytest.raises(ProcessLookupError):
        os.killpg(serve.pid, 0)


def test_loopback_http_refuses_a_host_name_from_elsewhere():
    result = run(
        ["manage.py", "check"],
        production_env(LOOPBACK_HTTP="1", ALLOWED_HOSTS="127.0.0.1,intervy.example.com"),
    )
    assert result.returncode != 0
    assert "LOOPBACK_HTTP serves plain HTTP to this machine only" in result.stderr


def test_loopback_http_refuses_to_listen_beyond_loopback():
    result = run(
        ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config", "intervy.wsgi"],
        production_env(LOOPBACK_HTTP="1", ALLOWED_HOSTS="127.0.0.1", GUNICORN_BIND="0.0.0.0:9"),
    )
    assert result.returncode != 0
    assert "LOOPBACK_HTTP serves plain HTTP on 127.0.0.1 only, not on 0.0.0.0:9" in (
        result.stdout + result.stderr
    )


def test_production_settings_keep_https_when_not_on_loopback():
    from tests.production_env import run_json

    settings = run_json(
        "from django.conf import settings as s\n"
        "import json\n"
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS]))",
        production_env(),
    )
    assert settings == [True, True, True, 31536000]
