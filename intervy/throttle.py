"""The answer to a locked-out sign-in: 429 with Retry-After and a clear message."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_response(
    request: HttpRequest, credentials: dict | None = None, *args, **kwargs
) -> HttpResponse:
    retry_after = int(float(settings.AXES_COOLOFF_TIME) * 3600)
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"retry_after_minutes": max(1, retry_after // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
