"""axe-core over the main pages of every role, in Chromium, on the demo's data.

The pages of tests/a11y/pages.py (interviewer, hiring manager, admin, curator, signed
out), opened in a real browser against the live server, then checked with axe-core
(tests/a11y/package.json, `make a11y-tools`). A serious or critical finding fails.
axe runs through `page.evaluate`, which the page's nonce-based CSP does not govern, so
the page is checked under its real policy.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from playwright.sync_api import Browser

from intervy.roles import CURATORS, HIRING_MANAGERS, INTERVIEWERS
from tests.a11y.pages import AXE_JS, demo_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.html.slice(0, 160)),
  }));
}"""


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    for name in (INTERVIEWERS, HIRING_MANAGERS, CURATORS):
        Group.objects.get_or_create(name=name)


def signed_in_context(browser: Browser, live_server, username: str | None):
    context = browser.new_context()
    if username:
        client = Client()
        client.force_login(User.objects.get(username=username))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def test_the_main_pages_of_every_role_have_no_serious_accessibility_findings(
    browser: Browser, live_server, tmp_path, settings, monkeypatch
):
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `make a11y-tools`"
    axe_source = AXE_JS.read_text(encoding="utf-8")
    pages = demo_pages(tmp_path, settings, monkeypatch)
    findings: list[str] = []
    checked = 0
    for username in dict.fromkeys(page.username for page in pages):
        context = signed_in_context(browser, live_server, username)
        tab = context.new_page()
        for page in (p for p in pages if p.username == username):
            response = tab.goto(live_server.url + page.path)
            assert response is not None and response.status == 200, f"{page.role} {page.name}"
            tab.wait_for_load_state("networkidle")
            tab.evaluate(axe_source)
            for violation in tab.evaluate(RUN_AXE):
                if violation["impact"] in FAILING_IMPACTS:
                    findings.append(
                        f"{page.role} · {page.name} ({page.path}): [{violation['impact']}] "
                        f"{violation['id']}: {violation['help']}\n      "
                        + "\n      ".join(violation["nodes"][:5])
                    )
            checked += 1
        context.close()
    assert checked == len(pages)
    assert not findings, f"{len(findings)} accessibility findings:\n" + "\n".join(findings)
