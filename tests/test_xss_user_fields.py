"""Hostile text in every field a user writes renders inert on every page that shows it.

Each field is written through the real form a user would use (scheduling, the runner, the
scorecard), then every page that shows it is read back as each role that may see it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from interviews.models import InterviewSession, Scorecard, TeamRole
from questions.models import Question, Status
from tests.factories import complete_and_score, make_position, make_session, make_template, seat

PAYLOADS = {
    "script": "<script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "link": "[click](javascript:alert(1))",
    "svg": "<svg onload=alert(1)>",
    "attr": '"><b onmouseover=alert(1)>',
}
HOSTILE = " ".join(PAYLOADS.values())

# What an executable payload would look like in HTML: a real tag or handler attribute.
DANGEROUS = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img[^>]*onerror", re.I),
    re.compile(r"<svg[^>]*onload", re.I),
    re.compile(r"<b onmouseover", re.I),
    re.compile(r"href=[\"']?javascript:", re.I),
]


def test_the_check_itself_catches_a_live_payload():
    with pytest.raises(AssertionError):
        assert_inert(f"<p>{PAYLOADS['img']}</p>", "a page that forgot to escape")


def assert_inert(html: str, where: str) -> None:
    for pattern in DANGEROUS:
        assert not pattern.search(html), f"{where}: {pattern.pattern} is live"


@pytest.fixture
def hostile_session(client, interviewer, interviewer2, manager):
    """A session scheduled, run and submitted through the forms, with HOSTILE everywhere."""
    position = make_position(manager)
    seat(position, interviewer, TeamRole.COORDINATOR)
    seat(position, interviewer2)
    template = make_template(count=2)
    client.force_login(interviewer)
    response = client.post(
        reverse("interviews:session_new"),
        {
            "new_candidate_name": f"Mallory {PAYLOADS['script']}",
            "position": position.pk,
            "template": template.pk,
            "scheduled_at": "2026-12-01T10:00",
            "interviewers": [interviewer.pk, interviewer2.pk],
        },
    )
    assert response.status_code == 302, response.content[:500]
    session = InterviewSession.objects.get(candidate__full_name__startswith="Mallory")
    client.post(reverse("interviews:runner_start", args=[session.pk]))
    response = client.post(
        reverse("interviews:runner_add_question", args=[session.pk]),
        {"title": f"Ad hoc {PAYLOADS['img']}", "prompt": HOSTILE, "save_to_bank": "on"},
    )
    assert response.status_code in (302, 303)
    for order in (1, 2, 3):
        client.post(reverse("interviews:runner_score", args=[session.pk, order]), {"score": "3"})
        client.post(
            reverse("interviews:runner_notes", args=[session.pk, order]),
            {"notes": HOSTILE, "base_revision": 0},
        )
    client.post(reverse("interviews:runner_finish", args=[session.pk]))
    for user, recommendation in ((interviewer, "yes"), (interviewer2, "no")):
        client.force_login(user)
        if user == interviewer2:
            client.post(reverse("interviews:runner_score", args=[session.pk, 1]), {"score": "1"})
        complete_and_score(session, Scorecard.objects.get(session=session, interviewer=user))
        response = client.post(
            reverse("interviews:scorecard_save", args=[session.pk]),
            {"recommendation": recommendation, "summary": HOSTILE, "action": "submit"},
        )
        assert response.status_code in (302, 303), response.content[:500]
    assert Scorecard.objects.filter(session=session, submitted_at__isnull=False).count() == 2
    return session, position


@pytest.mark.django_db
def test_hostile_text_was_stored_as_written(hostile_session, interviewer):
    session, _ = hostile_session
    card = Scorecard.objects.get(session=session, interviewer=interviewer)
    assert card.summary == HOSTILE
    assert card.records.get(session_question__order=1).notes == HOSTILE
    assert Question.objects.get(status=Status.DRAFT, title__startswith="Ad hoc").prompt == HOSTILE


@pytest.mark.django_db
def test_every_page_showing_it_renders_it_inert(
    client, hostile_session, interviewer, manager, admin_user
):
    session, position = hostile_session
    candidate = session.candidate
    other = make_session(panel=[interviewer], position=position, candidate_name="Bob Benign")
    compare_url = reverse("interviews:compare", args=[position.pk])
    compare = f"{compare_url}?candidate={candidate.pk}&candidate={other.candidate_id}"
    pages = {
        interviewer: [
            reverse("interviews:home"),
            reverse("interviews:runner_question", args=[session.pk, 3]),
            reverse("interviews:scorecard", args=[session.pk]),
            reverse("interviews:debrief", args=[session.pk]),
        ],
        manager: [
            reverse("interviews:position_detail", args=[position.pk]),
            compare,
            reverse("interviews:debrief", args=[session.pk]),
            *[
                reverse("interviews:scorecard_detail", args=[card.pk])
                for card in session.scorecards.all()
            ],
        ],
        admin_user: [
            reverse("admin:interviews_candidate_changelist"),
            reverse("admin:interviews_candidate_change", args=[candidate.pk]),
            reverse("admin:questions_question_changelist"),
            reverse(
                "admin:questions_question_change",
                args=[Question.objects.get(status=Status.DRAFT).pk],
            ),
        ],
    }
    seen_escaped = 0
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert_inert(html, url)
            seen_escaped += html.count("&lt;script&gt;")
    # The payloads are shown, escaped, not dropped: the user sees what was typed.
    assert seen_escaped >= 8


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.django_db
def test_exports_carry_the_text_as_data(client, hostile_session, manager):
    session, position = hostile_session
    client.force_login(manager)
    exported = client.get(reverse("interviews:session_export_json", args=[session.pk]))
    assert exported["Content-Type"].startswith("application/json")
    assert HOSTILE in _strings(exported.json())
    csv_text = b"".join(
        client.get(reverse("interviews:position_export_csv", args=[position.pk])).streaming_content
    )
    assert "Mallory" in csv_text.decode()
