"""CSV and JSON exports of submitted scorecards (PRODUCT D4)."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from interviews.models import Candidate
from interviews.pages.exports import CSV_COLUMNS
from interviews.services.scorecards import amend_scorecard
from tests.conftest import make_user
from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, note, records_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(interviewer, interviewer2, manager):
    session = make_session(
        panel=[interviewer, interviewer2], position=make_position(manager), count=3
    )
    a = card_of(session, interviewer)
    score(a, [4, None, 2])
    note(a, 1, '=HYPERLINK("http://evil")')
    finish(a, recommendation="yes", summary="+1 from me")
    b = card_of(session, interviewer2)
    score(b, [1, 1, 1])
    note(b, 1, "B-DRAFT-NOTE")
    return session


def read(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(read(response))))


def session_csv(session):
    return reverse("interviews:session_export_csv", args=[session.pk])


def session_json(session):
    return reverse("interviews:session_export_json", args=[session.pk])


def test_the_session_csv_has_a_row_per_submitted_question(client_for, session, interviewer):
    response = client_for(interviewer).get(session_csv(session))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="intervy-session-' in response["Content-Disposition"]
    exported = rows(response)
    assert [row["question_order"] for row in exported] == ["1", "2", "3"]
    assert {row["interviewer"] for row in exported} == {"interviewer"}
    first, second, _ = exported
    assert first["candidate"] == session.candidate.full_name
    assert first["position"] == session.position.title
    assert first["session_id"] == str(session.pk)
    assert first["category"] and first["difficulty"] == "medium"
    assert (first["score"], first["not_assessed"]) == ("4", "false")
    assert (second["score"], second["not_assessed"]) == ("", "true")
    assert first["recommendation"] == "yes"
    assert first["submitted_at"]
    assert first["amended"] == "false"
    assert "B-DRAFT-NOTE" not in read(client_for(interviewer).get(session_csv(session)))


def test_the_csv_neutralises_formulas(client_for, session, interviewer):
    Candidate.objects.filter(pk=session.candidate_id).update(full_name="@SUM(A1)")
    first = rows(client_for(interviewer).get(session_csv(session)))[0]
    assert first["notes"] == '\'=HYPERLINK("http://evil")'
    assert first["summary"] == "'+1 from me"
    assert first["candidate"] == "'@SUM(A1)"


def test_the_csv_quotes_and_ends_lines_as_a_spreadsheet_expects(client_for, interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager), count=3)
    card = card_of(session, interviewer)
    score(card, [1, 2, 3])
    note(card, 2, 'Said "it depends", then\nwrote it down')
    note(card, 3, "\tindented")
    card = finish(card, recommendation="no", summary='Fine, "mostly"')
    text = read(client_for(interviewer).get(session_csv(session)))
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    assert '"Said ""it depends"", then\nwrote it down"' in text
    assert text.count("\r\n") == 4 and text.endswith("\r\n")
    first, second, third = rows(client_for(interviewer).get(session_csv(session)))
    assert first["notes"] == "" and first["summary"] == 'Fine, "mostly"'
    assert second["notes"] == 'Said "it depends", then\nwrote it down'
    assert third["notes"] == "'\tindented"
    assert first["submitted_at"] == card.submitted_at.isoformat()
    assert f',,no,"Fine, ""mostly""",{card.submitted_at.isoformat()},false,,\r\n' in text


def test_exports_carry_amended_values_and_flag_them(client_for, session, interviewer):
    card = card_of(session, interviewer)
    record = records_of(card)[2]
    amend_scorecard(
        scorecard=card, by=interviewer, field="score", record=record, new_value="3", reason="r"
    )
    exported = rows(client_for(interviewer).get(session_csv(session)))
    assert [(row["score"], row["amended"]) for row in exported] == [
        ("4", "false"),
        ("", "false"),
        ("3", "true"),
    ]
    document = client_for(interviewer).get(session_json(session)).json()
    (scorecard,) = document["scorecards"]
    assert scorecard["amended"] is True
    assert [q["amended"] for q in scorecard["questions"]] == [False, False, True]
    assert scorecard["questions"][2]["score"] == 3
    assert scorecard["amendments"][0] | {"amended_at": None} == {
        "field": "score",
        "question_order": 3,
        "old_value": "2",
        "new_value": "3",
        "reason": "r",
        "amended_by": "interviewer",
        "amended_at": None,
    }


def test_the_session_json_holds_exactly_the_submitted_data(client_for, session, manager):
    response = client_for(manager).get(session_json(session))
    assert 'filename="intervy-session-' in response["Content-Disposition"]
    document = response.json()
    assert document["format"] == "intervy.scorecards"
    assert document["version"] == 2
    assert document["scope"] == {"type": "session", "id": session.pk}
    (scorecard,) = document["scorecards"]
    assert scorecard["interviewer"]["username"] == "interviewer"
    assert scorecard["session"]["candidate"] == session.candidate.full_name
    assert scorecard["recommendation"] == "yes"
    assert scorecard["summary"] == "+1 from me"  # JSON needs no formula guard
    assert scorecard["aggregate"] == {"mean": "3.00", "assessed": 2, "not_assessed": 1}
    assert [q["score"] for q in scorecard["questions"]] == [4, None, 2]
    assert [q["not_assessed"] for q in scorecard["questions"]] == [False, True, False]
    assert scorecard["questions"][0]["notes"] == '=HYPERLINK("http://evil")'
    assert "B-DRAFT-NOTE" not in json.dumps(document)


def test_who_may_export_a_session(
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
    outsider = make_user("outsider", group="Interviewers")
    for url in (session_csv(session), session_json(session)):
        assert client_for(interviewer).get(url).status_code == 200
        assert client_for(manager).get(url).status_code == 200
        assert client_for(admin_user).get(url).status_code == 200
        assert client_for(interviewer2).get(url).status_code == 404  # not submitted yet
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(other_manager).get(url).status_code == 404
        assert client_for(stranger).get(url).status_code == 403
        assert client_for(interviewer).post(url).status_code == 405
        client.logout()
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_the_position_csv_streams_every_submitted_scorecard(client_for, session, manager):
    url = reverse("interviews:position_export_csv", args=[session.position_id])
    response = client_for(manager).get(url)
    assert isinstance(response, StreamingHttpResponse)
    exported = rows(response)
    assert len(exported) == 3
    assert {row["interviewer"] for row in exported} == {"interviewer"}


def test_the_position_json_lists_its_scorecards(client_for, session, manager, interviewer2):
    finish(card_of(session, interviewer2), recommendation="strong_no")
    url = reverse("interviews:position_export_json", args=[session.position_id])
    document = client_for(manager).get(url).json()
    assert document["scope"] == {"type": "position", "id": session.position_id}
    assert [card["recommendation"] for card in document["scorecards"]] == ["yes", "strong_no"]


def test_who_may_export_a_position(client_for, session, manager, other_manager, interviewer):
    for name in ("position_export_csv", "position_export_json"):
        url = reverse(f"interviews:{name}", args=[session.position_id])
        assert_refused(client_for(other_manager).get(url), 404)
        assert_refused(client_for(interviewer).get(url), 403)


@pytest.fixture
def small_and_large(manager):
    """A position with 1 submitted scorecard and one with 20 (5 sessions × 4), one amended."""
    panelists = [make_user(f"panelist{n}", group="Interviewers") for n in range(4)]
    small = make_position(manager, title="Small")
    finish(card_of(make_session(panel=panelists[:1], position=small), panelists[0]))
    large = make_position(manager, title="Large")
    for _ in range(5):
        session = make_session(panel=panelists, position=large)
        for panelist in panelists:
            finish(card_of(session, panelist))
    card = card_of(session, panelists[0])
    amend_scorecard(
        scorecard=card,
        by=panelists[0],
        field="score",
        record=records_of(card)[0],
        new_value="2",
        reason="Misclicked",
    )
    return small, large


def questions_in_json(response) -> int:
    return sum(len(card["questions"]) for card in response.json()["scorecards"])


@pytest.mark.parametrize(
    ("name", "budget", "exported_rows"),
    [
        # The web session, the user, the position, the visible scorecards' ids; then one
        # COPY writes the rows, which Django's query counter does not see.
        ("position_export_csv", 4, lambda response: len(rows(response))),
        # The web session, the user, the position; the scorecards, their records with
        # their questions (their text left behind), their amendments, the decisions with
        # their candidates.
        ("position_export_json", 7, questions_in_json),
    ],
)
def test_a_position_export_costs_the_same_queries_for_1_and_20_scorecards(
    client_for, manager, small_and_large, django_assert_max_num_queries, name, budget, exported_rows
):
    small, large = small_and_large
    client = client_for(manager)
    counts = []
    for position, expected_rows in ((small, 5), (large, 100)):
        url = reverse(f"interviews:{name}", args=[position.pk])
        client.get(url)
        with django_assert_max_num_queries(budget) as captured:
            assert exported_rows(client.get(url)) == expected_rows
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
