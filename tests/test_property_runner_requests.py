"""Property tests: whatever a client posts to the score and notes doors, the server never
answers 5xx and never writes half of it — a valid request is stored whole, anything else
changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviews.models import AuditEvent, QuestionRecord, Scorecard
from tests.factories import make_position, make_session

VALID_SCORES = {"1": 1, "2": 2, "3": 3, "4": 4, "na": None}

score_values = st.one_of(
    st.sampled_from([*VALID_SCORES, "5", "0", "-1", "abc", "", " 3", "3.0", "1e0", "NA", "４"]),
    st.text(max_size=20),
)
revisions = st.one_of(
    st.integers(min_value=-1, max_value=4).map(str),  # near the stored revision
    st.integers(min_value=-5, max_value=2**40).map(str),
    st.sampled_from(["", "abc", "1.5", "NaN", "9" * 30]),
)
notes_texts = st.text(max_size=300)
property_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def running(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager), count=2)
    scorecard = Scorecard.objects.get(session=session, interviewer=interviewer)
    return session, scorecard


def snapshot(scorecard: Scorecard) -> list[tuple]:
    return list(
        QuestionRecord.objects.filter(scorecard=scorecard)
        .order_by("pk")
        .values_list("score", "not_assessed", "notes", "notes_revision", "skipped")
    )


@pytest.mark.django_db
@property_settings
@given(value=score_values, htmx=st.booleans())
def test_score_requests_store_a_valid_score_whole_or_nothing(
    client, interviewer, running, value, htmx
):
    session, scorecard = running
    client.force_login(interviewer)
    before, events = snapshot(scorecard), AuditEvent.objects.count()
    url = reverse("interviews:runner_score", args=[session.pk, 1])
    response = client.post(url, {"score": value}, headers={"HX-Request": "true"} if htmx else {})

    assert response.status_code < 500
    record = QuestionRecord.objects.get(scorecard=scorecard, session_question__order=1)
    if value in VALID_SCORES:
        assert response.status_code in (200, 303)
        assert record.score == VALID_SCORES[value]
        assert record.not_assessed == (value == "na")
        assert AuditEvent.objects.count() == events + 1
    else:
        assert response.status_code == 400
        assert snapshot(scorecard) == before
        assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@property_settings
@given(text=notes_texts, revision=revisions)
def test_notes_requests_store_only_against_the_stored_revision_and_never_half_write(
    client, interviewer, running, text, revision
):
    session, scorecard = running
    client.force_login(interviewer)
    before = snapshot(scorecard)
    stored = QuestionRecord.objects.get(scorecard=scorecard, session_question__order=1)
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    response = client.post(
        url, {"notes": text, "base_revision": revision}, headers={"Accept": "application/json"}
    )

    assert response.status_code < 500
    record = QuestionRecord.objects.get(scorecard=scorecard, session_question__order=1)
    current = revision.lstrip("-").isdigit() and int(revision) == stored.notes_revision
    if response.status_code == 200:
        # Stored against the current revision (numbered by the server), or already there.
        assert current or text == stored.notes
        assert record.notes == text
        assert response.json() == {"saved": True, "revision": record.notes_revision}
    else:
        # A conflict, malformed or refused: nothing of this request is stored.
        assert snapshot(scorecard) == before
        if response.status_code == 409:
            reply = response.json()
            assert (reply["conflict"], reply["notes"]) == (True, stored.notes)
            assert not current
