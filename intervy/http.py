"""The request type every view is annotated with, the cache rule of pages with scores, and
the one way to refuse a request (`refuse`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.response import TemplateResponse
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def private_no_store[ViewT: Callable[..., HttpResponseBase]](view: ViewT) -> ViewT:
    """Scores, notes and recommendations are kept by no cache: not a proxy's, not the browser's.

    A shared cache could serve one user's scorecard to another; the browser's own cache
    (and its back button) would show it after sign-out on a shared machine. Put it
    outermost on a view, so every response of it carries the header, redirects included.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request, read from its header: errors can happen before HtmxMiddleware runs."""
    return request.headers.get("HX-Request") == "true"


def wants_json(request: HttpRequest) -> bool:
    """A script that asked for JSON and not HTML (the runner's notes autosave).

    An htmx request never does: it swaps HTML, whatever else its Accept header lists.
    """
    if is_htmx(request):
        return False
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def refuse(
    request: HttpRequest,
    message: str,
    *,
    status: int,
    target: str = "",
    fragment: str = "errors/fragment.html",
    page: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """The one way to say that nothing was stored, in the form the asker reads.

    - A JSON client gets `{"saved": false, "error": message}`.
    - htmx gets the one-line error `fragment` (the page's own, if it has one, rendered
      with `message` and `error` both set to the message). htmx 2 swaps no 4xx body by default, so a
      refusal can never be mistaken for the fresh state of what was changed. With a
      `target` the fragment names it (HX-Retarget, HX-Reswap: innerHTML) and the page's
      script shows it there (runner.js lets a 4xx through when it carries HX-Retarget).
      Without one the page is stale as a whole: HX-Refresh reloads it, and the message
      waits for it in `messages`.
    - Anyone else gets `page()` (the page again, showing the message, with `status`), or
      the error page when there is none.
    """
    if wants_json(request):
        return JsonResponse({"saved": False, "error": message}, status=status)
    if is_htmx(request):
        response = TemplateResponse(
            request,
            fragment,
            {"status": status, "message": message, "error": message},
            status=status,
        )
        if target:
            response["HX-Retarget"] = target
            response["HX-Reswap"] = "innerHTML"
        else:
            messages.error(request, message)
            response["HX-Refresh"] = "true"
        return response
    if page is not None:
        return page()
    from intervy.errors import render_error

    return render_error(request, status, message)
