"""Error pages in the app's look, HTMX error fragments, and no internals with DEBUG off."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.htmx import HTMX

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.urls_errors"),
]

INTERNALS = ("Traceback", "kaboom", "/srv/", ".py", "SELECT", "hidden_column", "internal reason")


@pytest.fixture
def client() -> Client:
    # Answer with the error page, as a real server would, instead of re-raising in the test.
    return Client(raise_request_exception=False)


def assert_app_page(response, status: int, title: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert 'class="brand"' in page  # the app's own header, so the app's look
    for internal in INTERNALS:
        assert internal not in page
    return page


def assert_fragment(response, status: int, text: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert body.startswith('<p class="error form-errors" role="alert"')
    assert text in body
    assert "<html" not in body
    for internal in INTERNALS:
        assert internal not in body


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_apps_404_page(client):
    page = assert_app_page(client.get("/no-such-page/"), 404, "Not found")
    assert "not shared with you" in page


@override_settings(DEBUG=False)
def test_a_crash_gets_the_apps_500_page_without_details(client):
    page = assert_app_page(client.get("/test-errors/explode/"), 500, "Something went wrong")
    assert "Try again in a moment" in page


@override_settings(DEBUG=False)
def test_a_database_error_shows_no_sql(client):
    assert_app_page(client.get("/test-errors/bad-sql/"), 500, "Something went wrong")


@override_settings(DEBUG=False)
def test_permission_denied_gets_the_apps_403_page(client, stranger):
    client.force_login(stranger)
    page = assert_app_page(client.get("/test-errors/forbidden/"), 403, "Not allowed")
    assert "ask an admin" in page
    assert "stranger" in page  # the page still knows who is signed in


@override_settings(DEBUG=False)
def test_a_suspicious_request_gets_the_apps_400_page(client):
    assert_app_page(client.get("/test-errors/suspicious/"), 400, "Bad request")


@override_settings(DEBUG=False)
def test_htmx_gets_a_small_fragment_for_a_crash(client):
    assert_fragment(
        client.post("/test-errors/explode/", headers=HTMX), 500, "Not saved — something went wrong"
    )


@override_settings(DEBUG=False)
def test_htmx_gets_a_small_fragment_for_each_refusal(client):
    assert_fragment(client.get("/no-such-page/", headers=HTMX), 404, "Not found")
    assert_fragment(client.get("/test-errors/forbidden/", headers=HTMX), 403, "not allowed")
    assert_fragment(client.get("/test-errors/suspicious/", headers=HTMX), 400, "Not saved")


@override_settings(DEBUG=False)
def test_a_body_over_the_limit_gets_413_with_a_clear_message(client):
    response = client.post("/accounts/login/", {"username": "x", "notes": "x" * 1_048_576})
    page = assert_app_page(response, 413, "Too large")
    assert "at most 20,000 characters" in page


@override_settings(DEBUG=False)
def test_a_body_over_the_limit_from_htmx_gets_a_413_fragment(client):
    response = client.post("/accounts/login/", {"notes": "x" * 1_048_576}, headers=HTMX)
    assert_fragment(response, 413, "Not saved — that is too large")
