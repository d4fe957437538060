"""/api/v1/: each resource for the personas, through the pages' own doors and services."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from interviews.models import (
    Decision,
    InterviewSession,
    QuestionRecord,
    Recommendation,
    Scorecard,
    SessionState,
    TeamRole,
)
from interviews.services.scorecards import submit_scorecard
from questions.models import Question, Status
from tests.factories import complete_and_score, make_position, make_question, make_session, seat

API = "/api/v1"


def call(client, headers, method: str, path: str, body: dict | None = None):
    kwargs = {"headers": headers}
    if body is not None:
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"{API}{path}", **kwargs)


@pytest.fixture
def position(manager, interviewer, interviewer2):
    position = make_position(manager)
    seat(position, interviewer)
    seat(position, interviewer2)
    return position


@pytest.fixture
def session(position, interviewer, interviewer2):
    return make_session(panel=[interviewer, interviewer2], position=position, count=2)


def finish_and_score(session, user, score=3):
    card = Scorecard.objects.get(session=session, interviewer=user)
    for record in QuestionRecord.objects.filter(scorecard=card):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=score,
            by_id=user.pk,
        )
    return card


def submit(session, user, score=3):
    card = finish_and_score(session, user, score)
    card.recommendation, card.summary = Recommendation.YES, f"Summary by {user}"
    card.save()
    complete_and_score(session, card)
    return submit_scorecard(scorecard=card, by=user)


# --- authentication and the error convention -------------------------------------------


def test_it_answers_401_in_the_error_shape_without_a_token(client, db):
    response = client.get(f"{API}/sessions/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_is_401(client, db):
    response = client.get(f"{API}/sessions/", headers={"Authorization": "Bearer ivy_nope"})
    assert response.status_code == 401


def test_invalid_input_is_400_with_per_field_messages(api_for, interviewer, session):
    client, headers = api_for(interviewer)
    response = call(
        client, headers, "put", f"/sessions/{session.pk}/scorecard/questions/1/score/", {"score": 9}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "score" in body["fields"]


def test_unknown_endpoint_is_a_json_404(api_for, interviewer):
    client, headers = api_for(interviewer)
    response = call(client, headers, "get", "/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_responses_are_never_cached(api_for, interviewer, session):
    client, headers = api_for(interviewer)
    response = call(client, headers, "get", f"/sessions/{session.pk}/scorecard/")
    assert response["Cache-Control"] == "private, no-store"


def test_session_calls_need_csrf_like_the_pages(interviewer, session):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(interviewer)
    assert browser.get(f"{API}/sessions/").status_code == 200
    response = browser.put(
        f"{API}/sessions/{session.pk}/scorecard/questions/1/score/",
        data=json.dumps({"score": 3}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert QuestionRecord.objects.filter(scorecard__interviewer=interviewer, score=3).count() == 0


def test_the_reference_page_lists_every_operation_without_scripts(client, db):
    response = client.get(f"{API}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "PUT /api/v1/sessions/{session_id}/scorecard/questions/{order}/score/" in html
    # Under the app's CSP: scripts only from our own static files, no CDN, no inline code.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all(re.search(r'src="/static/', tag) for tag in scripts), scripts
    assert "cdn" not in html.lower() and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_schema_is_openapi_3(client, db):
    schema = client.get(f"{API}/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/sessions/{session_id}/scorecard/submit/" in schema["paths"]


# --- the bank -------------------------------------------------------------------------


def test_interviewers_read_the_published_bank_only(api_for, interviewer):
    published = make_question()
    draft = make_question(status=Status.DRAFT)
    client, headers = api_for(interviewer)
    slugs = [q["slug"] for q in call(client, headers, "get", "/questions/").json()["results"]]
    assert published.slug in slugs and draft.slug not in slugs
    assert call(client, headers, "get", f"/questions/{draft.slug}/").status_code == 404


def test_curators_write_questions_and_interviewers_cannot(api_for, curator, interviewer):
    category = make_question().category
    body = {
        "slug": "api-made",
        "title": "Made through the API",
        "category": category.slug,
        "difficulty": "easy",
        "prompt": "Explain **idempotency**.",
    }
    client, headers = api_for(interviewer)
    assert call(client, headers, "post", "/questions/", body).status_code == 403
    client, headers = api_for(curator)
    response = call(client, headers, "post", "/questions/", body)
    assert response.status_code == 201, response.content
    question = Question.objects.get(slug="api-made")
    assert "<strong>idempotency</strong>" in question.prompt_html
    response = call(
        client, headers, "patch", "/questions/api-made/", {"prompt": "Explain retries."}
    )
    assert response.json()["prompt"] == "Explain retries."
    assert response.json()["version"] == 2


def test_a_read_token_cannot_write(api_for, curator):
    category = make_question().category
    client, headers = api_for(curator, scope="read")
    response = call(client, headers, "post", "/categories/", {"slug": "x", "name": "X"})
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]
    assert not category.__class__.objects.filter(slug="x").exists()


# --- templates and positions -----------------------------------------------------------


def test_templates_are_listed_with_their_questions(api_for, interviewer, session):
    client, headers = api_for(interviewer)
    results = call(client, headers, "get", "/templates/").json()["results"]
    assert results and len(results[0]["questions"]) == 2


def test_curators_have_no_templates(api_for, curator):
    client, headers = api_for(curator)
    assert call(client, headers, "get", "/templates/").status_code == 403


def test_positions_show_the_team_and_candidates_to_those_on_it(
    api_for, manager, interviewer, other_manager, session
):
    client, headers = api_for(interviewer)
    (position,) = call(client, headers, "get", "/positions/").json()["results"]
    assert {m["username"] for m in position["team"]} == {"interviewer", "interviewer2"}
    assert [c["full_name"] for c in position["candidates"]] == [session.candidate.full_name]
    client, headers = api_for(other_manager)
    assert call(client, headers, "get", "/positions/").json()["count"] == 0
    assert call(client, headers, "get", f"/positions/{session.position_id}/").status_code == 404


# --- sessions ------------------------------------------------------------------------


def test_an_interviewer_lists_their_sessions(api_for, interviewer, stranger, session):
    client, headers = api_for(interviewer)
    body = call(client, headers, "get", "/sessions/?mine=true").json()
    assert body["count"] == 1 and body["results"][0]["id"] == session.pk
    assert body["results"][0]["candidate"]["full_name"] == session.candidate.full_name
    client, headers = api_for(stranger)
    assert call(client, headers, "get", "/sessions/").json()["count"] == 0
    assert call(client, headers, "get", f"/sessions/{session.pk}/").status_code == 404


def test_pagination_follows_the_convention(api_for, interviewer, position):
    for _ in range(3):
        make_session(panel=[interviewer], position=position, count=1)
    client, headers = api_for(interviewer)
    first = call(client, headers, "get", "/sessions/?per_page=2").json()
    assert (first["count"], first["page"], first["next_page"], len(first["results"])) == (
        3,
        1,
        2,
        2,
    )
    second = call(client, headers, "get", "/sessions/?per_page=2&page=2").json()
    assert second["next_page"] is None and len(second["results"]) == 1


def test_the_manager_schedules_reschedules_and_cancels(
    api_for, manager, interviewer, interviewer2, position, session, mailoutbox
):
    template_id = session.template_id
    client, headers = api_for(manager)
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = call(
        client,
        headers,
        "post",
        "/sessions/",
        {
            "position_id": position.pk,
            "template_id": template_id,
            "scheduled_at": when.isoformat(),
            "interviewer_ids": [interviewer.pk],
            "new_candidate_name": "Ada Lovelace",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["candidate"]["full_name"] == "Ada Lovelace"
    assert [p["username"] for p in created["panel"]] == ["interviewer"]
    later = when + timedelta(days=1)
    response = call(
        client,
        headers,
        "post",
        f"/sessions/{created['id']}/reschedule/",
        {
            "scheduled_at": later.isoformat(),
            "interviewer_ids": [interviewer.pk, interviewer2.pk],
            "reason": "Moved",
        },
    )
    assert response.status_code == 200, response.content
    assert {p["username"] for p in response.json()["panel"]} == {"interviewer", "interviewer2"}
    response = call(
        client, headers, "post", f"/sessions/{created['id']}/cancel/", {"reason": "Withdrew"}
    )
    assert response.json()["state"] == "cancelled"
    again = call(client, headers, "post", f"/sessions/{created['id']}/cancel/", {"reason": "Again"})
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_a_panel_outside_the_team_is_refused_as_the_form_refuses_it(
    api_for, manager, stranger, position, session
):
    client, headers = api_for(manager)
    response = call(
        client,
        headers,
        "post",
        "/sessions/",
        {
            "position_id": position.pk,
            "template_id": session.template_id,
            "scheduled_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "interviewer_ids": [stranger.pk],
            "new_candidate_name": "Nobody",
        },
    )
    assert response.status_code == 400 and "interviewers" in response.json()["fields"]


def test_interviewers_who_coordinate_nothing_cannot_schedule(
    api_for, interviewer, position, session
):
    client, headers = api_for(interviewer)
    response = call(
        client,
        headers,
        "post",
        "/sessions/",
        {
            "position_id": position.pk,
            "template_id": session.template_id,
            "scheduled_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "interviewer_ids": [interviewer.pk],
            "new_candidate_name": "X",
        },
    )
    assert response.status_code == 403
    assert (
        call(
            client, headers, "post", f"/sessions/{session.pk}/cancel/", {"reason": "x"}
        ).status_code
        == 404
    )


def test_a_coordinator_reschedules(api_for, interviewer2, position, interviewer, manager):
    position.members.filter(user=interviewer2).update(role=TeamRole.COORDINATOR)
    scheduled = make_session(panel=[interviewer], position=position, started=False, count=1)
    client, headers = api_for(interviewer2)
    response = call(
        client, headers, "post", f"/sessions/{scheduled.pk}/cancel/", {"reason": "Clash"}
    )
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["state"]) == (scheduled.pk, "cancelled")
    assert response.json()["cancelled_at"] is not None
    assert InterviewSession.objects.get(pk=scheduled.pk).state == SessionState.CANCELLED


# --- the caller's own scorecard ---------------------------------------------------------


def test_score_notes_and_submit_through_the_api(api_for, interviewer, session):
    client, headers = api_for(interviewer)
    base = f"/sessions/{session.pk}/scorecard"
    response = call(client, headers, "put", f"{base}/questions/1/score/", {"score": 4})
    assert response.json()["score"] == 4
    response = call(client, headers, "put", f"{base}/questions/2/score/", {"not_assessed": True})
    assert response.json()["not_assessed"] is True and response.json()["score"] is None
    saved = call(
        client, headers, "put", f"{base}/questions/1/notes/", {"notes": "Good.", "base_revision": 0}
    )
    assert saved.json() == {"revision": 1, "notes": "Good."}
    stale = call(
        client, headers, "put", f"{base}/questions/1/notes/", {"notes": "Other", "base_revision": 0}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "notes_conflict"
    assert stale.json()["current"] == {"revision": 1, "notes": "Good."}
    early = call(client, headers, "post", f"{base}/submit/")
    assert early.status_code == 409 and early.json()["code"] == "not_finished"
    session.finish(by=interviewer)
    patched = call(
        client, headers, "patch", f"{base}/", {"recommendation": "yes", "summary": "Hire."}
    )
    assert patched.json()["summary"] == "Hire."
    submitted = call(client, headers, "post", f"{base}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["submitted_at"] is not None
    card = Scorecard.objects.get(session=session, interviewer=interviewer)
    assert card.submitted_at is not None
    assert [r.score for r in card.records.order_by("session_question__order")] == [4, None]
    late = call(client, headers, "put", f"{base}/questions/1/score/", {"score": 1})
    assert late.status_code == 409


def test_notes_that_are_too_long_are_413(api_for, interviewer, session, settings):
    client, headers = api_for(interviewer)
    response = call(
        client,
        headers,
        "put",
        f"/sessions/{session.pk}/scorecard/questions/1/notes/",
        {"notes": "x" * (settings.NOTES_MAX_LENGTH + 1), "base_revision": 0},
    )
    assert response.status_code == 413 and response.json()["code"] == "too_long"


def test_a_session_not_started_refuses_scores(api_for, interviewer, position):
    scheduled = make_session(panel=[interviewer], position=position, started=False, count=1)
    client, headers = api_for(interviewer)
    response = call(
        client,
        headers,
        "put",
        f"/sessions/{scheduled.pk}/scorecard/questions/1/score/",
        {"score": 2},
    )
    assert response.status_code == 409 and "not started" in response.json()["message"]


def test_no_one_else_reaches_a_panelists_scorecard(api_for, admin_user, manager, session):
    for user in (admin_user, manager):
        client, headers = api_for(user)
        assert call(client, headers, "get", f"/sessions/{session.pk}/scorecard/").status_code == 404
        response = call(
            client,
            headers,
            "put",
            f"/sessions/{session.pk}/scorecard/questions/1/score/",
            {"score": 1},
        )
        assert response.status_code == 404


# --- visible scorecards and decisions ---------------------------------------------------


def test_the_manager_sees_submitted_scorecards_only(api_for, manager, interviewer, session):
    submit(session, interviewer)
    client, headers = api_for(manager)
    body = call(client, headers, "get", f"/sessions/{session.pk}/scorecards/").json()
    assert [c["interviewer"]["username"] for c in body["results"]] == ["interviewer"]


def test_the_manager_records_a_decision_and_panelists_cannot(
    api_for, manager, interviewer, interviewer2, session
):
    submit(session, interviewer)
    submit(session, interviewer2)
    path = f"/positions/{session.position_id}/candidates/{session.candidate_id}/decisions/"
    client, headers = api_for(interviewer)
    assert (
        call(client, headers, "post", path, {"kind": "advance", "rationale": "x"}).status_code
        == 403
    )
    client, headers = api_for(manager)
    response = call(
        client, headers, "post", path, {"kind": "advance", "rationale": "Strong panel."}
    )
    assert response.status_code == 201, response.content
    assert Decision.objects.get().rationale == "Strong panel."
    listed = call(client, headers, "get", path).json()
    assert [d["kind"] for d in listed["results"]] == ["advance"]
    client, headers = api_for(interviewer)
    assert call(client, headers, "get", path).json()["count"] == 1


def test_a_decision_over_open_panels_needs_an_override_reason(api_for, manager, session):
    client, headers = api_for(manager)
    path = f"/positions/{session.position_id}/candidates/{session.candidate_id}/decisions/"
    response = call(client, headers, "post", path, {"kind": "reject", "rationale": "No."})
    assert response.status_code == 400 and "override_reason" in response.json()["fields"]


def test_nul_bytes_are_refused_not_a_server_error(api_for, interviewer):
    make_question()
    client, headers = api_for(interviewer)
    assert call(client, headers, "get", "/questions/a%00b/").status_code == 404
    assert call(client, headers, "get", "/questions/?q=a%00b").status_code == 400
    assert call(client, headers, "get", "/questions/?category=a%00b").status_code == 400
    response = call(client, headers, "patch", "/sessions/1/scorecard/", {"summary": "a\x00b"})
    assert response.status_code == 400


# --- analytics figures: the pages' audiences, filter and gates ---------------------------

ANALYTICS_LISTS = ("/analytics/interviewers/", "/analytics/questions/", "/analytics/reliability/")


@pytest.fixture
def analytics_world(position, session, interviewer, interviewer2, other_manager):
    """One panel-complete session on the manager's position, one on another manager's."""
    submit(session, interviewer, score=4)
    submit(session, interviewer2, score=2)
    elsewhere = make_position(other_manager, title="Elsewhere")
    seat(elsewhere, interviewer)
    seat(elsewhere, interviewer2)
    other = make_session(panel=[interviewer, interviewer2], position=elsewhere, count=2)
    submit(other, interviewer, score=3)
    submit(other, interviewer2, score=3)
    question = session.questions.order_by("order").first()
    return {"position": position, "elsewhere": elsewhere, "question": question}


def interviewer_rows(client, headers, **params) -> dict[str, int]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    body = call(client, headers, "get", f"/analytics/interviewers/?{query}").json()
    return {row["interviewer"]["username"]: row["scorecards"] for row in body["results"]}


def test_an_interviewer_sees_their_own_calibration_only(
    api_for, analytics_world, interviewer, interviewer2
):
    client, headers = api_for(interviewer)
    assert interviewer_rows(client, headers) == {"interviewer": 2}
    own = call(client, headers, "get", f"/analytics/interviewers/{interviewer.pk}/")
    assert own.status_code == 200
    body = own.json()
    assert body["figures"]["interviewer"]["username"] == "interviewer"
    assert body["shared_answers"] == 4
    # The answers behind it: 4 against 2 on the manager's position, +2.0.
    assert max(a["difference"] for a in body["answers"]) == 2.0
    other = call(client, headers, "get", f"/analytics/interviewers/{interviewer2.pk}/")
    assert other.status_code == 404 and other.json()["code"] == "not_found"


def test_a_manager_sees_their_positions_interviewers_and_an_admin_all(
    api_for, analytics_world, manager, other_manager, admin_user, interviewer
):
    client, headers = api_for(manager)
    # Both interviewers, from the manager's position only (one scorecard each).
    assert interviewer_rows(client, headers) == {"interviewer": 1, "interviewer2": 1}
    assert (
        call(client, headers, "get", f"/analytics/interviewers/{interviewer.pk}/").status_code
        == 200
    )
    # A position of someone else's is refused by the pages' filter: a 400 naming the field.
    refused = call(
        client,
        headers,
        "get",
        f"/analytics/interviewers/?position_id={analytics_world['elsewhere'].pk}",
    )
    assert refused.status_code == 400 and "position_id" in refused.json()["fields"]
    client, headers = api_for(admin_user)
    assert interviewer_rows(client, headers) == {"interviewer": 2, "interviewer2": 2}
    assert interviewer_rows(client, headers, position_id=analytics_world["elsewhere"].pk) == {
        "interviewer": 1,
        "interviewer2": 1,
    }
    reliability = call(client, headers, "get", "/analytics/reliability/").json()
    assert {row["name"] for row in reliability["by_position"]} == {"Backend engineer", "Elsewhere"}
    assert reliability["overall"]["gate"] == "hidden" and reliability["overall"]["value"] is None
    client, headers = api_for(other_manager)
    assert interviewer_rows(client, headers) == {"interviewer": 1, "interviewer2": 1}
    assert {
        row["name"]
        for row in call(client, headers, "get", "/analytics/reliability/").json()["by_position"]
    } == {"Elsewhere"}


def test_strangers_and_curators_are_refused_as_the_pages_refuse(
    api_for, analytics_world, stranger, curator, interviewer
):
    question = analytics_world["question"]
    paths = [
        *ANALYTICS_LISTS,
        f"/analytics/interviewers/{interviewer.pk}/",
        f"/analytics/questions/{question.source_question_id}/versions/1/",
    ]
    for user in (stranger, curator):
        client, headers = api_for(user)
        for path in paths:
            response = call(client, headers, "get", path)
            assert response.status_code == 403, (user, path)
            assert response.json()["code"] == "forbidden"
            assert "interviewer" not in response.content.decode()


def test_question_health_is_gated_with_n_as_on_the_page(api_for, analytics_world, manager):
    client, headers = api_for(manager)
    body = call(client, headers, "get", "/analytics/questions/?sort=-exposure").json()
    assert body["count"] == 2 and body["meta"]["figures"] == "live"
    row = body["results"][0]
    assert row["exposure"]["times_asked"] == 1
    # Two ratings: below the distribution's minimum n, hidden with its n, no numbers.
    assert row["distribution"] == {
        "n": 2,
        "gate": "hidden",
        "counts": None,
        "shares": None,
        "mean": None,
        "sd": None,
        "ceiling": False,
        "floor": False,
    }
    assert row["separation"]["value"] is None and row["alpha"]["gate"] == "hidden"
    question = analytics_world["question"]
    detail = call(
        client, headers, "get", f"/analytics/questions/{question.source_question_id}/versions/1/"
    )
    assert detail.status_code == 200
    assert detail.json()["question"]["title"] == question.title
    assert detail.json()["drift"]["points"] == []  # no residual series yet
    missing = call(
        client, headers, "get", f"/analytics/questions/{question.source_question_id}/versions/9/"
    )
    assert missing.status_code == 404
    assert call(client, headers, "get", "/analytics/questions/?sort=nonsense").status_code == 400


def test_analytics_lists_follow_the_pagination_convention(api_for, analytics_world, admin_user):
    client, headers = api_for(admin_user)
    first = call(client, headers, "get", "/analytics/interviewers/?per_page=1").json()
    assert (first["count"], first["next_page"], len(first["results"])) == (2, 2, 1)
    second = call(client, headers, "get", "/analytics/interviewers/?per_page=1&page=2").json()
    assert second["next_page"] is None
    names = {first["results"][0]["interviewer"]["username"]}
    names.add(second["results"][0]["interviewer"]["username"])
    assert names == {"interviewer", "interviewer2"}


def test_the_api_reads_the_stored_snapshot_as_the_pages_do(
    api_for, analytics_world, manager, django_assert_max_num_queries
):
    from interviews import tasks

    tasks.refresh_stale_analytics()
    client, headers = api_for(manager)
    body = call(client, headers, "get", "/analytics/interviewers/").json()
    assert body["meta"]["figures"] == "stored" and body["meta"]["computed_at"]
    # The token, its rate window, the audience, the filter's choices, the snapshot, names.
    with django_assert_max_num_queries(12):
        assert call(client, headers, "get", "/analytics/questions/").status_code == 200
