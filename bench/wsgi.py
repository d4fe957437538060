"""The benchmark's WSGI entry point: the app, plus the framework ceiling beside it.

The framework ceiling (`/bench/framework/`) is Django with nothing of Intervy's: no
middleware, no session, no user, no database — the URL resolver, a view returning a
constant, and the response. The bare view (`/bench/bare/`) pays the costs every signed-in
page pays (middleware, session, user). An endpoint's ratio to the bare view hides a saving
in those shared costs (the bare view gains too); its ratio to the framework ceiling does
not, so every saving shows.

Both run in the same gunicorn workers as the app, under the same settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

FRAMEWORK_PATH = "/bench/framework/"


class NoMiddlewareHandler(WSGIHandler):
    """Django's own WSGI handler with an empty middleware chain."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


app = get_wsgi_application()
framework = NoMiddlewareHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == FRAMEWORK_PATH:
        return framework(environ, start_response)
    return app(environ, start_response)
