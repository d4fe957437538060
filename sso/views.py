"""The sign-in page, the single sign-on round trip, and signing out (there too).

The round trip is mozilla-django-oidc's views, subclassed where the library reads its
endpoints from settings at construction (they may come from discovery here) and where a
failed sign-in would be a bare redirect or a 400: here it is a page that says what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from intervy.signin import SignInView as LoopSafeSignInView
from sso.accounts import SignInRefused
from sso.config import local_login_enabled, sso_config
from sso.provider import ProviderUnavailable, provider_endpoints

logger = logging.getLogger(__name__)

# Why a sign-in was refused -> (status, what the person is told). The technical detail goes
# to the log; only the reasons marked with {detail} show it (an address the person typed).
REFUSALS: dict[str, tuple[int, str]] = {
    "no_sign_in": (
        400,
        "This address is where the identity provider sends you back after signing in, "
        "but no sign-in was started from this browser.",
    ),
    "state": (
        400,
        "This sign-in answer was already used, or it does not belong to a sign-in started "
        "in this browser. Start again from the sign-in page.",
    ),
    "provider_error": (403, "The identity provider did not sign you in: {detail}"),
    "audience": (
        400,
        "The identity provider's token was issued for another application, not for Intervy.",
    ),
    "issuer": (400, "The token was issued by another identity provider than the one configured."),
    "expired": (
        400,
        "The identity provider's token has expired. Sign in again; if this keeps happening, "
        "this server's clock may be wrong.",
    ),
    "not_yet_valid": (
        400,
        "The identity provider's token is not valid yet; this server's clock may be wrong.",
    ),
    "signature": (
        400,
        "The identity provider's token is not signed with any key the provider publishes, "
        "so it cannot be trusted.",
    ),
    "nonce": (400, "The identity provider's token belongs to another sign-in attempt."),
    "malformed_token": (400, "The identity provider's answer could not be read as a token."),
    "userinfo_subject": (
        400,
        "The identity provider described a different person than the one who signed in.",
    ),
    "no_subject": (400, "The identity provider did not say who signed in."),
    "no_email": (
        403,
        "The identity provider did not share an email address, which Intervy needs. Ask your "
        "administrator to release the email claim to Intervy.",
    ),
    "email_unverified": (
        403,
        "The identity provider has not verified the address {detail}, so Intervy cannot "
        "link it to an account.",
    ),
    "no_account": (
        403,
        "There is no Intervy account for {detail}, and accounts are not created on first "
        "sign-in here. Ask an Intervy admin to create one.",
    ),
    "several_accounts": (
        403,
        "More than one Intervy account uses the address {detail}. Ask an Intervy admin "
        "to fix that.",
    ),
    "linked_elsewhere": (
        403,
        "The Intervy account for {detail} is already linked to another person at the "
        "identity provider. Ask an Intervy admin.",
    ),
    "inactive": (403, "Your Intervy account is deactivated. Ask an Intervy admin."),
    "not_signed_in": (403, "The sign-in did not complete. Try again."),
    "token_refused": (
        400,
        "The identity provider would not complete the sign-in (its one-time code may have "
        "expired or been used already). Start again from the sign-in page.",
    ),
    "unreachable": (
        502,
        "The identity provider could not be reached. Try again in a moment, or ask your "
        "administrator.",
    ),
}


def refusal_page(request: HttpRequest, reason: str, detail: str = "") -> HttpResponse:
    status, message = REFUSALS[reason]
    logger.warning("single sign-on refused: %s %s", reason, detail)
    config = sso_config()
    return TemplateResponse(
        request,
        "sso/refused.html",
        {
            "message": message.format(detail=detail or "no reason given"),
            "provider_name": config.provider_name if config else "",
        },
        status=status,
    )


class SignInView(LoopSafeSignInView):
    """Intervy's sign-in page, with "Sign in with <provider>" beside (or instead of) the form."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        config = sso_config()
        context["local_login"] = local_login_enabled()
        if config is not None:
            next_url = context.get("next") or ""
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            context["sso"] = {
                "name": config.provider_name,
                "url": reverse("sso:authenticate") + query,
            }
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not local_login_enabled():
            context = self.get_context_data(
                password_refused=True, form=self.get_form_class()(request)
            )
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)


def admin_sign_in(admin_login: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The Django admin's sign-in, sending people to Intervy's while passwords are off.

    Its own page is a password form; with OIDC_LOCAL_LOGIN=0 that would be a dead end.
    Someone already signed in still gets the admin's page (it says they lack access),
    since sending them to the sign-in page would bounce them straight back.
    """

    @wraps(admin_login)
    def login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not local_login_enabled() and not request.user.is_authenticated:
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
            return redirect_to_login(next_url, login_url=reverse("login"))
        return admin_login(request, extra_context)

    return login


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint from settings here; it may come from discovery.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        config = sso_config()
        if config is None:
            raise Http404("Single sign-on is not configured.")
        try:
            endpoints = provider_endpoints(config)
        except ProviderUnavailable as error:
            return refusal_page(request, "unreachable", str(error))
        self.OIDC_OP_AUTH_ENDPOINT = endpoints.authorization
        self.OIDC_RP_CLIENT_ID = config.client_id
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: code and state in, a signed-in user out."""

    failure_reason = "not_signed_in"
    failure_detail = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        config = sso_config()
        if config is None:
            raise Http404("Single sign-on is not configured.")
        # RFC 9207: a provider that names itself in the answer must be the configured one
        # (an answer from another provider, mixed up with ours, is not redeemed here).
        if "iss" in request.GET and request.GET["iss"] != config.issuer:
            return refusal_page(request, "issuer", request.GET["iss"])
        if request.GET.get("error"):
            # Anyone can send a link with an error_description: it is shown only as the
            # answer to a sign-in this browser started.
            if request.GET.get("state") not in request.session.get("oidc_states", {}):
                return refusal_page(request, "state")
            # The library forgets the state and signs out; then login_failure answers.
            self.failure_reason = "provider_error"
            self.failure_detail = request.GET.get("error_description") or request.GET["error"]
            return super().get(request)
        if not request.GET.get("code") or not request.GET.get("state"):
            return refusal_page(request, "no_sign_in")
        # The library raises SuspiciousOperation (a bare 400) for an unknown state.
        if request.GET["state"] not in request.session.get("oidc_states", {}):
            return refusal_page(request, "state")
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return refusal_page(request, refusal.reason, refusal.detail)
        except requests.HTTPError as error:
            if error.response is not None and 400 <= error.response.status_code < 500:
                return refusal_page(request, "token_refused", str(error))
            return refusal_page(request, "unreachable", str(error))
        except (ProviderUnavailable, requests.RequestException) as error:
            return refusal_page(request, "unreachable", str(error))

    def login_failure(self) -> HttpResponse:
        return refusal_page(self.request, self.failure_reason, self.failure_detail)


def provider_logout_url(request: HttpRequest) -> str:
    """Where signing out sends the browser: the provider's end_session_endpoint, or sign-in.

    Called by mozilla-django-oidc's logout view (OIDC_OP_LOGOUT_URL_METHOD) before it ends
    the Intervy session. Only a session that came from the provider has an ID token to send
    as id_token_hint; a local account's sign-out goes straight back to the sign-in page.
    """
    sign_in = resolve_url(settings.LOGOUT_REDIRECT_URL)
    config = sso_config()
    id_token = request.session.get("oidc_id_token")
    if config is None or not id_token:
        return sign_in
    try:
        end_session = provider_endpoints(config).end_session
    except ProviderUnavailable:
        logger.warning("single sign-on: provider unreachable at sign-out; signed out here only")
        return sign_in
    if not end_session:
        return sign_in
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(sign_in),
            "client_id": config.client_id,
        }
    )
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"
