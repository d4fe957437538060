"""Blind review over the API: every operation of the schema, called by a panelist who has not
submitted, answers nothing of the other panelist's scorecard.

The operations come from the OpenAPI schema itself, so a new endpoint is covered (and must get
a body here if it writes) without being forgotten.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import make_position, make_question, make_session
from tests.scorecard_data import card_of, finish, note, score

pytestmark = pytest.mark.django_db

NOTE_MARKER = "API-NOTE-MARKER-5e1a"
SUMMARY_MARKER = "API-SUMMARY-MARKER-0b7c"

# A valid body for each writing operation, so the request reaches the door and the service.
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/api/v1/categories/"): {"slug": "leak-test", "name": "Leak test"},
    ("post", "/api/v1/questions/"): {
        "slug": "leak-q",
        "title": "Leak",
        "category": "leak-test",
        "difficulty": "easy",
        "prompt": "?",
    },
    ("patch", "/api/v1/questions/{slug}/"): {"title": "Renamed"},
    ("post", "/api/v1/sessions/"): {
        "position_id": 0,
        "template_id": 0,
        "scheduled_at": "2030-01-01T10:00:00Z",
        "interviewer_ids": [1],
        "new_candidate_name": "Leak",
    },
    ("post", "/api/v1/sessions/{session_id}/reschedule/"): {
        "scheduled_at": "2030-01-01T10:00:00Z",
        "interviewer_ids": [1],
        "reason": "x",
    },
    ("post", "/api/v1/sessions/{session_id}/cancel/"): {"reason": "x"},
    ("patch", "/api/v1/sessions/{session_id}/scorecard/"): {"summary": "B's own"},
    ("post", "/api/v1/sessions/{session_id}/scorecard/submit/"): None,
    ("put", "/api/v1/sessions/{session_id}/scorecard/questions/{order}/score/"): {"score": 2},
    ("put", "/api/v1/sessions/{session_id}/scorecard/questions/{order}/notes/"): {
        "notes": "B's notes",
        "base_revision": 0,
    },
    ("post", "/api/v1/positions/{position_id}/candidates/{candidate_id}/decisions/"): {
        "kind": "advance",
        "rationale": "x",
    },
}


@pytest.fixture
def panel(interviewer, interviewer2, manager):
    position = make_position(manager)
    session = make_session(panel=[interviewer, interviewer2], position=position, count=3)
    a_card = card_of(session, interviewer)
    score(a_card, [4, 4, 4])
    note(a_card, 2, f"A's evidence {NOTE_MARKER}")
    finish(a_card, recommendation="strong_yes", summary=f"A's verdict {SUMMARY_MARKER}")
    b_card = card_of(session, interviewer2)
    score(b_card, [1, 2])
    return position, session, a_card, b_card


def scorecards_of(value: Any, username: str) -> list[Any]:
    """Every object in a JSON answer that is a scorecard of `username`."""
    found = []
    if isinstance(value, dict):
        interviewer = value.get("interviewer")
        if isinstance(interviewer, dict) and interviewer.get("username") == username:
            found.append(value)
        for item in value.values():
            found += scorecards_of(item, username)
    elif isinstance(value, list):
        for item in value:
            found += scorecards_of(item, username)
    return found


def test_no_api_endpoint_shows_b_anything_of_as_scorecard(api_for, client, panel, interviewer2):
    position, session, a_card, _ = panel
    question = make_question()
    schema = client.get("/api/v1/schema/").json()
    values = {
        "session_id": session.pk,
        "scorecard_id": a_card.pk,
        "position_id": position.pk,
        "candidate_id": session.candidate_id,
        "order": 1,
        "slug": question.slug,
        # A's calibration, and a question version of the session (both out of B's sight).
        "user_id": a_card.interviewer_id,
        "question_id": session.questions.order_by("order").first().source_question_id,
        "version": 1,
    }
    _, headers = api_for(interviewer2)
    called = 0
    operations = 0
    for path, methods in schema["paths"].items():
        url = path.format(**values)
        for method in methods:
            operations += 1
            kwargs: dict[str, Any] = {"headers": headers}
            if method != "get":
                assert (method, path) in BODIES, f"give {method.upper()} {path} a body here"
                body = BODIES[(method, path)]
                if body is not None:
                    kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
            response = getattr(client, method)(url, **kwargs)
            text = response.content.decode()
            assert response.status_code < 500, f"{method} {url}: {text}"
            assert NOTE_MARKER not in text and SUMMARY_MARKER not in text, f"{method} {url}"
            assert "strong_yes" not in text, f"{method} {url} shows A's recommendation"
            assert scorecards_of(json.loads(text), "interviewer") == [], f"{method} {url}"
            called += 1
    assert called == operations >= 20
    # A's card by id is a 404, not an empty shell.
    assert client.get(f"/api/v1/scorecards/{a_card.pk}/", headers=headers).status_code == 404


def test_after_b_submits_the_api_shows_both(api_for, client, panel, interviewer2):
    _, session, a_card, b_card = panel
    finish(b_card, recommendation="no", summary="B's verdict")
    _, headers = api_for(interviewer2)
    body = client.get(f"/api/v1/sessions/{session.pk}/scorecards/", headers=headers).json()
    assert {card["interviewer"]["username"] for card in body["results"]} == {
        "interviewer",
        "interviewer2",
    }
    assert SUMMARY_MARKER in json.dumps(body)
    assert client.get(f"/api/v1/scorecards/{a_card.pk}/", headers=headers).status_code == 200


ANALYTICS_READS = (
    "/api/v1/analytics/interviewers/",
    "/api/v1/analytics/questions/",
    "/api/v1/analytics/reliability/",
)


def analytics_answers(client, api_for, viewers, session) -> dict:
    """Every analytics read of each viewer, without `meta` (its time is the request's)."""
    question = session.questions.order_by("order").first().source_question_id
    out = {}
    for who, user in viewers.items():
        _, headers = api_for(user)
        paths = [*ANALYTICS_READS, f"/api/v1/analytics/questions/{question}/versions/1/"]
        if who != "blind":
            paths.append(f"/api/v1/analytics/interviewers/{viewers['submitter'].pk}/")
        for path in paths:
            response = client.get(path, headers=headers)
            body = response.json()
            if isinstance(body, dict):
                body.pop("meta", None)
            out[who, path] = (response.status_code, body)
    return out


def test_a_draft_moves_no_analytics_figure_not_even_a_count(
    api_for, client, panel, interviewer, interviewer2, manager
):
    """A has submitted, B's card is a draft: the session is not panel-complete, so no
    analytics endpoint counts it — for B (blind), for the manager, or for A — and B's
    draft scores change nothing; once B submits, every count moves."""
    _, session, _, b_card = panel
    viewers = {"blind": interviewer2, "manager": manager, "submitter": interviewer}
    before = analytics_answers(client, api_for, viewers, session)
    for who in viewers:
        for path in ANALYTICS_READS[:2]:
            assert before[who, path] == (200, before[who, path][1])
            assert before[who, path][1]["count"] == 0, (who, path)
        reliability = before[who, "/api/v1/analytics/reliability/"][1]
        assert reliability["overall"]["n"] == 0 and reliability["by_position"] == []
    score(b_card, [1, 2, 4])  # the draft gets every score
    assert analytics_answers(client, api_for, viewers, session) == before
    finish(b_card, recommendation="no", summary="B's verdict")
    after = analytics_answers(client, api_for, viewers, session)
    rows = after["manager", "/api/v1/analytics/interviewers/"][1]["results"]
    assert {row["interviewer"]["username"]: row["scorecards"] for row in rows} == {
        "interviewer": 1,
        "interviewer2": 1,
    }
    assert after["manager", "/api/v1/analytics/questions/"][1]["count"] == 3
