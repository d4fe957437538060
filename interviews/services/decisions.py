"""Recording a hiring decision on a candidate's loop for a position (PRODUCT D6)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from api import webhooks
from api.models import WebhookEvent
from interviews.access import manages_position
from interviews.models import (
    AuditAction,
    AuditEvent,
    Candidate,
    Decision,
    DecisionKind,
    Position,
    Scorecard,
)


class PanelsIncomplete(ValidationError):
    """Scorecards of the loop are unsubmitted and no override reason was given."""


def unsubmitted_scorecards(*, position: Position, candidate: Candidate) -> list[Scorecard]:
    """The loop's scorecards still to be submitted, with their interviewer and session."""
    return list(
        Scorecard.objects.unsubmitted_in_loop(position.pk, candidate.pk)
        .select_related("interviewer", "session")
        .order_by("session__scheduled_at", "session_id", "pk")
    )


@transaction.atomic
def record_decision(
    *,
    position: Position,
    candidate: Candidate,
    kind: str,
    rationale: str,
    by: User,
    override_reason: str = "",
) -> Decision:
    """Append a decision to the candidate's loop, and audit it.

    Only the position's hiring manager or an admin decides. The rationale is required.
    While a panel of the loop still has unsubmitted scorecards the decision is refused
    (PanelsIncomplete) unless `override_reason` says why it cannot wait; the reason is
    kept with the decision and shown beside it. With every scorecard in, there is
    nothing to override and no reason is kept. Earlier decisions are never changed: the
    newest is the candidate's current stage.

    The position row is locked, so two decisions recorded at once are ordered and each
    audit event names the one it followed.
    """
    if not manages_position(by, position):
        raise PermissionDenied("Only the position's hiring manager or an admin decides.")
    Position.objects.select_for_update().filter(pk=position.pk).first()
    if not candidate.sessions.filter(position_id=position.pk).exists():
        raise ValidationError("This candidate has not been interviewed for this position.")
    errors: dict[str, str] = {}
    if kind not in DecisionKind.values:
        errors["kind"] = "Choose advance, reject, offer, hired or withdrew."
    rationale = rationale.strip()
    if not rationale:
        errors["rationale"] = "Write the rationale for this decision."
    if errors:
        raise ValidationError(errors)
    override_reason = override_reason.strip()
    pending = unsubmitted_scorecards(position=position, candidate=candidate)
    if not pending:
        override_reason = ""
    elif not override_reason:
        names = ", ".join(
            card.interviewer.get_full_name() or card.interviewer.get_username() for card in pending
        )
        raise PanelsIncomplete(
            {
                "override_reason": (
                    f"{len(pending)} scorecard{'s' * (len(pending) != 1)} of this "
                    f"candidate's interviews {'are' if len(pending) != 1 else 'is'} not "
                    f"submitted yet ({names}). Wait for them, or say why this decision "
                    "cannot wait."
                )
            }
        )
    previous = (
        Decision.objects.filter(position=position, candidate=candidate)
        .order_by("-decided_at", "-pk")
        .first()
    )
    decision = Decision(
        position=position,
        candidate=candidate,
        kind=kind,
        rationale=rationale,
        override_reason=override_reason,
        decided_by=by,
    )
    decision.full_clean()
    decision.save()
    AuditEvent.objects.create(
        actor=by,
        decision=decision,
        action=AuditAction.DECISION,
        old_value=previous.kind if previous else "",
        new_value=f"{kind} (override: {override_reason})" if override_reason else kind,
    )
    webhooks.emit(
        WebhookEvent.DECISION_RECORDED,
        subject=str(decision.pk),
        data={
            "decision": {
                "id": decision.pk,
                "position_id": position.pk,
                "candidate_id": candidate.pk,
                "kind": decision.kind,
                "rationale": decision.rationale,
                "override_reason": decision.override_reason,
                "decided_by_id": by.pk,
                "decided_at": decision.decided_at,
            }
        },
    )
    return decision
