"""mozilla-django-oidc's backend, completed where it trusts too much.

The library exchanges the code (with the PKCE verifier), fetches the JWKS and checks the
signature and the nonce. Its `jwt.decode` call skips the audience, does not check the issuer
and does not require an expiry, so `verify_token` here decodes again with all three required
and checked (and `azp` for tokens with several audiences). Every refusal is a SignInRefused
with a reason the callback page explains, instead of an exception that would be a 500.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from intervy.auth import RoleAwareGetUserMixin, RolePermissionsMixin
from sso.accounts import SignInRefused, account_for_claims
from sso.config import SsoConfig, sso_config
from sso.provider import provider_endpoints

REQUIRED_ID_TOKEN_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]


class OidcBackend(RoleAwareGetUserMixin, RolePermissionsMixin, OIDCAuthenticationBackend):
    """Signs in with the authorization code the provider sent to the callback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds a backend for every request's session user: no settings read and
        # no I/O here. The provider is looked up only when there is a code to exchange.
        self.UserModel = get_user_model()
        self.config: SsoConfig | None = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view asks with a PKCE verifier: a password sign-in whose URL
        # happens to carry ?code=…&state=… is not a code exchange.
        if "code_verifier" not in kwargs or request is None:
            return None
        if not request.GET.get("code") or not request.GET.get("state"):
            return None
        config = sso_config()
        if config is None:
            return None
        endpoints = provider_endpoints(config)
        self.config = config
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = config.client_secret
        self.OIDC_RP_SIGN_ALGO = config.sign_algorithm
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def _decode(self, token: str, *, required: list[str]) -> dict[str, Any]:
        assert self.config is not None
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise SignInRefused("malformed_token", str(error)) from error
        # Only the configured algorithm: never "none", never HS256 keyed with a public key.
        if header.get("alg") != self.config.sign_algorithm:
            raise SignInRefused("signature", f"algorithm {header.get('alg')!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError) as error:
            raise SignInRefused("signature", "no key in the provider's JWKS matches") from error
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.config.sign_algorithm],
                audience=self.config.client_id,
                issuer=self.config.issuer,
                leeway=self.config.clock_leeway,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused("expired", str(error)) from error
        except jwt.ImmatureSignatureError as error:
            raise SignInRefused("not_yet_valid", str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise SignInRefused("audience", str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise SignInRefused("issuer", str(error)) from error
        except jwt.InvalidSignatureError as error:
            raise SignInRefused("signature", str(error)) from error
        except jwt.InvalidTokenError as error:
            raise SignInRefused("malformed_token", str(error)) from error

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The ID token's claims, once signature, issuer, audience, expiry and nonce hold."""
        assert self.config is not None
        if not token:
            raise SignInRefused("malformed_token", "the token response has no id_token")
        payload = self._decode(token, required=REQUIRED_ID_TOKEN_CLAIMS)
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        # OpenID Connect Core 3.1.3.7: with several audiences, azp must name this client.
        if len(audiences) > 1 and payload.get("azp") != self.config.client_id:
            raise SignInRefused("audience", f"azp {payload.get('azp')!r}")
        if payload.get("nonce") != kwargs.get("nonce"):
            raise SignInRefused("nonce")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when there is one."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        response = self._userinfo_response(access_token)
        if response.headers.get("content-type", "").lower().startswith("application/jwt"):
            userinfo = self._decode(response.text, required=["sub"])
        else:
            userinfo = response.json()
        # OpenID Connect Core 5.3.2: a userinfo answer about someone else is not used.
        if str(userinfo.get("sub")) != str(payload["sub"]):
            raise SignInRefused("userinfo_subject")
        return {**payload, **userinfo}

    def _userinfo_response(self, access_token: str) -> requests.Response:
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=self.config.timeout if self.config else None,
        )
        response.raise_for_status()
        return response

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        assert self.config is not None
        claims = self.get_userinfo(access_token, id_token, payload)
        return account_for_claims(
            issuer=self.config.issuer,
            claims=claims,
            create_users=self.config.create_users,
            groups_claim=self.config.groups_claim,
            role_map=self.config.role_map,
        )
