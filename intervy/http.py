"""The request type every view is annotated with, and the cache rule of pages with scores."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
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
