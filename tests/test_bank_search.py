"""One bank search: the bank page and the template builder find the same questions.

Both parse their filters with `questions.forms.BankFilterForm` and apply them with
`QuestionQuerySet.filtered`; these tests read each page as a user sees it and compare
the questions listed for the same filters.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from questions.models import TAGS_CACHE_KEY, Difficulty, Question, Status
from tests.factories import make_category, make_question, make_template

pytestmark = pytest.mark.django_db

BANK_TITLE = re.compile(r'<a class="bank-title" href="[^"]*">([^<]+)</a>')
BUILDER_TITLE = re.compile(r'<span class="item-title">([^<]+)</span>')


@pytest.fixture(autouse=True)
def fresh_tag_list():
    cache.delete(TAGS_CACHE_KEY)


def titled(title: str, **fields) -> Question:
    question = make_question(**fields)
    question.title = title
    question.save()
    return question


@pytest.fixture
def bank() -> dict[str, Question]:
    databases = make_category("Databases", position=1)
    security = make_category("Security", position=2)
    return {
        "deadlocks": titled(
            "Deadlocks in PostgreSQL",
            category=databases,
            difficulty=Difficulty.HARD,
            prompt="Two transactions each wait for the other. What happens?",
            answer="The server aborts one of them; take locks in one order.",
            tags=["locks", "sql"],
        ),
        # "deadlock" only in the reference answer, "postgresql" only in the prompt.
        "mvcc": titled(
            "Readers and writers",
            category=databases,
            difficulty=Difficulty.MEDIUM,
            prompt="How does PostgreSQL let readers and writers proceed together (MVCC)?",
            answer="Row versions, so a reader never waits and no deadlock arises from reads.",
            tags=["locks", "mvcc"],
        ),
        "indexes": titled(
            "Choosing an index",
            category=databases,
            difficulty=Difficulty.EASY,
            prompt="When does a B-tree index help a query?",
            answer="Selective predicates and ordering.",
            tags=["sql"],
        ),
        "csrf": titled(
            "Cross-site request forgery",
            category=security,
            difficulty=Difficulty.MEDIUM,
            prompt="What is CSRF and how does a token stop it?",
            answer="A secret the attacker's page cannot read.",
            tags=["web"],
        ),
        "draft": titled(
            "Deadlock draft",
            category=databases,
            difficulty=Difficulty.HARD,
            status=Status.DRAFT,
            prompt="A draft about PostgreSQL deadlock detection.",
            tags=["locks"],
        ),
    }


def bank_page_titles(client, filters: dict[str, str]) -> list[str]:
    html = client.get(reverse("questions:list"), filters).content.decode()
    return BANK_TITLE.findall(html)


def builder_titles(client, template, filters: dict[str, str]) -> list[str]:
    url = reverse("interviews:template_builder", args=[template.pk])
    html = client.get(url, filters).content.decode()
    return BUILDER_TITLE.findall(html[html.index('<div id="bank-results"') :])


CASES = [
    ({}, ["deadlocks", "mvcc", "indexes", "csrf"]),
    # Every word, wherever it is: the title, the prompt or the reference answer.
    ({"q": "deadlock"}, ["deadlocks", "mvcc"]),
    ({"q": "postgresql deadlock"}, ["deadlocks", "mvcc"]),
    ({"q": "DEADLOCK PostgreSQL"}, ["deadlocks", "mvcc"]),
    ({"q": "token secret"}, ["csrf"]),
    ({"q": "take locks in one order"}, ["deadlocks"]),
    ({"q": "deadlock csrf"}, []),
    ({"q": "mvcc"}, ["mvcc"]),  # the prompt, and a tag
    ({"tag": "locks"}, ["deadlocks", "mvcc"]),
    ({"tag": "locks", "q": "writers"}, ["mvcc"]),
    ({"category": "<the security category>"}, ["csrf"]),
    ({"difficulty": "medium"}, ["mvcc", "csrf"]),
    ({"difficulty": "hard", "tag": "sql", "q": "order"}, ["deadlocks"]),
    # An invalid filter is dropped the same way on both pages.
    ({"difficulty": "impossible", "q": "index"}, ["indexes"]),
    ({"tag": "Not A Tag", "q": "index"}, ["indexes"]),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_both_pages_list_the_same_questions_for_the_same_filters(
    client_for, interviewer, bank, filters, expected
):
    if "category" in filters:
        filters = {**filters, "category": bank["csrf"].category.slug}
    template = make_template(owner=interviewer, questions=[bank["indexes"]])
    client = client_for(interviewer)
    wanted = [bank[name].title for name in expected]
    assert bank_page_titles(client, filters) == wanted
    assert builder_titles(client, template, filters) == wanted


def test_the_builder_marks_what_is_already_in_the_template_among_the_matches(
    client_for, interviewer, bank
):
    template = make_template(owner=interviewer, questions=[bank["deadlocks"]])
    url = reverse("interviews:template_builder", args=[template.pk])
    html = client_for(interviewer).get(url, {"q": "deadlock"}).content.decode()
    assert f'id="added-{bank["deadlocks"].pk}"' in html
    assert f'id="add-{bank["mvcc"].pk}"' in html
    assert bank["draft"].title not in html


def test_both_pages_offer_the_same_filter_menus(client_for, interviewer, bank):
    template = make_template(owner=interviewer, questions=[bank["indexes"]])
    client = client_for(interviewer)
    bank_html = client.get(reverse("questions:list")).content.decode()
    builder_html = client.get(
        reverse("interviews:template_builder", args=[template.pk])
    ).content.decode()
    for html in (bank_html, builder_html):
        assert '<option value="" selected>Any category</option>' in html
        assert f'<option value="{bank["csrf"].category.slug}">Security</option>' in html
        assert '<option value="hard">Hard</option>' in html
        assert '<option value="locks">locks</option>' in html
        assert "mvcc</option>" in html and ">web</option>" in html


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"category": "<the security category>", "difficulty": "hard", "tag": "locks"},
        {"tag": "brand-new-tag"},  # not in the list yet, still offered as sent
        {"difficulty": "impossible", "tag": "Not A Tag"},
    ],
)
def test_the_hand_built_menus_match_djangos_select_rendering(bank, data):
    from questions.forms import BankFilterForm, filter_menus
    from questions.models import Category, published_tags

    if data and "category" in data:
        data = {**data, "category": bank["csrf"].category.slug}
    form = BankFilterForm(data, categories=list(Category.objects.all()), tags=published_tags())
    menus = filter_menus(form)
    for name in ("category", "difficulty", "tag"):
        django_html = re.sub(r">\s+<", "><", form[name].as_widget()).strip()
        options = re.fullmatch(r"<select[^>]*>(.*)</select>", django_html)
        assert options is not None and "<option" in menus[name]
        assert menus[name] == options.group(1)
