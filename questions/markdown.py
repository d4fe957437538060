"""Markdown for prompts, answers and notes: CommonMark, sanitized, code highlighted.

Rendered once when the source changes and stored beside it (see Question.render_markdown),
never per request.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# nowrap: Pygments gives only the token spans; _highlight wraps them itself. Pygments'
# own wrapper is a <div><pre>, which markdown-it would nest inside its <pre><code>.
_FORMATTER = HtmlFormatter(cssclass="highlight", nowrap=True)


def _highlight(code: str, lang: str, _attrs: str) -> str:
    name = lang.strip().lower()
    try:
        lexer = get_lexer_by_name(name) if name else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it in <pre><code> itself
    # markdown-it uses a result starting with "<pre" as the whole block, unwrapped.
    spans = highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{escape(name)}">{spans}</code></pre>'


# "html": False escapes raw HTML in the source; nh3 below is the second line of defence.
_MD = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")


def _image_as_text(
    renderer: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    """No images at all: a browser fetches an image by itself, with the reader's cookies.

    A co-panelist's prompt with `![](/sessions/1/...)` would otherwise make every reader's
    browser request that URL, and an image on another origin tells it who read what and
    when. The alt text stays, so the author's words are not lost.
    """
    alt = "".join(child.content for child in tokens[idx].children or [])
    return f'<span class="image-removed">[image: {escape(alt or "no description")}]</span>'


_MD.add_render_rule("image", _image_as_text)

_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "span",
    "div",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "s",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


def render_markdown(source: str) -> str:
    """Markdown to safe HTML: no scripts, no event handlers, no javascript: links, no images."""
    html = _MD.render(source or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# A scoring anchor is one line: code spans and emphasis, nothing that breaks the line.
_INLINE_TAGS = {"code", "em", "strong"}


@functools.lru_cache(maxsize=8192)
def render_inline_markdown(source: str) -> SafeString:
    """One line of markdown (a rubric anchor) as safe inline HTML: `code`, *em*, **strong**.

    Anchors are shown on every score reply, so each distinct text is rendered once per
    process; the bank's anchors number in the thousands at most.
    """
    html = _MD.renderInline((source or "").strip())
    return mark_safe(nh3.clean(html, tags=_INLINE_TAGS, attributes={}))  # noqa: S308 — sanitized


def pygments_css() -> str:
    """The stylesheet for highlighted code; committed as static/css/pygments.css."""
    return _FORMATTER.get_style_defs(".highlight")
