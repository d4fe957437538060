"""The review pages' data, assembled without a request (interviews/pages/): the debrief,
the scorecard sheets, the positions and the comparison, each seen as a given user."""

from __future__ import annotations

import pytest

from interviews.access import positions_for_manager
from interviews.models import Score
from interviews.pages.comparison import candidates_of, comparison
from interviews.pages.debrief import debrief_page
from interviews.pages.positions import candidate_summaries, positions_with_counts
from interviews.pages.scorecard import own_scorecard, read_only_sheet
from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, score, two_category_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(interviewer, interviewer2, manager):
    session = make_session(
        panel=[interviewer, interviewer2],
        position=make_position(manager, title="Backend"),
        template=two_category_template(),
        candidate_name="Ada",
    )
    a = card_of(session, interviewer)
    score(a, [4, 3, 3, None])
    finish(a, recommendation="strong_yes", summary="A says hire")
    return session


def test_a_panelist_who_has_not_submitted_is_blind_in_the_debrief(session, interviewer2):
    page = debrief_page(interviewer2, session)
    assert page["blind"] is True
    assert "panel" not in page and "panel_size" not in page


def test_the_manager_sees_the_submitted_half_of_the_panel(session, manager, interviewer2):
    page = debrief_page(manager, session)
    assert page["blind"] is False
    assert (page["panel_size"], page["complete"]) == (2, False)
    assert page["panel"].recommendations == ["strong_yes"]
    assert [q.scores for q in page["panel"].questions] == [[4], [3], [3], [None]]
    finish(card_of(session, interviewer2), recommendation="no", summary="B waits")
    assert debrief_page(manager, session)["complete"] is True


def test_the_own_scorecard_page_says_what_is_open_and_hides_the_audit_trail(session, interviewer2):
    own = card_of(session, interviewer2)
    score(own, [Score.MEETS, Score.EXCEEDS])
    page = own_scorecard(interviewer2, session, own)
    assert [row.record.score for row in page.sheet.rows] == [3, 4, None, None]
    assert len(page.open_questions) == 2
    assert page.history is None  # the panel does not read the audit trail


def test_the_read_only_sheet_shows_the_manager_the_history(session, manager, interviewer):
    card = card_of(session, interviewer)
    page = read_only_sheet(manager, session, card)
    assert page["own"] is False
    assert page["history"] and page["sheets"][0].aggregate.assessed == 3


def test_the_positions_and_the_comparison_count_only_submitted_cards(
    session, manager, interviewer, interviewer2
):
    (position,) = positions_with_counts(manager, positions_for_manager(manager))
    assert (position.candidate_count, position.submitted_count) == (1, 1)
    (summary,) = candidate_summaries(manager, session.position)
    assert summary.candidate.full_name == "Ada"
    assert ("Strong yes", 1) in summary.recommendation_counts
    other = make_session(
        panel=[interviewer2], position=session.position, candidate_name="Bob", count=4
    )
    card = card_of(other, interviewer2)
    score(card, [1, 2, 2, 1])
    finish(card, recommendation="no", summary="No")
    candidates = candidates_of(session.position)
    assert [name for _, name in candidates] == ["Ada", "Bob"]
    page = comparison(manager, session.position, [pk for pk, _ in candidates], dict(candidates))
    assert [one.name for one in page["compared"]] == ["Ada", "Bob"]
    assert [len(one.cards) for one in page["compared"]] == [1, 1]
    assert page["compared"][1].split is False and page["chart"]
