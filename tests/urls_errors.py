"""The project's URLs plus views that fail on purpose, for tests/test_errors.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from intervy.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("kaboom: secret detail /srv/intervy/settings.py")


def bad_sql(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hidden_column FROM table_that_does_not_exist")
    return HttpResponse("unreachable")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("internal reason: user 42 lacks flag X")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("internal reason: tampered header")


urlpatterns = [
    path("test-errors/explode/", explode),
    path("test-errors/bad-sql/", bad_sql),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    *urlpatterns,
]
