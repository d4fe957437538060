"""Forms for templates, the blueprint generator and scheduling: they parse, views act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from interviews.blueprint import DIFFICULTIES, Blueprint
from interviews.models import Candidate, InterviewTemplate, Position, PositionMember, TeamRole
from intervy.roles import INTERVIEWERS
from intervy.typing import form_field
from questions.models import Category, Question

MAX_TEMPLATE_MINUTES = 240


class TemplateDetailsForm(forms.ModelForm):
    class Meta:
        model = InterviewTemplate
        fields = ["name", "description", "target_minutes", "position"]
        labels = {"target_minutes": "Target minutes"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, positions: QuerySet[Position], **kwargs: Any) -> None:
        """`positions`: those the editor is on; the template's own stays choosable too."""
        super().__init__(*args, **kwargs)
        form_field(self, "target_minutes", forms.IntegerField).min_value = 1
        form_field(self, "target_minutes", forms.IntegerField).max_value = MAX_TEMPLATE_MINUTES
        self.fields["target_minutes"].widget.attrs.update(min=1, max=MAX_TEMPLATE_MINUTES)
        current = Q(pk=self.instance.position_id) if self.instance.position_id else Q(pk__in=[])
        form_field(self, "position", forms.ModelChoiceField).queryset = Position.objects.filter(
            Q(is_open=True, pk__in=positions.values("pk")) | current
        )
        self.fields["position"].required = False


class QuestionMinutesForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=180)


class MoveQuestionForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Move up"), ("down", "Move down")])


class AddQuestionForm(forms.Form):
    # Only published questions may be added; a draft's or an unknown id is a form error.
    question = forms.ModelChoiceField(queryset=Question.objects.published())


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
        super().clean()
        data = self.cleaned_data
        shares: list[int] = [data[level] for level in DIFFICULTIES if data.get(level) is not None]
        if len(shares) == len(DIFFICULTIES) and sum(shares) != 100:
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

    def name_of_template(self) -> str:
        # Not `template_name`: on a form that is the template the form renders with.
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


def team_panel_users(positions: QuerySet[Position]) -> QuerySet:
    """Who may sit on a panel for these positions: their teams' active interviewers.

    A seat of either role (interviewer or coordinator) counts; the hiring manager sits
    on a panel only if they also hold a seat (and the Interviewers role).
    """
    seats = PositionMember.objects.panel_candidates().filter(position__in=positions)
    return (
        get_user_model()
        .objects.filter(Exists(seats.filter(user=OuterRef("pk"))))
        .order_by("username")
    )


def _display_name(user: User) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class InterviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _display_name(obj)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _display_name(obj)


class ScheduleForm(forms.Form):
    """Who, for what, with which template, when, and who interviews.

    Built for one user: it offers only the positions they may schedule for, the
    candidates they may see (`access.candidates_visible_to`), and a panel from the
    chosen position's hiring team (from all their positions' teams until one is chosen;
    the panel is then checked against that position's team, so a forged or stale choice
    is refused by name).
    """

    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.none(),
        required=False,
        label="Existing candidate",
        empty_label="— a new candidate —",
    )
    new_candidate_name = forms.CharField(
        required=False, max_length=200, label="New candidate's name"
    )
    new_candidate_email = forms.EmailField(required=False, label="New candidate's email (optional)")
    position = forms.ModelChoiceField(queryset=Position.objects.none())
    template = forms.ModelChoiceField(queryset=InterviewTemplate.objects.all())
    scheduled_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    interviewers = InterviewerChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one interviewer."},
    )

    def __init__(
        self,
        *args: Any,
        creator: Any,
        positions: QuerySet[Position],
        candidates: QuerySet[Candidate],
        chosen_position: Position | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        open_positions = positions.filter(is_open=True)
        form_field(self, "position", forms.ModelChoiceField).queryset = open_positions
        # With htmx, choosing a position swaps in its team as the panel choices.
        self.fields["position"].widget.attrs.update(
            {
                "data-hx-get": reverse("interviews:session_new"),
                "data-hx-target": "#panel",
                "data-hx-swap": "outerHTML",
                "data-hx-trigger": "change",
            }
        )
        form_field(self, "candidate", forms.ModelChoiceField).queryset = candidates
        self.chosen_position = chosen_position
        self.open_positions = open_positions
        # A sent form accepts any interviewer here, so that clean() can name whoever is
        # not on the chosen position's team; a form to fill in offers only the team.
        form_field(self, "interviewers", forms.ModelChoiceField).queryset = interviewer_users()
        if not self.is_bound:
            self.show_team_of_chosen_position()
            self.initial.setdefault(
                "scheduled_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            if chosen_position is not None:
                self.initial["position"] = chosen_position.pk
            if "interviewers" not in self.initial:
                self.initial["interviewers"] = [creator.pk]

    def show_team_of_chosen_position(self) -> None:
        """Offer as the panel the chosen position's team, or all the user's positions' teams
        until one is chosen (a sent form calls this after validating, to show itself)."""
        positions = self.open_positions
        if self.chosen_position is not None:
            positions = positions.filter(pk=self.chosen_position.pk)
        form_field(self, "interviewers", forms.ModelChoiceField).queryset = team_panel_users(
            positions
        )

    def clean_interviewers(self) -> list[Any]:
        return list(self.cleaned_data["interviewers"])

    def clean_template(self) -> InterviewTemplate:
        template = self.cleaned_data["template"]
        # A session freezes its questions when scheduled: an empty template would run nothing.
        if not template.items.exists():
            raise forms.ValidationError(
                "This template has no questions yet: add some in the builder first."
            )
        return template

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        position, panel = data.get("position"), data.get("interviewers")
        if position is not None and panel:
            team = set(
                team_panel_users(Position.objects.filter(pk=position.pk)).values_list(
                    "pk", flat=True
                )
            )
            off_team = [user for user in panel if user.pk not in team]
            if off_team:
                self.add_error(
                    "interviewers",
                    f"Not on the hiring team of {position.title}: "
                    + ", ".join(_display_name(user) for user in off_team)
                    + ". Its hiring manager adds interviewers on the position's page.",
                )
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

    def candidate_for(self, created_by: User) -> Candidate:
        """The chosen candidate, or a new one created from the typed name and email."""
        data = self.cleaned_data
        if data["candidate"]:
            return data["candidate"]
        return Candidate.objects.create(
            full_name=data["new_candidate_name"].strip(),
            email=data["new_candidate_email"],
            created_by=created_by,
        )


class TeamMemberForm(forms.Form):
    """A seat on a position's hiring team: an interviewer, and the role they take."""

    user = UserChoiceField(
        queryset=get_user_model().objects.none(),
        label="Interviewer",
        error_messages={"invalid_choice": "Choose someone who has the Interviewers role."},
    )
    role = forms.ChoiceField(choices=TeamRole.choices, initial=TeamRole.INTERVIEWER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "user", forms.ModelChoiceField).queryset = interviewer_users()


class RescheduleForm(forms.Form):
    """A new time and/or panel for a scheduled session, and why."""

    scheduled_at = forms.DateTimeField(
        label="New time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    interviewers = InterviewerChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one interviewer.",
            "invalid_choice": "Choose the panel from the position's hiring team.",
        },
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why (the panel sees the new time; the audit trail keeps the reason)",
        error_messages={"required": "Say why you are rescheduling."},
    )

    def __init__(self, *args: Any, position: Position, panel_ids: list[int], **kwargs: Any) -> None:
        """The panel is chosen from the position's hiring team, as when scheduling; who
        already sits on the panel may stay on it though they have left the team."""
        super().__init__(*args, **kwargs)
        team = team_panel_users(Position.objects.filter(pk=position.pk))
        form_field(self, "interviewers", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=team.values("pk")) | Q(pk__in=panel_ids))
            .order_by("username")
        )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is cancelled (kept in the audit trail)",
        error_messages={"required": "Say why you are cancelling."},
    )
