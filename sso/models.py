"""Which account an identity provider's user is, by the provider's stable subject id."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Identity(models.Model):
    """One provider account (issuer + `sub`) linked to one Intervy user.

    The provider's subject id never changes, while the email address can: keying on it lets
    a renamed person keep their account, and their email is updated from the claims instead.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField()

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
