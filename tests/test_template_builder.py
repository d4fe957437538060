"""The template list and builder: add, remove, reorder, minutes, coverage, clone (B1–B4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.models import InterviewTemplate, SessionQuestion, TemplateQuestion
from questions.models import Difficulty, Status, published_tags
from tests.factories import (
    make_category,
    make_position,
    make_question,
    make_session,
    make_template,
    seat,
)
from tests.htmx import wait_until_settled
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def builder_url(template: InterviewTemplate) -> str:
    return reverse("interviews:template_builder", args=[template.pk])


def item_url(name: str, template: InterviewTemplate, item: TemplateQuestion) -> str:
    return reverse(f"interviews:{name}", args=[template.pk, item.pk])


def titles(template: InterviewTemplate) -> list[str]:
    return list(template.items.order_by("order").values_list("question__title", flat=True))


def test_the_list_shows_count_minutes_against_target_and_coverage(client_for, interviewer):
    template = make_template(count=3, minutes=7, name="Quick screen")
    template.target_minutes = 20
    template.save()
    page = client_for(interviewer).get(reverse("interviews:template_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quick screen" in html
    assert "21 of 20 min" in html
    assert "over" in html
    assert "1 of 1 categories" in html
    assert "0 easy, 3 medium, 0 hard" in html
    assert "Generate from blueprint" in html
    assert "Clone" in html


def test_the_builder_shows_questions_in_order_with_the_budget(client_for, interviewer):
    template = make_template(owner=interviewer, count=3, minutes=10)
    template.target_minutes = 25
    template.save()
    page = client_for(interviewer).get(builder_url(template))
    html = page.content.decode()
    first, second, third = titles(template)
    assert html.index(first) < html.index(second) < html.index(third)
    assert "30 min" in html
    assert "5 min over budget" in html


def test_the_builder_shows_under_budget(client_for, interviewer):
    template = make_template(owner=interviewer, count=2, minutes=5)
    template.target_minutes = 30
    template.save()
    html = client_for(interviewer).get(builder_url(template)).content.decode()
    assert "20 min under budget" in html


def test_the_coverage_meter_counts_and_flags_empty_categories(client_for, interviewer):
    databases = make_category("Databases", position=1)
    make_category("Security", position=2)
    questions = [
        make_question(category=databases, difficulty=Difficulty.EASY),
        make_question(category=databases, difficulty=Difficulty.HARD),
    ]
    template = make_template(owner=interviewer, questions=questions)
    html = client_for(interviewer).get(builder_url(template)).content.decode()
    assert '<table class="coverage"' in html
    assert "No questions yet in: Security." in html
    assert 'Security <span class="gap">(empty)</span>' in html


def test_the_bank_lists_only_published_questions_and_marks_added_ones(client_for, interviewer):
    category = make_category("Caching")
    in_template = make_question(category=category)
    available = make_question(category=category)
    draft = make_question(category=category, status=Status.DRAFT)
    template = make_template(owner=interviewer, questions=[in_template])
    html = client_for(interviewer).get(builder_url(template)).content.decode()
    assert f'id="added-{in_template.pk}"' in html
    assert f'id="add-{available.pk}"' in html
    assert draft.title not in html


def test_the_bank_filters_by_category_difficulty_tag_and_search(client_for, interviewer):
    databases = make_category("Databases")
    security = make_category("Security")
    index = make_question(category=databases, difficulty=Difficulty.MEDIUM, tags=["indexes"])
    joins = make_question(category=databases, difficulty=Difficulty.EASY, tags=["sql"])
    owasp = make_question(category=security, prompt="What is in the OWASP top 10?", tags=["web"])
    template = make_template(owner=interviewer, count=1)
    client = client_for(interviewer)

    def bank(**params):
        return client.get(builder_url(template), params).content.decode()

    by_category = bank(category=security.slug)
    assert owasp.title in by_category and index.title not in by_category
    by_difficulty = bank(category=databases.slug, difficulty="easy")
    assert joins.title in by_difficulty and index.title not in by_difficulty
    by_tag = bank(tag="indexes")
    assert index.title in by_tag and joins.title not in by_tag
    by_search = bank(q="owasp")
    assert owasp.title in by_search and joins.title not in by_search


def test_an_htmx_bank_search_returns_only_the_results(client_for, interviewer):
    category = make_category("Databases")
    question = make_question(category=category, prompt="Explain database indexes.")
    template = make_template(owner=interviewer, count=1)
    page = client_for(interviewer).get(
        builder_url(template),
        {"q": "indexes"},
        headers={"HX-Request": "true", "HX-Target": "bank-results"},
    )
    html = page.content.decode()
    assert question.title in html
    assert html.lstrip().startswith('<div id="bank-results"')
    assert "<html" not in html


def test_adding_a_question_appends_it_and_bumps_the_version(client_for, interviewer):
    template = make_template(owner=interviewer, count=2)
    question = make_question(difficulty=Difficulty.HARD)
    page = client_for(interviewer).post(
        reverse("interviews:template_add_question", args=[template.pk]),
        {"question": question.pk, "category": question.category.slug},
    )
    assert page.status_code == 302
    assert page["Location"] == builder_url(template) + f"?category={question.category.slug}"
    assert titles(template)[-1] == question.title
    template.refresh_from_db()
    assert template.version == 2
    assert template.items.get(question=question).minutes == 9


def test_adding_over_htmx_returns_the_list_and_marks_the_bank(client_for, interviewer):
    template = make_template(owner=interviewer, count=1)
    question = make_question()
    page = client_for(interviewer).post(
        reverse("interviews:template_add_question", args=[template.pk]),
        {"question": question.pk},
        headers={"HX-Request": "true"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert html.lstrip().startswith('<section id="template-questions"')
    assert question.title in html
    assert 'data-hx-swap-oob="true"' in html
    assert f'id="added-{question.pk}"' in html


def test_adding_a_draft_or_unknown_question_changes_nothing(client_for, interviewer):
    template = make_template(owner=interviewer, count=1)
    draft = make_question(status=Status.DRAFT)
    client = client_for(interviewer)
    for forged in (draft.pk, 999999, "abc"):
        page = client.post(
            reverse("interviews:template_add_question", args=[template.pk]),
            {"question": forged},
            follow=True,
        )
        assert "That question is not in the published bank." in page.content.decode()
    assert template.items.count() == 1
    template.refresh_from_db()
    assert template.version == 1


def test_adding_a_question_twice_says_so(client_for, interviewer):
    template = make_template(owner=interviewer, count=1)
    question = template.items.get().question
    page = client_for(interviewer).post(
        reverse("interviews:template_add_question", args=[template.pk]),
        {"question": question.pk},
        follow=True,
    )
    assert "is already in this template" in page.content.decode()
    assert template.items.count() == 1


def test_removing_a_question_closes_the_gap(client_for, interviewer):
    template = make_template(owner=interviewer, count=3)
    first, second, third = template.items.order_by("order")
    client_for(interviewer).post(item_url("template_remove_question", template, second))
    assert list(template.items.order_by("order").values_list("order", "pk")) == [
        (1, first.pk),
        (2, third.pk),
    ]
    template.refresh_from_db()
    assert template.version == 2


def test_moving_up_and_down_swaps_neighbours(client_for, interviewer):
    template = make_template(owner=interviewer, count=3)
    a, b, c = titles(template)
    _, second, _ = template.items.order_by("order")
    client = client_for(interviewer)
    page = client.post(item_url("template_move_question", template, second), {"direction": "up"})
    assert page.status_code == 302
    assert titles(template) == [b, a, c]
    client.post(item_url("template_move_question", template, second), {"direction": "down"})
    client.post(item_url("template_move_question", template, second), {"direction": "down"})
    assert titles(template) == [a, c, b]
    template.refresh_from_db()
    assert template.version == 4


def test_moving_over_htmx_returns_the_reordered_list(client_for, interviewer):
    template = make_template(owner=interviewer, count=2)
    a, b = titles(template)
    _, last = template.items.order_by("order")
    page = client_for(interviewer).post(
        item_url("template_move_question", template, last),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    html = page.content.decode()
    assert html.index(b) < html.index(a)
    # The moved question is now first: its "Move up" is disabled, its "Move down" is not.
    assert f'id="move-up-{last.pk}" data-pair="move-down-{last.pk}" disabled' in html
    assert f'id="move-down-{last.pk}" data-pair="move-up-{last.pk}">' in html


def test_moving_the_first_question_up_says_it_is_already_first(client_for, interviewer):
    template = make_template(owner=interviewer, count=2)
    first = template.items.order_by("order").first()
    before = titles(template)
    page = client_for(interviewer).post(
        item_url("template_move_question", template, first), {"direction": "up"}, follow=True
    )
    assert "That question is already first." in page.content.decode()
    assert titles(template) == before


def test_a_bad_direction_is_refused(client_for, interviewer):
    template = make_template(owner=interviewer, count=2)
    before = titles(template)
    last = template.items.order_by("order").last()
    page = client_for(interviewer).post(
        item_url("template_move_question", template, last),
        {"direction": "sideways"},
        headers={"HX-Request": "true"},
    )
    assert "A question moves up or down." in page.content.decode()
    assert titles(template) == before


def test_changing_minutes_updates_the_total_and_the_version(client_for, interviewer):
    template = make_template(owner=interviewer, count=2, minutes=5)
    item = template.items.order_by("order").first()
    page = client_for(interviewer).post(
        item_url("template_question_minutes", template, item),
        {"minutes": "12"},
        headers={"HX-Request": "true"},
    )
    assert "17 min" in page.content.decode()
    item.refresh_from_db()
    template.refresh_from_db()
    assert (item.minutes, template.version) == (12, 2)


@pytest.mark.parametrize("minutes", ["0", "181", "abc", ""])
def test_it_rejects_minutes_out_of_range(client_for, interviewer, minutes):
    template = make_template(owner=interviewer, count=1, minutes=5)
    item = template.items.get()
    page = client_for(interviewer).post(
        item_url("template_question_minutes", template, item),
        {"minutes": minutes},
        headers={"HX-Request": "true"},
    )
    html = page.content.decode()
    assert "Minutes must be a whole number from 1 to 180." in html
    assert 'aria-invalid="true"' in html
    item.refresh_from_db()
    assert item.minutes == 5


def test_saving_details_changes_name_target_and_position(client_for, interviewer, manager):
    template = make_template(owner=interviewer, count=1)
    position = make_position(manager)
    seat(position, interviewer)  # a template goes only to a position one is on
    page = client_for(interviewer).post(
        reverse("interviews:template_details", args=[template.pk]),
        {
            "name": "Platform screen",
            "description": "For SREs",
            "target_minutes": "45",
            "position": position.pk,
        },
        follow=True,
    )
    assert "Template details saved." in page.content.decode()
    template.refresh_from_db()
    assert (template.name, template.target_minutes, template.position) == (
        "Platform screen",
        45,
        position,
    )


def test_invalid_details_show_errors_and_change_nothing(client_for, interviewer):
    template = make_template(owner=interviewer, count=1, name="Keep me")
    page = client_for(interviewer).post(
        reverse("interviews:template_details", args=[template.pk]),
        {"name": "", "target_minutes": "0"},
    )
    assert page.status_code == 400
    assert "This field is required." in page.content.decode()
    template.refresh_from_db()
    assert template.name == "Keep me"


def test_cloning_copies_questions_and_opens_the_copy(client_for, interviewer):
    template = make_template(count=3, minutes=6, name="Backend screen")
    page = client_for(interviewer).post(reverse("interviews:template_clone", args=[template.pk]))
    copy = InterviewTemplate.objects.get(name="Backend screen (copy)")
    assert page["Location"] == builder_url(copy)
    assert copy.cloned_from == template
    assert titles(copy) == titles(template)
    assert list(copy.items.values_list("minutes", flat=True)) == [6, 6, 6]


def test_editing_a_template_after_scheduling_leaves_the_session_alone(
    client_for, interviewer, manager
):
    template = make_template(owner=interviewer, count=3)
    session = make_session(
        panel=[interviewer], position=make_position(manager), template=template, started=False
    )
    frozen = list(session.questions.order_by("order").values_list("title", "minutes"))
    client = client_for(interviewer)
    first, second, third = template.items.order_by("order")
    client.post(item_url("template_move_question", template, third), {"direction": "up"})
    client.post(item_url("template_question_minutes", template, first), {"minutes": "20"})
    client.post(item_url("template_remove_question", template, second))
    client.post(
        reverse("interviews:template_add_question", args=[template.pk]),
        {"question": make_question().pk},
    )
    template.refresh_from_db()
    session.refresh_from_db()
    assert template.version == 5
    assert session.template_version == 1
    assert (
        list(
            SessionQuestion.objects.filter(session=session)
            .order_by("order")
            .values_list("title", "minutes")
        )
        == frozen
    )


@pytest.mark.parametrize("count", [5, 30])
def test_the_builder_query_count_is_flat(client_for, interviewer, django_assert_num_queries, count):
    category = make_category()
    template = make_template(
        owner=interviewer, questions=[make_question(category=category) for _ in range(count)]
    )
    for _ in range(count):
        make_question(category=make_category())
    client = client_for(interviewer)
    published_tags()  # the tag menu's list is cached for a minute, as on the bank page
    # the web session, the user, the template, its questions, the categories (once, for
    # the coverage and the bank's category menu), the bank matches, the positions menu
    with django_assert_num_queries(7):
        page = client.get(builder_url(template))
    assert page.content.decode().count('class="template-item"') == count


def test_the_list_query_count_is_flat(client_for, interviewer, django_assert_num_queries):
    client = client_for(interviewer)
    make_template(count=2)
    with django_assert_num_queries(4):
        client.get(reverse("interviews:template_list"))
    for _ in range(10):
        make_template(count=3)
    with django_assert_num_queries(4):
        page = client.get(reverse("interviews:template_list"))
    assert page.content.decode().count("Clone<span") == 11


# --- who may use the builder ---------------------------------------------------------


def template_urls(template: InterviewTemplate) -> list[tuple[str, str]]:
    item = template.items.first()
    return [
        ("get", reverse("interviews:template_list")),
        ("get", builder_url(template)),
        ("get", reverse("interviews:template_generate")),
        ("post", reverse("interviews:template_new")),
        ("post", reverse("interviews:template_clone", args=[template.pk])),
        ("post", reverse("interviews:template_details", args=[template.pk])),
        ("post", reverse("interviews:template_add_question", args=[template.pk])),
        ("post", item_url("template_remove_question", template, item)),
        ("post", item_url("template_move_question", template, item)),
        ("post", item_url("template_question_minutes", template, item)),
    ]


# Hiring managers open templates now (they shape their positions'): see test_teams.py.
@pytest.mark.parametrize("persona", ["stranger"])
def test_users_without_the_interviewer_role_get_403(client_for, request, persona):
    template = make_template(count=2)
    client = client_for(request.getfixturevalue(persona))
    for method, url in template_urls(template):
        page = getattr(client, method)(url, {"direction": "up", "minutes": "3"})
        assert page.status_code == 403, url
    assert InterviewTemplate.objects.count() == 1
    assert titles(template) == titles(InterviewTemplate.objects.get())


def test_anonymous_users_are_sent_to_sign_in(client):
    template = make_template(count=2)
    for method, url in template_urls(template):
        page = getattr(client, method)(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(reverse("login")), url


def test_wrong_methods_get_405(client_for, interviewer):
    template = make_template(owner=interviewer, count=2)
    client = client_for(interviewer)
    for method, url in template_urls(template):
        wrong = "delete" if url.endswith("/generate/") else ("post" if method == "get" else "get")
        assert_refused(getattr(client, wrong)(url), 405)


def test_an_admin_may_build_templates(client_for, admin_user):
    template = make_template(count=1, name="Admin's template")
    page = client_for(admin_user).get(builder_url(template))
    assert "Admin&#x27;s template" in page.content.decode()


def test_an_unknown_template_is_404(client_for, interviewer):
    assert_refused(
        client_for(interviewer).get(reverse("interviews:template_builder", args=[99999])), 404
    )


def test_new_template_opens_an_empty_builder(client_for, interviewer):
    page = client_for(interviewer).post(reverse("interviews:template_new"), follow=True)
    html = page.content.decode()
    assert "Untitled template" in html
    assert "No questions yet: add some from the bank." in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_keep_a_clean_order():
    """Twenty moves at once: every one lands or is refused cleanly; orders stay 1…n."""
    import threading

    from django.db import connection

    from interviews.services import template_edits

    template = make_template(count=6)
    items = list(template.items.order_by("order"))
    before = {item.question_id for item in items}
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def move(index: int) -> None:
        try:
            barrier.wait()
            template_edits.move_question(
                template=template,
                item_id=items[index % 6].pk,
                direction="up" if index % 2 else "down",
            )
            outcomes.append("moved")
        except template_edits.TemplateEditError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 — any other error is the failure we look for
            outcomes.append(f"error: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [outcome for outcome in outcomes if outcome.startswith("error")] == []
    after = list(template.items.order_by("order").values_list("order", "question_id"))
    assert [order for order, _ in after] == [1, 2, 3, 4, 5, 6]
    assert {question for _, question in after} == before
    template.refresh_from_db()
    assert template.version == 1 + outcomes.count("moved")


# --- in a real browser: keyboard reorder over HTMX, focus follows the question -----------


@pytest.fixture
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    from django.contrib.auth.models import Group

    from intervy.roles import HIRING_MANAGERS, INTERVIEWERS

    for name in (INTERVIEWERS, HIRING_MANAGERS):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def builder_page(role_groups, page, live_server, interviewer):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(interviewer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    def open_builder(template: InterviewTemplate):
        page.goto(live_server.url + builder_url(template))
        page.evaluate("window.__marker = 1")  # a full page load would wipe this
        return page

    return open_builder


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_reorder_keeps_focus_on_the_moved_question(builder_page, interviewer):
    from playwright.sync_api import expect

    template = make_template(owner=interviewer, count=3)
    a, b, c = titles(template)
    first = template.items.order_by("order").first()
    page = builder_page(template)
    page.focus(f"#move-down-{first.pk}")
    page.keyboard.press("Enter")
    expect(page.locator(".template-item .item-title").first).to_have_text(b)
    expect(page.locator(f"#move-down-{first.pk}")).to_be_focused()
    wait_until_settled(page, "#template-questions")
    page.keyboard.press("Enter")
    expect(page.locator(".template-item .item-title").last).to_have_text(a)
    # Now last, its "Move down" is disabled: focus moves to its "Move up".
    expect(page.locator(f"#move-up-{first.pk}")).to_be_focused()
    assert page.evaluate("window.__marker") == 1
    assert titles(template) == [b, c, a]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_adding_from_the_bank_by_keyboard_updates_list_coverage_and_marks(
    builder_page, interviewer
):
    from playwright.sync_api import expect

    template = make_template(owner=interviewer, count=1, minutes=5)
    extra = make_question(category=make_category("Security"), difficulty=Difficulty.HARD)
    page = builder_page(template)
    page.get_by_label("Search").fill(extra.title)
    expect(page.locator("#bank-results .bank-item")).to_have_count(1)
    wait_until_settled(page, "#bank-results")
    page.focus(f"#add-{extra.pk}")
    page.keyboard.press("Enter")
    expect(page.locator(".template-item .item-title").last).to_have_text(extra.title)
    expect(page.locator(f"#added-{extra.pk}")).to_be_focused()
    expect(page.locator(".budget-line")).to_contain_text("14 min")
    expect(page.locator("table.coverage")).not_to_contain_text("Security (empty)")
    assert page.evaluate("window.__marker") == 1
