"""Single sign-on through a real OpenID provider (tests/oidc/provider.mjs), by the test client.

The provider's own login and consent pages are driven over HTTP; Intervy's side is the test
client, so each test reads what the person would see on Intervy's pages.
"""

from __future__ import annotations

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.urls import reverse

from intervy.roles import ADMINS, CURATORS, HIRING_MANAGERS, INTERVIEWERS, is_admin
from sso.models import Identity
from tests.conftest import make_user, sso_settings_for
from tests.sso_provider import ACCOUNTS, query_of, sign_in_at_provider

pytestmark = pytest.mark.django_db


def start(client, next_url: str = "") -> str:
    """Click "Sign in with Test IdP"; return the provider URL the browser is sent to."""
    url = reverse("sso:authenticate") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, login: str):
    """The whole round trip for one of the provider's people; Intervy's final answer."""
    callback = sign_in_at_provider(start(client), login=login, password=ACCOUNTS[login]["password"])
    assert callback.startswith("http://testserver/sso/callback/")
    return client.get(callback.removeprefix("http://testserver"))


def role_groups(user: User) -> set[str]:
    return set(
        user.groups.filter(name__in=[ADMINS, CURATORS, HIRING_MANAGERS, INTERVIEWERS]).values_list(
            "name", flat=True
        )
    )


def test_the_sign_in_page_offers_the_provider_beside_the_password_form(client, sso_on):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' in page


def test_the_request_to_the_provider_carries_state_nonce_and_a_pkce_challenge(client, sso_on):
    params = query_of(start(client))
    assert params["response_type"] == "code"
    assert params["client_id"] == "intervy"
    assert params["redirect_uri"] == "http://testserver/sso/callback/"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert set(params["scope"].split()) == {"openid", "email", "profile", "groups"}


def test_first_sign_in_creates_the_account_with_the_mapped_roles(client, sso_on):
    response = sign_in(client, "ada")
    assert response.status_code == 302 and response["Location"] == reverse("interviews:home")
    home = client.get(response["Location"]).content.decode()
    assert "ada" in home and "Sign out" in home
    # Interviewer and hiring manager: the navigation shows both roles' pages.
    assert "Positions" in home and "Schedule" in home
    user = User.objects.get(username="ada")
    assert (user.email, user.first_name, user.last_name) == (
        "ada@example.com",
        "Ada",
        "Lovelace",
    )
    assert role_groups(user) == {INTERVIEWERS, HIRING_MANAGERS}
    assert not user.has_usable_password() and not user.is_staff
    identity = Identity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso_on.issuer, "ada")


def test_an_admin_group_makes_an_admin_and_a_curator_group_a_staff_curator(client, sso_on):
    sign_in(client, "grace")
    grace = User.objects.get(username="grace")
    assert role_groups(grace) == {ADMINS} and grace.is_staff and is_admin(grace)
    assert "Admin" in client.get(reverse("interviews:home")).content.decode()

    client.logout()
    sign_in(client, "linus")
    linus = User.objects.get(username="linus")
    assert role_groups(linus) == {CURATORS} and linus.is_staff and not is_admin(linus)


def test_roles_are_reapplied_at_each_sign_in(client, sso_on):
    ada = make_user("ada", group=ADMINS)
    ada.email = "ada@example.com"
    ada.is_staff = True
    ada.save()
    bystander = Group.objects.create(name="Book club")
    ada.groups.add(bystander)

    sign_in(client, "ada")
    ada.refresh_from_db()
    # Admin taken away (the provider does not say so), the provider's roles given; a group
    # that is not an Intervy role is left alone.
    assert role_groups(ada) == {INTERVIEWERS, HIRING_MANAGERS}
    assert set(ada.groups.values_list("name", flat=True)) >= {"Book club"}
    assert not ada.is_staff and not is_admin(ada)


def test_an_existing_account_is_matched_by_email_and_updated(client, settings, oidc_provider):
    sso_settings_for(settings, oidc_provider, OIDC_CREATE_USER=False)
    local = User.objects.create(username="alovelace", email="ADA@example.com", first_name="A")

    response = sign_in(client, "ada")
    assert response["Location"] == reverse("interviews:home")
    local.refresh_from_db()
    assert (local.email, local.first_name, local.last_name) == (
        "ada@example.com",
        "Ada",
        "Lovelace",
    )
    assert User.objects.count() == 1
    assert Identity.objects.get().user == local


def test_match_only_refuses_someone_with_no_account(client, settings, oidc_provider):
    sso_settings_for(settings, oidc_provider, OIDC_CREATE_USER=False)
    response = sign_in(client, "ada")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Sign-in refused" in page
    assert "There is no Intervy account for ada@example.com" in page
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_without_a_role_map_roles_are_left_to_the_admins(client, settings, oidc_provider):
    sso_settings_for(settings, oidc_provider, OIDC_ROLE_MAP="")
    ada = make_user("ada", group=INTERVIEWERS)
    ada.email = "ada@example.com"
    ada.save()
    sign_in(client, "ada")
    assert role_groups(ada) == {INTERVIEWERS}


def test_the_next_page_asked_for_is_where_the_sign_in_lands(client, sso_on):
    callback = sign_in_at_provider(
        start(client, next_url="/questions/"),
        login="ada",
        password=ACCOUNTS["ada"]["password"],
    )
    response = client.get(callback.removeprefix("http://testserver"))
    assert response["Location"] == "/questions/"


def test_a_replayed_state_is_refused(client, sso_on):
    callback = sign_in_at_provider(start(client), login="ada", password=ACCOUNTS["ada"]["password"])
    path = callback.removeprefix("http://testserver")
    assert client.get(path)["Location"] == reverse("interviews:home")

    replay = client.get(path)
    assert replay.status_code == 400
    assert "This sign-in answer was already used" in replay.content.decode()


def test_a_callback_with_a_state_from_another_browser_is_refused(client, sso_on):
    from django.test import Client

    callback = sign_in_at_provider(
        start(Client()), login="ada", password=ACCOUNTS["ada"]["password"]
    )
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 400
    assert "does not belong to a sign-in started in this browser" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_provider_error_is_shown(client, sso_on):
    state = query_of(start(client))["state"]
    response = client.get(
        reverse("sso:callback"),
        {"error": "access_denied", "error_description": "The user said no", "state": state},
    )
    assert response.status_code == 403
    assert "The identity provider did not sign you in: The user said no" in (
        response.content.decode()
    )
    assert state not in client.session.get("oidc_states", {})


def test_an_error_link_not_answering_a_sign_in_shows_no_text_of_its_own(client, sso_on):
    response = client.get(
        reverse("sso:callback"), {"error": "x", "error_description": "Call 555-0100 now"}
    )
    assert response.status_code == 400
    assert "555-0100" not in response.content.decode()
    assert "does not belong to a sign-in started in this browser" in response.content.decode()


def test_explicit_endpoints_need_no_discovery(client, settings, oidc_provider):
    discovered = oidc_provider.discovery
    sso_settings_for(
        settings,
        oidc_provider,
        OIDC_DISCOVERY_URL="http://127.0.0.1:9/nothing-here",
        OIDC_OP_AUTHORIZATION_ENDPOINT=discovered["authorization_endpoint"],
        OIDC_OP_TOKEN_ENDPOINT=discovered["token_endpoint"],
        OIDC_OP_JWKS_ENDPOINT=discovered["jwks_uri"],
        OIDC_OP_USER_ENDPOINT=discovered["userinfo_endpoint"],
    )
    assert sign_in(client, "ada")["Location"] == reverse("interviews:home")
    assert User.objects.get(username="ada").groups.filter(name=INTERVIEWERS).exists()


@pytest.mark.parametrize("local_login", [True, False])
def test_signing_out_ends_the_provider_session_too(client, settings, oidc_provider, local_login):
    sso_settings_for(settings, oidc_provider, OIDC_LOCAL_LOGIN=local_login)
    sign_in(client, "ada")
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("logout"))
    end_session = response["Location"]
    assert end_session.startswith(oidc_provider.discovery["end_session_endpoint"] + "?")
    params = query_of(end_session)
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("interviews:home"))["Location"].startswith(reverse("login"))
    # The provider accepts the hint and the return address: its page goes on to end the
    # session (the browser test signs out there with the provider's cookie).
    confirm = requests.get(end_session, timeout=10)
    assert confirm.status_code == 200 and "Test IdP error" not in confirm.text
    assert "/session/end/confirm" in confirm.text


def test_a_local_account_signs_out_to_the_sign_in_page(client, sso_on, interviewer):
    client.force_login(interviewer)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_with_the_password_form_off_only_the_provider_signs_in(
    client, settings, oidc_provider, interviewer
):
    sso_settings_for(settings, oidc_provider, OIDC_LOCAL_LOGIN=False)
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' not in page

    from tests.conftest import PASSWORD

    refused = client.post(reverse("login"), {"username": "interviewer", "password": PASSWORD})
    assert refused.status_code == 403
    assert "Signing in with a password is turned off here" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Not even another password form (the admin's) accepts it.
    assert not client.login(username="interviewer", password=PASSWORD)
    assert sign_in(client, "ada")["Location"] == reverse("interviews:home")


def test_an_unreachable_provider_is_a_page_not_an_error(client, settings, oidc_provider):
    sso_settings_for(settings, oidc_provider, OIDC_ISSUER="http://127.0.0.1:9")
    response = client.get(reverse("sso:authenticate"))
    assert response.status_code == 502
    assert "The identity provider could not be reached" in response.content.decode()


def test_discovery_naming_another_issuer_is_not_trusted(client, settings, oidc_provider):
    sso_settings_for(
        settings,
        oidc_provider,
        OIDC_ISSUER="https://idp.example.net",
        OIDC_DISCOVERY_URL=f"{oidc_provider.issuer}/.well-known/openid-configuration",
    )
    response = client.get(reverse("sso:authenticate"))
    assert response.status_code == 502
    assert "Location" not in response


def test_a_code_the_provider_did_not_issue_is_refused_by_it_and_explained(client, sso_on):
    callback = sign_in_at_provider(start(client), login="ada", password=ACCOUNTS["ada"]["password"])
    params = query_of(callback)
    response = client.get(reverse("sso:callback"), {**params, "code": "not-a-real-code"})
    assert response.status_code == 400
    assert "would not complete the sign-in" in response.content.decode()
    assert not User.objects.exists()


def test_a_password_sign_in_on_an_address_with_a_code_stays_a_password_sign_in(
    client, sso_on, interviewer
):
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("login") + "?code=c&state=s", {"username": "interviewer", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("interviews:home")


def test_with_passwords_off_the_admin_sends_people_to_the_sign_in_page(
    client, settings, oidc_provider, stranger
):
    sso_settings_for(settings, oidc_provider, OIDC_LOCAL_LOGIN=False)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"
    assert "Sign in with Test IdP" in response.content.decode()
    # Signed in without staff rights: the admin's own page says so, no bouncing back.
    client.force_login(stranger)
    page = client.get(reverse("admin:login") + "?next=/admin/")
    assert page.status_code == 200 and "not authorized to access this page" in (
        page.content.decode()
    )


def test_with_passwords_on_the_admin_keeps_its_own_sign_in(client, sso_on):
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()


def test_an_answer_naming_another_provider_is_not_redeemed(client, sso_on):
    callback = sign_in_at_provider(start(client), login="ada", password=ACCOUNTS["ada"]["password"])
    params = query_of(callback)
    assert params["iss"] == sso_on.issuer  # the provider names itself (RFC 9207)
    response = client.get(reverse("sso:callback"), {**params, "iss": "https://idp.example.net"})
    assert response.status_code == 400
    assert "issued by another identity provider" in response.content.decode()
    assert not User.objects.exists()
