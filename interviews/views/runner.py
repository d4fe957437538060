"""The live runner. (Placeholder page until the runner lands: it only shows the session.)"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from interviews.access import session_for_panelist
from intervy.http import HtmxHttpRequest
from intervy.roles import interviewer_required


@require_GET
@interviewer_required
def runner(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    session, scorecard = session_for_panelist(request.user, session_id)
    return TemplateResponse(
        request, "interviews/runner.html", {"session": session, "scorecard": scorecard}
    )
