"""Leak-proof blind review (PRODUCT D2): a panelist who has not submitted finds nothing of the
others' scorecards on any URL — pages, fragments, exports, counts.

Panel A + B. A submits a scorecard full of unique markers; B, still drafting, requests every
URL of the app that takes the session, A's scorecard or the position (found from the URL
resolver, so a new URL is covered without editing this test), plain and as HTMX.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interviews.access import visible_scorecards, visible_scorecards_for_position
from tests.conftest import make_user
from tests.factories import make_position, make_session
from tests.pages import assert_refused
from tests.scorecard_data import card_of, finish, note, score

pytestmark = pytest.mark.django_db

NOTE_MARKER = "NOTE-MARKER-7f3a"
SUMMARY_MARKER = "SUMMARY-MARKER-9c1e"
B_NOTE_MARKER = "B-DRAFT-NOTE-2d4b"
A_AGGREGATE = "3.80"  # A scores 4, 4, 4, 3, 4; B's own scores never average to this
A_RECOMMENDATION_CLASS = "rec-strong_yes"


def leaks(html: str) -> list[str]:
    found = [m for m in (NOTE_MARKER, SUMMARY_MARKER, A_RECOMMENDATION_CLASS) if m in html]
    # A whole number, not the digits inside a timestamp such as "09:31:23.803911".
    if re.search(rf"(?<![\d.]){re.escape(A_AGGREGATE)}(?!\d)", html):
        found.append(A_AGGREGATE)
    if re.search(r"\b1 of 2\b", html):
        found.append("1 of 2")
    return found


@pytest.fixture
def panel(interviewer, interviewer2, manager):
    position = make_position(manager)
    session = make_session(panel=[interviewer, interviewer2], position=position, count=5)
    a_card = card_of(session, interviewer)
    score(a_card, [4, 4, 4, 3, 4])
    note(a_card, 2, f"A's evidence {NOTE_MARKER}")
    finish(a_card, recommendation="strong_yes", summary=f"A's verdict {SUMMARY_MARKER}")
    b_card = card_of(session, interviewer2)
    score(b_card, [1, 2, 1, 1, 2])
    note(b_card, 1, f"B's draft {B_NOTE_MARKER}")
    return position, session, a_card, b_card


def url_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern, str]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += url_patterns(entry, namespace)
        elif entry.name:
            found.append((prefix + entry.name, entry, str(entry.pattern)))
    return found


def urls_touching(position, session, a_card) -> list[str]:
    """Every named URL that takes only a session, a scorecard, a position (with the session's
    candidate) or a question order."""
    values = {
        "session_id": session.pk,
        "scorecard_id": a_card.pk,
        "position_id": position.pk,
        "candidate_id": session.candidate_id,
        "order": 1,
    }
    urls = []
    for name, pattern, _ in url_patterns(get_resolver()):
        params = set(pattern.pattern.converters)
        if not params or not params & {"session_id", "scorecard_id", "position_id"}:
            continue
        if not params <= set(values):
            continue
        urls.append(reverse(name, kwargs={key: values[key] for key in params}))
    return urls


def test_the_resolver_walk_finds_the_review_urls(panel):
    position, session, a_card, _ = panel
    urls = urls_touching(position, session, a_card)
    for name, kwargs in [
        ("interviews:scorecard_detail", {"scorecard_id": a_card.pk}),
        ("interviews:debrief", {"session_id": session.pk}),
        ("interviews:session_export_csv", {"session_id": session.pk}),
        ("interviews:session_export_json", {"session_id": session.pk}),
        ("interviews:position_detail", {"position_id": position.pk}),
        ("interviews:compare", {"position_id": position.pk}),
        ("interviews:position_export_csv", {"position_id": position.pk}),
        ("interviews:scorecard", {"session_id": session.pk}),
        (
            "interviews:candidate_loop",
            {"position_id": position.pk, "candidate_id": session.candidate_id},
        ),
    ]:
        assert reverse(name, kwargs=kwargs) in urls


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_a_panelist_who_has_not_submitted_finds_nothing_of_the_others(
    client_for, panel, interviewer2, interviewer
):
    position, session, a_card, _ = panel
    client = client_for(interviewer2)
    client.raise_request_exception = False
    other_candidate = make_session(panel=[interviewer], position=position).candidate
    urls = urls_touching(position, session, a_card)
    urls += [
        reverse("interviews:home"),
        reverse("interviews:position_list"),
        reverse("interviews:compare", args=[position.pk])
        + f"?candidate={session.candidate_id}&candidate={other_candidate.pk}",
    ]
    checked = 0
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            found = leaks(body(response))
            assert not found, f"{url} {headers} shows {found} (status {response.status_code})"
            checked += 1
    assert checked >= 2 * 12


def test_b_gets_404_for_as_scorecard_and_the_exports(client_for, panel, interviewer2):
    position, session, a_card, _ = panel
    client = client_for(interviewer2)
    assert_refused(client.get(reverse("interviews:scorecard_detail", args=[a_card.pk])), 404)
    assert_refused(client.get(reverse("interviews:session_export_csv", args=[session.pk])), 404)
    assert_refused(client.get(reverse("interviews:session_export_json", args=[session.pk])), 404)
    # Hiring-manager pages are not for interviewers at all.
    assert_refused(client.get(reverse("interviews:position_detail", args=[position.pk])), 403)


def test_b_sees_a_waiting_page_on_the_debrief(client_for, panel, interviewer2):
    _, session, _, _ = panel
    html = client_for(interviewer2).get(reverse("interviews:debrief", args=[session.pk])).content
    html = html.decode()
    assert "Submit your own scorecard to see the panel" in html
    assert not leaks(html)


def test_b_still_sees_their_own_draft(client_for, panel, interviewer2):
    _, session, _, b_card = panel
    client = client_for(interviewer2)
    assert (
        B_NOTE_MARKER
        in client.get(reverse("interviews:scorecard", args=[session.pk])).content.decode()
    )
    detail = client.get(reverse("interviews:scorecard_detail", args=[b_card.pk]))
    assert B_NOTE_MARKER in detail.content.decode()


def test_nobody_else_sees_bs_draft(client_for, panel, interviewer, manager, admin_user):
    position, session, _, b_card = panel
    for user in (interviewer, manager, admin_user):
        client = client_for(user)
        assert (
            client.get(reverse("interviews:scorecard_detail", args=[b_card.pk])).status_code == 404
        )
        for url in (
            reverse("interviews:debrief", args=[session.pk]),
            reverse("interviews:session_export_csv", args=[session.pk]),
            reverse("interviews:position_export_json", args=[position.pk]),
        ):
            assert B_NOTE_MARKER not in body(client.get(url)), (user, url)


def test_after_b_submits_both_see_both_in_the_debrief(client_for, panel, interviewer, interviewer2):
    _, session, _, b_card = panel
    finish(b_card, recommendation="no", summary="B's verdict")
    for user in (interviewer, interviewer2):
        html = (
            client_for(user).get(reverse("interviews:debrief", args=[session.pk])).content.decode()
        )
        assert NOTE_MARKER in html
        assert SUMMARY_MARKER in html
        assert B_NOTE_MARKER in html
        assert "B&#x27;s verdict" in html
        assert "Panel complete" in html


def test_a_reviewer_on_the_panel_is_blind_until_they_submit(client_for, interviewer, manager):
    """A hiring manager who also interviews sees nothing of that panel before submitting."""
    position = make_position(manager)
    session = make_session(panel=[interviewer, manager], position=position)
    a_card = card_of(session, interviewer)
    note(a_card, 1, NOTE_MARKER)
    finish(a_card, summary=SUMMARY_MARKER)
    client = client_for(manager)
    client.raise_request_exception = False
    for url in urls_touching(position, session, a_card) + [reverse("interviews:position_list")]:
        assert not leaks(body(client.get(url))), url
    assert list(visible_scorecards_for_position(manager, position)) == [card_of(session, manager)]


def test_the_position_door_agrees_with_the_session_door(
    panel, interviewer, interviewer2, manager, other_manager, admin_user
):
    position, session, _, _ = panel
    second = make_session(panel=[interviewer2, manager], position=position)
    finish(card_of(second, interviewer2))
    outsider = make_user("outsider", group="Interviewers")
    for user in (interviewer, interviewer2, manager, other_manager, admin_user, outsider):
        per_session = {
            card.pk for one in (session, second) for card in visible_scorecards(user, one)
        }
        assert {card.pk for card in visible_scorecards_for_position(user, position)} == per_session


def test_the_candidate_loop_keeps_b_blind_until_b_submits(client_for, panel, interviewer2, manager):
    """The loop page shows neither A's scorecard nor a decision's rationale to B, drafting."""
    from interviews.services.decisions import record_decision

    position, session, _, b_card = panel
    record_decision(
        position=position,
        candidate=session.candidate,
        kind="advance",
        rationale=f"A was convincing: {SUMMARY_MARKER}",
        override_reason="B is late.",
        by=manager,
    )
    loop = reverse("interviews:candidate_loop", args=[position.pk, session.candidate_id])
    client = client_for(interviewer2)
    html = body(client.get(loop))
    assert not leaks(html), leaks(html)
    assert "Submit your own scorecard" in html
    finish(b_card, recommendation="no", summary="B's verdict")
    html = body(client.get(loop))
    assert NOTE_MARKER not in html  # the loop shows summaries, not notes
    assert SUMMARY_MARKER in html and A_RECOMMENDATION_CLASS in html
