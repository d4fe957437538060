"""Forms for templates, the blueprint generator and scheduling: they parse, views act."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from interviews.blueprint import DIFFICULTIES, Blueprint
from interviews.models import Candidate, InterviewTemplate, Position
from intervy.roles import INTERVIEWERS
from questions.models import Category, Difficulty, Question

MAX_TEMPLATE_MINUTES = 240


class TemplateDetailsForm(forms.ModelForm):
    class Meta:
        model = InterviewTemplate
        fields = ["name", "description", "target_minutes", "position"]
        labels = {"target_minutes": "Target minutes"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_minutes"].min_value = 1
        self.fields["target_minutes"].max_value = MAX_TEMPLATE_MINUTES
        self.fields["target_minutes"].widget.attrs.update(min=1, max=MAX_TEMPLATE_MINUTES)
        self.fields["position"].queryset = Position.objects.filter(is_open=True)
        self.fields["position"].required = False


class QuestionMinutesForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=180)


class MoveQuestionForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Move up"), ("down", "Move down")])


class AddQuestionForm(forms.Form):
    # Only published questions may be added; a draft's or an unknown id is a form error.
    question = forms.ModelChoiceField(queryset=Question.objects.published())


class BankFilterForm(forms.Form):
    """The bank's filters, as on the bank page: category, difficulty, tag and search."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False, empty_label="Any"
    )
    difficulty = forms.ChoiceField(choices=[("", "Any"), *Difficulty.choices], required=False)
    tag = forms.CharField(required=False, max_length=40)

    def filter(self, questions: QuerySet[Question]) -> QuerySet[Question]:
        """Narrow published questions by whichever filters are valid and set."""
        if not self.is_valid():
            return questions
        data = self.cleaned_data
        if data["category"]:
            questions = questions.filter(category=data["category"])
        if data["difficulty"]:
            questions = questions.filter(difficulty=data["difficulty"])
        if data["tag"]:
            questions = questions.filter(tags__contains=[data["tag"].strip().lower()])
        if data["q"]:
            term = data["q"].strip()
            questions = questions.filter(
                Q(title__icontains=term) | Q(prompt__icontains=term) | Q(tags__icontains=term)
            )
        return questions

    def querystring(self) -> str:
        """The filters as they were sent, to carry through a redirect."""
        if not self.is_bound:
            return ""
        pairs = [(key, self.data.get(key, "")) for key in ("q", "category", "difficulty", "tag")]
        return urlencode([(key, value) for key, value in pairs if value])


class BlueprintForm(forms.Form):
    """Length, categories and difficulty mix; the percentages must sum to 100."""

    minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=MAX_TEMPLATE_MINUTES, initial=60
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label="Categories to cover",
    )
    easy = forms.IntegerField(label="Easy %", min_value=0, max_value=100, initial=30)
    medium = forms.IntegerField(label="Medium %", min_value=0, max_value=100, initial=50)
    hard = forms.IntegerField(label="Hard %", min_value=0, max_value=100, initial=20)
    name = forms.CharField(required=False, max_length=200, label="Name (optional)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        shares = [data.get(level) for level in DIFFICULTIES]
        if all(share is not None for share in shares) and sum(shares) != 100:
            raise forms.ValidationError(
                f"The difficulty mix must sum to 100% (it sums to {sum(shares)}%)."
            )
        return data

    def blueprint(self) -> Blueprint:
        data = self.cleaned_data
        # Visit categories in the bank's own order, whatever order the browser sent them in.
        chosen = sorted(data["categories"], key=lambda category: (category.position, category.name))
        return Blueprint(
            minutes=data["minutes"],
            categories=tuple(category.slug for category in chosen),
            mix={level: data[level] for level in DIFFICULTIES},
        )

    def template_name(self) -> str:
        return (
            self.cleaned_data["name"].strip() or f"Blueprint — {self.cleaned_data['minutes']} min"
        )


def interviewer_users() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=INTERVIEWERS, is_active=True)
        .order_by("username")
        .distinct()
    )


class InterviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class ScheduleForm(forms.Form):
    """Who, for what, with which template, when, and who interviews."""

    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.all(),
        required=False,
        label="Existing candidate",
        empty_label="— a new candidate —",
    )
    new_candidate_name = forms.CharField(
        required=False, max_length=200, label="New candidate's name"
    )
    new_candidate_email = forms.EmailField(required=False, label="New candidate's email (optional)")
    position = forms.ModelChoiceField(queryset=Position.objects.filter(is_open=True))
    template = forms.ModelChoiceField(queryset=InterviewTemplate.objects.all())
    scheduled_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    interviewers = InterviewerChoiceField(
        queryset=interviewer_users(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one interviewer."},
    )

    def __init__(self, *args: Any, creator: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = interviewer_users()
        if not self.is_bound:
            self.initial.setdefault(
                "scheduled_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            if creator is not None:
                self.initial.setdefault("interviewers", [creator.pk])

    def clean_template(self) -> InterviewTemplate:
        template = self.cleaned_data["template"]
        # A session freezes its questions when scheduled: an empty template would run nothing.
        if not template.items.exists():
            raise forms.ValidationError(
                "This template has no questions yet: add some in the builder first."
            )
        return template

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        existing = data.get("candidate")
        name = (data.get("new_candidate_name") or "").strip()
        if existing and name:
            self.add_error(
                "new_candidate_name",
                "Choose an existing candidate or type a new name, not both.",
            )
        elif not existing and not name and "candidate" not in self.errors:
            self.add_error(
                "new_candidate_name", "Choose a candidate or type a new candidate's name."
            )
        return data

    def candidate_for(self, created_by: Any) -> Candidate:
        """The chosen candidate, or a new one created from the typed name and email."""
        data = self.cleaned_data
        if data["candidate"]:
            return data["candidate"]
        return Candidate.objects.create(
            full_name=data["new_candidate_name"].strip(),
            email=data["new_candidate_email"],
            created_by=created_by,
        )


class RescheduleForm(forms.Form):
    """A new time and/or panel for a scheduled session, and why."""

    scheduled_at = forms.DateTimeField(
        label="New time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    interviewers = InterviewerChoiceField(
        queryset=interviewer_users(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one interviewer."},
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why (the panel sees the new time; the audit trail keeps the reason)",
        error_messages={"required": "Say why you are rescheduling."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = interviewer_users()


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is cancelled (kept in the audit trail)",
        error_messages={"required": "Say why you are cancelling."},
    )
