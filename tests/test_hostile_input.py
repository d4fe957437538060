"""Hostile input: script in every field a user writes renders inert, search metacharacters
just search, and an oversized body is refused with a clear message and nothing written."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from interviews.models import Candidate, InterviewSession, QuestionRecord, Scorecard
from interviews.services.scheduling import schedule_session
from questions.models import Question
from tests.factories import make_category, make_position, make_question, make_session

pytestmark = pytest.mark.django_db

# One payload per kind of break-out: a script element, an attribute event handler after
# closing a quoted attribute, a textarea close, a javascript: link.
SCRIPT = '<script>alert("xss-script")</script>'
ATTRIBUTE = '"><img src=x onerror=alert("xss-attr")>'
TEXTAREA = '</textarea><script>alert("xss-textarea")</script>'
LINK = "[click](javascript:alert('xss-link'))"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE} {TEXTAREA} {LINK}"
MARKERS = ("xss-script", "xss-attr", "xss-textarea", "xss-link")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str) -> None:
    """No element, attribute or URL the payload made can run: it is all text."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        if tag == "script":
            assert attrs.get("src") and attrs.get("nonce"), "a script the page did not write"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=…> from user input"
            assert "javascript:" not in value.replace(" ", "").lower(), (tag, name, value)
    for raw in (SCRIPT, TEXTAREA, "<img src=x onerror"):
        assert raw not in html


def runner_page(session, order: int = 1) -> str:
    return reverse("interviews:runner_question", args=[session.pk, order])


def anchors(prefix: str = "anchors") -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": "4",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "4",
        f"{prefix}-MAX_NUM_FORMS": "4",
    }
    for index, level in enumerate((1, 2, 3, 4)):
        data[f"{prefix}-{index}-level"] = str(level)
        data[f"{prefix}-{index}-text"] = f"{SCRIPT} level {level}"
    return data


def test_question_markdown_written_in_the_admin_is_inert_everywhere(
    client_for, admin_user, interviewer
):
    category = make_category()
    admin = client_for(admin_user)
    response = admin.post(
        reverse("admin:questions_question_add"),
        {
            "title": f"Caching {SCRIPT}",
            "slug": "hostile-caching",
            "category": category.pk,
            "difficulty": "medium",
            "status": "published",
            "tags": "caching",
            "prompt": PAYLOAD,
            "answer": PAYLOAD,
            "follow_up": PAYLOAD,
            **anchors(),
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    question = Question.objects.get(slug="hostile-caching")
    assert question.prompt == PAYLOAD  # stored exactly as written
    preview = admin.get(reverse("admin:questions_question_change", args=[question.pk]))
    assert_inert(preview.content.decode())
    admin.logout()
    page = client_for(interviewer).get(question.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;xss-script&quot;)&lt;/script&gt;" in page
    assert_inert(page)
    listing = client_for(interviewer).get(reverse("questions:list")).content.decode()
    assert "Caching &lt;script&gt;" in listing
    assert_inert(listing)


def test_question_markdown_loaded_from_a_pack_is_inert(tmp_path, client_for, interviewer):
    pack = {
        "version": 1,
        "categories": [{"slug": "web", "name": f"Web {SCRIPT}"}],
        "questions": [
            {
                "slug": "hostile-pack",
                "title": f"Sessions {ATTRIBUTE}",
                "category": "web",
                "difficulty": "easy",
                "status": "published",
                "tags": ["web"],
                "prompt": PAYLOAD,
                "answer": PAYLOAD,
                "follow_up": PAYLOAD,
                "rubric": {level: f"{TEXTAREA} {level}" for level in (1, 2, 3, 4)},
            }
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    call_command("load_questions", str(path), verbosity=0)
    client = client_for(interviewer)
    page = client.get(reverse("questions:detail", args=["hostile-pack"])).content.decode()
    assert "Sessions &quot;&gt;&lt;img" in page
    assert_inert(page)
    assert_inert(client.get(reverse("questions:list")).content.decode())


def test_a_candidate_name_written_in_the_admin_is_inert_on_every_page(
    client_for, admin_user, interviewer, manager
):
    name = f"Bobby {ATTRIBUTE}"
    admin = client_for(admin_user)
    created = admin.post(reverse("admin:interviews_candidate_add"), {"full_name": name})
    assert created.status_code == 302
    candidate = Candidate.objects.get(full_name=name)
    assert_inert(admin.get(reverse("admin:interviews_candidate_changelist")).content.decode())
    base = make_session(panel=[interviewer], position=make_position(manager), started=False)
    session = schedule_session(
        candidate=candidate,
        position=base.position,
        template=base.template,
        interviewers=[interviewer],
        scheduled_at=base.scheduled_at,
        created_by=interviewer,
    )
    client = client_for(interviewer)
    for url in ("/", reverse("interviews:runner", args=[session.pk])):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert "Bobby &quot;&gt;&lt;img" in page, url
        assert_inert(page)


def test_notes_with_script_come_back_as_text_in_the_runner(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(
        reverse("interviews:runner_notes", args=[session.pk, 1]),
        {"notes": PAYLOAD, "base_revision": "0"},
        headers={"Accept": "application/json"},
    )
    page = client.get(runner_page(session)).content.decode()
    assert "&lt;/textarea&gt;&lt;script&gt;" in page
    assert_inert(page)


def test_an_ad_hoc_question_with_script_is_inert_in_the_runner(client_for, interviewer, session):
    client = client_for(interviewer)
    response = client.post(
        reverse("interviews:runner_add_question", args=[session.pk]),
        {"title": f"Ad hoc {SCRIPT}", "prompt": PAYLOAD, "minutes": "5"},
        follow=True,
    )
    page = response.content.decode()
    assert "Ad hoc &lt;script&gt;" in page
    assert_inert(page)


def test_a_summary_with_script_is_inert_on_the_scorecard(client_for, interviewer, session):
    client = client_for(interviewer)
    client.post(
        reverse("interviews:scorecard_save", args=[session.pk]),
        {"recommendation": "yes", "summary": PAYLOAD, "action": "draft"},
    )
    assert Scorecard.objects.get(session=session, interviewer=interviewer).summary == PAYLOAD
    page = client.get(reverse("interviews:scorecard", args=[session.pk])).content.decode()
    assert "&lt;/textarea&gt;&lt;script&gt;" in page
    assert_inert(page)


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "%",
        "_",
        '"; DROP TABLE questions_question; --',
        "\\",
        "%' UNION SELECT password FROM auth_user --",
    ],
)
def test_search_metacharacters_just_search(client_for, interviewer, query):
    titles = [make_question().title for _ in range(3)]
    response = client_for(interviewer).get(reverse("questions:list"), {"q": query})
    page = response.content.decode()
    assert response.status_code == 200
    # Nothing in the bank contains these characters, so nothing matches; a wildcard or an
    # injected OR would have listed all three.
    assert list(response.context["page"].object_list) == []
    for title in titles:
        assert f"{title}<" not in page
    assert Question.objects.count() == 3
    assert_inert(page)


def test_search_finds_a_literal_percent_sign(client_for, interviewer):
    make_question(prompt="Explain the 100% cache hit ratio myth.")
    make_question(prompt="Explain cache stampedes.")
    response = client_for(interviewer).get(reverse("questions:list"), {"q": "100%"})
    assert [row.slug for row in response.context["page"].object_list] == list(
        Question.objects.filter(prompt__contains="100%").values_list("slug", flat=True)
    )


@override_settings(DEBUG=False)
def test_a_one_megabyte_note_is_refused_with_a_clear_message(client_for, interviewer, session):
    client = client_for(interviewer)
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    note = "x" * 1_048_576
    autosave = client.post(
        url, {"notes": note, "base_revision": "0"}, headers={"Accept": "application/json"}
    )
    assert autosave.status_code == 413
    assert autosave.json() == {
        "saved": False,
        "error": "that is too large. Notes and answers can be at most 20,000 characters.",
    }
    plain_form = client.post(url, {"notes": note, "base_revision": "0"})
    assert plain_form.status_code == 413
    assert "Not saved — that is too large" in plain_form.content.decode()
    record = QuestionRecord.objects.get(
        scorecard__session=session, scorecard__interviewer=interviewer, session_question__order=1
    )
    assert (record.notes, record.notes_revision) == ("", 0)
    assert InterviewSession.objects.get(pk=session.pk).state == session.state
