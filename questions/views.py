"""The question bank pages: a filterable, searchable list and one page per question."""

from __future__ import annotations

import math
from html import escape
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, Func, QuerySet, Window
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from intervy.http import HtmxHttpRequest
from intervy.roles import bank_reader_required
from questions.forms import BankFilterForm
from questions.markdown import render_inline_markdown
from questions.models import Category, Difficulty, Question

PAGE_SIZE = 25
# A page number beyond this is past the end of any bank; without a bound a number like
# 10**20 overflows the database's 64-bit OFFSET.
MAX_PAGE_NUMBER = 1_000_000


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


class BankRow(NamedTuple):
    """One line of the bank list: only what the page shows, with its link already built."""

    url: str
    slug: str
    title: str
    category: str
    difficulty: str
    difficulty_label: str
    tags: list[str]
    # The tag chips, escaped and joined here: a loop per row was a third of the list's
    # rendering time.
    tags_html: SafeString


DIFFICULTY_LABELS = dict(Difficulty.choices)


def filter_options(form: BankFilterForm) -> dict[str, SafeString]:
    """The <option>s of each filter select, the current value selected.

    Written here rather than by a loop in the template: with some forty tags, the
    template's per-option loop and comparison were a fifth of the page's time.
    """
    choices = {
        "category": form.fields["category"].choices,
        "difficulty": form.fields["difficulty"].choices,
        "tag": form.fields["tag"].widget.choices,
    }
    options = {}
    for name, pairs in choices.items():
        current = form[name].value()
        # html.escape is what django.utils.html.escape does, without its lazy-string
        # wrapper; format_html per option was most of this function's cost.
        options[name] = mark_safe(  # noqa: S308 — every value and label is escaped
            "".join(
                f'<option value="{escape(str(value))}"'
                f"{' selected' if value == current else ''}>{escape(str(label))}</option>"
                for value, label in pairs
            )
        )
    return options


def bank_page(
    questions: QuerySet[Question],
    requested: str | None,
    *,
    base_url: str,
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
            f"{base_url}{slug}/",
            slug,
            title,
            category_names.get(category_id, ""),  # a category newer than the list
            difficulty,
            DIFFICULTY_LABELS[difficulty],
            tags,
            mark_safe(  # noqa: S308 — every tag is escaped
                "".join(f'<span class="tag">{escape(tag)}</span>' for tag in tags)
            ),
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
    questions = Question.objects.published()
    if "q" in filters:
        questions = questions.search(filters["q"])
    if "category" in filters:
        # The form accepted only listed slugs; filtering by id spares a join.
        slugs = {category.slug: category.pk for category in categories}
        questions = questions.filter(category_id=slugs[filters["category"]])
    if "difficulty" in filters:
        questions = questions.filter(difficulty=filters["difficulty"])
    if "tag" in filters:
        questions = questions.filter(tags__contains=[filters["tag"]])
    bank_url = reverse("questions:list")
    page = bank_page(
        questions,
        request.GET.get("page"),
        base_url=bank_url,
        category_names={category.pk: category.name for category in categories},
    )
    context = {"form": form, "page": page, "filtered": bool(filters), "bank_url": bank_url}
    if request.htmx:
        template = "questions/list.html#results"
    else:
        template = "questions/list.html"
        context["options"] = filter_options(form)
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
