"""Webhook endpoints and their delivery log (admins only); tokens, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages

from api import webhooks
from api.models import ApiToken, WebhookDelivery, WebhookEndpoint, WebhookEvent
from interviews.admin import AdminsOnly


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "secret", "events", "is_active", "description"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminsOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]


@admin.action(description="Replay the selected deliveries (same key, sent again)")
def replay_deliveries(modeladmin: Any, request: Any, queryset: Any) -> None:
    count = webhooks.replay(list(queryset))
    modeladmin.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_latency_ms",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["key"]
    actions = [replay_deliveries]
    readonly_fields = [
        "key",
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_latency_ms",
        "last_error",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AdminsOnly, admin.ModelAdmin):
    """Admins see who holds which token and may revoke it; no secret is stored to show."""

    list_display = ["name", "user", "prefix", "scope", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "secret_hash",
        "created_at",
        "last_used_at",
    ]
    fields = [*readonly_fields, "expires_at", "revoked_at"]

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False
