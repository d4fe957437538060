"""The candidate's loop for a position (PRODUCT D6): sessions, scorecards, results, decisions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Candidate
from interviews.services.decisions import record_decision
from tests.conftest import make_user
from tests.factories import make_position
from tests.loop_data import loop_session, submit
from tests.pages import assert_refused
from tests.scorecard_data import two_category_template

pytestmark = pytest.mark.django_db

SCREEN_SUMMARY = "SCREEN-SUMMARY-41aa"
DEEP_SUMMARY = "DEEP-SUMMARY-77bc"
DRAFT_NOTE = "not yet"


@pytest.fixture
def third(db):
    return make_user("interviewer3", group="Interviewers")


@pytest.fixture
def loop(interviewer, interviewer2, third, manager):
    """Screen (interviewer + interviewer2, both submitted, split) then a deep dive
    (interviewer2 submitted, interviewer3 still drafting)."""
    position = make_position(manager)
    candidate = Candidate.objects.create(full_name="Grace Hopper")
    template = two_category_template()
    screen = loop_session(
        candidate=candidate,
        position=position,
        panel=[interviewer, interviewer2],
        template=template,
        days_ago=10,
    )
    submit(screen, interviewer, [4, 4, 3, None], recommendation="strong_yes", summary="A hire")
    submit(screen, interviewer2, [2, 3, 3, 3], recommendation="no", summary=SCREEN_SUMMARY)
    deep = loop_session(
        candidate=candidate,
        position=position,
        panel=[interviewer2, third],
        template=template,
        days_ago=2,
    )
    submit(deep, interviewer2, [3, 3, 2, 2], recommendation="yes", summary=DEEP_SUMMARY)
    return position, candidate, screen, deep


def url(position, candidate):
    return reverse("interviews:candidate_loop", args=[position.pk, candidate.pk])


def test_the_manager_sees_every_session_scorecard_result_and_flag(client_for, loop, manager):
    position, candidate, screen, deep = loop
    response = client_for(manager).get(url(position, candidate))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    page = response.context["loop"]
    assert [one.session for one in page.sessions] == [screen, deep]
    assert "Grace Hopper" in html
    assert SCREEN_SUMMARY in html and DEEP_SUMMARY in html and "A hire" in html
    # Panels, in order, with who has not submitted yet (the manager may know that).
    assert [[p.name for p in one.panelists] for one in page.sessions] == [
        ["Interviewer", "Interviewer2"],
        ["Interviewer2", "Interviewer3"],
    ]
    assert "scorecard overdue" in html
    # Per category across the loop: Databases are questions 1–2, Caching 3–4.
    rows = {row.name: row for row in page.categories}
    assert str(rows["Databases"].overall.aggregate.mean) == "3.17"  # 4 4 2 3 3 3
    assert str(rows["Caching"].overall.aggregate.mean) == "2.60"  # 3 3 3 2 2 (+1 not assessed)
    assert rows["Caching"].overall.aggregate.not_assessed == 1
    assert [str(r.aggregate.mean) for r in rows["Databases"].per_session] == ["3.25", "3.00"]
    # The debrief's flags: the screen split, and Q1 scored 4 and 2.
    assert "split recommendations" in html
    assert "Q1 " in html and "scores 4, 2 (2 or more apart)" in html
    # The manager may decide, and is told the deep dive's scorecard is missing.
    assert "Record a decision" in html
    assert [card.interviewer.username for card in page.unsubmitted] == ["interviewer3"]


def test_an_admin_sees_the_loop_and_may_decide(client_for, loop, admin_user):
    position, candidate, _, _ = loop
    html = client_for(admin_user).get(url(position, candidate)).content.decode()
    assert SCREEN_SUMMARY in html and DEEP_SUMMARY in html
    assert "Record a decision" in html


def test_a_panelist_sees_only_the_panels_they_may(client_for, loop, interviewer):
    """On the screen (submitted): its scorecards. Not on the deep dive: none of its cards."""
    position, candidate, _, _ = loop
    response = client_for(interviewer).get(url(position, candidate))
    assert response.status_code == 200
    html = response.content.decode()
    assert SCREEN_SUMMARY in html
    assert DEEP_SUMMARY not in html
    assert "Record a decision" not in html
    # Others' submission states are not theirs to know; their own is.
    statuses = [[p.status for p in one.panelists] for one in response.context["loop"].sessions]
    assert statuses == [["submitted", ""], ["", ""]]
    assert "scorecard overdue" not in html


def test_a_panelist_still_drafting_sees_nothing_of_the_others_nor_the_decisions(
    client_for, loop, third, manager
):
    position, candidate, _, deep = loop
    record_decision(
        position=position,
        candidate=candidate,
        kind="advance",
        rationale="RATIONALE-MARKER strong screen",
        override_reason="The deep dive panel is late; the candidate has another offer.",
        by=manager,
    )
    html = client_for(third).get(url(position, candidate)).content.decode()
    assert DEEP_SUMMARY not in html and SCREEN_SUMMARY not in html
    assert "RATIONALE-MARKER" not in html and "Advancing" not in html
    assert "Submit your own scorecard" in html
    assert reverse("interviews:scorecard", args=[deep.pk]) in html
    assert "open to you once your own scorecard" in html


def test_a_submitted_panelist_sees_the_decisions(client_for, loop, interviewer, manager):
    position, candidate, _, _ = loop
    record_decision(
        position=position,
        candidate=candidate,
        kind="advance",
        rationale="Strong screen.",
        override_reason="Late panel.",
        by=manager,
    )
    html = client_for(interviewer).get(url(position, candidate)).content.decode()
    assert "Strong screen." in html and "Advancing" in html


@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_anyone_off_the_loop_gets_404(client_for, loop, who, other_manager):
    position, candidate, _, _ = loop
    user = other_manager if who == "other_manager" else make_user("outsider", group="Interviewers")
    assert_refused(client_for(user).get(url(position, candidate)), 404)


def test_a_user_without_a_role_gets_403_and_anonymous_signs_in(client, client_for, loop, stranger):
    position, candidate, _, _ = loop
    assert client.get(url(position, candidate)).status_code == 302
    assert_refused(client_for(stranger).get(url(position, candidate)), 403)


def test_a_candidate_never_interviewed_for_the_position_has_no_loop(client_for, loop, manager):
    position, _, _, _ = loop
    other = Candidate.objects.create(full_name="Not here")
    assert_refused(client_for(manager).get(url(position, other)), 404)
    elsewhere = make_position(manager, title="Elsewhere")
    _, candidate, _, _ = loop
    assert_refused(client_for(manager).get(url(elsewhere, candidate)), 404)


def test_the_position_page_and_each_debrief_link_to_the_loop(
    client_for, loop, manager, interviewer
):
    position, candidate, screen, _ = loop
    link = url(position, candidate)
    position_page = client_for(manager).get(
        reverse("interviews:position_detail", args=[position.pk])
    )
    assert link in position_page.content.decode()
    debrief = client_for(interviewer).get(reverse("interviews:debrief", args=[screen.pk]))
    assert link in debrief.content.decode()


def queries_for(client, position, candidate) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(position, candidate))
    assert response.status_code == 200
    return len(captured)


def test_the_loop_page_query_count_is_flat(client_for, manager, interviewer, interviewer2):
    """1 session or 10, each with a two-person panel that submitted: the same queries."""
    position = make_position(manager)
    template = two_category_template()
    counts = []
    for sessions in (1, 10):
        candidate = Candidate.objects.create(full_name=f"Candidate of {sessions}")
        for day in range(sessions):
            session = loop_session(
                candidate=candidate,
                position=position,
                panel=[interviewer, interviewer2],
                template=template,
                days_ago=day + 1,
            )
            submit(session, interviewer, [3, 3, 2, None])
            submit(session, interviewer2, [4, 1, 2, 3], recommendation="no")
        record_decision(
            position=position, candidate=candidate, kind="advance", rationale="r", by=manager
        )
        client = client_for(manager)
        client.get(url(position, candidate))  # warm the session and the user's groups
        counts.append(queries_for(client, position, candidate))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 14, counts
