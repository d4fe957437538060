"""Evidence notes: autosave against server-numbered revisions, conflicts between tabs, the
no-JavaScript form, and what is refused."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from interviews.models import QuestionRecord
from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import finish

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def notes_url(session, order):
    return reverse("interviews:runner_notes", args=[session.pk, order])


def page_url(session, order):
    return reverse("interviews:runner_question", args=[session.pk, order])


def record(session, user, order):
    return QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=user, session_question__order=order
    )


def test_autosave_stores_the_notes_and_answers_the_revision_the_server_gave(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    response = client.post(
        notes_url(session, 1), {"notes": "Knows B-tree indexes", "base_revision": "0"}, headers=JSON
    )
    assert response.status_code == 200
    assert response.json() == {"saved": True, "revision": 1}
    again = client.post(
        notes_url(session, 1), {"notes": "Knows B-trees, GIN", "base_revision": "1"}, headers=JSON
    )
    assert again.json() == {"saved": True, "revision": 2}
    saved = record(session, interviewer, 1)
    assert (saved.notes, saved.notes_revision) == ("Knows B-trees, GIN", 2)


def test_the_client_cannot_choose_the_revision(client_for, interviewer, session):
    """A revision from the future is not "newer": it is not the stored one, so a conflict."""
    client = client_for(interviewer)
    response = client.post(
        notes_url(session, 1), {"notes": "jump ahead", "base_revision": "999"}, headers=JSON
    )
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert (
        record(session, interviewer, 1).notes,
        record(session, interviewer, 1).notes_revision,
    ) == (
        "",
        0,
    )


def test_a_save_from_an_older_revision_is_a_conflict_with_the_current_text(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    # Tab A saves first; tab B, opened at revision 0 too, saves after it.
    client.post(notes_url(session, 1), {"notes": "from tab A", "base_revision": "0"}, headers=JSON)
    late = client.post(
        notes_url(session, 1), {"notes": "from tab B", "base_revision": "0"}, headers=JSON
    )
    assert late.status_code == 409
    reply = late.json()
    assert reply["saved"] is False and reply["conflict"] is True
    assert (reply["notes"], reply["revision"]) == ("from tab A", 1)
    assert "another tab or on another device" in reply["error"]
    assert record(session, interviewer, 1).notes == "from tab A"
    # "Keep mine": B saves its text against the revision the conflict reported.
    kept = client.post(
        notes_url(session, 1), {"notes": "from tab B", "base_revision": "1"}, headers=JSON
    )
    assert kept.json() == {"saved": True, "revision": 2}
    assert record(session, interviewer, 1).notes == "from tab B"


def test_a_retry_of_a_save_that_landed_is_not_a_conflict(client_for, interviewer, session):
    """The reply was lost, the script sends the same text from the same revision again."""
    client = client_for(interviewer)
    first = client.post(
        notes_url(session, 2), {"notes": "same", "base_revision": "0"}, headers=JSON
    )
    retry = client.post(
        notes_url(session, 2), {"notes": "same", "base_revision": "0"}, headers=JSON
    )
    assert first.json() == retry.json() == {"saved": True, "revision": 1}
    assert record(session, interviewer, 2).notes_revision == 1


def test_notes_survive_a_reload(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(notes_url(session, 2), {"notes": "Mentions idempotency keys", "base_revision": "0"})
    html = client.get(page_url(session, 2)).content.decode()
    assert "Mentions idempotency keys</textarea>" in html
    assert 'data-revision="1"' in html


def test_without_javascript_the_form_saves_and_redirects_back(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(notes_url(session, 2), {"notes": "Plain form", "base_revision": "0"})
    assert response.status_code == 303
    assert response["Location"] == page_url(session, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Notes saved for question 2." in page
    assert "Plain form</textarea>" in page
    assert 'name="base_revision" value="1"' in page


def test_without_javascript_a_conflict_shows_both_texts_and_keeps_nothing_lost(
    client_for, interviewer, session
):
    client = client_for(interviewer)
    client.post(
        notes_url(session, 2), {"notes": "from the laptop", "base_revision": "0"}, headers=JSON
    )
    response = client.post(
        notes_url(session, 2), {"notes": "from the tablet", "base_revision": "0"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Your notes were not saved" in page
    # Mine stays in the field, to be saved against the other writer's revision...
    assert ">from the tablet</textarea>" in page
    assert 'name="base_revision" value="1"' in page
    assert ">Keep mine</button>" in page
    # ...and theirs is shown beside it, with the way to take it instead.
    assert '<textarea id="notes-theirs" rows="5" readonly>from the laptop</textarea>' in page
    assert f'href="{page_url(session, 2)}" id="notes-take-theirs"' in page
    assert record(session, interviewer, 2).notes == "from the laptop"
    # Keep mine: the same form posted again, now against revision 1.
    kept = client.post(notes_url(session, 2), {"notes": "from the tablet", "base_revision": "1"})
    assert kept.status_code == 303
    assert record(session, interviewer, 2).notes == "from the tablet"


def test_notes_keep_whitespace_and_can_be_cleared(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(notes_url(session, 1), {"notes": "  - one\n  - two\n", "base_revision": "0"})
    assert record(session, interviewer, 1).notes == "  - one\n  - two\n"
    client.post(notes_url(session, 1), {"notes": "", "base_revision": "1"}, headers=JSON)
    assert record(session, interviewer, 1).notes == ""


def test_notes_are_escaped_on_the_page(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(
        notes_url(session, 1), {"notes": "</textarea><script>x()</script>", "base_revision": "0"}
    )
    html = client.get(page_url(session, 1)).content.decode()
    assert "<script>x()" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;</textarea>" in html


def test_notes_longer_than_the_limit_are_refused(client_for, interviewer, session):
    too_long = "x" * (settings.NOTES_MAX_LENGTH + 1)
    client = client_for(interviewer)
    response = client.post(
        notes_url(session, 1), {"notes": too_long, "base_revision": "0"}, headers=JSON
    )
    assert response.status_code == 413
    assert response.json()["saved"] is False
    assert f"limited to {settings.NOTES_MAX_LENGTH:,} characters" in response.json()["error"]
    plain = client.post(notes_url(session, 1), {"notes": too_long, "base_revision": "0"})
    assert plain.status_code == 413
    assert "this text was not saved" in plain.content.decode()
    assert record(session, interviewer, 1).notes_revision == 0


@pytest.mark.parametrize("revision", ["", "abc", "1.5", "-2"])
def test_a_bad_revision_is_refused(client_for, interviewer, session, revision):
    response = client_for(interviewer).post(
        notes_url(session, 1), {"notes": "text", "base_revision": revision}, headers=JSON
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.json()["error"]
    assert record(session, interviewer, 1).notes == ""


def test_a_submitted_scorecard_refuses_notes(client_for, interviewer, session):
    finish(session.scorecards.get(), recommendation="no", summary="Weak on SQL.")
    response = client_for(interviewer).post(
        notes_url(session, 1), {"notes": "late", "base_revision": "0"}, headers=JSON
    )
    assert response.status_code == 409
    assert "submitted" in response.json()["error"]
    assert record(session, interviewer, 1).notes == ""


def test_notes_of_a_question_outside_the_session_are_404(client_for, interviewer, session):
    response = client_for(interviewer).post(
        notes_url(session, 42), {"notes": "x", "base_revision": "0"}, headers=JSON
    )
    assert_refused(response, 404)


@pytest.mark.parametrize("persona", ["interviewer2", "manager", "stranger"])
def test_notes_on_a_session_you_are_not_on_are_404(request, client_for, session, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(
        notes_url(session, 1), {"notes": "x", "base_revision": "0"}, headers=JSON
    )
    assert response.status_code == 404
    assert record(session, session.scorecards.get().interviewer, 1).notes == ""


def test_each_panelist_keeps_their_own_notes(client_for, interviewer, interviewer2, manager):
    session = make_session(panel=[interviewer, interviewer2], position=make_position(manager))
    client_for(interviewer).post(notes_url(session, 1), {"notes": "mine", "base_revision": "0"})
    client_for(interviewer2).post(notes_url(session, 1), {"notes": "theirs", "base_revision": "0"})
    assert record(session, interviewer, 1).notes == "mine"
    assert record(session, interviewer2, 1).notes == "theirs"


def test_notes_refuse_get(client_for, interviewer, session):
    assert_refused(client_for(interviewer).get(notes_url(session, 1)), 405)
