"""CSRF checks any test can run against its own URL.

    from tests.csrf import assert_post_needs_csrf_token, htmx_post_with_page_token

    assert_post_needs_csrf_token(interviewer, url, {"score": "3"})
    response = htmx_post_with_page_token(client, page_url, url, {"score": "3"})

The Django test client skips CSRF checks unless asked; these ask.
"""

from __future__ import annotations

import json
import re

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from intervy.errors import CSRF_MESSAGE

_HX_HEADERS = re.compile(r"<body[^>]*\sdata-hx-headers='([^']+)'")


def assert_post_needs_csrf_token(
    user: User | None, path: str, data: dict | None = None, *, htmx: bool = False
) -> HttpResponse:
    """POST without a token, as `user` (None: anonymous), and assert it is refused with 403."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(path, data or {}, headers=headers)
    assert response.status_code == 403, f"POST {path} without a CSRF token was not refused"
    assert CSRF_MESSAGE in response.content.decode()
    return response


def page_csrf_token(client: Client, page_path: str) -> str:
    """The token base.html puts in `<body data-hx-headers>`, exactly as htmx will send it."""
    page = client.get(page_path)
    assert page.status_code == 200, f"GET {page_path} gave {page.status_code}"
    match = _HX_HEADERS.search(page.content.decode())
    assert match, f"{page_path} has no data-hx-headers on <body>"
    return json.loads(match[1])["X-CSRFToken"]


def htmx_post_with_page_token(
    client: Client, page_path: str, path: str, data: dict | None = None
) -> HttpResponse:
    """POST to `path` as htmx does from `page_path`: HX-Request plus the page's X-CSRFToken.

    `client` should be built with `enforce_csrf_checks=True` and signed in.
    """
    token = page_csrf_token(client, page_path)
    return client.post(path, data or {}, headers={"HX-Request": "true", "X-CSRFToken": token})
