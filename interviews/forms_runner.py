"""Parsing what the runner posts: a score, notes with their base revision, an ad-hoc question."""

from __future__ import annotations

from django import forms
from django.conf import settings

NOT_ASSESSED = "na"


class ScoreForm(forms.Form):
    """A score of 1–4, or "na" for not assessed (kept apart from a low score)."""

    score = forms.ChoiceField(
        choices=[("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), (NOT_ASSESSED, "Not assessed")],
        error_messages={
            "required": "Choose a score from 1 to 4, or “Not assessed”.",
            "invalid_choice": "“%(value)s” is not a score: choose 1, 2, 3, 4 or “Not assessed”.",
        },
    )

    def score_value(self) -> int | None:
        """The score to store: 1–4, or None for not assessed."""
        value = self.cleaned_data["score"]
        return None if value == NOT_ASSESSED else int(value)


class NotesForm(forms.Form):
    """The notes text and the stored revision it was edited from (the server numbers saves)."""

    notes = forms.CharField(
        required=False,
        strip=False,
        max_length=settings.NOTES_MAX_LENGTH,
        error_messages={
            "max_length": (
                f"Notes are limited to {settings.NOTES_MAX_LENGTH:,} characters; "
                "this text was not saved."
            )
        },
    )
    base_revision = forms.IntegerField(
        min_value=0,
        max_value=2_000_000_000,
        error_messages={
            "required": "The notes were sent without the revision they were edited from; "
            "nothing was saved.",
            "invalid": "The notes' revision is not a number; nothing was saved.",
            "min_value": "The notes' revision cannot be negative; nothing was saved.",
            "max_value": "The notes' revision is too large; nothing was saved.",
        },
    )

    def is_too_long(self) -> bool:
        return any(error.code == "max_length" for error in self.errors.as_data().get("notes", []))


class AdHocQuestionForm(forms.Form):
    """A question asked on the spot; optionally kept in the bank as a draft."""

    title = forms.CharField(max_length=200)
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)
    minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=180,
        help_text="Optional; 5 if left empty.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    save_to_bank = forms.BooleanField(required=False, label="Save to the bank as a draft")

    DEFAULT_MINUTES = 5

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def minutes_or_default(self) -> int:
        return self.cleaned_data.get("minutes") or self.DEFAULT_MINUTES
