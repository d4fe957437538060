"""The app's URLs plus the two references every endpoint is measured against.

- `bare`: pays exactly the session and user lookups every signed-in page pays.
- `framework`: a constant, served by bench/wsgi.py through a handler with no middleware,
  so no session, no user and no database: the ceiling of Django itself on this machine.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from intervy.urls import urlpatterns as app_urlpatterns


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    """Pays exactly the session and user lookups that every signed-in page pays, no more."""
    return HttpResponse("ok", content_type="text/plain")


def framework(request: HttpRequest) -> HttpResponse:
    """A constant; reached through bench/wsgi.py's middleware-free handler only."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/framework/", framework, name="bench_framework"),
    *app_urlpatterns,
]
