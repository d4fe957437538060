"""Everything that happens with a candidate: positions, templates, sessions, scorecards.

The panel of a session *is* its scorecards: one per interviewer. What a session asked is
frozen in SessionQuestion when it starts, so later edits to the bank never rewrite a past
scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from intervy.roles import INTERVIEWERS
from questions.models import Category, Difficulty, Question, Status

if TYPE_CHECKING:
    # `User` below is the AUTH_USER_MODEL string the foreign keys name.
    from django.contrib.auth.models import User as AuthUser

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


class TeamRole(models.TextChoices):
    INTERVIEWER = "interviewer", "Interviewer"
    COORDINATOR = "coordinator", "Coordinator"


class PositionMemberQuerySet(models.QuerySet["PositionMember"]):
    def coordinating(self, user: AuthUser) -> PositionMemberQuerySet:
        """The user's coordinator seats on open positions: what lets them schedule."""
        return self.filter(user_id=user.pk, role=TeamRole.COORDINATOR, position__is_open=True)

    def panel_candidates(self) -> PositionMemberQuerySet:
        """Members who may sit on a panel: active users who still have the Interviewers role."""
        return self.filter(user__is_active=True, user__groups__name=INTERVIEWERS)


class PositionMember(models.Model):
    """One seat on a position's hiring team (PRODUCT F1).

    Interviewers sit on its panels and see its candidates; coordinators also schedule
    its sessions. The hiring manager leads the team without a seat: they sit on a panel
    only if they also take one. Leaving the team never rewrites a past panel: the panel
    of a session is its scorecards.
    """

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_seats")
    role = models.CharField(max_length=12, choices=TeamRole.choices, default=TeamRole.INTERVIEWER)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PositionMemberQuerySet.as_manager()

    class Meta:
        ordering = ["position", "user__username", "id"]
        constraints = [
            models.UniqueConstraint(fields=["position", "user"], name="position_member_once"),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values), name="position_member_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="position_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.position_id} ({self.role})"

    @classmethod
    def seat(cls, *, position: Position, user: AuthUser, role: str, by: AuthUser) -> PositionMember:
        """Put `user` on the team with `role`, or change the role of a seat they hold."""
        member, created = cls.objects.get_or_create(
            position=position, user=user, defaults={"role": role, "added_by": by}
        )
        if not created and member.role != role:
            member.role = role
            member.save(update_fields=["role"])
        return member


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
    def for_panelist(self, user: AuthUser) -> InterviewSessionQuerySet:
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
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE of the session's calendar event: raised by every reschedule,
    # panel change and cancel, so calendars apply the newest invite (interviews/invites.py).
    invite_sequence = models.PositiveIntegerField(default=0, db_default=0)
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

    def scorecards_due_at(self) -> datetime:
        """When the panel's scorecards are due: SCORECARD_DEADLINE after the interview ended.

        Only an interview that ended has a deadline; `finish()` sets `completed_at`.
        """
        if self.completed_at is None:
            raise SessionStateError("This interview has not ended, so no scorecard is due yet.")
        return self.completed_at + settings.SCORECARD_DEADLINE

    @property
    def total_minutes(self) -> int:
        return sum(question.minutes for question in self.questions.all())

    @property
    def is_running(self) -> bool:
        return self.state == SessionState.IN_PROGRESS

    def start(self, *, by: AuthUser) -> InterviewSession:
        """Scheduled → in progress, audited; idempotent for a session already running.

        The row is locked so two panelists pressing "Start" at once audit one start.
        Any other state is left as it is: the runner says why it cannot start.
        """
        with transaction.atomic():
            locked = InterviewSession.objects.select_for_update().get(pk=self.pk)
            if locked.state == SessionState.SCHEDULED:
                locked.state = SessionState.IN_PROGRESS
                locked.started_at = timezone.now()
                locked.save(update_fields=["state", "started_at"])
                AuditEvent.objects.create(
                    actor=by,
                    session=locked,
                    action=AuditAction.SESSION_STARTED,
                    old_value=SessionState.SCHEDULED,
                    new_value=SessionState.IN_PROGRESS,
                )
        return locked

    def finish(self, *, by: AuthUser) -> InterviewSession:
        """In progress → completed: stop every open question clock and audit it.

        Idempotent for a completed session. Only a running session can finish: a
        scheduled one was never started and a cancelled one never ran, so both raise
        SessionStateError. Scorecards stay open for their authors to complete.
        """
        with transaction.atomic():
            locked = InterviewSession.objects.select_for_update().get(pk=self.pk)
            if locked.state == SessionState.COMPLETED:
                return locked
            if locked.state != SessionState.IN_PROGRESS:
                raise SessionStateError(
                    f"This interview is {locked.get_state_display().lower()}; "
                    "only an interview in progress can be finished."
                )
            locked.state = SessionState.COMPLETED
            locked.completed_at = timezone.now()
            locked.save(update_fields=["state", "completed_at"])
            QuestionRecord.close_visits(session_id=locked.pk)
            AuditEvent.objects.create(
                actor=by,
                session=locked,
                action=AuditAction.SESSION_COMPLETED,
                old_value=SessionState.IN_PROGRESS,
                new_value=SessionState.COMPLETED,
            )
        return locked

    def add_ad_hoc_question(
        self, *, title: str, prompt: str, minutes: int, added_by: AuthUser, save_to_bank: bool
    ) -> SessionQuestion:
        """Append a question the panel asked on the spot, with a record for every open card.

        The session row is locked so two panelists adding at once get consecutive
        orders. With `save_to_bank` the question also lands in the bank as a draft (in
        an "Ad hoc" category) for an admin to curate; the session keeps its own copy
        either way, as it does for template questions (PRODUCT A6).
        """
        from questions.markdown import render_markdown

        with transaction.atomic():
            locked = InterviewSession.objects.select_for_update().get(pk=self.pk)
            if locked.state != SessionState.IN_PROGRESS:
                raise SessionStateError("Questions can be added only while the interview runs.")
            last = locked.questions.aggregate(last=models.Max("order"))["last"] or 0
            source = None
            if save_to_bank:
                source = Question.objects.create(
                    slug=_unique_question_slug(title),
                    title=title,
                    category=_ad_hoc_category(),
                    difficulty=Difficulty.MEDIUM,
                    status=Status.DRAFT,
                    tags=["ad-hoc"],
                    prompt=prompt,
                )
                source.record_version()
            question = SessionQuestion.objects.create(
                session=locked,
                order=last + 1,
                source_question=source,
                question_version=source.version if source else None,
                title=title,
                category_name=AD_HOC_CATEGORY_NAME,
                category_slug=AD_HOC_CATEGORY_SLUG,
                difficulty=Difficulty.MEDIUM,
                prompt=prompt,
                prompt_html=source.prompt_html if source else render_markdown(prompt),
                minutes=minutes,
                is_ad_hoc=True,
                added_by=added_by,
            )
            # A submitted card is closed: the question was not asked of its author's
            # interview as they recorded it, and the database refuses new records on it.
            QuestionRecord.objects.bulk_create(
                [
                    QuestionRecord(scorecard_id=scorecard_id, session_question=question)
                    for scorecard_id in locked.scorecards.filter(
                        submitted_at__isnull=True
                    ).values_list("pk", flat=True)
                ]
            )
            AuditEvent.objects.create(
                actor=added_by,
                session=locked,
                session_question=question,
                action=AuditAction.QUESTION_ADDED,
                new_value=title,
            )
        return question


class SessionStateError(Exception):
    """The session is not in a state that allows this (e.g. scoring before it started)."""


AD_HOC_CATEGORY_NAME = "Ad hoc"
AD_HOC_CATEGORY_SLUG = "ad-hoc"


def _ad_hoc_category() -> Category:
    category, _ = Category.objects.get_or_create(
        slug=AD_HOC_CATEGORY_SLUG, defaults={"name": AD_HOC_CATEGORY_NAME, "position": 999}
    )
    return category


def _unique_question_slug(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "ad-hoc-question"
    slug, n = base, 1
    while Question.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class SessionQuestion(models.Model):
    """A frozen copy of one question as this session asked it (PRODUCT A6)."""

    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField()
    source_question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_copies"
    )
    # The source question's version when this copy was made (None for an ad hoc question
    # that never entered the bank): statistics are per version (ANALYTICS.md).
    question_version = models.PositiveIntegerField(null=True, blank=True)
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


class Score(models.IntegerChoices):
    """The four levels of a question's score, worded as a question without anchors of its
    own shows them. A question not covered is "not assessed" (NOT_ASSESSED), never a low
    score."""

    DOES_NOT_MEET = 1, "Does not meet the bar"
    PARTLY_MEETS = 2, "Partly meets the bar"
    MEETS = 3, "Meets the bar"
    EXCEEDS = 4, "Exceeds the bar"


# How a score that is not one is written: in the audit trail, amendments and their forms.
NOT_ASSESSED = "not assessed"


def score_text(score: int | None, not_assessed: bool) -> str:
    """A score as the audit trail and amendments write it: "3", "not assessed" or ""."""
    if score is not None:
        return str(score)
    return NOT_ASSESSED if not_assessed else ""


# The values an amendment of a score may take: "1"–"4" or "not assessed".
SCORE_TEXTS = (*(str(level) for level in Score.values), NOT_ASSESSED)


def in_words(labels: list[str]) -> str:
    """ "A, B or C": the choices of a field as a sentence says them."""
    return ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else "".join(labels)


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class ScorecardQuerySet(models.QuerySet["Scorecard"]):
    def submitted(self) -> ScorecardQuerySet:
        return self.filter(submitted_at__isnull=False)

    def unsubmitted_in_loop(self, position_id: int, candidate_id: int) -> ScorecardQuerySet:
        """Scorecards of the candidate's sessions for the position still to be submitted.

        A cancelled session's panel will never submit, so it holds nothing up; a
        scheduled or running one does (its panel has not reported yet).
        """
        return self.filter(
            session__position_id=position_id,
            session__candidate_id=candidate_id,
            submitted_at__isnull=True,
        ).exclude(session__state=SessionState.CANCELLED)


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

    def open_questions(self) -> list[SessionQuestion]:
        """The questions of this card not yet scored, marked not assessed or skipped.

        A scorecard is submitted only when this is empty (PRODUCT D2): a card sent before
        the interview has run would open the others' cards to its author.
        """
        return list(
            SessionQuestion.objects.filter(
                records__scorecard=self,
                records__score__isnull=True,
                records__not_assessed=False,
                records__skipped=False,
            ).order_by("order")
        )


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

    # The write doors: their SQL, and why each is one statement, is in interviews/db/records.py
    # (imported inside each door, as interviews.db imports this module).

    @classmethod
    def record_score(
        cls, *, scorecard_id: int, session_question_id: int, score: int | None, by_id: int
    ) -> QuestionRecord:
        """Set the score (1–4), or "not assessed" when score is None, and audit the change.

        A score after submission raises ScorecardLocked: the scorecard is share-locked while
        the record changes, so a submission waits for a score in flight and a score after it
        finds nothing to update.
        """
        if score is not None and score not in (1, 2, 3, 4):
            raise ValueError("A score is 1, 2, 3 or 4.")
        from interviews.db import records

        return records.record_score(
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            score=score,
            by_id=by_id,
        )

    @classmethod
    def save_notes(
        cls, *, scorecard_id: int, session_question_id: int, text: str, base_revision: int
    ) -> NotesSave:
        """Store `text` if the notes are still at `base_revision` (else a conflict)."""
        from interviews.db import records

        return records.save_notes(
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            text=text,
            base_revision=base_revision,
        )

    @classmethod
    def toggle_follow_up(
        cls, *, scorecard_id: int, session_question_id: int, by_id: int
    ) -> QuestionRecord:
        """Flip "follow-up asked" and audit it; ScorecardLocked once submitted."""
        from interviews.db import records

        return records.toggle_follow_up(
            scorecard_id=scorecard_id, session_question_id=session_question_id, by_id=by_id
        )

    @classmethod
    def toggle_skipped(
        cls, *, scorecard_id: int, session_question_id: int, by_id: int
    ) -> QuestionRecord:
        """Mark the question skipped, or un-skip it; audited.

        A question that already has a score (or "not assessed") cannot be skipped: a
        stray keypress must never erase a rating, so that raises AlreadyAssessed and
        nothing changes. Scoring a skipped question later clears the skip.
        """
        from interviews.db import records

        return records.toggle_skipped(
            scorecard_id=scorecard_id, session_question_id=session_question_id, by_id=by_id
        )

    @classmethod
    def for_runner(cls, *, scorecard_id: int) -> list[QuestionRecord]:
        """This scorecard's records with their questions, in question order: one query.

        Every question of a session has a record on every scorecard (starting, adding a
        panelist and adding a question all write them), so these are also the questions —
        except on a card submitted before an ad-hoc question was added, which keeps the
        questions its author recorded. (interviews/db/panel.py: one hand-written
        statement, held equal to the ORM's select_related query by a test.)
        """
        from interviews.db import panel

        return panel.runner_records(scorecard_id=scorecard_id)

    @classmethod
    def visit(
        cls, *, scorecard_id: int, session_question_id: int, track_time: bool
    ) -> dict[int, tuple[int, datetime | None, datetime | None]]:
        """Make this the interviewer's current question and, if `track_time`, move the clock
        (interviews/db/records.py says how time is kept)."""
        from interviews.db import records

        return records.visit(
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            track_time=track_time,
        )

    @classmethod
    def close_visits(cls, *, session_id: int) -> None:
        """Stop every open question clock of a session (it has finished)."""
        from interviews.db import records

        records.close_visits(session_id=session_id)

    def seconds_on_question(self, now: datetime) -> int:
        """Closed visits plus the open one, as of `now`."""
        open_visit = 0
        if self.entered_at is not None:
            open_visit = max(0, int((now - self.entered_at).total_seconds()))
        return self.seconds_spent + open_visit


@dataclass(frozen=True, slots=True)
class NotesSave:
    """What save_notes did: stored (or already there), refused as locked, or a conflict.

    `revision` and `notes` are what the database holds now; on a conflict they are the
    other writer's, to show beside the text that was not saved.
    """

    stored: bool
    revision: int
    notes: str
    locked: bool = False

    @property
    def conflict(self) -> bool:
        return not self.stored and not self.locked


class AlreadyAssessed(Exception):
    """The question has a score or "not assessed"; skipping it would erase that."""


class ScorecardLocked(Exception):
    """The scorecard is submitted: it changes only through an amendment.

    Raised without arguments it carries the one message users see for it.
    """

    MESSAGE = "This scorecard is submitted; change it with an amendment."

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


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
    SESSION_RESCHEDULED = "session_rescheduled", "Session rescheduled"
    PANELIST_ADDED = "panelist_added", "Panelist added"
    PANELIST_REMOVED = "panelist_removed", "Panelist removed"
    QUESTION_ADDED = "question_added", "Question added"
    DECISION = "decision", "Decision recorded"


class AuditEvent(models.Model):
    """Who recorded or changed what, and when: old → new (PRODUCT D5)."""

    # PROTECT, not SET_NULL: the trail is append-only (migration 0002_trustrunner_*), so
    # it keeps who acted; a user with history is deactivated, not deleted.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    # A default, not auto_now_add: the demo history writes events of the past with the
    # time of what they record; the trail stays append-only (a trigger refuses UPDATE).
    at = models.DateTimeField(default=timezone.now, editable=False)
    # Everything audited happens in a session, except a hiring decision, which is about
    # the candidate's whole loop for a position: it names the decision instead.
    session = models.ForeignKey(
        InterviewSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    decision = models.ForeignKey(
        "Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    session_question = models.ForeignKey(
        SessionQuestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    # Why, where the person had to say (rescheduling, cancelling). A database default
    # too, for the inserts that name their columns (the runner's toggles, load data).
    reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["scorecard", "at"], name="audit_scorecard_idx"),
            models.Index(fields=["session", "at"], name="audit_session_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_value} → {self.new_value}"


class DecisionKind(models.TextChoices):
    ADVANCE = "advance", "Advance to the next round"
    REJECT = "reject", "Reject"
    OFFER = "offer", "Make an offer"
    HIRED = "hired", "Hired"
    WITHDREW = "withdrew", "Withdrew"


# The stage a candidate is at after each kind of decision, and the final outcomes.
STAGE_LABELS = {
    DecisionKind.ADVANCE: "Advancing",
    DecisionKind.REJECT: "Rejected",
    DecisionKind.OFFER: "Offer made",
    DecisionKind.HIRED: "Hired",
    DecisionKind.WITHDREW: "Withdrew",
}
OUTCOMES = {
    DecisionKind.HIRED: "hired",
    DecisionKind.REJECT: "rejected",
    DecisionKind.WITHDREW: "withdrew",
}


class DecisionQuerySet(models.QuerySet["Decision"]):
    def latest_per_candidate(self) -> DecisionQuerySet:
        """The newest decision of each (position, candidate): its current stage."""
        return self.order_by("position_id", "candidate_id", "-decided_at", "-id").distinct(
            "position_id", "candidate_id"
        )


class Decision(models.Model):
    """A hiring manager's decision on a candidate's loop for a position (PRODUCT D6).

    Append-only: a changed mind is a new decision with its own rationale, and the
    database refuses to update or delete one (the trigger of migration 0003). The
    latest is the candidate's current stage.
    """

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="decisions")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    rationale = models.TextField()
    # Why the decision was made while scorecards of the loop were still unsubmitted.
    override_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "candidate", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(rationale__regex=r"^\s*$"), name="decision_has_rationale"
            ),
        ]
        indexes = [
            models.Index(fields=["position", "candidate", "decided_at"], name="decision_loop_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}@{self.position_id}: {self.kind}"

    @property
    def stage(self) -> str:
        return STAGE_LABELS[DecisionKind(self.kind)]

    @property
    def outcome(self) -> str:
        """hired, rejected or withdrew once final; "" while the loop goes on."""
        return OUTCOMES.get(DecisionKind(self.kind), "")

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


# --- Outgoing messages (reminders, notices, invites) ---------------------------------


class DeliveryKind(models.TextChoices):
    REMINDER = "reminder", "Scorecard reminder"
    OVERDUE = "overdue", "Overdue scorecards notice"
    INVITE = "invite", "Calendar invite"
    CANCEL = "cancel", "Calendar cancellation"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "No longer needed"
    FAILED = "failed", "Gave up"


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: datetime) -> DeliveryQuerySet:
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One message to one person for one event: the outbox the worker sends from.

    `key` names the event ("reminder:<scorecard>:<n>", "overdue:<session>",
    "invite:<session>:<user>:<sequence>"); its unique constraint is what makes a
    reminder, notice or invite exist once however often a sweep or a retry asks for it.
    Sending claims the row (FOR UPDATE SKIP LOCKED) and marks it sent in the same
    transaction, so a worker that dies mid-send leaves it pending for the next one.
    """

    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deliveries")
    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="deliveries"
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # The calendar SEQUENCE an invite or cancellation carries.
    sequence = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="delivery_key_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="delivery_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status=DeliveryStatus.SENT),
                name="delivery_sent_has_status",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=Q(status=DeliveryStatus.PENDING),
            ),
            models.Index(fields=["session", "recipient"], name="delivery_session_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


# --- Analytics (PRODUCT E) --------------------------------------------------------------


class AnalyticsSnapshot(models.Model):
    """Precomputed analytics figures of one scope, one section per row (ANALYTICS.md).

    `scope` names the data (interviews/analytics/data.py `Scope.key`: which positions,
    template and dates); `section` which part of the figures the payload holds (the
    summary with panel reliability, the interviewer and question tables, one detail
    page's data). `signature` describes the submitted data the figures were computed
    from, so the minute sweep can tell when they are stale. Written by the worker only
    (interviews/tasks.py `refresh_analytics`); pages read them.
    """

    scope = models.CharField(max_length=200)
    section = models.CharField(max_length=80)
    signature = models.CharField(max_length=200)
    computed_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "section"], name="analytics_scope_section"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.section}"
