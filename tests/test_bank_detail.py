"""A question's page: rendered markdown, collapsible answer, follow-up, anchors, access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questions.models import Status
from tests.factories import make_question
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db


def detail_url(question) -> str:
    return reverse("questions:detail", args=[question.slug])


def test_it_shows_the_question_rendered(client_for, interviewer):
    question = make_question(
        prompt="Explain **indexes**.",
        answer="A table:\n\n| kind | use |\n|---|---|\n| B-tree | ranges |\n\n"
        "```sql\nSELECT * FROM t WHERE id = 1;\n```\n",
        tags=["sql", "indexes"],
    )
    html = client_for(interviewer).get(detail_url(question)).content.decode()
    assert f"<h1>{question.title}</h1>" in html
    assert "Explain <strong>indexes</strong>." in html
    assert "<details" in html and "<summary>Reference answer</summary>" in html
    assert "<td>B-tree</td>" in html
    assert '<pre class="highlight"><code class="language-sql"><span class="k">SELECT</span>' in html
    assert question.follow_up in html
    for level in (1, 2, 3, 4):
        assert f"Level {level} answer to" in html
    assert '<a class="tag" href="/questions/?tag=sql">sql</a>' in html
    assert 'href="/static/css/pygments.css"' in html


def test_the_anchors_come_in_level_order_with_one_query(
    client_for, interviewer, django_assert_num_queries
):
    question = make_question()
    client = client_for(interviewer)
    client.get(detail_url(question))
    # the web session, user with its role groups, question with category, anchors
    with django_assert_num_queries(4):
        html = client.get(detail_url(question)).content.decode()
    positions = [html.index(f"Level {level} answer") for level in (1, 2, 3, 4)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
def test_unpublished_questions_are_not_found(client_for, interviewer, status):
    question = make_question(status=status)
    assert_refused(client_for(interviewer).get(detail_url(question)), 404)


def test_an_unknown_slug_is_not_found(client_for, interviewer):
    response = client_for(interviewer).get(reverse("questions:detail", args=["nope"]))
    assert_refused(response, 404)


def test_a_stranger_is_refused_and_anonymous_is_sent_to_sign_in(client, client_for, stranger):
    question = make_question()
    assert client.get(detail_url(question)).status_code == 302
    response = client_for(stranger).get(detail_url(question))
    assert response.status_code == 403
    assert question.prompt not in response.content.decode()


def test_it_refuses_post(client_for, interviewer):
    assert_refused(client_for(interviewer).post(detail_url(make_question())), 405)
