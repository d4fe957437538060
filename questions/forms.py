"""Forms that parse the bank's input: the list filters and the admin's pack upload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.validators import RegexValidator
from django.forms.models import BaseInlineFormSet
from django.utils.safestring import SafeString

from intervy.html import select_options
from intervy.typing import form_field
from questions.models import RUBRIC_LEVELS, Category, Difficulty, Question, RubricAnchor
from questions.pack import PACK_MAX_BYTES, TAG_PATTERN

PACK_UPLOAD_MAX_BYTES = PACK_MAX_BYTES


class BankFilterForm(forms.Form):
    """The bank's filters, read from the query string; every field is optional.

    The one filter form of the bank: the bank page and the template builder both parse
    their filters with it and apply them with `QuestionQuerySet.filtered`, so the same
    filters find the same questions on both pages.
    """

    FIELD_NAMES = ("q", "category", "difficulty", "tag")

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
    # Any well-formed tag is accepted, not only the listed ones: the list may be a minute old.
    tag = forms.CharField(
        label="Tag",
        required=False,
        max_length=40,
        validators=[
            RegexValidator(
                rf"\A{TAG_PATTERN.pattern}\Z",
                "Not a tag: lowercase letters, digits and hyphens.",
            )
        ],
        widget=forms.Select,
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, categories: Sequence[Category], tags: Sequence[str]
    ) -> None:
        # Choices come from lists the view fetched once, so the form adds no queries.
        super().__init__(data)
        self.categories = {category.slug: category for category in categories}
        form_field(self, "category", forms.ChoiceField).choices = [
            ("", "Any category"),
            *((category.slug, category.name) for category in categories),
        ]
        tag_choices = [("", "Any tag"), *((tag, tag) for tag in tags)]
        current = self.data.get("tag", "")
        if current and current not in tags and TAG_PATTERN.fullmatch(current):
            tag_choices.append((current, current))
        self.fields["tag"].widget.choices = tag_choices

    def clean_category(self) -> Category | None:
        # Only listed slugs pass the choice check, so the lookup cannot miss.
        return self.categories.get(self.cleaned_data["category"])

    def filters(self) -> dict[str, Any]:
        """The valid filters that are set, as `QuestionQuerySet.filtered` takes them.

        An invalid filter is dropped (and reported by the form), so a stale link still
        shows the bank narrowed by what remains valid.
        """
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        found = {
            "text": data.get("q", ""),
            "category": data.get("category"),
            "difficulty": data.get("difficulty", ""),
            "tag": data.get("tag", ""),
        }
        return {name: value for name, value in found.items() if value}

    @classmethod
    def sent_filters(cls, data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        """The filters among `data` as they were sent, to carry through a form or redirect."""
        pairs = [(name, (data or {}).get(name, "")) for name in cls.FIELD_NAMES]
        return [(name, value) for name, value in pairs if value]

    @classmethod
    def querystring(cls, data: Mapping[str, Any] | None) -> str:
        return urlencode(cls.sent_filters(data))


def filter_menus(form: BankFilterForm) -> dict[str, SafeString]:
    """The <option>s of each of the form's menus, the sent value selected.

    Hand-built (`intervy.html.select_options`), where Django's Select widget would do,
    because it measured far cheaper (the README's performance table): the widget builds
    a dict and copies the attributes for each of some fifty options.
    tests/test_bank_search.py holds the result equal to the widget's own rendering.
    """
    return {
        name: select_options(form.fields[name].widget.choices, form[name].value() or "")
        for name in ("category", "difficulty", "tag")
    }


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


def _normalize_newlines(text: str) -> str:
    # Browsers post textareas with CRLF; the pack format (and git) want LF, and an
    # export must load back unchanged.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class QuestionAdminForm(forms.ModelForm):
    """The admin's question form: keeps markdown exactly as typed, tags as packs allow."""

    class Meta:
        model = Question
        fields = ["slug", *Question.CONTENT_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in Question.MARKDOWN_FIELDS:
            # Not stripped: a trailing newline is part of the text a pack round-trips.
            form_field(self, name, forms.CharField).strip = False
        self.fields[
            "tags"
        ].help_text = (
            "Comma-separated; lowercase letters, digits and hyphens (e.g. sql, race-conditions)."
        )

    def clean_prompt(self) -> str:
        prompt = _normalize_newlines(self.cleaned_data["prompt"])
        if not prompt.strip():
            raise forms.ValidationError("A question needs a prompt.")
        return prompt

    def clean_answer(self) -> str:
        return _normalize_newlines(self.cleaned_data["answer"])

    def clean_follow_up(self) -> str:
        return _normalize_newlines(self.cleaned_data["follow_up"])

    def clean_tags(self) -> list[str]:
        tags = [tag.strip().lower() for tag in self.cleaned_data["tags"] if tag.strip()]
        bad = [tag for tag in tags if not TAG_PATTERN.fullmatch(tag)]
        if bad:
            raise forms.ValidationError(
                f"Not a tag: {', '.join(bad)}. Use lowercase letters, digits and hyphens."
            )
        return list(dict.fromkeys(tags))


class RubricAnchorForm(forms.ModelForm):
    class Meta:
        model = RubricAnchor
        fields = ["level", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "text", forms.CharField).strip = False

    def clean_text(self) -> str:
        text = _normalize_newlines(self.cleaned_data["text"])
        if not text.strip():
            raise forms.ValidationError("Describe what an answer at this level sounds like.")
        return text


class RubricAnchorFormSet(BaseInlineFormSet):
    """Exactly four anchors, one for each level 1–4, each saying something different."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        anchors = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        levels = sorted(anchor["level"] for anchor in anchors if anchor.get("level"))
        if levels != list(RUBRIC_LEVELS):
            raise forms.ValidationError(
                "The rubric needs exactly one anchor for each level 1, 2, 3 and 4 "
                f"(got {', '.join(map(str, levels)) or 'none'})."
            )
        texts = [anchor["text"].strip() for anchor in anchors]
        if len(set(texts)) != len(texts):
            raise forms.ValidationError("Each level's anchor must say something different.")
