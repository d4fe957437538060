"""Login throttling on django-axes: who the client is, and what a locked-out client sees."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from intervy.auth import RoleAwareGetUserMixin


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
    credentials: dict | None = None,
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
