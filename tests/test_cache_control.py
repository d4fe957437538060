"""Pages that hold scores answer `Cache-Control: private, no-store` (issue 9, point 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, score

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


@pytest.fixture
def world(interviewer, manager):
    position = make_position(manager)
    session = make_session(panel=[interviewer], position=position, count=2)
    card = card_of(session, interviewer)
    score(card, [3, 4])
    finish(card)
    running = make_session(panel=[interviewer], position=position, count=2)
    return {"session": session, "card": card, "position": position, "running": running}


# (url name, who asks, method, data): every page, fragment and export holding scores.
PAGES = [
    ("interviews:scorecard", "interviewer", "get", None),
    ("interviews:scorecard_save", "interviewer", "post", {"action": "draft"}),
    ("interviews:scorecard_amend", "interviewer", "post", {"target": "summary", "reason": ""}),
    ("interviews:scorecard_detail", "manager", "get", None),
    ("interviews:debrief", "interviewer", "get", None),
    ("interviews:debrief", "manager", "get", None),
    ("interviews:session_export_csv", "manager", "get", None),
    ("interviews:session_export_json", "manager", "get", None),
    ("interviews:position_list", "manager", "get", None),
    ("interviews:position_detail", "manager", "get", None),
    ("interviews:compare", "manager", "get", None),
    ("interviews:position_export_csv", "manager", "get", None),
    ("interviews:position_export_json", "manager", "get", None),
    ("interviews:runner", "interviewer", "get", None),
    ("interviews:runner_question", "interviewer", "get", None),
    ("interviews:runner_score", "interviewer", "post", {"score": "2"}),
    ("interviews:runner_follow_up", "interviewer", "post", {}),
    ("interviews:runner_skip", "interviewer", "post", {}),
    ("interviews:runner_notes", "interviewer", "post", {"notes": "x", "base_revision": "0"}),
    ("interviews:candidate_loop", "manager", "get", None),
    ("interviews:candidate_loop", "interviewer", "get", None),
    (
        "interviews:candidate_decide",
        "manager",
        "post",
        {"kind": "advance", "rationale": "Solid.", "override_reason": "Next round is booked."},
    ),
    ("interviews:analytics", "manager", "get", None),
    ("interviews:analytics_interviewers", "manager", "get", None),
    ("interviews:analytics_interviewer", "manager", "get", None),
    ("interviews:analytics_interviewer", "interviewer", "get", None),
    ("interviews:analytics_questions", "interviewer", "get", None),
    ("interviews:analytics_question", "manager", "get", None),
]


def url_for(name, world):
    drafting = name.startswith("interviews:runner") or name == "interviews:scorecard_save"
    session = world["running"] if drafting else world["session"]
    if name == "interviews:scorecard_detail":
        return reverse(name, args=[world["card"].pk])
    if name.startswith("interviews:candidate_"):
        return reverse(name, args=[world["position"].pk, world["session"].candidate_id])
    if name == "interviews:analytics_interviewer":
        return reverse(name, args=[world["card"].interviewer_id])
    if name == "interviews:analytics_question":
        question = world["session"].questions.exclude(source_question=None).first()
        return reverse(name, args=[question.source_question_id])
    if name.startswith("interviews:analytics"):
        return reverse(name)
    if name.startswith("interviews:position") or name == "interviews:compare":
        if name == "interviews:position_list":
            return reverse(name)
        return reverse(name, args=[world["position"].pk])
    if name.startswith("interviews:runner_"):
        return reverse(name, args=[session.pk, 1])
    return reverse(name, args=[session.pk])


@pytest.mark.parametrize(
    ("name", "persona", "method", "data"),
    PAGES,
    ids=[f"{name}-{persona}" for name, persona, _, _ in PAGES],
)
def test_a_page_with_scores_is_never_cached(
    request, client_for, world, name, persona, method, data
):
    client = client_for(request.getfixturevalue(persona))
    url = url_for(name, world)
    if name == "interviews:compare":
        candidates = [world["session"].candidate_id, world["running"].candidate_id]
        url += "?" + "&".join(f"candidate={pk}" for pk in candidates)
    response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 204, 302, 303), (url, response.status_code)
    assert response["Cache-Control"] == NO_STORE


def test_every_score_page_of_the_app_is_in_the_list():
    """A new review page or export must join PAGES (and get the decorator)."""
    from interviews import urls

    listed = {name for name, *_ in PAGES}
    holding_scores = {
        f"interviews:{p.name}"
        for p in urls.urlpatterns
        if (
            p.name.startswith(
                (
                    "scorecard",
                    "debrief",
                    "position",
                    "compare",
                    "session_export",
                    "candidate_",
                    "analytics",
                )
            )
            # The hiring team's forms answer with the team, not with scores.
            and not p.name.startswith("position_team")
        )
        or p.name in ("runner", "runner_question", "runner_score", "runner_notes")
    }
    assert holding_scores <= listed


def test_a_page_without_scores_keeps_the_default(client_for, interviewer):
    response = client_for(interviewer).get(reverse("questions:list"))
    assert "no-store" not in response.get("Cache-Control", "")
