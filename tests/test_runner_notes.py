"""Evidence notes: autosave with revisions, the no-JavaScript form, and what is refused."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from interviews.models import QuestionRecord
from tests.factories import make_position, make_session
from tests.scorecard_data import finish

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


@pytest.fixture
def session(interviewer, manager):
    return make_session(panel=[interviewer], position=make_position(manager))


def notes_url(session, order):
    return reverse("interviews:runner_notes", args=[session.pk, order])


def page_url(session, order):
    return reverse("interviews:runner_question", args=[session.pk, order])


def record(session, user, order):
    return QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=user, session_question__order=order
    )


def test_autosave_stores_the_notes_and_acknowledges_the_revision(client_for, interviewer, session):
    response = client_for(interviewer).post(
        notes_url(session, 1), {"notes": "Knows B-tree indexes", "revision": "3"}, headers=JSON
    )
    assert response.status_code == 200
    assert response.json() == {"saved": True, "revision": 3}
    saved = record(session, interviewer, 1)
    assert (saved.notes, saved.notes_revision) == ("Knows B-tree indexes", 3)


def test_a_late_older_save_never_overwrites_a_newer_one(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(notes_url(session, 1), {"notes": "newer text", "revision": "4"}, headers=JSON)
    late = client.post(notes_url(session, 1), {"notes": "older", "revision": "3"}, headers=JSON)
    assert late.status_code == 200
    assert late.json() == {"saved": False, "revision": 4}
    assert record(session, interviewer, 1).notes == "newer text"


def test_notes_survive_a_reload(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(notes_url(session, 2), {"notes": "Mentions idempotency keys", "revision": "1"})
    html = client.get(page_url(session, 2)).content.decode()
    assert "Mentions idempotency keys</textarea>" in html
    assert 'data-revision="1"' in html


def test_without_javascript_the_form_saves_and_redirects_back(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(notes_url(session, 2), {"notes": "Plain form", "revision": "1"})
    assert response.status_code == 303
    assert response["Location"] == page_url(session, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Notes saved for question 2." in page
    assert "Plain form</textarea>" in page
    assert 'name="revision" value="2"' in page


def test_without_javascript_a_stale_form_says_newer_notes_were_kept(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    client.post(notes_url(session, 2), {"notes": "from the script", "revision": "9"}, headers=JSON)
    response = client.post(notes_url(session, 2), {"notes": "old tab", "revision": "2"})
    page = client.get(response["Location"]).content.decode()
    assert "Newer notes were already saved for this question; they were kept." in page
    assert record(session, interviewer, 2).notes == "from the script"


def test_notes_keep_whitespace_and_can_be_cleared(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(notes_url(session, 1), {"notes": "  - one\n  - two\n", "revision": "1"})
    assert record(session, interviewer, 1).notes == "  - one\n  - two\n"
    client.post(notes_url(session, 1), {"notes": "", "revision": "2"}, headers=JSON)
    assert record(session, interviewer, 1).notes == ""


def test_notes_are_escaped_on_the_page(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(
        notes_url(session, 1), {"notes": "</textarea><script>x()</script>", "revision": "1"}
    )
    html = client.get(page_url(session, 1)).content.decode()
    assert "<script>x()" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;</textarea>" in html


def test_notes_longer_than_the_limit_are_refused(client_for, interviewer, session):
    too_long = "x" * (settings.NOTES_MAX_LENGTH + 1)
    client = client_for(interviewer)
    response = client.post(
        notes_url(session, 1), {"notes": too_long, "revision": "1"}, headers=JSON
    )
    assert response.status_code == 413
    assert response.json()["saved"] is False
    assert f"limited to {settings.NOTES_MAX_LENGTH:,} characters" in response.json()["error"]
    plain = client.post(notes_url(session, 1), {"notes": too_long, "revision": "1"})
    assert plain.status_code == 413
    assert "this text was not saved" in plain.content.decode()
    assert record(session, interviewer, 1).notes_revision == 0


@pytest.mark.parametrize("revision", ["", "abc", "0", "-2"])
def test_a_bad_revision_is_refused(client_for, interviewer, session, revision):
    response = client_for(interviewer).post(
        notes_url(session, 1), {"notes": "text", "revision": revision}, headers=JSON
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.json()["error"]
    assert record(session, interviewer, 1).notes == ""


def test_a_submitted_scorecard_refuses_notes(client_for, interviewer, session):
    finish(session.scorecards.get(), recommendation="no", summary="Weak on SQL.")
    response = client_for(interviewer).post(
        notes_url(session, 1), {"notes": "late", "revision": "1"}, headers=JSON
    )
    assert response.status_code == 409
    assert "submitted" in response.json()["error"]
    assert record(session, interviewer, 1).notes == ""


def test_notes_of_a_question_outside_the_session_are_404(client_for, interviewer, session):
    response = client_for(interviewer).post(
        notes_url(session, 42), {"notes": "x", "revision": "1"}, headers=JSON
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["interviewer2", "manager", "stranger"])
def test_notes_on_a_session_you_are_not_on_are_404(request, client_for, session, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(notes_url(session, 1), {"notes": "x", "revision": "1"}, headers=JSON)
    assert response.status_code == 404
    assert record(session, session.scorecards.get().interviewer, 1).notes == ""


def test_each_panelist_keeps_their_own_notes(client_for, interviewer, interviewer2, manager):
    session = make_session(panel=[interviewer, interviewer2], position=make_position(manager))
    client_for(interviewer).post(notes_url(session, 1), {"notes": "mine", "revision": "5"})
    client_for(interviewer2).post(notes_url(session, 1), {"notes": "theirs", "revision": "1"})
    assert record(session, interviewer, 1).notes == "mine"
    assert record(session, interviewer2, 1).notes == "theirs"


def test_notes_refuse_get(client_for, interviewer, session):
    assert client_for(interviewer).get(notes_url(session, 1)).status_code == 405
