"""Login throttling on django-axes: who the client is, what is counted, what a locked-out
client sees.

Failures are counted per (username, address) pair and, with a higher limit, per address:
five wrong passwords for `manager` from one address lock only that pair, so a stranger
elsewhere cannot lock a colleague out, and one address cannot try more than a few dozen
passwords across every account. A successful sign-in clears only its own pair.
"""

from __future__ import annotations

import hashlib
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from intervy.auth import RoleAwareGetUserMixin


class AxesHttpRequest(HttpRequest):
    """A request after AxesMiddleware: axes writes who is signing in, and from where, on it."""

    axes_ip_address: str
    axes_locked_out: bool
    axes_credentials: dict[str, Any] | None


class LoginThrottleBackend(RoleAwareGetUserMixin, AxesStandaloneBackend):
    """Axes' lockout check, skipped only when there is no request to throttle.

    Every sign-in over HTTP passes the request (Django's LoginView and the admin do), so it
    is always checked. Only in-process calls pass none — `Client.login()` in tests, a
    management command — and they have no address or attacker to count; axes' own backend
    would raise there instead of letting the next backend decide.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies saw.

    With PROXY_COUNT proxies in front, each appends the address it received the request
    from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; any
    entries further left were written by the client and prove nothing.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if not settings.PROXY_COUNT:
        return remote_addr
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop
    ]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote_addr
    return forwarded[-settings.PROXY_COUNT]


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 Too Many Requests, with Retry-After and a page that says what to do."""
    cool_off = get_cool_off(request)
    retry_after = int(cool_off.total_seconds()) if cool_off else 3600
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"retry_after_minutes": max(1, -(-retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    # Axes returns this from its middleware, after the point where Django renders
    # template responses, so it must leave here rendered.
    return response.render()


def attempted_username(
    request: HttpRequest, credentials: dict[str, Any] | None = None
) -> str | None:
    """The username an attempt is counted under: as typed, when it could be a real one.

    Axes stores it in a 255-character column, and PostgreSQL refuses NUL in text, so a
    name no account can have (longer than the username field, or holding NUL) is counted
    under a fixed-length digest of itself instead: still its own pair, never a 500.
    """
    # Axes fills in its settings' defaults when it is imported (axes.conf).
    field = axes_settings.AXES_USERNAME_FORM_FIELD
    raw = credentials.get(field) if credentials else request.POST.get(field)
    if not isinstance(raw, str):
        return None
    max_length = get_user_model()._meta.get_field("username").max_length or 150
    if len(raw) <= max_length and "\x00" not in raw:
        return raw
    digest = hashlib.sha256(raw.encode("utf-8", "backslashreplace")).hexdigest()
    return f"<not a username {digest[:32]}>"


class SignInThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a pair limit, an address limit and a pair-only reset.

    Axes compares every lockout parameter against one limit and, on success, resets every
    parameter's attempts (for the address, that is every username's). Here the pair has
    AXES_FAILURE_LIMIT, the address SIGN_IN_ADDRESS_FAILURE_LIMIT, and a success deletes
    the pair's attempts only. Each counted failure sets its attempt's time, and only
    attempts newer than the cool-off count, so every further failure restarts the clock.
    """

    def _recent(self, request: HttpRequest, **lookup: Any) -> QuerySet[AccessAttempt]:
        attempts = AccessAttempt.objects.filter(**lookup)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            since = (getattr(request, "axes_attempt_time", None) or timezone.now()) - cool_off
            attempts = attempts.filter(attempt_time__gte=since)
        return attempts

    def _pair(self, request: AxesHttpRequest, credentials: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "username": get_client_username(request, credentials),
            "ip_address": request.axes_ip_address,
        }

    @staticmethod
    def _count(attempts: QuerySet[AccessAttempt]) -> int:
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def get_failures(
        self, request: AxesHttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """Recent failures of this (username, address) pair, held to AXES_FAILURE_LIMIT."""
        return self._count(self._recent(request, **self._pair(request, credentials)))

    def address_failures(self, request: AxesHttpRequest) -> int:
        return self._count(self._recent(request, ip_address=request.axes_ip_address))

    def is_locked(
        self, request: AxesHttpRequest, credentials: dict[str, Any] | None = None
    ) -> bool:
        if not axes_settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return (
            self.get_failures(request, credentials) >= settings.AXES_FAILURE_LIMIT
            or self.address_failures(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        )

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: AxesHttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        # Axes records the failure and locks the pair at its limit; the address limit is ours.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def reset_user_attempts(
        self, request: AxesHttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """On a successful sign-in: forget this pair's failures, and nobody else's."""
        count, _ = AccessAttempt.objects.filter(**self._pair(request, credentials)).delete()
        return count
