"""The panelist's own scorecard page (PRODUCT D1)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from interviews.models import Scorecard
from tests.conftest import make_user
from tests.factories import make_position, make_session, make_template
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, note, score, two_category_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(interviewer, interviewer2, manager):
    return make_session(
        panel=[interviewer, interviewer2],
        position=make_position(manager),
        template=two_category_template(),
        candidate_name="Ada Lovelace",
    )


def page(session):
    return reverse("interviews:scorecard", args=[session.pk])


def save(session):
    return reverse("interviews:scorecard_save", args=[session.pk])


def test_it_shows_every_question_with_its_score_anchor_and_notes(client_for, session, interviewer):
    card = card_of(session, interviewer)
    score(card, [4, 2, None, 3])
    note(card, 1, "Explained MVCC <script>alert(1)</script>\nsecond line")
    response = client_for(interviewer).get(page(session))
    html = response.content.decode()
    assert response.status_code == 200
    for question in session.questions.all():
        assert question.title in html
    assert session.questions.get(order=1).anchor(4) in html
    assert session.questions.get(order=2).anchor(2) in html
    assert "Explained MVCC &lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html
    assert "<script>alert(1)" not in html


def test_it_shows_per_category_results_and_counts_not_assessed(client_for, session, interviewer):
    score(card_of(session, interviewer), [4, 2, None, 3])
    response = client_for(interviewer).get(page(session))
    sheet = response.context["sheet"]
    assert [
        (r.name, str(r.aggregate.mean), r.aggregate.not_assessed) for r in sheet.categories
    ] == [
        ("Databases", "3.00", 0),
        ("Caching", "3.00", 1),
    ]
    html = response.content.decode()
    assert "not assessed" in html
    # Mean of the assessed 4, 2, 3 — the "not assessed" is not a zero.
    assert "<strong>3.00</strong>" in html
    assert "n = 3" in html


def test_it_offers_four_recommendations_and_no_neutral(client_for, session, interviewer):
    html = client_for(interviewer).get(page(session)).content.decode()
    for value in ("strong_no", "no", "yes", "strong_yes"):
        assert f'value="{value}"' in html
    assert html.count('type="radio" name="recommendation"') == 4
    assert 'value="neutral"' not in html
    assert "Strong yes</label>" in html


def test_it_saves_a_draft_and_redirects(client_for, session, interviewer):
    client = client_for(interviewer)
    response = client.post(
        save(session), {"recommendation": "no", "summary": "Unsure on caching.", "action": "draft"}
    )
    assert response.status_code == 302
    assert response["Location"] == page(session)
    card = card_of(session, interviewer)
    assert (card.recommendation, card.summary, card.submitted_at) == (
        "no",
        "Unsure on caching.",
        None,
    )
    assert "Unsure on caching." in client.get(page(session)).content.decode()


def test_an_htmx_draft_save_returns_the_form_fragment(client_for, session, interviewer):
    response = client_for(interviewer).post(
        save(session),
        {"recommendation": "yes", "summary": "Good.", "action": "draft"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft saved." in html
    assert "<html" not in html
    assert 'id="finalize"' in html


@pytest.mark.parametrize("forged", ["neutral", "maybe", "4"])
def test_it_rejects_a_neutral_or_forged_recommendation(client_for, session, interviewer, forged):
    response = client_for(interviewer).post(
        save(session), {"recommendation": forged, "summary": "x", "action": "draft"}
    )
    assert response.status_code == 200
    assert "there is no neutral" in response.content.decode()
    assert card_of(session, interviewer).recommendation == ""


def test_it_refuses_the_wrong_method(client_for, session, interviewer):
    client = client_for(interviewer)
    assert_refused(client.post(page(session)), 405)
    assert_refused(client.get(save(session)), 405)
    assert_refused(client.get(reverse("interviews:scorecard_amend", args=[session.pk])), 405)


def test_an_interviewer_not_on_the_panel_gets_404(client_for, session, admin_user):
    outsider = make_user("outsider", group="Interviewers")
    assert_refused(client_for(outsider).get(page(session)), 404)
    assert_refused(client_for(outsider).post(save(session), {"action": "draft"}), 404)
    # An admin not on the panel has no scorecard of their own here either.
    assert_refused(client_for(admin_user).get(page(session)), 404)


def test_managers_and_strangers_are_refused(client_for, session, manager, other_manager, stranger):
    assert_refused(client_for(manager).get(page(session)), 403)
    assert_refused(client_for(other_manager).get(page(session)), 403)
    assert_refused(client_for(stranger).get(page(session)), 403)


def test_anonymous_is_sent_to_sign_in(client, session):
    response = client.get(page(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_its_query_count_is_the_same_for_5_and_30_questions(
    client_for, interviewer, manager, django_assert_num_queries
):
    position = make_position(manager)
    small = make_session(panel=[interviewer], position=position, template=make_template(count=5))
    large = make_session(panel=[interviewer], position=position, template=make_template(count=30))
    for session in (small, large):
        score(card_of(session, interviewer), [3] * 30)
    client = client_for(interviewer)
    client.get(page(small))  # warm the session and group caches alike
    with django_assert_num_queries(5) as small_queries:
        client.get(page(small))
    with django_assert_num_queries(len(small_queries.captured_queries)):
        client.get(page(large))
    assert Scorecard.objects.count() == 2


def detail(card):
    return reverse("interviews:scorecard_detail", args=[card.pk])


def test_the_read_only_scorecard_by_role(
    client,
    client_for,
    session,
    interviewer,
    interviewer2,
    manager,
    other_manager,
    admin_user,
    stranger,
):
    card = card_of(session, interviewer)
    note(card, 1, "DETAIL-NOTE")
    finish(card, summary="DETAIL-SUMMARY")
    for user in (interviewer, manager, admin_user):
        html = client_for(user).get(detail(card)).content.decode()
        assert "DETAIL-NOTE" in html and "DETAIL-SUMMARY" in html, user
    outsider = make_user("outsider", group="Interviewers")
    assert client_for(outsider).get(detail(card)).status_code == 404
    assert client_for(other_manager).get(detail(card)).status_code == 404
    assert client_for(interviewer2).get(detail(card)).status_code == 404  # not submitted yet
    assert client_for(stranger).get(detail(card)).status_code == 403
    assert client_for(interviewer).post(detail(card)).status_code == 405
    client.logout()
    assert client.get(detail(card))["Location"].startswith(reverse("login"))


def test_the_read_only_scorecard_prints_one_per_page(client_for, session, interviewer):
    card = card_of(session, interviewer)
    html = client_for(interviewer).get(detail(card)).content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    assert '<article class="scorecard-sheet">' in html
    with open(finders.find("css/print.css")) as stylesheet:
        css = stylesheet.read()
    assert "@media print" in css
    assert ".scorecard-sheet { page-break-after: always; break-after: page; }" in css
