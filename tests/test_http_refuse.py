"""The one way to refuse a request (intervy.http.refuse) and who wants JSON."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from intervy.http import refuse, wants_json

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def request(**headers):
    made = RequestFactory().post("/somewhere", headers=headers)
    made.user = AnonymousUser()
    made._messages = CookieStorage(made)
    return made


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Accept": "application/json"}, True),
        ({"Accept": "text/html, application/json"}, False),
        ({"Accept": "application/json", **HTMX}, False),
        ({"Accept": "text/html"}, False),
        ({}, False),
    ],
)
def test_only_a_script_asking_for_json_and_not_html_gets_json(headers, expected):
    assert wants_json(request(**headers)) is expected


def test_a_json_client_reads_that_nothing_was_saved():
    response = refuse(request(Accept="application/json"), "Too late.", status=409)
    assert response.status_code == 409
    assert json.loads(response.content) == {"saved": False, "error": "Too late."}


def test_htmx_with_a_target_gets_the_message_retargeted_there():
    response = refuse(request(**HTMX), "Too late.", status=409, target="#runner-error")
    response.render()
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#runner-error", "innerHTML")
    assert "Too late." in response.content.decode()
    assert not response.has_header("HX-Refresh")


def test_htmx_without_a_target_reloads_the_page_which_then_shows_the_message():
    asked = request(**HTMX)
    response = refuse(asked, "Too late.", status=409)
    assert response["HX-Refresh"] == "true"
    assert not response.has_header("HX-Retarget")
    assert [str(message) for message in get_messages(asked)] == ["Too late."]


def test_without_htmx_the_page_comes_back_or_else_the_error_page():
    page = refuse(
        request(), "Too late.", status=409, page=lambda: HttpResponse("the page", status=409)
    )
    assert (page.status_code, page.content) == (409, b"the page")
    error_page = refuse(request(), "Not yours to change.", status=403)
    assert error_page.status_code == 403
    assert "Not yours to change." in error_page.content.decode()
