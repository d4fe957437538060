"""Browser-side defences: CSP with nonces, htmx needing no eval, and production headers."""

from __future__ import annotations

import re

import pytest

from tests.production_env import production_env, run, run_json


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_the_csp_allows_only_our_own_scripts_with_this_pages_nonce(client):
    response = client.get("/accounts/login/")
    directives = csp_directives(response)
    nonce = re.search(r'<script[^>]+nonce="([^"]+)"', response.content.decode())[1]
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_each_page_gets_a_fresh_nonce(client):
    first = csp_directives(client.get("/accounts/login/"))["script-src"]
    second = csp_directives(client.get("/accounts/login/"))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_htmx_is_configured_to_need_neither_eval_nor_inline_styles(client):
    page = client.get("/accounts/login/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)[1]
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config
    assert '"allowScriptTags": false' in config
    assert "<script>" not in page
    assert " style=" not in page


@pytest.mark.django_db
def test_pages_forbid_framing_sniffing_and_cross_origin_referrers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PRODUCTION_RESPONSE = """
import json
from django.conf import settings
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True, headers={"host": "example.com"})
plain = client.get("/accounts/login/", headers={"host": "example.com"})
probe = client.get("/healthz", headers={"host": "example.com"})
csrf = page.cookies["csrftoken"]
print(json.dumps({
    "headers": dict(page.headers),
    "csrf_cookie_secure": bool(csrf["secure"]),
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "plain": [plain.status_code, plain.headers.get("Location")],
    "probe": probe.status_code,
}))
"""


@pytest.fixture(scope="module")
def production_response(tmp_path_factory) -> dict:
    # Production pages link hashed static files, so they need collectstatic's manifest.
    env = production_env(STATIC_ROOT=str(tmp_path_factory.mktemp("static")))
    collected = run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    assert collected.returncode == 0, collected.stderr
    return run_json(PRODUCTION_RESPONSE, env)


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production_response):
    assert (
        production_response["headers"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_production_cookies_are_secure_and_the_session_cookie_http_only(production_response):
    assert production_response["csrf_cookie_secure"] is True
    assert production_response["session_cookie"] == [True, True]


def test_production_keeps_the_other_headers(production_response):
    headers = production_response["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe" not in headers["Content-Security-Policy"]


def test_production_redirects_plain_http_except_for_health_probes(production_response):
    assert production_response["plain"] == [301, "https://example.com/accounts/login/"]
    assert production_response["probe"] == 200
