"""CSV and JSON exports of submitted scorecards: one session, or a whole position.

HTTP only: the access doors choose the scorecards (`interviews.access`), the documents
are assembled by `interviews.pages.exports`.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from interviews.access import (
    exported_session_scorecards,
    position_for_manager,
    visible_scorecards_for_position,
)
from interviews.models import Decision
from interviews.pages.exports import csv_chunks, export_document, session_decisions
from intervy.dbrouter import reporting_reads
from intervy.http import private_no_store
from intervy.roles import hiring_manager_required, role_required
from intervy.typing import AuthenticatedHtmxRequest


def _attachment[R: HttpResponseBase](response: R, filename: str) -> R:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json(document: dict, filename: str) -> HttpResponse:
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _attachment(response, filename)


@private_no_store
@require_GET
@role_required
def session_export_csv(request: AuthenticatedHtmxRequest, session_id: int) -> StreamingHttpResponse:
    session, scorecards = exported_session_scorecards(request.user, session_id)
    response = StreamingHttpResponse(
        csv_chunks(scorecards, decisions=session_decisions(request.user, session) is not None),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-session-{session_id}.csv")


@private_no_store
@require_GET
@role_required
def session_export_json(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    session, scorecards = exported_session_scorecards(request.user, session_id)
    decisions = session_decisions(request.user, session)  # an access rule: on the primary
    with reporting_reads():
        document = export_document("session", session_id, scorecards, decisions)
    return _json(document, f"intervy-session-{session_id}.json")


@private_no_store
@require_GET
@hiring_manager_required
def position_export_csv(
    request: AuthenticatedHtmxRequest, position_id: int
) -> StreamingHttpResponse:
    """Every submitted scorecard of the position, one row per question, streamed."""
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    response = StreamingHttpResponse(
        csv_chunks(scorecards, decisions=True),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"intervy-position-{position.pk}.csv")


@private_no_store
@require_GET
@hiring_manager_required
def position_export_json(request: AuthenticatedHtmxRequest, position_id: int) -> HttpResponse:
    position = position_for_manager(request.user, position_id)
    scorecards = visible_scorecards_for_position(request.user, position).submitted()
    # Only the position's manager and admins reach here: they see every decision.
    with reporting_reads():
        document = export_document(
            "position", position.pk, scorecards, Decision.objects.filter(position=position)
        )
    return _json(document, f"intervy-position-{position.pk}.json")
