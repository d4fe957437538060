"""The question bank pages: a filterable, searchable list and one page per question."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, F, Func
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from intervy.http import HtmxHttpRequest
from intervy.roles import role_required
from questions.forms import BankFilterForm
from questions.models import Category, Question

PAGE_SIZE = 25


# The tag list changes only when the bank is curated; reading it means unnesting every
# published question's tags (about 35 ms at 3,000 questions), so each process keeps it
# for a minute. A tag missing from a stale list can still be filtered on by URL.
TAGS_CACHE_KEY = "questions:published-tags"
TAGS_CACHE_SECONDS = 60


def published_tags() -> list[str]:
    """Every tag used by a published question, sorted; cached for a minute."""
    return cache.get_or_set(TAGS_CACHE_KEY, _query_published_tags, TAGS_CACHE_SECONDS)


def _query_published_tags() -> list[str]:
    tags = (
        Question.objects.published()
        .annotate(tag=Func(F("tags"), function="unnest", output_field=CharField()))
        .values_list("tag", flat=True)
        .order_by("tag")
        .distinct()
    )
    return list(tags)


@require_GET
@role_required
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    form = BankFilterForm(request.GET, categories=categories, tags=published_tags())
    filters = form.filters()
    questions = Question.objects.published().with_category()
    if "q" in filters:
        questions = questions.search(filters["q"])
    if "category" in filters:
        questions = questions.filter(category__slug=filters["category"])
    if "difficulty" in filters:
        questions = questions.filter(difficulty=filters["difficulty"])
    if "tag" in filters:
        questions = questions.filter(tags__contains=[filters["tag"]])
    # The list shows none of the long text; fetching it would cost more than rendering.
    questions = questions.only(
        "slug", "title", "difficulty", "tags", "category__name", "category__position"
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": bool(filters)}
    template = "questions/list.html#results" if request.htmx else "questions/list.html"
    return TemplateResponse(request, template, context)


@require_GET
@role_required
def question_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.published().with_category().prefetch_related("anchors"), slug=slug
    )
    return TemplateResponse(request, "questions/detail.html", {"question": question})
