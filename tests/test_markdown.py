"""Markdown rendering: sanitized, highlighted, tables, and stored rather than re-rendered."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from questions.markdown import pygments_css, render_inline_markdown, render_markdown
from questions.models import Question
from tests.factories import make_position, make_question, make_session, make_template
from tests.scorecard_data import card_of, score

HOSTILE = (
    "Try <script>alert(1)</script> and [x](javascript:alert(1)) and "
    "<img src=x onerror=alert(1)> and ![pic](javascript:alert(2)) and "
    '<a href="javascript:alert(3)">y</a>\n\n[ok](https://example.com)\n'
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str) -> None:
    """No script element, no event-handler attribute, no javascript: URL in any attribute."""
    parser = _Tags()
    parser.feed(html)
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    for tag, attrs in parser.tags:
        if tag == "script":
            assert "alert" not in attrs.get("src", "")
            assert attrs.get("nonce"), "only the page's own nonce-carrying scripts"
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in value.replace(" ", "").lower(), (tag, name, value)


def test_hostile_markdown_renders_inert():
    html = render_markdown(HOSTILE)
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in html


@pytest.mark.django_db
def test_hostile_markdown_is_inert_on_the_bank_detail_page(client_for, interviewer):
    question = make_question(prompt=HOSTILE, answer=HOSTILE)
    question.follow_up = HOSTILE
    question.save()
    html = client_for(interviewer).get(question.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_inert(html)


def test_code_blocks_are_highlighted_with_css_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```\n")
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span><span class="w"> </span><span class="nf">f</span>' in html
    assert "style=" not in html
    assert "<div" not in html  # Pygments' own wrapper would nest a <pre> inside <pre><code>


def test_an_unknown_language_is_escaped_plain_code():
    html = render_markdown("```klingon\nif a < b: <b>x</b>\n```\n")
    assert '<pre><code class="language-klingon">if a &lt; b: &lt;b&gt;x&lt;/b&gt;' in html


def test_tables_render():
    html = render_markdown("| Level | Prevents |\n|---|---|\n| Serializable | all |\n")
    assert "<table>" in html
    assert "<th>Level</th>" in html and "<td>Serializable</td>" in html


def test_the_committed_pygments_stylesheet_matches_the_renderer():
    path = Path(settings.BASE_DIR) / "static" / "css" / "pygments.css"
    assert path.read_text(encoding="utf-8") == pygments_css()
    assert ".highlight .k " in pygments_css()


@pytest.mark.django_db
def test_the_html_is_stored_and_refreshed_when_the_markdown_changes(
    django_assert_num_queries,
):
    question = make_question(prompt="First *draft*")
    assert Question.objects.get(pk=question.pk).prompt_html == "<p>First <em>draft</em></p>\n"
    question.prompt = "Second **take**"
    question.save(update_fields=["prompt"])
    stored = Question.objects.get(pk=question.pk)
    assert stored.prompt_html == "<p>Second <strong>take</strong></p>\n"
    question.status = "archived"
    question.prompt = "not saved"
    question.save(update_fields=["status"])
    assert Question.objects.get(pk=question.pk).prompt_html == stored.prompt_html


@pytest.mark.django_db
def test_pages_show_the_stored_html_without_rendering(client_for, interviewer, monkeypatch):
    question = make_question(prompt="Stored *prompt*")
    calls = []
    monkeypatch.setattr(
        "questions.models.render_markdown", lambda source: calls.append(source) or ""
    )
    html = client_for(interviewer).get(reverse("questions:detail", args=[question.slug]))
    assert "Stored <em>prompt</em>" in html.content.decode()
    assert calls == []


# --- rubric anchors: one line of inline markdown -------------------------------------------

ANCHOR = (
    "Explains `INNER JOIN` but *not* **LEFT** <img src=x onerror=alert(1)><script>alert(1)</script>"
)
ANCHOR_HTML = "Explains <code>INNER JOIN</code> but <em>not</em> <strong>LEFT</strong>"


def test_an_anchor_renders_code_and_emphasis_and_nothing_else():
    html = render_inline_markdown(ANCHOR + "\n")
    assert html.startswith(ANCHOR_HTML)
    assert_inert(html)
    assert "&lt;script&gt;" in html
    for source in ("# Not a heading", "- not a list", "[link](https://example.com)"):
        assert "<h1" not in render_inline_markdown(source)
        assert "<li" not in render_inline_markdown(source)
        assert "<a" not in render_inline_markdown(source)


def test_anchors_show_their_code_spans_on_the_detail_runner_and_scorecard_pages(
    client_for, interviewer, manager
):
    question = make_question()
    question.anchors.filter(level=3).update(text=ANCHOR)
    session = make_session(
        panel=[interviewer],
        position=make_position(manager),
        template=make_template(questions=[question]),
    )
    client = client_for(interviewer)
    card = card_of(session, interviewer)
    score(card, [3])
    pages = {
        "detail": client.get(reverse("questions:detail", args=[question.slug])),
        "runner": client.get(reverse("interviews:runner_question", args=[session.pk, 1])),
        "scorecard": client.get(reverse("interviews:scorecard", args=[session.pk])),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert ANCHOR_HTML in html, name
        assert "`INNER JOIN`" not in html, name
        assert_inert(html)


@pytest.mark.parametrize(
    "source",
    [
        "![clock](/sessions/1/questions/3/)",
        "![](https://tracker.example/pixel.png)",
        "![ref][r]\n\n[r]: //cdn.example/a.png",
        "[![badge](/x.png)](https://example.com)",
    ],
)
def test_markdown_renders_no_image_at_all_only_its_alt_text(source):
    """No allow-list of origins: a same-origin image is the attack (it GETs a runner URL)."""
    html = render_markdown(source)
    assert "<img" not in html
    assert 'class="image-removed">[image: ' in html
    assert "src=" not in html


def test_stored_renderings_with_an_image_are_rendered_again_without(db):
    from importlib import import_module

    from django.apps import apps as django_apps

    question = make_question(prompt="See ![diagram](/x.png).")
    Question.objects.filter(pk=question.pk).update(prompt_html='<p>See <img src="/x.png"></p>')
    migration = import_module("interviews.migrations.0003_trustrunner_no_images")
    migration.render_without_images(django_apps, None)
    question.refresh_from_db()
    assert "<img" not in question.prompt_html
    assert "[image: diagram]" in question.prompt_html
    assert question.prompt == "See ![diagram](/x.png)."
