"""Admins see who signed in through the identity provider, and can unlink an identity."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sso.models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "linked_at", "last_sign_in_at"]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "linked_at", "last_sign_in_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Identities are made by signing in; deleting one unlinks it (the next sign-in
        # matches by email again).
        return False
