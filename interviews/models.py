"""Everything that happens with a candidate: positions, templates, sessions, scorecards.

The panel of a session *is* its scorecards: one per interviewer. What a session asked is
frozen in SessionQuestion when it starts, so later edits to the bank never rewrite a past
scorecard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questions.models import Difficulty, Question

User = settings.AUTH_USER_MODEL


class Position(models.Model):
    """A role being hired for; owned by one hiring manager, who sees its scorecards."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    hiring_manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="positions")
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["hiring_manager", "title"], name="position_manager_idx")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name


class InterviewTemplate(models.Model):
    """An ordered list of bank questions with time allotments.

    `version` goes up on every change to its questions; a session records the version
    it ran, and its own frozen copy of the questions.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.ForeignKey(
        Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="templates"
    )
    target_minutes = models.PositiveSmallIntegerField(default=60)
    version = models.PositiveIntegerField(default=1)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_minutes__gte=1), name="template_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateQuestion(models.Model):
    template = models.ForeignKey(InterviewTemplate, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="template_items")
    order = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "question"], name="template_question_once"),
            # Deferred, so a reorder can swap two positions inside one transaction.
            models.UniqueConstraint(
                fields=["template", "order"],
                name="template_order_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=180), name="template_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.question_id} ({self.minutes} min)"


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class InterviewSessionQuerySet(models.QuerySet["InterviewSession"]):
    def for_panelist(self, user) -> InterviewSessionQuerySet:
        return self.filter(scorecards__interviewer=user)

    def upcoming_or_running(self) -> InterviewSessionQuerySet:
        return self.filter(state__in=[SessionState.SCHEDULED, SessionState.IN_PROGRESS])


class InterviewSession(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="sessions")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="sessions")
    template = models.ForeignKey(
        InterviewTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    template_name = models.CharField(max_length=200, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    scheduled_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=SessionState.choices, default=SessionState.SCHEDULED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterviewSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SessionState.values), name="session_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | ~Q(state=SessionState.SCHEDULED),
                name="session_scheduled_not_started",
            ),
        ]
        indexes = [
            models.Index(fields=["position", "state"], name="session_position_state_idx"),
            models.Index(fields=["candidate"], name="session_candidate_idx"),
            models.Index(fields=["state", "scheduled_at"], name="session_state_when_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.template_name or 'ad hoc'}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:runner", args=[self.pk])

    @property
    def total_minutes(self) -> int:
        return sum(question.minutes for question in self.questions.all())


class SessionQuestion(models.Model):
    """A frozen copy of one question as this session asked it (PRODUCT A6)."""

    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField()
    source_question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_copies"
    )
    title = models.CharField(max_length=200)
    category_name = models.CharField(max_length=120)
    category_slug = models.CharField(max_length=80)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    prompt = models.TextField()
    prompt_html = models.TextField()
    answer = models.TextField(blank=True)
    answer_html = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)
    follow_up_html = models.TextField(blank=True)
    # The four anchors as they stood: {"1": "...", "2": "...", "3": "...", "4": "..."}.
    anchors = models.JSONField(default=dict)
    minutes = models.PositiveSmallIntegerField(default=5)
    is_ad_hoc = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "order"], name="session_question_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def anchor(self, level: int) -> str:
        return self.anchors.get(str(level), "")


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class ScorecardQuerySet(models.QuerySet["Scorecard"]):
    def submitted(self) -> ScorecardQuerySet:
        return self.filter(submitted_at__isnull=False)


class Scorecard(models.Model):
    """One interviewer's independent record of one session: the panel is its scorecards."""

    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="scorecards"
    )
    interviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="scorecards")
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Where this interviewer is in the runner; a reload opens here.
    current_question = models.ForeignKey(
        SessionQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "interviewer"], name="scorecard_one_per_panelist"
            ),
            models.CheckConstraint(
                condition=Q(recommendation="") | Q(recommendation__in=Recommendation.values),
                name="scorecard_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | (~Q(recommendation="") & ~Q(summary="")),
                name="scorecard_submitted_is_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["interviewer", "session"], name="scorecard_interviewer_idx"),
            models.Index(fields=["session", "submitted_at"], name="scorecard_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.session}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class QuestionRecord(models.Model):
    """What one interviewer recorded for one question: score or not assessed, notes, flags.

    "Not assessed" is its own state, never a low score: aggregates leave it out.
    """

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="records")
    session_question = models.ForeignKey(
        SessionQuestion, on_delete=models.CASCADE, related_name="records"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    notes_revision = models.PositiveIntegerField(default=0)
    follow_up_asked = models.BooleanField(default=False)
    skipped = models.BooleanField(default=False)
    first_shown_at = models.DateTimeField(null=True, blank=True)
    # Time on this question: closed visits in seconds_spent, the open one since entered_at.
    entered_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    scored_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scorecard", "session_question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "session_question"], name="record_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=4),
                name="record_score_1_to_4",
            ),
            models.CheckConstraint(
                condition=~(Q(score__isnull=False) & Q(not_assessed=True)),
                name="record_score_or_not_assessed",
            ),
        ]
        indexes = [
            models.Index(fields=["session_question"], name="record_session_question_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id}/{self.session_question_id}: {self.state}"

    @property
    def state(self) -> str:
        """The navigator's word for this question: scored, not_assessed, skipped or unasked."""
        if self.score is not None:
            return "scored"
        if self.not_assessed:
            return "not_assessed"
        if self.skipped:
            return "skipped"
        return "unasked"

    @classmethod
    def record_score(
        cls, *, scorecard_id: int, session_question_id: int, score: int | None, by_id: int
    ) -> QuestionRecord:
        """Set the score (1–4), or "not assessed" when score is None, and audit the change.

        One statement locks the record, reads the old value, writes the new one and writes
        the audit event, so fifty parallel requests leave one record and a full history.
        The scorecard row is share-locked: a submission (which takes it FOR UPDATE) waits
        for a score in flight, and a score arriving after submission finds nothing to
        update and raises ScorecardLocked.
        """
        if score is not None and score not in (1, 2, 3, 4):
            raise ValueError("A score is 1, 2, 3 or 4.")
        action = AuditAction.SCORE if score is not None else AuditAction.NOT_ASSESSED
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                WITH old AS (
                    SELECT r.id, r.score, r.not_assessed, s.session_id
                      FROM interviews_questionrecord r
                      JOIN interviews_scorecard s ON s.id = r.scorecard_id
                     WHERE r.scorecard_id = %(scorecard)s
                       AND r.session_question_id = %(question)s
                       AND s.submitted_at IS NULL
                       FOR UPDATE OF r FOR SHARE OF s
                ), updated AS (
                    UPDATE interviews_questionrecord r
                       SET score = %(score)s, not_assessed = %(not_assessed)s, skipped = false,
                           scored_at = now(), updated_at = now()
                      FROM old
                     WHERE r.id = old.id
                 RETURNING r.id, old.score AS old_score, old.not_assessed AS old_not_assessed,
                           old.session_id
                ), audited AS (
                    INSERT INTO interviews_auditevent
                           (actor_id, at, session_id, scorecard_id, session_question_id, action,
                            old_value, new_value)
                    SELECT %(by)s, now(), session_id, %(scorecard)s, %(question)s, %(action)s,
                           CASE WHEN old_score IS NOT NULL THEN old_score::text
                                WHEN old_not_assessed THEN 'not assessed' ELSE '' END,
                           %(new_value)s
                      FROM updated
                )
                SELECT id FROM updated
                """,
                {
                    "scorecard": scorecard_id,
                    "question": session_question_id,
                    "score": score,
                    "not_assessed": score is None,
                    "by": by_id,
                    "action": action,
                    "new_value": str(score) if score is not None else "not assessed",
                },
            )
            row = cursor.fetchone()
        if row is None:
            raise ScorecardLocked("This scorecard is submitted; change it with an amendment.")
        return cls.objects.get(pk=row[0])

    @classmethod
    def save_notes(
        cls, *, scorecard_id: int, session_question_id: int, text: str, revision: int
    ) -> bool:
        """Store the notes if `revision` is newer than what is stored; True if stored.

        Autosaves can arrive out of order; the database keeps the newest revision, so a
        late, older save never overwrites a newer one. Submitted scorecards refuse.
        """
        updated = cls.objects.filter(
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            notes_revision__lt=revision,
            scorecard__submitted_at__isnull=True,
        ).update(notes=text, notes_revision=revision, updated_at=timezone.now())
        return updated == 1


class ScorecardLocked(Exception):
    """The scorecard is submitted: it changes only through an amendment."""


class AmendableField(models.TextChoices):
    SCORE = "score", "Score"
    NOTES = "notes", "Notes"
    RECOMMENDATION = "recommendation", "Recommendation"
    SUMMARY = "summary", "Summary"


class Amendment(models.Model):
    """A change to a submitted scorecard, kept beside the original, never over it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    record = models.ForeignKey(
        QuestionRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments"
    )
    field = models.CharField(max_length=20, choices=AmendableField.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    amended_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scorecard", "amended_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
            models.CheckConstraint(
                condition=Q(field__in=AmendableField.values), name="amendment_field_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class AuditAction(models.TextChoices):
    SCORE = "score", "Score recorded"
    NOT_ASSESSED = "not_assessed", "Marked not assessed"
    SKIPPED = "skipped", "Skipped"
    FOLLOW_UP = "follow_up", "Follow-up asked"
    SUBMITTED = "submitted", "Scorecard submitted"
    AMENDED = "amended", "Scorecard amended"
    SESSION_STARTED = "session_started", "Session started"
    SESSION_COMPLETED = "session_completed", "Session completed"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    QUESTION_ADDED = "question_added", "Question added"


class AuditEvent(models.Model):
    """Who recorded or changed what, and when: old → new (PRODUCT D5)."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="audit_events"
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    session_question = models.ForeignKey(
        SessionQuestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["scorecard", "at"], name="audit_scorecard_idx"),
            models.Index(fields=["session", "at"], name="audit_session_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_value} → {self.new_value}"
