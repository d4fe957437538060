"""What a person sees when a request is refused: asserted the same way everywhere.

A refused page is the app's error page (templates/errors/page.html): its title and the
sentence that says what to do. A script that asked for JSON (the runner's notes autosave)
gets that sentence as `error`, which it shows after "Not saved — ". A refused method has
no page; the answer's `Allow` header names the methods the address does take.
"""

from __future__ import annotations

from typing import Any

# Status -> what the page says, as a person reads it (intervy/errors.py writes it).
REFUSALS = {
    403: ("Not allowed", "If you think you should be, ask an admin."),
    404: ("Not found", "it may have been removed, or it is not shared with you."),
}


def assert_refused(response: Any, status: int) -> None:
    """`response` refuses with `status`, and shows what such a refusal shows."""
    assert response.status_code == status
    if status == 405:
        allowed = {method.strip() for method in response["Allow"].split(",")}
        assert allowed and response.wsgi_request.method not in allowed
        return
    title, message = REFUSALS[status]
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["saved"] is False
        assert message in response.json()["error"]
        return
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert message in page
