"""The sign-in page: where a signed-in user is sent, whatever `next` says."""

from __future__ import annotations

import pytest
from django.urls import reverse

LOGIN = reverse("login")
HOME = reverse("interviews:home")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [LOGIN, f"{LOGIN}?next={LOGIN}", "http://testserver" + LOGIN],
    ids=["login", "login-with-next", "absolute-login"],
)
def test_a_signed_in_user_sent_back_to_sign_in_lands_home(client_for, interviewer, next_url):
    client = client_for(interviewer)
    response = client.get(LOGIN, {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert "Interviewer" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_with_a_safe_next_goes_there(client_for, interviewer):
    bank = reverse("questions:list")
    response = client_for(interviewer).get(LOGIN, {"next": bank})
    assert (response.status_code, response["Location"]) == (302, bank)


@pytest.mark.django_db
def test_a_signed_in_user_is_never_sent_off_site(client_for, interviewer):
    response = client_for(interviewer).get(LOGIN, {"next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, HOME)


@pytest.mark.django_db
def test_signing_in_with_next_pointing_at_sign_in_lands_home(client, interviewer):
    from tests.conftest import PASSWORD

    response = client.post(
        f"{LOGIN}?next={LOGIN}",
        {"username": "interviewer", "password": PASSWORD, "next": LOGIN},
    )
    assert (response.status_code, response["Location"]) == (302, HOME)
