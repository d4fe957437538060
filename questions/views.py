"""The question bank pages: a filterable, searchable list and one page per question."""

from __future__ import annotations

import math
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from intervy.http import HtmxHttpRequest
from intervy.roles import bank_reader_required
from questions.forms import BankFilterForm, filter_menus
from questions.markdown import render_inline_markdown
from questions.models import Category, Difficulty, Question, published_tags

PAGE_SIZE = 25
# A page number beyond this is past the end of any bank; without a bound a number like
# 10**20 overflows the database's 64-bit OFFSET.
MAX_PAGE_NUMBER = 1_000_000


class BankRow(NamedTuple):
    """One line of the bank list: only what the page shows."""

    slug: str
    title: str
    category: str
    difficulty: str
    difficulty_label: str
    tags: list[str]


DIFFICULTY_LABELS = dict(Difficulty.choices)


def bank_page(
    questions: QuerySet[Question],
    requested: str | None,
    *,
    category_names: dict[int, str],
) -> Page:
    """The requested page of the bank as BankRows, counted and fetched in one query.

    A window count rides on the page query, so the total costs no second round trip; a
    page past the end shows the last page, as Paginator.get_page does, and a malformed
    or non-positive one the first.
    Rows are tuples, not models: building 25 models with their categories cost more
    than the query, and the category names come from the list the filter form needs.
    """
    try:
        number = min(max(int(requested or 1), 1), MAX_PAGE_NUMBER)
    except ValueError:
        number = 1
    page_rows = questions.annotate(total=Window(Count("*"))).values_list(
        "slug", "title", "category_id", "difficulty", "tags", "total"
    )
    offset = (number - 1) * PAGE_SIZE
    rows = list(page_rows[offset : offset + PAGE_SIZE])
    if not rows and number > 1:
        number = max(math.ceil(questions.count() / PAGE_SIZE), 1)
        offset = (number - 1) * PAGE_SIZE
        rows = list(page_rows[offset : offset + PAGE_SIZE])
    paginator = Paginator(questions, PAGE_SIZE)
    paginator.count = rows[0][-1] if rows else 0
    object_list = [
        BankRow(
            slug,
            title,
            category_names.get(category_id, ""),  # a category newer than the list
            difficulty,
            DIFFICULTY_LABELS[difficulty],
            tags,
        )
        for slug, title, category_id, difficulty, tags, _total in rows
    ]
    return Page(object_list, number, paginator)


@require_GET
@bank_reader_required
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    form = BankFilterForm(request.GET, categories=categories, tags=published_tags())
    filters = form.filters()
    page = bank_page(
        Question.objects.published().filtered(**filters),
        request.GET.get("page"),
        category_names={category.pk: category.name for category in categories},
    )
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "bank_url": reverse("questions:list"),
    }
    if request.htmx:
        template = "questions/list.html#results"
    else:
        template = "questions/list.html"
        context["menus"] = filter_menus(form)
    return TemplateResponse(request, template, context)


@require_GET
@bank_reader_required
def question_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # The page shows the rendered HTML, not the markdown it came from.
    question = get_object_or_404(
        Question.objects.published()
        .with_category()
        .defer("prompt", "answer", "follow_up", "search_text"),
        slug=slug,
    )
    # Two columns of four rows: cheaper read as tuples than through prefetch_related.
    anchors = [
        (level, render_inline_markdown(text))
        for level, text in question.anchors.order_by("level").values_list("level", "text")
    ]
    bank_url = reverse("questions:list")
    context = {"question": question, "anchors": anchors, "bank_url": bank_url}
    return TemplateResponse(request, "questions/detail.html", context)
