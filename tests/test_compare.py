"""Comparing 2–6 candidates of a position side by side (PRODUCT D3)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, score, two_category_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(manager):
    return make_position(manager, title="Platform engineer")


def interview(position, panel, name, scores_by_panelist, recommendations):
    session = make_session(
        panel=panel, position=position, template=two_category_template(), candidate_name=name
    )
    for panelist, scores, recommendation in zip(
        panel, scores_by_panelist, recommendations, strict=True
    ):
        card = card_of(session, panelist)
        score(card, scores)
        finish(card, recommendation=recommendation)
    return session.candidate


@pytest.fixture
def three(position, interviewer, interviewer2):
    panel = [interviewer, interviewer2]
    return [
        interview(position, panel, "Ada", [[4, 4, 3, 3], [1, 4, 3, 3]], ["strong_yes", "no"]),
        interview(position, panel, "Bob", [[2, 2, 2, None], [2, 3, 2, 2]], ["no", "no"]),
        interview(position, panel, "Cy", [[3, 3, 4, 4], [3, 3, 4, 4]], ["yes", "strong_yes"]),
    ]


def compare_url(position, candidate_ids):
    query = "&".join(f"candidate={pk}" for pk in candidate_ids)
    return reverse("interviews:compare", args=[position.pk]) + "?" + query


def test_it_renders_an_accessible_svg_chart_per_category(client_for, position, three, manager):
    response = client_for(manager).get(compare_url(position, [c.pk for c in three]))
    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="compare-chart-title compare-chart-desc"' in svg
    assert '<title id="compare-chart-title">Mean score per category' in svg
    assert '<desc id="compare-chart-desc">' in svg
    # One bar per candidate per category (all three were assessed in both).
    assert svg.count('<rect class="bar') == 6
    assert "<title>Ada: Databases 3.25</title>" in svg
    assert "<title>Bob: Caching 2.00</title>" in svg
    assert " style=" not in html
    width = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    legend_x = [
        int(x) for x in re.findall(r'<g class="legend-item"><rect class="series-\d" x="(\d+)"', svg)
    ]
    assert len(legend_x) == 3
    assert max(legend_x) < width  # every candidate's legend entry is inside the picture
    assert "<script" not in svg


def test_the_table_holds_the_same_numbers(client_for, position, three, manager):
    response = client_for(manager).get(compare_url(position, [c.pk for c in three]))
    rows = {
        name: [r.aggregate.display for r in results]
        for name, results in response.context["category_rows"]
    }
    assert rows == {"Databases": ["3.25", "2.25", "3.00"], "Caching": ["3.00", "2.00", "4.00"]}
    html = response.content.decode()
    assert "<caption>Mean of assessed scores per category" in html
    assert '3.25 <span class="muted">(n = 4)' in html
    assert "1 not assessed" in html


def test_it_shows_recommendations_aggregates_and_flags(client_for, position, three, manager):
    response = client_for(manager).get(compare_url(position, [c.pk for c in three]))
    ada, bob, cy = response.context["compared"]
    assert dict(ada.recommendation_counts) == {"Strong no": 0, "No": 1, "Yes": 0, "Strong yes": 1}
    assert str(ada.aggregate.mean) == "3.13"  # 25 / 8
    assert bob.aggregate.assessed == 7
    assert ada.split and not bob.split and not cy.split
    assert [spread.scores for spread in ada.disagreements] == [[4, 1]]
    assert bob.disagreements == [] and cy.disagreements == []
    html = response.content.decode()
    assert "Split recommendations" in html
    assert "scores 4, 1 (3 apart)" in html


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_candidates_is_refused(client_for, position, three, manager, count):
    response = client_for(manager).get(compare_url(position, [c.pk for c in three][:count]))
    assert response.status_code == 400
    assert "Choose 2 to 6 candidates to compare" in response.content.decode()


def test_more_than_six_candidates_is_refused(client_for, position, interviewer, manager):
    candidates = [
        interview(position, [interviewer], f"C{n}", [[3, 3, 3, 3]], ["yes"]) for n in range(7)
    ]
    response = client_for(manager).get(compare_url(position, [c.pk for c in candidates]))
    assert response.status_code == 400
    assert "(you chose 7)" in response.content.decode()


def test_a_candidate_of_another_position_is_refused(
    client_for, position, three, manager, other_manager, interviewer
):
    elsewhere = interview(make_position(other_manager), [interviewer], "Eve", [[1] * 4], ["no"])
    response = client_for(manager).get(compare_url(position, [three[0].pk, elsewhere.pk]))
    assert response.status_code == 400
    assert f"Candidate {elsewhere.pk} is not interviewing for this position." in (
        response.content.decode()
    )
    assert "Eve" not in response.content.decode()


def test_garbage_is_a_clear_message(client_for, position, three, manager):
    url = reverse("interviews:compare", args=[position.pk]) + "?candidate=abc&candidate=1"
    response = client_for(manager).get(url)
    assert response.status_code == 400
    assert "is not interviewing for this position" in response.content.decode()


def test_other_roles_are_refused(client_for, position, three, other_manager, interviewer, stranger):
    url = compare_url(position, [c.pk for c in three])
    assert_refused(client_for(other_manager).get(url), 404)
    assert_refused(client_for(interviewer).get(url), 403)
    assert_refused(client_for(stranger).get(url), 403)


def test_an_admin_may_compare(client_for, position, three, admin_user):
    response = client_for(admin_user).get(compare_url(position, [c.pk for c in three]))
    assert response.status_code == 200
    assert len(response.context["compared"]) == 3


def test_it_refuses_post(client_for, position, three, manager):
    assert_refused(client_for(manager).post(compare_url(position, [c.pk for c in three])), 405)


def test_comparing_6_costs_the_same_queries_as_comparing_2(
    client_for, position, interviewer, interviewer2, manager, django_assert_max_num_queries
):
    panel = [interviewer, interviewer2]
    candidates = [
        interview(position, panel, f"C{n}", [[3, 2, 4, 1], [2, 2, 3, 1]], ["yes", "no"])
        for n in range(6)
    ]
    client = client_for(manager)
    counts = []
    for chosen in (candidates[:2], candidates):
        client.get(compare_url(position, [c.pk for c in chosen]))
        with django_assert_max_num_queries(10) as captured:
            response = client.get(compare_url(position, [c.pk for c in chosen]))
        assert len(response.context["compared"]) == len(chosen)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
