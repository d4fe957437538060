"""Forms that parse the bank's input: the list filters and the admin's pack upload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from questions.models import Category, Difficulty

PACK_UPLOAD_MAX_BYTES = 2_000_000


class BankFilterForm(forms.Form):
    """The bank page's filters, read from the query string; every field is optional."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Title, prompt, answer or tag",
                "autocomplete": "off",
            }
        ),
    )
    category = forms.ChoiceField(label="Category", required=False)
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any difficulty"), *Difficulty.choices]
    )
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, data: Any, *, categories: Sequence[Category], tags: Sequence[str]) -> None:
        # Choices come from lists the view fetched once, so the form adds no queries.
        super().__init__(data)
        self.fields["category"].choices = [
            ("", "Any category"),
            *((category.slug, category.name) for category in categories),
        ]
        self.fields["tag"].choices = [("", "Any tag"), *((tag, tag) for tag in tags)]

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one is dropped (and reported by the form)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class PackUploadForm(forms.Form):
    pack = forms.FileField(label="Pack (YAML)", help_text="A question pack, version 1.")

    def clean_pack(self) -> str:
        upload = self.cleaned_data["pack"]
        if upload.size > PACK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {PACK_UPLOAD_MAX_BYTES // 1_000_000} MB."
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text.") from exc
