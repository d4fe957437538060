"""The token settings page's form."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from api.models import TokenScope

EXPIRIES = [("30", "30 days"), ("90", "90 days"), ("365", "A year"), ("never", "Never")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “ATS sync”.")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)
    expires = forms.ChoiceField(choices=EXPIRIES, initial="90", label="Expires")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def expires_at(self) -> datetime | None:
        choice = self.cleaned_data["expires"]
        return None if choice == "never" else timezone.now() + timedelta(days=int(choice))
