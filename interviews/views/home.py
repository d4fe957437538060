from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from intervy.http import HtmxHttpRequest


@require_GET
@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in start page: what this user has to do next."""
    return TemplateResponse(request, "interviews/home.html", {})
