"""Helpers for htmx requests and pages."""

from __future__ import annotations

from typing import Any

# The header htmx sends with every request it makes: `client.post(url, data, headers=HTMX)`.
HTMX = {"HX-Request": "true"}


def wait_until_settled(page: Any, selector: str) -> None:
    """Wait until htmx has wired up what it swapped into `selector`.

    htmx puts new content (and focus) in place at swap time but processes its data-hx-*
    attributes only when it settles, 20 ms later: a click or an Enter in between would
    post the form natively, with a full page load.
    """
    from playwright.sync_api import expect

    expect(page.locator(f"{selector}.htmx-settling")).to_have_count(0)
