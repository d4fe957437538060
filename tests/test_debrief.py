"""The panel's debrief (PRODUCT D2): every submitted scorecard side by side, with flags."""

import pytest
from django.urls import reverse

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
    )


def url(session):
    return reverse("interviews:debrief", args=[session.pk])


def both_submit(session, interviewer, interviewer2):
    a, b = card_of(session, interviewer), card_of(session, interviewer2)
    score(a, [4, 3, 3, None])
    score(b, [1, 3, 2, 2])
    note(a, 1, "A saw depth")
    note(b, 1, "B saw gaps")
    finish(a, recommendation="strong_yes", summary="A says hire")
    finish(b, recommendation="no", summary="B says wait")
    return a, b


def test_it_lines_up_the_panel_question_by_question(client_for, session, interviewer, interviewer2):
    both_submit(session, interviewer, interviewer2)
    response = client_for(interviewer).get(url(session))
    html = response.content.decode()
    panel = response.context["panel"]
    assert [item.scores for item in panel.questions] == [[4, 1], [3, 3], [3, 2], [None, 2]]
    assert "A saw depth" in html and "B saw gaps" in html
    assert "A says hire" in html and "B says wait" in html
    assert "Panel complete" in html


def test_it_flags_a_two_point_gap_and_a_split_recommendation(
    client_for, session, interviewer, interviewer2
):
    both_submit(session, interviewer, interviewer2)
    response = client_for(interviewer2).get(url(session))
    html = response.content.decode()
    flagged = [item.question.order for item in response.context["panel"].disagreements]
    assert flagged == [1]
    assert "Split recommendations" in html
    assert "scores 4, 1 (2 or more apart)" in html


def test_it_shows_per_category_results_and_aggregates(
    client_for, session, interviewer, interviewer2
):
    both_submit(session, interviewer, interviewer2)
    response = client_for(interviewer).get(url(session))
    panel = response.context["panel"]
    databases, caching = panel.categories
    assert databases.name == "Databases"
    assert [str(result.aggregate.mean) for result in databases.results] == ["3.50", "2.00"]
    assert [result.aggregate.not_assessed for result in caching.results] == [1, 0]
    assert [sheet.aggregate.display for sheet in panel.sheets] == ["3.33", "2.00"]
    assert str(panel.aggregate.mean) == "2.57"  # 18 / 7 assessed scores


def test_after_submitting_alone_it_says_the_panel_is_incomplete(
    client_for, session, interviewer, interviewer2
):
    note(card_of(session, interviewer2), 1, "B-PRIVATE-DRAFT")
    finish(card_of(session, interviewer), summary="A alone")
    html = client_for(interviewer).get(url(session)).content.decode()
    assert "Panel incomplete" in html
    assert "1 of 2 scorecards submitted" in html
    assert "A alone" in html
    assert "B-PRIVATE-DRAFT" not in html


def test_the_owning_manager_sees_submitted_scorecards_only(
    client_for, session, interviewer, interviewer2, manager
):
    note(card_of(session, interviewer2), 1, "B-PRIVATE-DRAFT")
    finish(card_of(session, interviewer), summary="A submitted this")
    html = client_for(manager).get(url(session)).content.decode()
    assert "A submitted this" in html
    assert "B-PRIVATE-DRAFT" not in html
    assert "1 of 2 scorecards submitted" in html


def test_an_admin_sees_the_submitted_debrief(client_for, session, interviewer, admin_user):
    finish(card_of(session, interviewer), summary="Seen by admin")
    assert "Seen by admin" in client_for(admin_user).get(url(session)).content.decode()


def test_outsiders_are_refused(client, client_for, session, other_manager, stranger):
    outsider = make_user("outsider", group="Interviewers")
    assert client_for(outsider).get(url(session)).status_code == 404
    assert client_for(other_manager).get(url(session)).status_code == 404
    assert client_for(stranger).get(url(session)).status_code == 403
    client.logout()
    response = client.get(url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_post(client_for, session, interviewer):
    assert_refused(client_for(interviewer).post(url(session)), 405)


def test_its_query_count_is_flat_in_questions(
    client_for, interviewer, interviewer2, manager, django_assert_max_num_queries
):
    position = make_position(manager)
    counts = []
    for size in (5, 30):
        session = make_session(
            panel=[interviewer, interviewer2], position=position, template=make_template(count=size)
        )
        for user in (interviewer, interviewer2):
            card = card_of(session, user)
            score(card, [3] * size)
            finish(card)
        client = client_for(manager)
        client.get(url(session))
        with django_assert_max_num_queries(10) as captured:
            response = client.get(url(session))
        assert len(response.context["panel"].questions) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
