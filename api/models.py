"""Personal access tokens, their rate-limit windows, and signed webhooks (PRODUCT F5)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime) -> ApiTokenQuerySet:
        """Not revoked, not expired, and its user still active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal access token: acts exactly as its user, within its scope.

    Only the SHA-256 of the secret is stored: the token is high-entropy (32 random
    bytes), so a slow password hash would buy nothing and cost every API request.
    The secret is shown once, when created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell it apart."
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class ApiRateWindow(models.Model):
    """Requests counted per token per fixed window, in the database so every process shares it."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window_start"], name="api_rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} @ {self.window_start:%H:%M:%S}: {self.count}"


class WebhookEvent(models.TextChoices):
    SCORECARD_SUBMITTED = "scorecard.submitted"
    PANEL_COMPLETE = "session.panel_complete"
    DECISION_RECORDED = "decision.recorded"
    SESSION_SCHEDULED = "session.scheduled"
    SESSION_RESCHEDULED = "session.rescheduled"
    SESSION_CANCELLED = "session.cancelled"


class WebhookEndpoint(models.Model):
    """A receiver an admin registered: where to post, the shared secret, which events."""

    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=200, help_text="Shared with the receiver, which checks each signature with it."
    )
    events = models.JSONField(default=list, help_text="Event names this endpoint receives.")
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events


class WebhookStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: recorded with the event, sent by the worker, retried."""

    key = models.CharField(max_length=200, help_text="Idempotency key, sent as X-Intervy-Delivery.")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key"], name="webhook_delivery_key_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
