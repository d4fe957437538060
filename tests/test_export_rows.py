"""The scorecard CSV's rows: PostgreSQL's COPY and the plain ORM version write the same bytes.

`interviews.db.exports.copy_csv_rows` is a hand-made piece kept for what it measured
(README.md, "Hand-made pieces, measured"); `interviews.pages.exports.orm_csv_rows` is the
plain Django it replaces. Both are called here directly, without a request, and through
the export URL with either one writing the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse

from interviews.access import visible_scorecards_for_position
from interviews.db.amending import amending
from interviews.db.exports import copy_csv_rows
from interviews.models import Candidate, Scorecard
from interviews.pages import exports
from interviews.pages.exports import CSV_COLUMNS, csv_chunks, export_document, orm_csv_rows
from interviews.services.decisions import record_decision
from interviews.services.scorecards import amend_scorecard
from tests.conftest import make_user
from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, note, records_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(manager):
    """Two candidates, three panelists, every kind of cell a CSV can get wrong."""
    panel = [make_user(f"rows{n}", group="Interviewers") for n in range(3)]
    position = make_position(manager, title='=Platform, "core"')
    for name in ("@Ada, the first", "Bob\nSecond line"):
        session = make_session(panel=panel, position=position, candidate_name=name, count=4)
        for index, panelist in enumerate(panel):
            card = card_of(session, panelist)
            score(card, [4, None, 1 + index, 2])
            note(card, 1, '=HYPERLINK("http://evil")')
            note(card, 2, 'Said "it depends",\r\nthen\twrote it down')
            note(card, 3, "-5 points" if index else "")
            finish(card, recommendation=["no", "yes", "strong_yes"][index], summary="+1, fine")
    # One submitted on a whole second, one with microseconds (isoformat differs).
    with transaction.atomic(), amending():
        Scorecard.objects.filter(interviewer=panel[0]).update(
            submitted_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        )
        Scorecard.objects.filter(interviewer=panel[1]).update(
            submitted_at=datetime(2026, 3, 1, 9, 30, 0, 1234, tzinfo=UTC)
        )
    card = Scorecard.objects.filter(interviewer=panel[2]).order_by("pk").first()
    amend_scorecard(
        scorecard=card,
        by=panel[2],
        field="score",
        record=records_of(card)[0],
        new_value="not assessed",
        reason="Misread",
    )
    amend_scorecard(scorecard=card, by=panel[2], field="summary", new_value="@later", reason="Typo")
    ada = Candidate.objects.get(full_name="@Ada, the first")
    record_decision(position=position, candidate=ada, kind="offer", rationale="Yes.", by=manager)
    record_decision(position=position, candidate=ada, kind="hired", rationale="Ok.", by=manager)
    return position


def rows_by(writer, position, manager, *, decisions: bool) -> bytes:
    scorecards = visible_scorecards_for_position(manager, position).submitted()
    ids = list(scorecards.values_list("pk", flat=True))
    return b"".join(writer(ids, decisions=decisions, alias="default"))


@pytest.mark.parametrize("decisions", [True, False])
def test_the_copy_and_the_orm_write_the_same_csv(position, manager, decisions):
    by_copy = rows_by(copy_csv_rows, position, manager, decisions=decisions)
    by_orm = rows_by(orm_csv_rows, position, manager, decisions=decisions)
    assert by_copy.count(b"\r\n") >= 24  # 6 scorecards × 4 questions, some cells multi-line
    assert by_orm == by_copy
    text = by_orm.decode()
    assert "'@Ada, the first" in text and '"\'=Platform, ""core"""' in text
    assert ("hired" in text) is decisions


def test_both_write_the_position_export_the_same_through_the_url(
    client_for, position, manager, monkeypatch
):
    url = reverse("interviews:position_export_csv", args=[position.pk])
    bodies = []
    for writer in (copy_csv_rows, orm_csv_rows):
        monkeypatch.setattr(exports, "CSV_ROWS", writer)
        response = client_for(manager).get(url)
        bodies.append(b"".join(response.streaming_content))
    assert bodies[0] == bodies[1]
    assert bodies[0].startswith((",".join(CSV_COLUMNS) + "\r\n").encode())
    assert b"'@Ada, the first" in bodies[0]


def test_an_export_of_no_scorecards_is_the_header_alone(manager):
    position = make_position(manager)
    scorecards = visible_scorecards_for_position(manager, position).submitted()
    assert (
        b"".join(csv_chunks(scorecards, decisions=True))
        == (",".join(CSV_COLUMNS) + "\r\n").encode()
    )
    assert list(orm_csv_rows([], decisions=True, alias="default")) == []


def test_the_json_document_is_built_without_a_request(position, manager):
    scorecards = visible_scorecards_for_position(manager, position).submitted()
    document = export_document("position", position.pk, scorecards, None)
    assert document["scope"] == {"type": "position", "id": position.pk}
    assert len(document["scorecards"]) == 6
    assert {c["name"] for c in document["candidates"]} == {"@Ada, the first", "Bob\nSecond line"}
    assert all(c["decisions"] is None for c in document["candidates"])
