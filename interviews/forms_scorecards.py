"""Forms that parse what an interviewer writes on a scorecard, and the comparison query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings

from interviews.models import (
    SCORE_TEXTS,
    AmendableField,
    QuestionRecord,
    Recommendation,
    in_words,
)
from intervy.typing import form_field

SAVE_DRAFT = "draft"
SUBMIT = "submit"
MIN_COMPARED = 2
MAX_COMPARED = 6


class ScorecardForm(forms.Form):
    """The recommendation and summary; both are required only when submitting."""

    recommendation = forms.ChoiceField(
        label="Overall recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": f"Choose {in_words(Recommendation.labels)} — there is no neutral."
        },
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=settings.NOTES_MAX_LENGTH,
        help_text="What the evidence says, in your own words. Required to submit.",
    )
    action = forms.ChoiceField(
        choices=[(SAVE_DRAFT, "Save draft"), (SUBMIT, "Submit")],
        initial=SAVE_DRAFT,
        widget=forms.HiddenInput,
    )

    @property
    def submitting(self) -> bool:
        return self.is_bound and self.data.get("action") == SUBMIT

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == SUBMIT:
            if not cleaned.get("recommendation") and "recommendation" not in self.errors:
                self.add_error("recommendation", "Choose an overall recommendation to submit.")
            if not cleaned.get("summary") and "summary" not in self.errors:
                self.add_error("summary", "Write a summary to submit.")
        return cleaned


def amendment_targets(records: Sequence[QuestionRecord]) -> list[tuple[str, str]]:
    """What may be amended: each question's score and notes, the recommendation, the summary."""
    targets = [(AmendableField.RECOMMENDATION.value, "Overall recommendation")]
    targets.append((AmendableField.SUMMARY.value, "Summary"))
    for record in records:
        question = record.session_question
        targets.append((f"score:{record.pk}", f"Q{question.order} score — {question.title}"))
        targets.append((f"notes:{record.pk}", f"Q{question.order} notes — {question.title}"))
    return targets


class AmendmentForm(forms.Form):
    """One change to a submitted scorecard: what, the new value, and why."""

    target = forms.ChoiceField(label="What to change")
    new_value = forms.CharField(
        label="New value",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=settings.NOTES_MAX_LENGTH,
        strip=False,
        help_text=f"A score is {in_words([*SCORE_TEXTS[:-1], f'“{SCORE_TEXTS[-1]}”'])}; "
        f"a recommendation is {in_words(Recommendation.values)}.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Say why you are changing a submitted scorecard."},
    )

    def __init__(self, *args: Any, records: Sequence[QuestionRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {record.pk: record for record in records}
        form_field(self, "target", forms.ChoiceField).choices = amendment_targets(records)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        target = cleaned.get("target")
        if not target:
            return cleaned
        field, _, record_id = target.partition(":")
        cleaned["field"] = field
        cleaned["record"] = self.records.get(int(record_id)) if record_id else None
        value = cleaned.get("new_value", "")
        if field == AmendableField.SCORE:
            value = value.strip().lower().replace("_", " ")
            if value not in SCORE_TEXTS:
                self.add_error("new_value", f"A score is {in_words(list(SCORE_TEXTS))}.")
        elif field == AmendableField.RECOMMENDATION:
            value = value.strip().lower().replace(" ", "_")
            if value not in Recommendation.values:
                self.add_error(
                    "new_value", f"A recommendation is {in_words(Recommendation.values)}."
                )
        elif field == AmendableField.SUMMARY and not value.strip():
            self.add_error("new_value", "A submitted scorecard keeps a summary.")
        cleaned["new_value"] = value
        return cleaned


class CompareForm(forms.Form):
    """Which candidates of a position to put side by side: 2 to 6 of its own."""

    candidate = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={
            "invalid_choice": "Candidate %(value)s is not interviewing for this position.",
            "required": f"Choose {MIN_COMPARED} to {MAX_COMPARED} candidates to compare.",
        },
    )

    def __init__(self, *args: Any, candidates: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "candidate", forms.ChoiceField).choices = [
            (str(pk), name) for pk, name in candidates
        ]

    def clean_candidate(self) -> list[int]:
        chosen = list(dict.fromkeys(self.cleaned_data["candidate"]))
        if not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
            raise forms.ValidationError(
                f"Choose {MIN_COMPARED} to {MAX_COMPARED} candidates to compare "
                f"(you chose {len(chosen)})."
            )
        return chosen
