"""The hiring manager's positions and candidates (PRODUCT D3)."""

import pytest
from django.urls import reverse

from interviews.models import Scorecard
from tests.conftest import make_user
from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, note, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(manager, interviewer, interviewer2):
    position = make_position(manager, title="Platform engineer")
    ada = make_session(panel=[interviewer, interviewer2], position=position, candidate_name="Ada")
    score(card_of(ada, interviewer), [4, 4, 3, 3, 4])
    finish(card_of(ada, interviewer), recommendation="strong_yes")
    score(card_of(ada, interviewer2), [2, 2, 2, 2, 2])
    finish(card_of(ada, interviewer2), recommendation="no")
    bob = make_session(panel=[interviewer, interviewer2], position=position, candidate_name="Bob")
    score(card_of(bob, interviewer), [3, 3, 3, 3, 3])
    finish(card_of(bob, interviewer), recommendation="yes")
    note(card_of(bob, interviewer2), 1, "BOB-DRAFT-NOTE")
    return position


def detail(position):
    return reverse("interviews:position_detail", args=[position.pk])


def test_the_list_counts_candidates_and_submitted_scorecards(client_for, position, manager):
    html = client_for(manager).get(reverse("interviews:position_list")).content.decode()
    assert "Platform engineer" in html
    listed = client_for(manager).get(reverse("interviews:position_list")).context["positions"]
    assert [(p.title, p.candidate_count, p.submitted_count) for p in listed] == [
        ("Platform engineer", 2, 3)
    ]


def test_the_list_shows_only_the_managers_own_positions(client_for, position, other_manager):
    make_position(other_manager, title="Data engineer")
    html = client_for(other_manager).get(reverse("interviews:position_list")).content.decode()
    assert "Data engineer" in html
    assert "Platform engineer" not in html


def test_an_admin_sees_every_position(client_for, position, other_manager, admin_user):
    make_position(other_manager, title="Data engineer")
    html = client_for(admin_user).get(reverse("interviews:position_list")).content.decode()
    assert "Data engineer" in html and "Platform engineer" in html


def test_the_detail_lists_candidates_with_verdicts_and_aggregates(client_for, position, manager):
    response = client_for(manager).get(detail(position))
    html = response.content.decode()
    assert "Ada" in html and "Bob" in html
    assert "Strong yes" in html and "3.60" in html  # A's card on Ada
    assert "2.00" in html
    ada, bob = response.context["candidates"]
    assert str(ada.aggregate.mean) == "2.80"  # (18 + 10) / 10
    assert ada.split is True
    assert bob.split is False
    for card in Scorecard.objects.submitted():
        assert reverse("interviews:scorecard_detail", args=[card.pk]) in html
    assert "BOB-DRAFT-NOTE" not in html
    assert html.count('type="checkbox" name="candidate"') == 2


def test_another_manager_gets_404(client_for, position, other_manager):
    assert_refused(client_for(other_manager).get(detail(position)), 404)


def test_interviewers_and_strangers_are_refused(
    client, client_for, position, interviewer, stranger
):
    assert client_for(interviewer).get(reverse("interviews:position_list")).status_code == 403
    assert client_for(interviewer).get(detail(position)).status_code == 403
    assert client_for(stranger).get(detail(position)).status_code == 403
    client.logout()
    assert client.get(detail(position))["Location"].startswith(reverse("login"))


def test_managers_have_no_way_to_change_scores(client_for, position, manager):
    session = position.sessions.first()
    client = client_for(manager)
    for name in ("scorecard_save", "scorecard_amend"):
        response = client.post(
            reverse(f"interviews:{name}", args=[session.pk]),
            {"recommendation": "strong_no", "summary": "x", "action": "draft"},
        )
        assert response.status_code == 403
    assert not Scorecard.objects.filter(recommendation="strong_no").exists()


def test_it_refuses_post(client_for, position, manager):
    assert_refused(client_for(manager).post(detail(position)), 405)
    assert_refused(client_for(manager).post(reverse("interviews:position_list")), 405)


def test_the_detail_query_count_is_the_same_for_1_and_20_scorecards(
    client_for, manager, django_assert_max_num_queries
):
    panelists = [make_user(f"panelist{n}", group="Interviewers") for n in range(4)]
    small = make_position(manager, title="Small")
    session = make_session(panel=panelists[:1], position=small)
    finish(card_of(session, panelists[0]))
    large = make_position(manager, title="Large")
    for _ in range(5):
        session = make_session(panel=panelists, position=large)
        for panelist in panelists:
            score(card_of(session, panelist), [2, 3, 4, 1, 3])
            finish(card_of(session, panelist))
    client = client_for(manager)
    counts = []
    for position, expected_cards in ((small, 1), (large, 20)):
        client.get(detail(position))
        with django_assert_max_num_queries(10) as captured:
            response = client.get(detail(position))
        assert sum(len(c.cards) for c in response.context["candidates"]) == expected_cards
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
