"""The app's URLs plus the bare view: the ceiling every signed-in page is measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from intervy.urls import urlpatterns as app_urlpatterns


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    """Pays exactly the session and user lookups that every signed-in page pays, no more."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *app_urlpatterns]
