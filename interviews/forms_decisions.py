"""The form a hiring manager records a decision with, on the candidate's loop page."""

from __future__ import annotations

from django import forms
from django.conf import settings

from interviews.models import DecisionKind


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Decision",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a decision.",
            "invalid_choice": "Choose advance, reject, offer, hired or withdrew.",
        },
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.NOTES_MAX_LENGTH,
        error_messages={"required": "Write the rationale for this decision."},
        help_text="Why, in a few sentences: what the panels found, what tipped it.",
    )
    override_reason = forms.CharField(
        label="Deciding before every scorecard is in? Say why",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=settings.NOTES_MAX_LENGTH,
        help_text="Needed only while a panel of this candidate has unsubmitted scorecards; "
        "kept with the decision and shown beside it.",
    )
