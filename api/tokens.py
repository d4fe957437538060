"""Issuing, checking and rate limiting personal access tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from api.models import ApiRateWindow, ApiToken, TokenScope

PREFIX = "ivy_"


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is kept


def issue_token(
    *, user: User, name: str, scope: str = TokenScope.READ, expires_at: datetime | None = None
) -> IssuedToken:
    """A new token for `user`; the returned secret is the only copy there will ever be."""
    if scope not in TokenScope.values:
        raise ValueError(f"Unknown scope {scope!r}: read or write.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        scope=scope,
        prefix=raw[: len(PREFIX) + 4],
        secret_hash=hash_secret(raw),
        expires_at=expires_at,
    )
    return IssuedToken(token=token, secret=raw)


def token_for(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret (and its user), or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user")
        .filter(secret_hash=hash_secret(raw))
        .first()
    )
    if token is None:
        return None
    # last_used_at is a hint, not a log: written at most once a minute per token.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token: ApiToken, *, now: datetime | None = None) -> None:
    """Revoke once; a revoked token stays listed with its date."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests with this token; retry in {retry_after} s.")
        self.retry_after = retry_after


def count_request(token: ApiToken, *, now: datetime | None = None) -> None:
    """Count one request in the token's current fixed window; RateLimited past the limit.

    The count lives in the database (one row per token and window, upserted atomically),
    so every gunicorn process and server behind the balancer shares it.
    """
    now = now or timezone.now()
    window = settings.API_RATE_WINDOW_SECONDS
    epoch = math.floor(now.timestamp() / window) * window
    start = datetime.fromtimestamp(epoch, tz=now.tzinfo or timezone.get_current_timezone())
    # The common case is one UPDATE of the window's row; the first request of a window
    # creates it (get_or_create settles two first requests racing on the unique key).
    windows = ApiRateWindow.objects.filter(token=token, window_start=start)
    if not windows.update(count=F("count") + 1):
        row, created = ApiRateWindow.objects.get_or_create(
            token=token, window_start=start, defaults={"count": 1}
        )
        if not created:
            windows.update(count=F("count") + 1)
    count = windows.values_list("count", flat=True).first() or 0
    if count > settings.API_RATE_LIMIT:
        retry_after = max(1, math.ceil(epoch + window - now.timestamp()))
        raise RateLimited(retry_after)


def forget_old_windows(*, now: datetime) -> int:
    """Drop windows older than a day (the sweep calls this)."""
    deleted, _ = ApiRateWindow.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return deleted
