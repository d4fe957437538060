"""The bank page: who may see it, filters, search, HTMX partial, pagination, query count."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from questions.models import TAGS_CACHE_KEY, Difficulty, Question, Status
from tests.factories import make_category, make_question
from tests.pages import assert_refused

URL = reverse("questions:list")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_tag_list():
    """The tag list is cached per process; each test starts from its own questions."""
    cache.delete(TAGS_CACHE_KEY)


def titles(response) -> list[str]:
    return [question.title for question in response.context["page"].object_list]


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_user_without_a_role(client_for, stranger):
    make_question()
    response = client_for(stranger).get(URL)
    assert response.status_code == 403
    assert b"Question 1" not in response.content


def test_it_refuses_post(client_for, interviewer):
    assert_refused(client_for(interviewer).post(URL), 405)


def test_it_lists_published_questions_only_with_category_difficulty_and_tags(
    client_for, interviewer
):
    category = make_category("Databases")
    shown = make_question(category=category, difficulty=Difficulty.HARD, tags=["sql", "locks"])
    draft = make_question(category=category, status=Status.DRAFT)
    archived = make_question(category=category, status=Status.ARCHIVED)
    response = client_for(interviewer).get(URL)
    html = response.content.decode()
    assert shown.title in html
    assert draft.title not in html and archived.title not in html
    assert "Databases" in html
    assert 'class="badge difficulty-hard">Hard<' in html
    assert '<span class="tag">sql</span>' in html and '<span class="tag">locks</span>' in html
    assert "1 question<" in html
    assert reverse("questions:detail", args=[shown.slug]) in html


def test_hiring_managers_and_admins_see_the_bank_too(client_for, manager, admin_user):
    question = make_question()
    assert question.title in client_for(manager).get(URL).content.decode()
    assert question.title in client_for(admin_user).get(URL).content.decode()


def test_it_filters_by_category_difficulty_and_tag(client_for, interviewer):
    databases, caching = make_category("Databases"), make_category("Caching")
    easy_sql = make_question(category=databases, difficulty=Difficulty.EASY, tags=["sql"])
    hard_sql = make_question(category=databases, difficulty=Difficulty.HARD, tags=["sql"])
    redis = make_question(category=caching, difficulty=Difficulty.EASY, tags=["redis"])
    client = client_for(interviewer)

    assert titles(client.get(URL, {"category": databases.slug})) == [
        easy_sql.title,
        hard_sql.title,
    ]
    assert titles(client.get(URL, {"difficulty": "easy"})) == [easy_sql.title, redis.title]
    assert titles(client.get(URL, {"tag": "redis"})) == [redis.title]
    response = client.get(URL, {"category": databases.slug, "difficulty": "hard", "tag": "sql"})
    assert titles(response) == [hard_sql.title]
    assert "1 question matches" in response.content.decode()


def test_it_searches_title_prompt_answer_and_tags(client_for, interviewer):
    by_title = make_question()
    by_title.title = "Optimistic locking"
    by_title.save()
    by_prompt = make_question(prompt="When would you shard a Postgres table?")
    by_answer = make_question(answer="Use a **bloom filter** to skip disk reads.")
    by_tag = make_question(tags=["kubernetes"])
    make_question()
    client = client_for(interviewer)
    assert titles(client.get(URL, {"q": "optimistic"})) == [by_title.title]
    assert titles(client.get(URL, {"q": "SHARD postgres"})) == [by_prompt.title]
    assert titles(client.get(URL, {"q": "bloom"})) == [by_answer.title]
    assert titles(client.get(URL, {"q": "kubernetes"})) == [by_tag.title]
    assert "No published question matches" in client.get(URL, {"q": "zebra"}).content.decode()


@pytest.mark.parametrize("term", ["'; DROP TABLE questions_question; --", "%", "_", "100%_"])
def test_it_searches_sql_metacharacters_literally(client_for, interviewer, term):
    literal = make_question(prompt=f"What does {term} do here?")
    make_question(prompt="Plain prompt with no symbols at all")
    response = client_for(interviewer).get(URL, {"q": term})
    assert titles(response) == [literal.title]
    assert Question.objects.count() == 2


def test_an_unknown_filter_value_is_reported_and_ignored(client_for, interviewer):
    question = make_question()
    response = client_for(interviewer).get(URL, {"category": "no-such", "difficulty": "trivial"})
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert titles(response) == [question.title]


def test_htmx_requests_get_only_the_results_partial(client_for, interviewer):
    question = make_question(tags=["sql"])
    response = client_for(interviewer).get(URL, {"q": "sql"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="bank-results"')
    assert question.title in html
    assert "<html" not in html and "bank-filters" not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_has_a_plain_form_and_search_as_you_type(client_for, interviewer):
    html = client_for(interviewer).get(URL).content.decode()
    assert f'method="get" action="{URL}"' in html
    assert 'data-hx-trigger="input changed delay:250ms, search"' in html
    assert 'data-hx-target="#bank-results"' in html and 'data-hx-push-url="true"' in html
    assert 'name="q"' in html and 'name="category"' in html and 'name="tag"' in html


def test_it_paginates_25_a_page_and_page_links_keep_the_filters(client_for, interviewer):
    category = make_category()
    for _ in range(30):
        make_question(category=category, difficulty=Difficulty.EASY)
    make_question(category=category, difficulty=Difficulty.HARD)
    client = client_for(interviewer)
    first = client.get(URL, {"difficulty": "easy"})
    html = first.content.decode()
    assert len(titles(first)) == 25
    assert "30 questions match" in html
    assert "Page 1 of 2" in html
    assert 'href="?difficulty=easy&amp;page=2"' in html
    second = client.get(URL, {"difficulty": "easy", "page": 2})
    assert len(titles(second)) == 5
    assert 'href="?difficulty=easy&amp;page=1"' in second.content.decode()


def test_a_page_past_the_end_shows_the_last_page_and_a_malformed_one_the_first(
    client_for, interviewer
):
    category = make_category()
    for _ in range(27):
        make_question(category=category)
    client = client_for(interviewer)
    past = client.get(URL, {"page": 9})
    assert len(titles(past)) == 2
    assert "Page 2 of 2" in past.content.decode()
    malformed = client.get(URL, {"page": "two"})
    assert len(titles(malformed)) == 25
    assert "Page 1 of 2" in malformed.content.decode()
    assert "27 questions" in malformed.content.decode()


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807", "1000001"])
def test_an_absurdly_large_page_number_shows_the_last_page(client_for, interviewer, page):
    # The offset of page 10**20 overflows PostgreSQL's bigint; it must not reach it.
    category = make_category()
    for _ in range(27):
        make_question(category=category)
    response = client_for(interviewer).get(URL, {"page": page})
    assert response.status_code == 200
    assert len(titles(response)) == 2
    assert "Page 2 of 2" in response.content.decode()


def _list_queries(client, django_assert_num_queries, count: int) -> None:
    category = make_category()
    for index in range(count):
        make_question(category=category, tags=[f"tag-{index % 7}", "shared"])
    client.get(URL)  # warm the session and the template loaders
    with django_assert_num_queries(QUERIES_PER_LIST_PAGE):
        response = client.get(URL, {"tag": "shared"})
    assert len(titles(response)) == min(count, 25)


# the web session, user with its role groups, categories, the page with its count (a
# window count); the tag list comes from the cache.
QUERIES_PER_LIST_PAGE = 4


def test_its_query_count_is_the_same_for_5_questions(
    client_for, interviewer, django_assert_num_queries
):
    _list_queries(client_for(interviewer), django_assert_num_queries, 5)


def test_its_query_count_is_the_same_for_60_questions(
    client_for, interviewer, django_assert_num_queries
):
    _list_queries(client_for(interviewer), django_assert_num_queries, 60)


def test_the_search_is_served_by_the_trigram_index(django_assert_num_queries):
    from django.db import connection

    for _ in range(3):
        make_question(answer="Two transactions wait on each other: a deadlock.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: ask what it *can* use
        plan = Question.objects.search("deadlock").order_by().values("pk").explain()
    assert "question_search_trgm" in plan
    assert Question.objects.published().search("DEADLOCK").count() == 3


def test_the_tag_menu_lists_published_tags_and_is_cached(
    client_for, interviewer, django_assert_num_queries
):
    make_question(tags=["sql", "locks"])
    make_question(tags=["drafted"], status=Status.DRAFT)
    client = client_for(interviewer)
    html = client.get(URL).content.decode()
    assert '<option value="locks">locks</option>' in html
    assert '<option value="sql">sql</option>' in html
    assert "drafted" not in html
    # A tag added within the cache's minute is not in the menu yet, but filters by URL.
    fresh = make_question(tags=["brand-new"])
    response = client.get(URL, {"tag": "brand-new"})
    assert titles(response) == [fresh.title]
    assert '<option value="brand-new" selected>brand-new</option>' in response.content.decode()


def test_a_malformed_tag_is_reported(client_for, interviewer):
    question = make_question()
    response = client_for(interviewer).get(URL, {"tag": "Not A Tag"})
    assert "Tag: Not a tag: lowercase letters, digits and hyphens." in response.content.decode()
    assert titles(response) == [question.title]
