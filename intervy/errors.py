"""Error answers in the app's look: a page, or for HTMX a one-line fragment.

Wired as handler400/403/404/500 in intervy/urls.py and as CSRF_FAILURE_VIEW. With DEBUG
off none of them shows a stack trace, SQL or a file path: they only render a fixed message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from intervy.http import is_htmx, wants_json

NOT_SAVED = "Not saved — "
# Status -> (title, what the person should do). Shown on the page and in the fragment.
MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "Bad request",
        "Not saved — the request could not be understood. Reload the page and try again.",
    ),
    403: (
        "Not allowed",
        "Not saved — you are not allowed to do that here. "
        "If you think you should be, ask an admin.",
    ),
    404: ("Not found", "Not found — it may have been removed, or it is not shared with you."),
    413: (
        "Too large",
        "Not saved — that is too large. "
        f"Notes and answers can be at most {settings.NOTES_MAX_LENGTH:,} characters.",
    ),
    500: (
        "Something went wrong",
        "Not saved — something went wrong on our side. Try again in a moment.",
    ),
}
CSRF_MESSAGE = (
    "Not saved — this page is out of date or your session expired. Reload the page and try again."
)


def render_error(
    request: HttpRequest, status: int, message: str | None = None, *, with_request: bool = True
) -> HttpResponse:
    """The error page (or, for HTMX, the fragment; for a JSON client, JSON) for `status`.

    `with_request=False` renders without context processors, for the 500 page: whatever
    broke (often the database) must not be touched again while saying so.
    """
    title, default_message = MESSAGES[status]
    message = message or default_message
    # The runner's notes autosave asks for JSON and shows `error` after "Not saved — ".
    if wants_json(request):
        return JsonResponse(
            {"saved": False, "error": message.removeprefix(NOT_SAVED)}, status=status
        )
    context = {"status": status, "title": title, "message": message}
    if is_htmx(request):
        template_name = "errors/fragment.html"
    else:
        template_name = "400.html" if status == 413 else f"{status}.html"
    template = loader.get_template(template_name)
    body = template.render(context, request if with_request else None)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # DATA_UPLOAD_MAX_MEMORY_SIZE raises RequestDataTooBig (a SuspiciousOperation, so a
    # 400 by default); tell the person plainly that it was too large.
    if isinstance(exception, RequestDataTooBig):
        return render_error(request, 413)
    return render_error(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render_error(request, 500, with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # `reason` names the failed check; useful in logs (Django logs it), not to the visitor.
    return render_error(request, 403, CSRF_MESSAGE)
