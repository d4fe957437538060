"""The benchmark's framework ceiling: Django alone, no middleware, no session, no database."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import override_settings


def call(application, path: str) -> tuple[str, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": BytesIO(),
    }
    answer: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
        answer["status"] = status
        answer["headers"] = dict(headers)

    body = b"".join(application(environ, start_response))
    return str(answer["status"]), answer["headers"], body  # type: ignore[return-value]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"])
def test_the_framework_ceiling_answers_a_constant_without_middleware_or_database(
    django_assert_num_queries,
):
    from bench.wsgi import application

    with django_assert_num_queries(0):
        status, headers, body = call(application, "/bench/framework/")
    assert status.startswith("200")
    assert body == b"ok"
    # No middleware ran: no session cookie, no security headers, no request id.
    assert "Set-Cookie" not in headers
    assert "Content-Security-Policy" not in headers
    assert "X-Request-ID" not in headers


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"])
def test_every_other_path_goes_through_the_app_and_its_middleware():
    from bench.wsgi import application

    status, headers, _ = call(application, "/bench/bare/")
    assert status.startswith("302")  # the bare view wants a signed-in user
    assert "/accounts/login/" in headers["Location"]
    assert "Content-Security-Policy" in headers
    assert "X-Request-ID" in headers
