"""Review: the panel's debrief, and the hiring manager's positions, candidates and comparison.

HTTP only: the doors of `interviews.access` say who may open what, and the pages'
data is assembled in `interviews.pages` (debrief, positions, comparison), where every
scorecard comes through blind review. Managers only read: there is no write URL here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from interviews.access import position_for_manager, positions_for_manager, session_for_reviewer
from interviews.forms_scorecards import MAX_COMPARED, CompareForm
from interviews.pages.analytics import position_reliability
from interviews.pages.comparison import candidates_of, comparison
from interviews.pages.debrief import debrief_page
from interviews.pages.position_team import team_panel
from interviews.pages.positions import candidate_summaries, positions_with_counts
from intervy.http import private_no_store
from intervy.roles import hiring_manager_required, role_required
from intervy.typing import AuthenticatedHtmxRequest


@private_no_store
@require_GET
@role_required
def debrief(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """Every submitted scorecard of the panel side by side — once you may see them."""
    session = session_for_reviewer(request.user, session_id)
    context = debrief_page(request.user, session)
    return TemplateResponse(request, "interviews/debrief.html", context)


@private_no_store
@require_GET
@hiring_manager_required
def position_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """The manager's positions with candidate and submitted-scorecard counts."""
    positions = positions_with_counts(request.user, positions_for_manager(request.user))
    return TemplateResponse(request, "interviews/position_list.html", {"positions": positions})


@private_no_store
@require_GET
@hiring_manager_required
def position_detail(request: AuthenticatedHtmxRequest, position_id: int) -> HttpResponse:
    """A position's candidates, their sessions, and the submitted scorecards' verdicts."""
    position = position_for_manager(request.user, position_id)
    context = {
        "position": position,
        "candidates": candidate_summaries(request.user, position),
        "max_compared": MAX_COMPARED,
        "team": team_panel(position),
        "reliability": position_reliability(position),
    }
    return TemplateResponse(request, "interviews/position_detail.html", context)


@private_no_store
@require_GET
@hiring_manager_required
def compare(request: AuthenticatedHtmxRequest, position_id: int) -> HttpResponse:
    """2–6 candidates of one position side by side: chart, table, verdicts, disagreement."""
    position = position_for_manager(request.user, position_id)
    candidates = candidates_of(position)
    form = CompareForm(request.GET, candidates=candidates)
    context: dict[str, Any] = {"position": position, "form": form}
    if not form.is_valid():
        return TemplateResponse(request, "interviews/compare.html", context, status=400)
    context |= comparison(request.user, position, form.cleaned_data["candidate"], dict(candidates))
    return TemplateResponse(request, "interviews/compare.html", context)
