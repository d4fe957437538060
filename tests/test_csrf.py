"""CSRF on the project-wide state changes: sign-in, sign-out, the admin; HTMX included."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.conftest import PASSWORD
from tests.csrf import assert_post_needs_csrf_token, htmx_post_with_page_token


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_sign_in_without_a_token_is_refused(interviewer, csrf_client):
    response = csrf_client.post(
        "/accounts/login/", {"username": "interviewer", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Reload the page and try again" in response.content.decode()
    assert "_auth_user_id" not in csrf_client.session


@pytest.mark.django_db
def test_sign_in_with_the_forms_token_works(interviewer, csrf_client):
    page = csrf_client.get("/accounts/login/")
    token = page.context["csrf_token"]
    response = csrf_client.post(
        "/accounts/login/",
        {"username": "interviewer", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert csrf_client.session["_auth_user_id"] == str(interviewer.pk)


@pytest.mark.django_db
def test_sign_out_without_a_token_is_refused_and_keeps_you_signed_in(interviewer):
    assert_post_needs_csrf_token(interviewer, "/accounts/logout/")


@pytest.mark.django_db
def test_sign_out_keeps_the_session_when_refused(interviewer, csrf_client):
    csrf_client.force_login(interviewer)
    csrf_client.post("/accounts/logout/")
    assert csrf_client.session["_auth_user_id"] == str(interviewer.pk)


@pytest.mark.django_db
def test_an_admin_change_without_a_token_is_refused(admin_user):
    assert_post_needs_csrf_token(admin_user, "/admin/auth/group/add/", {"name": "Forged"})
    assert not Group.objects.filter(name="Forged").exists()


@pytest.mark.django_db
def test_an_htmx_post_without_a_token_gets_the_error_fragment(interviewer):
    response = assert_post_needs_csrf_token(interviewer, "/accounts/logout/", htmx=True)
    assert response.content.decode().startswith('<p class="error')
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_an_htmx_post_with_the_header_base_html_sends_succeeds(interviewer, csrf_client):
    csrf_client.force_login(interviewer)
    response = htmx_post_with_page_token(csrf_client, "/", "/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in csrf_client.session


@pytest.mark.django_db
def test_an_admin_change_with_the_header_token_is_saved(admin_user, csrf_client):
    csrf_client.force_login(admin_user)
    response = htmx_post_with_page_token(
        csrf_client, "/", "/admin/auth/group/add/", {"name": "Panel leads"}
    )
    assert response.status_code == 302
    assert Group.objects.filter(name="Panel leads").exists()
