"""Curating the bank in the Django admin: search, filters, anchors, actions, pack upload."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Count, F, Func, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from questions.forms import (
    PackUploadForm,
    QuestionAdminForm,
    RubricAnchorForm,
    RubricAnchorFormSet,
)
from questions.models import (
    RUBRIC_LEVELS,
    Category,
    Question,
    RubricAnchor,
    Status,
    record_versions,
)
from questions.pack import PackInvalid, apply_pack, export_pack, parse_pack, plan_pack

# Uploaded packs wait in the session between preview and confirm, under a random token.
UPLOADS_SESSION_KEY = "questions_pack_uploads"
UPLOADS_KEPT = 3
# The content fields shown above the markdown, after the title and slug.
DESCRIBING_FIELDS = [
    name
    for name in Question.CONTENT_FIELDS
    if name != "title" and name not in Question.MARKDOWN_FIELDS
]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "question_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, category: Category) -> int:
        return category.question_count  # type: ignore[attr-defined]


class RubricAnchorInline(admin.TabularInline):
    model = RubricAnchor
    form = RubricAnchorForm
    formset = RubricAnchorFormSet
    extra = 0
    min_num = max_num = len(RUBRIC_LEVELS)
    can_delete = False
    verbose_name = "rubric anchor"
    verbose_name_plural = "rubric anchors (what a 1, 2, 3 and 4 answer sounds like)"

    def get_formset(
        self, request: HttpRequest, obj: Question | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[RubricAnchor, Question, Any]]:
        # Refuse a tampered POST with fewer or more than four rows, not just render four.
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)


class TagListFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tags = (
            Question.objects.annotate(
                tag=Func(F("tags"), function="unnest", output_field=CharField())
            )
            .values_list("tag", flat=True)
            .order_by("tag")
            .distinct()
        )
        return [(tag, tag) for tag in tags]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> QuerySet[Question]:
        if self.value():
            return queryset.filter(tags__contains=[self.value()])
        return queryset


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    inlines = [RubricAnchorInline]
    list_display = [
        "title",
        "category",
        "difficulty",
        "status",
        "tag_list",
        "version",
        "updated_at",
    ]
    list_filter = ["category", "difficulty", "status", TagListFilter]
    list_select_related = ["category"]
    # tags_text is the tags joined by spaces (annotated in get_queryset), so a word
    # search finds a question by its tags too.
    search_fields = ["title", "prompt", "answer", "tags_text"]
    search_help_text = "Searches title, prompt, answer and tags."
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "version", "version_history", "created_at", "updated_at"]
    fieldsets = [
        # The slug beside the title it is filled in from, then the rest of the content.
        (None, {"fields": ["title", "slug", *DESCRIBING_FIELDS]}),
        ("Markdown", {"fields": list(Question.MARKDOWN_FIELDS)}),
        ("Rendered preview", {"fields": ["preview"]}),
        ("Versions", {"fields": ["version", "version_history"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = ["publish", "archive", "duplicate", "export_yaml"]

    class Media:
        css = {"all": ["css/pygments.css", "css/bank.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).with_tags_text()  # type: ignore[attr-defined]

    def get_formset_kwargs(
        self,
        request: HttpRequest,
        obj: Question | None,
        inline: InlineModelAdmin[Any, Any],
        prefix: str,
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, RubricAnchorInline) and (obj is None or obj.pk is None):
            # A new question starts with its four levels filled in, text to write.
            kwargs["initial"] = [{"level": level} for level in RUBRIC_LEVELS]
        return kwargs

    @admin.display(description="Tags")
    def tag_list(self, question: Question) -> str:
        return ", ".join(question.tags)

    @admin.display(description="Preview")
    def preview(self, question: Question) -> SafeString:
        return render_to_string("questions/admin/preview.html", {"question": question})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            # Keep the stored wording as a version first (a question made by a bulk load
            # may have none yet), so the edit below is compared with what it replaces.
            record_versions([obj.pk])
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The anchors are saved with the inline, after the question: only now can the
        # version rule compare the prompt, answer and all four anchors with the last one.
        super().save_related(request, form, formsets, change)
        form.instance.record_version()

    @admin.display(description="Earlier and current versions")
    def version_history(self, question: Question) -> SafeString:
        """Every kept version, newest first: its number, date, prompt, answer and anchors."""
        versions = question.versions.order_by("-number") if question.pk else []
        return render_to_string(
            "questions/admin/versions.html", {"question": question, "versions": versions}
        )

    @admin.action(description="Publish selected questions")
    def publish(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        count = queryset.update(status=Status.PUBLISHED, updated_at=timezone.now())
        self.message_user(request, f"Published {count} question{'s' * (count != 1)}.")

    @admin.action(description="Archive selected questions")
    def archive(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        count = queryset.update(status=Status.ARCHIVED, updated_at=timezone.now())
        self.message_user(request, f"Archived {count} question{'s' * (count != 1)}.")

    @admin.action(description="Duplicate selected questions (as drafts)")
    def duplicate(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        with transaction.atomic():
            copies = [
                question.duplicate_as_draft()
                for question in queryset.prefetch_related("anchors").select_related("category")
            ]
        self.message_user(
            request,
            f"Created {len(copies)} draft cop{'ies' if len(copies) != 1 else 'y'}: "
            + ", ".join(copy.slug for copy in copies),
        )

    @admin.action(description="Export selected questions as YAML")
    def export_yaml(self, request: HttpRequest, queryset: QuerySet[Question]) -> HttpResponse:
        response = HttpResponse(
            export_pack(Question.objects.filter(pk__in=queryset.values("pk"))),
            content_type="application/yaml; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.yaml"'
        return response

    # --- Uploading a pack -----------------------------------------------------------

    def can_upload_pack(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_upload_pack": self.can_upload_pack(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="questions_question_upload",
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a pack, preview what it would change, then confirm to apply it.

        The uploaded text waits in the session under a random token between the two steps
        (never in a hidden field a browser could alter), and is checked again on apply.
        """
        if not self.can_upload_pack(request):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Upload a question pack",
        }
        form = PackUploadForm()
        if request.method == "POST" and "token" in request.POST:
            return self._apply_upload(request, context)
        if request.method == "POST":
            form = PackUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = request.FILES.get("pack")
                name = (upload.name if upload is not None else None) or "upload.yaml"
                text = form.cleaned_data["pack"]
                try:
                    plan = plan_pack(parse_pack(text, name))
                except PackInvalid as exc:
                    context["errors"] = exc.errors
                else:
                    context["plan"] = plan
                    context["pack_name"] = name
                    context["token"] = self._keep_upload(request, name, text)
        context["form"] = form
        return TemplateResponse(request, "admin/questions/question/upload.html", context)

    def _keep_upload(self, request: HttpRequest, name: str, text: str) -> str:
        token = secrets.token_urlsafe(16)
        uploads = dict(request.session.get(UPLOADS_SESSION_KEY, {}))
        uploads[token] = {"name": name, "text": text}
        # Keep only the latest few, so abandoned previews do not pile up in the session.
        request.session[UPLOADS_SESSION_KEY] = dict(list(uploads.items())[-UPLOADS_KEPT:])
        return token

    def _apply_upload(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        uploads = dict(request.session.get(UPLOADS_SESSION_KEY, {}))
        upload = uploads.pop(request.POST["token"], None)
        request.session[UPLOADS_SESSION_KEY] = uploads
        if upload is None:
            messages.error(
                request, "That upload has expired or was already applied. Upload it again."
            )
            return HttpResponseRedirect(reverse("admin:questions_question_upload"))
        try:
            plan = apply_pack(parse_pack(upload["text"], upload["name"]))
        except PackInvalid as exc:
            context.update(errors=exc.errors, form=PackUploadForm())
            return TemplateResponse(request, "admin/questions/question/upload.html", context)
        messages.success(request, f"Loaded {upload['name']}: {plan.summary()}.")
        return HttpResponseRedirect(reverse("admin:questions_question_changelist"))
