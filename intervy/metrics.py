"""Prometheus metrics (collected by django-prometheus), for the scraper and admins only."""

from __future__ import annotations

import os

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess

from intervy.roles import is_admin


def _registry() -> prometheus_client.CollectorRegistry:
    # Under gunicorn each worker counts for itself; with PROMETHEUS_MULTIPROC_DIR set the
    # workers write their samples there and one scrape sums them (see gunicorn.conf.py).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


def may_read_metrics(request: HttpRequest) -> bool:
    """The configured scraper addresses, and admins; nobody else (curators neither) learns
    they exist."""
    if request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and is_admin(user))


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        raise Http404
    return HttpResponse(
        prometheus_client.generate_latest(_registry()),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
