"""ID tokens that must be refused, each with a page that says why.

The sign-in starts for real (state, nonce and PKCE in the session) and the discovery document
and JWKS come from the real provider; only the token endpoint's answer is replaced by a token
signed here: with the provider's own key (so only the claim under test is wrong) or with a key
the provider does not publish.
"""

from __future__ import annotations

import html
import time
from typing import Any

import jwt
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from sso.backend import OidcBackend
from tests.sso_provider import CLIENT_ID, new_signing_key, query_of

pytestmark = pytest.mark.django_db

FOREIGN_KEY = new_signing_key()


def claims_for(provider, session_nonce: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "mallory",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": session_nonce,
        "email": "mallory@example.com",
        "email_verified": True,
        "groups": ["intervy-admins"],
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def callback_with(client, monkeypatch, provider, *, key=None, **changes: Any):
    """Start a sign-in, then come back to the callback with a token made from `changes`."""
    authorization = client.get(reverse("sso:authenticate"))["Location"]
    params = query_of(authorization)
    token = provider.sign(claims_for(provider, params["nonce"], **changes), key=key)
    monkeypatch.setattr(
        OidcBackend,
        "get_token",
        lambda self, payload: {"id_token": token, "access_token": "unused"},
    )
    # The claims are the token's own: these tests are about the token, not userinfo.
    monkeypatch.setattr(
        OidcBackend, "get_userinfo", lambda self, access_token, id_token, payload: payload
    )
    return client.get(reverse("sso:callback"), {"code": "a-code", "state": params["state"]})


def assert_refused(response, message: str) -> None:
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Sign-in refused" in page and message in page
    assert not User.objects.exists()


def test_a_well_formed_token_signs_in(client, monkeypatch, sso_on):
    """The control: the same path with nothing wrong signs in, so the refusals below are real."""
    response = callback_with(client, monkeypatch, sso_on)
    assert response.status_code == 302 and response["Location"] == reverse("interviews:home")
    assert User.objects.get().email == "mallory@example.com"


def test_a_token_for_another_audience_is_refused(client, monkeypatch, sso_on):
    response = callback_with(client, monkeypatch, sso_on, aud="another-application")
    assert_refused(response, "was issued for another application, not for Intervy")


def test_a_token_with_several_audiences_must_name_intervy_as_its_party(client, monkeypatch, sso_on):
    response = callback_with(
        client, monkeypatch, sso_on, aud=[CLIENT_ID, "another-application"], azp="another"
    )
    assert_refused(response, "was issued for another application")


def test_an_expired_token_is_refused(client, monkeypatch, sso_on):
    issued = int(time.time()) - 3600
    response = callback_with(client, monkeypatch, sso_on, iat=issued, exp=issued + 300)
    assert_refused(response, "The identity provider's token has expired")


def test_a_token_without_an_expiry_is_refused(client, monkeypatch, sso_on):
    response = callback_with(client, monkeypatch, sso_on, exp=None)
    assert_refused(response, "could not be read as a token")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client, monkeypatch, sso_on
):
    response = callback_with(client, monkeypatch, sso_on, key=FOREIGN_KEY)
    assert_refused(response, "is not signed with any key the provider publishes")


def test_a_token_from_another_issuer_is_refused(client, monkeypatch, sso_on):
    response = callback_with(client, monkeypatch, sso_on, iss="https://idp.example.net")
    assert_refused(response, "issued by another identity provider")


def test_a_token_for_another_sign_in_attempt_is_refused(client, monkeypatch, sso_on):
    response = callback_with(client, monkeypatch, sso_on, nonce="a-nonce-from-elsewhere")
    assert_refused(response, "belongs to another sign-in attempt")


def test_an_unsigned_token_is_refused(client, monkeypatch, sso_on):
    authorization = client.get(reverse("sso:authenticate"))["Location"]
    params = query_of(authorization)
    unsigned = jwt.encode(claims_for(sso_on, params["nonce"]), key=None, algorithm="none")
    monkeypatch.setattr(
        OidcBackend, "get_token", lambda self, payload: {"id_token": unsigned, "access_token": ""}
    )
    response = client.get(reverse("sso:callback"), {"code": "c", "state": params["state"]})
    assert_refused(response, "is not signed with any key the provider publishes")


def test_a_refused_token_uses_up_its_state(client, monkeypatch, sso_on):
    first = callback_with(client, monkeypatch, sso_on, aud="another-application")
    assert first.status_code == 400
    # The one sign-in started is forgotten: its answer cannot be tried again.
    assert client.session.get("oidc_states") == {}
