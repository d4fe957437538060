"""Exports carry the decisions: a `decisions` list per candidate in the JSON (format version 2),
the current stage and outcome in the CSV."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.models import Candidate
from interviews.services.decisions import record_decision
from tests.factories import make_position
from tests.loop_data import loop_session, submit
from tests.scorecard_data import two_category_template
from tests.test_scorecard_exports import rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def hired(manager, interviewer, interviewer2):
    """Ada: screened by interviewer, offered, hired. Bob: screened, no decision yet."""
    position = make_position(manager)
    template = two_category_template()
    ada = Candidate.objects.create(full_name="Ada")
    screen = loop_session(candidate=ada, position=position, panel=[interviewer], template=template)
    submit(screen, interviewer, [4, 4, 3, 3], recommendation="strong_yes")
    record_decision(position=position, candidate=ada, kind="offer", rationale="Top.", by=manager)
    record_decision(position=position, candidate=ada, kind="hired", rationale="Signed.", by=manager)
    bob = Candidate.objects.create(full_name="Bob")
    bob_screen = loop_session(
        candidate=bob, position=position, panel=[interviewer2], template=template
    )
    submit(bob_screen, interviewer2, [2, 2, 2, 2], recommendation="no")
    return position, ada, bob, screen


def test_the_position_json_lists_each_candidate_with_their_decisions(client_for, hired, manager):
    position, ada, bob, _ = hired
    document = (
        client_for(manager)
        .get(reverse("interviews:position_export_json", args=[position.pk]))
        .json()
    )
    assert document["version"] == 2
    by_name = {candidate["name"]: candidate for candidate in document["candidates"]}
    assert by_name["Ada"]["id"] == ada.pk
    assert by_name["Ada"]["position_id"] == position.pk
    assert (by_name["Ada"]["current_stage"], by_name["Ada"]["outcome"]) == ("hired", "hired")
    assert [(d["kind"], d["rationale"], d["decided_by"]) for d in by_name["Ada"]["decisions"]] == [
        ("offer", "Top.", "manager"),
        ("hired", "Signed.", "manager"),
    ]
    assert by_name["Bob"] | {"id": None} == {
        "id": None,
        "name": "Bob",
        "position_id": position.pk,
        "current_stage": None,
        "outcome": None,
        "decisions": [],
    }
    assert {card["session"]["candidate_id"] for card in document["scorecards"]} == {
        ada.pk,
        bob.pk,
    }


def test_the_position_csv_carries_the_current_stage_and_outcome(client_for, hired, manager):
    position, _, _, _ = hired
    record_decision(
        position=position,
        candidate=Candidate.objects.get(full_name="Bob"),
        kind="reject",
        rationale="Not yet.",
        by=manager,
    )
    exported = rows(
        client_for(manager).get(reverse("interviews:position_export_csv", args=[position.pk]))
    )
    stages = {(row["candidate"], row["current_stage"], row["outcome"]) for row in exported}
    assert stages == {("Ada", "hired", "hired"), ("Bob", "reject", "rejected")}


def test_a_session_export_carries_its_candidates_decisions(client_for, hired, interviewer):
    _, ada, _, screen = hired
    client = client_for(interviewer)
    document = client.get(reverse("interviews:session_export_json", args=[screen.pk])).json()
    (candidate,) = document["candidates"]
    assert candidate["id"] == ada.pk
    assert [d["kind"] for d in candidate["decisions"]] == ["offer", "hired"]
    (row, *_) = rows(client.get(reverse("interviews:session_export_csv", args=[screen.pk])))
    assert (row["current_stage"], row["outcome"]) == ("hired", "hired")


def test_a_panelist_who_owes_a_scorecard_of_the_loop_exports_no_decision(
    client_for, hired, interviewer, manager
):
    position, ada, _, screen = hired
    loop_session(
        candidate=ada,
        position=position,
        panel=[interviewer],
        template=two_category_template(),
        completed=False,
    )
    client = client_for(interviewer)
    document = client.get(reverse("interviews:session_export_json", args=[screen.pk])).json()
    (candidate,) = document["candidates"]
    assert candidate["decisions"] is None and candidate["current_stage"] is None
    assert "Signed." not in str(document)
    (row, *_) = rows(client.get(reverse("interviews:session_export_csv", args=[screen.pk])))
    assert (row["current_stage"], row["outcome"]) == ("", "")
