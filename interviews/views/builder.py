"""Interview templates: the list, the builder, clone, and the blueprint generator (B1–B4).

Templates are shared by every interviewer (any of them may run any template), and a
hiring manager shapes their positions' templates; so seeing and cloning need the role.
Changing one is for its owner, the hiring manager of its position, or an admin
(`access.may_edit_template`): everyone else sees it read-only with "Clone", and every
change they send is refused (403) with the same words. A template that does not exist
is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviews.access import may_edit_template, positions_visible_to
from interviews.blueprint import DIFFICULTIES, BlueprintError, coverage, propose_template
from interviews.forms import (
    AddQuestionForm,
    BlueprintForm,
    MoveQuestionForm,
    QuestionMinutesForm,
    TemplateDetailsForm,
)
from interviews.models import InterviewTemplate
from interviews.services import template_edits
from interviews.services.template_edits import TemplateEditError
from intervy.http import refuse
from intervy.roles import template_user_required
from intervy.typing import AuthenticatedHtmxRequest
from questions.forms import BankFilterForm, filter_menus
from questions.models import Category, Question, published_tags

# The builder lists at most this many bank matches; the filters narrow further.
BANK_LIMIT = 40
READ_ONLY = (
    "Only this template's owner, the hiring manager of its position or an admin may change "
    "it. Clone it to make a copy of your own."
)


def _template_for(template_id: int) -> InterviewTemplate:
    """The template (404 if there is none), with its position for `may_edit_template`."""
    return get_object_or_404(InterviewTemplate.objects.select_related("position"), pk=template_id)


def _refusal(request: AuthenticatedHtmxRequest, template: InterviewTemplate) -> HttpResponse | None:
    """403 saying READ_ONLY unless the user may change the template; None if they may."""
    if may_edit_template(request.user, template):
        return None
    return refuse(request, READ_ONLY, status=403)


@require_GET
@template_user_required
def template_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    on_its_position = positions_visible_to(request.user).filter(pk=OuterRef("position_id"))
    templates = (
        InterviewTemplate.objects.select_related("position")
        .annotate(
            # A position's title is shown only to those on it (PRODUCT F1).
            position_shown=Exists(on_its_position),
            question_count=Count("items"),
            total_minutes=Sum("items__minutes", default=0),
            category_count=Count("items__question__category", distinct=True),
            easy_count=Count("items", filter=Q(items__question__difficulty="easy")),
            medium_count=Count("items", filter=Q(items__question__difficulty="medium")),
            hard_count=Count("items", filter=Q(items__question__difficulty="hard")),
        )
        .order_by("name", "id")
    )
    return TemplateResponse(
        request,
        "interviews/template_list.html",
        {"templates": templates, "category_total": Category.objects.count()},
    )


@require_POST
@template_user_required
def template_new(request: AuthenticatedHtmxRequest) -> HttpResponse:
    template = InterviewTemplate.objects.create(
        name="Untitled template", target_minutes=30, created_by=request.user
    )
    messages.success(request, "New template created: give it a name and add questions.")
    return redirect("interviews:template_builder", template.pk)


def _builder_context(
    user: User,
    template: InterviewTemplate,
    filter_data: Mapping[str, Any] | None,
    *,
    details_form: TemplateDetailsForm | None = None,
    error: str = "",
    minutes_errors: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The builder page's data; `filter_data` holds the bank filters as sent (or None)."""
    items = list(template.items.select_related("question__category").order_by("order"))
    categories = list(Category.objects.all())
    added = {item.question_id for item in items}
    may_edit = may_edit_template(user, template)
    # A read-only builder offers nothing to add, so it does not search the bank.
    filters = BankFilterForm(
        filter_data, categories=categories, tags=published_tags() if may_edit else ()
    )
    matches = (
        list(
            Question.objects.published()
            .with_category()
            .filtered(**filters.filters())
            .order_by("category__position", "id")[: BANK_LIMIT + 1]
        )
        if may_edit
        else []
    )
    total_minutes = sum(item.minutes for item in items)
    # The position's title only for those on it; an editor always chose it or manages it.
    position_shown = may_edit or (
        template.position_id is not None
        and positions_visible_to(user).filter(pk=template.position_id).exists()
    )
    return {
        "position_shown": position_shown,
        "template": template,
        "items": items,
        "may_edit": may_edit,
        "read_only_reason": READ_ONLY,
        "details_form": details_form
        or TemplateDetailsForm(instance=template, positions=positions_visible_to(user)),
        "filters": filters,
        "menus": filter_menus(filters),
        "filter_pairs": BankFilterForm.sent_filters(filter_data),
        "bank": [(question, question.pk in added) for question in matches[:BANK_LIMIT]],
        "bank_truncated": len(matches) > BANK_LIMIT,
        "total_minutes": total_minutes,
        "minutes_over": max(0, total_minutes - template.target_minutes),
        "minutes_under": max(0, template.target_minutes - total_minutes),
        "coverage": coverage(
            [(category.slug, category.name) for category in categories],
            [(item.question.category.slug, item.question.difficulty) for item in items],
        ),
        "difficulties": DIFFICULTIES,
        "error": error,
        "minutes_errors": minutes_errors or {},
    }


@require_GET
@template_user_required
def template_builder(request: AuthenticatedHtmxRequest, template_id: int) -> HttpResponse:
    template = _template_for(template_id)
    context = _builder_context(request.user, template, request.GET)
    if request.htmx and request.htmx.target == "bank-results":
        return TemplateResponse(request, "interviews/template_builder.html#bank", context)
    return TemplateResponse(request, "interviews/template_builder.html", context)


def _after_change(
    request: AuthenticatedHtmxRequest,
    template: InterviewTemplate,
    *,
    error: str = "",
    minutes_errors: dict[int, str] | None = None,
) -> HttpResponse:
    """HTMX: the fresh question list (and bank marks); otherwise back to the builder."""
    if request.htmx:
        template.refresh_from_db()
        context = _builder_context(
            request.user, template, request.POST, error=error, minutes_errors=minutes_errors
        )
        return TemplateResponse(request, "interviews/template_builder.html#changed", context)
    if error:
        messages.error(request, error)
    url = reverse("interviews:template_builder", args=[template.pk])
    query = BankFilterForm.querystring(request.POST)
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@template_user_required
def template_details(request: AuthenticatedHtmxRequest, template_id: int) -> HttpResponse:
    template = _template_for(template_id)
    if refused := _refusal(request, template):
        return refused
    form = TemplateDetailsForm(
        request.POST, instance=template, positions=positions_visible_to(request.user)
    )
    if not form.is_valid():
        template.refresh_from_db()
        context = _builder_context(request.user, template, None, details_form=form)
        return TemplateResponse(request, "interviews/template_builder.html", context, status=400)
    form.save()
    messages.success(request, "Template details saved.")
    return redirect("interviews:template_builder", template.pk)


@require_POST
@template_user_required
def template_add_question(request: AuthenticatedHtmxRequest, template_id: int) -> HttpResponse:
    template = _template_for(template_id)
    if refused := _refusal(request, template):
        return refused
    form = AddQuestionForm(request.POST)
    if not form.is_valid():
        return _after_change(request, template, error="That question is not in the published bank.")
    try:
        template_edits.add_question(template=template, question=form.cleaned_data["question"])
    except TemplateEditError as exc:
        return _after_change(request, template, error=str(exc))
    return _after_change(request, template)


@require_POST
@template_user_required
def template_remove_question(
    request: AuthenticatedHtmxRequest, template_id: int, item_id: int
) -> HttpResponse:
    template = _template_for(template_id)
    if refused := _refusal(request, template):
        return refused
    try:
        template_edits.remove_question(template=template, item_id=item_id)
    except TemplateEditError as exc:
        return _after_change(request, template, error=str(exc))
    return _after_change(request, template)


@require_POST
@template_user_required
def template_move_question(
    request: AuthenticatedHtmxRequest, template_id: int, item_id: int
) -> HttpResponse:
    template = _template_for(template_id)
    if refused := _refusal(request, template):
        return refused
    form = MoveQuestionForm(request.POST)
    if not form.is_valid():
        return _after_change(request, template, error="A question moves up or down.")
    try:
        template_edits.move_question(
            template=template, item_id=item_id, direction=form.cleaned_data["direction"]
        )
    except TemplateEditError as exc:
        return _after_change(request, template, error=str(exc))
    return _after_change(request, template)


@require_POST
@template_user_required
def template_question_minutes(
    request: AuthenticatedHtmxRequest, template_id: int, item_id: int
) -> HttpResponse:
    template = _template_for(template_id)
    if refused := _refusal(request, template):
        return refused
    form = QuestionMinutesForm(request.POST)
    if not form.is_valid():
        message = "Minutes must be a whole number from 1 to 180."
        return _after_change(request, template, error=message, minutes_errors={item_id: message})
    try:
        template_edits.set_minutes(
            template=template, item_id=item_id, minutes=form.cleaned_data["minutes"]
        )
    except TemplateEditError as exc:
        return _after_change(request, template, error=str(exc))
    return _after_change(request, template)


@require_POST
@template_user_required
def template_clone(request: AuthenticatedHtmxRequest, template_id: int) -> HttpResponse:
    template = _template_for(template_id)
    copy = template_edits.clone_template(template=template, by=request.user)
    messages.success(request, f"Cloned “{template.name}”: this is the copy.")
    return redirect("interviews:template_builder", copy.pk)


@require_http_methods(["GET", "POST"])
@template_user_required
def template_generate(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """GET shows the form and, once filled in, the proposal; POST creates the template.

    The proposal is deterministic, so the POST recomputes exactly what the GET showed.
    """
    data = request.POST if request.method == "POST" else request.GET
    form = BlueprintForm(data) if "minutes" in data else BlueprintForm()
    proposal = None
    proposal_coverage = None
    if form.is_bound and form.is_valid():
        try:
            proposal = propose_template(template_edits.published_bank(), form.blueprint())
        except BlueprintError as exc:
            form.add_error(None, str(exc))
    if proposal is not None and request.method == "POST":
        template = template_edits.create_from_proposal(
            proposal=proposal, name=form.name_of_template(), by=request.user
        )
        messages.success(request, f"Created “{template.name}” from the blueprint: edit it here.")
        return redirect("interviews:template_builder", template.pk)
    if proposal is not None:
        chosen = set(form.blueprint().categories)
        proposal_coverage = coverage(
            [(c.slug, c.name) for c in Category.objects.filter(slug__in=chosen)],
            [(item.question.category, item.question.difficulty) for item in proposal.questions],
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return TemplateResponse(
        request,
        "interviews/template_generate.html",
        {
            "form": form,
            "proposal": proposal,
            "coverage": proposal_coverage,
            "difficulties": DIFFICULTIES,
        },
        status=status,
    )
