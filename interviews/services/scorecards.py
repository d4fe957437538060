"""A scorecard's life after the interview: the draft, the submission, the amendments.

Each is one transaction over the scorecard, its records and the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api import webhooks
from api.models import WebhookEvent
from interviews.db.amending import amending
from interviews.models import (
    NOT_ASSESSED,
    SCORE_TEXTS,
    AmendableField,
    Amendment,
    AuditAction,
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    Recommendation,
    Scorecard,
    ScorecardLocked,
    SessionState,
    in_words,
    score_text,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_own(scorecard: Scorecard, by: User) -> None:
    if scorecard.interviewer_id != by.pk:
        raise PermissionDenied("Only the interviewer who wrote a scorecard may change it.")


@transaction.atomic
def save_scorecard_draft(
    *, scorecard: Scorecard, recommendation: str, summary: str, by: User
) -> Scorecard:
    """Keep the recommendation and summary of a scorecard still being written.

    The update is conditional on the scorecard being a draft, in the same statement, so a
    draft save racing a submission cannot slip in after it.
    """
    _require_own(scorecard, by)
    if recommendation and recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": f"Choose {in_words(Recommendation.labels)}."})
    updated = Scorecard.objects.filter(pk=scorecard.pk, submitted_at__isnull=True).update(
        recommendation=recommendation, summary=summary, updated_at=timezone.now()
    )
    if not updated:
        raise ScorecardLocked()
    scorecard.recommendation, scorecard.summary = recommendation, summary
    return scorecard


@transaction.atomic
def submit_scorecard(*, scorecard: Scorecard, by: User) -> Scorecard:
    """Lock a finished scorecard: from now on it changes only through amendments.

    Only after the interview (PRODUCT D2): the session must be completed and every
    question of the card scored, not assessed or skipped; otherwise ValidationError says
    what is open, and nothing changes.

    Taking the scorecard row FOR UPDATE is what locks its records: every record writer
    (record_score, save_notes, the follow-up and skip toggles) share-locks the scorecard
    row and re-checks `submitted_at IS NULL`, so a write in flight finishes before this
    commits and a later one is refused. The record rows themselves are deliberately not
    locked here: record_score takes record-then-scorecard and save_notes
    scorecard-then-record, so locking the records as well would deadlock with one of
    them whichever order this chose. The trigger of migration 0002 refuses any write
    that bypasses those methods.
    """
    _require_own(scorecard, by)
    locked = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if locked.submitted_at is not None:
        raise ScorecardLocked("This scorecard is already submitted.")
    # Read after the lock: every record writer has finished, and a completed session
    # never runs again, so neither answer can change before this commits.
    state = InterviewSession.objects.filter(pk=locked.session_id).values_list("state", flat=True)
    refusals = []
    if state.get() != SessionState.COMPLETED:
        refusals.append(
            "The interview has not finished: a scorecard is submitted after the interview, "
            "once “Finish interview” has been pressed in the runner."
        )
    open_questions = locked.open_questions()
    if open_questions:
        refusals.append(
            f"{len(open_questions)} question{'s are' if len(open_questions) > 1 else ' is'} "
            "still open — score each, mark it not assessed, or skip it in the runner: "
            + "; ".join(f"Q{question.order} “{question.title}”" for question in open_questions)
            + "."
        )
    if refusals:
        raise ValidationError(refusals, code="not_finished")
    errors = {}
    if locked.recommendation not in Recommendation.values:
        errors["recommendation"] = "Choose an overall recommendation before submitting."
    if not locked.summary.strip():
        errors["summary"] = "Write a summary before submitting."
    if errors:
        raise ValidationError(errors)
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    AuditEvent.objects.create(
        actor=by,
        session_id=locked.session_id,
        scorecard=locked,
        action=AuditAction.SUBMITTED,
        old_value="draft",
        new_value=f"submitted: {locked.get_recommendation_display()}",
    )
    webhooks.emit(
        WebhookEvent.SCORECARD_SUBMITTED,
        subject=str(locked.pk),
        data=webhooks.submitted_scorecard_data(locked),
    )
    if not Scorecard.objects.filter(
        session_id=locked.session_id, submitted_at__isnull=True
    ).exists():
        session = InterviewSession.objects.get(pk=locked.session_id)
        webhooks.emit(
            WebhookEvent.PANEL_COMPLETE,
            subject=str(session.pk),
            data={
                **webhooks.session_data(session),
                "scorecard_ids": sorted(session.scorecards.values_list("pk", flat=True)),
            },
        )
    return locked


@transaction.atomic
def amend_scorecard(
    *,
    scorecard: Scorecard,
    by: User,
    field: str,
    new_value: str,
    reason: str,
    record: QuestionRecord | None = None,
) -> Amendment:
    """Change a submitted scorecard, keeping the original beside the change.

    `field` is score (new_value "1"–"4" or "not assessed") or notes — both need the
    `record` — or recommendation or summary. The database refuses changes to a submitted
    scorecard's records unless this transaction says it is amending (the trigger in
    migration 0002 reads `intervy.amending`), so this is the only way such a change is made.
    """
    _require_own(scorecard, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are changing a submitted scorecard."})
    if field not in AmendableField.values:
        raise ValidationError({"field": "Choose what to amend."})
    on_record = field in (AmendableField.SCORE, AmendableField.NOTES)
    if on_record and (record is None or record.scorecard_id != scorecard.pk):
        raise ValidationError({"question": "Choose a question of this scorecard."})
    if on_record:
        record = QuestionRecord.objects.select_for_update().get(pk=record.pk)  # type: ignore[union-attr]
    locked = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if locked.submitted_at is None:
        raise ValidationError("A draft is edited directly; only submitted scorecards are amended.")

    changes: dict[str, int | bool | str | None]
    if field == AmendableField.SCORE:
        assert record is not None
        if new_value not in SCORE_TEXTS:
            raise ValidationError({"new_value": f"A score is {in_words(list(SCORE_TEXTS))}."})
        old_value = score_text(record.score, record.not_assessed)
        new_score = None if new_value == NOT_ASSESSED else int(new_value)
        changes = {"score": new_score, "not_assessed": new_score is None, "skipped": False}
    elif field == AmendableField.NOTES:
        assert record is not None
        old_value, changes = record.notes, {"notes": new_value}
    elif field == AmendableField.RECOMMENDATION:
        if new_value not in Recommendation.values:
            raise ValidationError({"new_value": f"Choose {in_words(Recommendation.labels)}."})
        old_value, changes = locked.recommendation, {"recommendation": new_value}
    else:
        if not new_value.strip():
            raise ValidationError({"new_value": "A submitted scorecard keeps a summary."})
        old_value, changes = locked.summary, {"summary": new_value}
    if old_value == new_value:
        raise ValidationError({"new_value": "That is the value it already has."})

    with amending():
        if on_record:
            QuestionRecord.objects.filter(pk=record.pk).update(  # type: ignore[union-attr]
                **changes, updated_at=timezone.now()
            )
        else:
            Scorecard.objects.filter(pk=locked.pk).update(**changes, updated_at=timezone.now())

    amendment = Amendment(
        scorecard=locked,
        record=record if on_record else None,
        field=field,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        amended_by=by,
    )
    amendment.full_clean()
    amendment.save()
    AuditEvent.objects.create(
        actor=by,
        session_id=locked.session_id,
        scorecard=locked,
        session_question_id=record.session_question_id if on_record else None,  # type: ignore[union-attr]
        action=AuditAction.AMENDED,
        old_value=f"{field}: {old_value}",
        new_value=f"{field}: {new_value}",
    )
    return amendment
