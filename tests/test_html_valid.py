"""Every main page is valid HTML, checked by the Nu Html Checker (vnu.jar, the W3C's).

The pages of every role, on the demo's data (tests/a11y/pages.py), rendered by the test
client and checked in one run of the checker. vnu.jar comes from npm with axe-core
(tests/a11y/package.json, `make a11y-tools`) and needs Java.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests.a11y.pages import VNU_JAR, demo_pages

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# An htmx attribute not written in its data-hx-* form (what bin/data-hx converts).
BARE_HX = re.compile(r"(?<![\w-])hx-[a-z][a-z0-9-]*\s*=")


def test_no_template_has_a_bare_hx_attribute():
    bare = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:80]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_HX.search(line)
    ]
    assert not bare, "htmx attributes must be data-hx-* (run bin/data-hx):\n" + "\n".join(bare)


def test_the_bare_hx_pattern_finds_what_it_should():
    assert BARE_HX.search('<form hx-post="/x">')
    assert not BARE_HX.search('<form data-hx-post="/x">')
    assert not BARE_HX.search("htmx-settling")


# `make test` installs Java (make a11y-tools); a bare pytest without it skips, CI never does.
@pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("CI"),
    reason="the Nu Html Checker needs Java (make a11y-tools installs it)",
)
@pytest.mark.django_db
def test_the_main_pages_of_every_role_are_valid_html(tmp_path, settings, monkeypatch):
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `make a11y-tools`"
    pages = demo_pages(tmp_path / "base", settings, monkeypatch)
    out = tmp_path / "pages"
    out.mkdir()
    names: dict[str, str] = {}
    for number, page in enumerate(pages):
        client = Client()
        if page.username:
            client.force_login(User.objects.get(username=page.username))
        response = client.get(page.path)
        assert response.status_code == 200, f"{page.role} {page.name} {page.path}"
        assert response["Content-Type"].startswith("text/html")
        file = out / f"{number:02d}.html"
        file.write_bytes(response.content)
        names[file.name] = f"{page.role} · {page.name} ({page.path})"

    java = shutil.which("java")
    assert java
    checked = subprocess.run(  # noqa: S603 — the checker from our lock file, our arguments
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(checked.stderr)["messages"]
    errors = [
        f"{names[Path(m['url']).name]} line {m.get('lastLine', '?')}: {m['message']}"
        f" — {m.get('extract', '').strip()[:100]}"
        for m in messages
        if m["type"] == "error"
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
    assert len(names) == len(pages)
