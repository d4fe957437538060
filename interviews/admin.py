"""Admin for the interviews app: positions, candidates, templates; sessions read-mostly.

Sessions, scorecards and scores change only through the app's own doors (the runner,
the scorecard services), so the admin shows them and lets an admin fix the schedule.

Every page here is for admins (intervy.roles.is_admin) only, whatever permissions a
staff user was granted: a curator edits the question bank and reads nothing of
candidates, sessions or scorecards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, F, QuerySet, Sum
from django.http import HttpRequest

from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    PositionMember,
    TemplateQuestion,
)
from intervy.roles import is_admin


class AdminsOnly:
    """For admins only, as a ModelAdmin or inline: permissions granted to others do not count."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin(request.user) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class PositionMemberInline(AdminsOnly, admin.TabularInline):
    model = PositionMember
    fk_name = "position"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Position)
class PositionAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = ["title", "hiring_manager", "is_open", "created_at"]
    list_filter = ["is_open"]
    search_fields = ["title", "hiring_manager__username"]
    list_select_related = ["hiring_manager"]
    autocomplete_fields = ["hiring_manager"]
    inlines = [PositionMemberInline]


@admin.register(Candidate)
class CandidateAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = ["full_name", "email", "created_at"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["created_by", "created_at"]


class TemplateQuestionInline(AdminsOnly, admin.TabularInline):
    model = TemplateQuestion
    extra = 0
    ordering = ["order"]
    raw_id_fields = ["question"]


@admin.register(InterviewTemplate)
class InterviewTemplateAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "position",
        "question_count",
        "total_minutes",
        "target_minutes",
        "version",
    ]
    search_fields = ["name", "description"]
    list_select_related = ["position"]
    readonly_fields = ["version", "cloned_from", "created_by", "created_at", "updated_at"]
    inlines = [TemplateQuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InterviewTemplate]:
        return (
            super()
            .get_queryset(request)
            .annotate(question_total=Count("items"), minutes_total=Sum("items__minutes", default=0))
        )

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, template: Any) -> int:
        return template.question_total

    @admin.display(description="Total minutes", ordering="minutes_total")
    def total_minutes(self, template: Any) -> int:
        return template.minutes_total

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Questions edited here are a change to the template like any other: bump the version.
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            InterviewTemplate.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


@admin.register(InterviewSession)
class InterviewSessionAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = ["candidate", "position", "template_name", "scheduled_at", "state"]
    list_filter = ["state"]
    search_fields = ["candidate__full_name", "position__title", "template_name"]
    list_select_related = ["candidate", "position"]
    date_hierarchy = "scheduled_at"
    # Only the time can be moved here; what ran and who scored live in the app.
    readonly_fields = [
        "candidate",
        "position",
        "template",
        "template_name",
        "template_version",
        "state",
        "started_at",
        "completed_at",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
