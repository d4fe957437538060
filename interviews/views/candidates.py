"""The candidate's loop for a position, and recording a hiring decision on it (PRODUCT D6).

HTTP only: who may open the loop is `access.loop_for`, what it shows is
`pages.candidate_loop`, and a decision is `services.decisions.record_decision`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from interviews.access import loop_for, loop_for_decision
from interviews.forms_decisions import DecisionForm
from interviews.models import Candidate, Position
from interviews.pages.candidate_loop import candidate_loop as loop_page
from interviews.services.decisions import record_decision
from intervy.http import private_no_store
from intervy.roles import role_required
from intervy.typing import AuthenticatedHtmxRequest


def _render(
    request: AuthenticatedHtmxRequest,
    position: Position,
    candidate: Candidate,
    form: DecisionForm,
    status: int = 200,
) -> HttpResponse:
    context = {"loop": loop_page(request.user, position, candidate), "form": form}
    return TemplateResponse(request, "interviews/candidate_loop.html", context, status=status)


@private_no_store
@require_GET
@role_required
def candidate_loop(
    request: AuthenticatedHtmxRequest, position_id: int, candidate_id: int
) -> HttpResponse:
    """Every session, visible scorecard, result and decision of one candidate's loop."""
    position, candidate = loop_for(request.user, position_id, candidate_id)
    return _render(request, position, candidate, DecisionForm())


@private_no_store
@require_POST
@role_required
def candidate_decide(
    request: AuthenticatedHtmxRequest, position_id: int, candidate_id: int
) -> HttpResponse:
    """Record a decision; only the position's hiring manager or an admin may."""
    position, candidate = loop_for_decision(request.user, position_id, candidate_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render(request, position, candidate, form, status=400)
    try:
        decision = record_decision(
            position=position,
            candidate=candidate,
            kind=form.cleaned_data["kind"],
            rationale=form.cleaned_data["rationale"],
            override_reason=form.cleaned_data["override_reason"],
            by=request.user,
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return _render(request, position, candidate, form, status=400)
    messages.success(request, f"Recorded: {decision.get_kind_display()}.")
    return redirect("interviews:candidate_loop", position_id=position.pk, candidate_id=candidate.pk)
