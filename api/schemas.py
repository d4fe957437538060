"""The API's request and response shapes (the OpenAPI schema is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

MAX_ID = 2_147_483_647


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; say so as a 400 rather than fail on the insert.
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


def _plausible_time(value: datetime) -> datetime:
    # Far-off years overflow when moved to the local time zone; no interview is held then.
    if not 2000 <= value.year <= 2200:
        raise ValueError("Choose a time between the years 2000 and 2200.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
When = Annotated[datetime, AfterValidator(_plausible_time)]
ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Error(Schema):
    """Every error: a stable code, a sentence for people, and per-field messages."""

    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)
    current: dict[str, Any] | None = None


class Page(Schema):
    count: int
    page: int
    per_page: int
    next_page: int | None


class CategoryOut(Schema):
    id: int
    slug: str
    name: str


class CategoryPage(Page):
    results: list[CategoryOut]


class CategoryIn(Schema):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,80}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_no_nul)]
    position: Annotated[int, Field(ge=0, le=32767)] = 0


class QuestionOut(Schema):
    id: int
    slug: str
    title: str
    category: str
    difficulty: str
    status: str
    version: int
    prompt: str
    answer: str
    follow_up: str
    tags: list[str]
    updated_at: datetime


class QuestionPage(Page):
    results: list[QuestionOut]


class QuestionIn(Schema):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,120}$")]
    title: Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_nul)]
    category: Annotated[str, StringConstraints(max_length=80)]
    difficulty: Literal["easy", "medium", "hard"]
    status: Literal["draft", "published", "archived"] = "draft"
    prompt: Annotated[
        str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_no_nul)
    ]
    answer: Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)] = ""
    follow_up: Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)] = ""
    tags: list[Annotated[str, StringConstraints(max_length=40), AfterValidator(_no_nul)]] = Field(
        default_factory=list, max_length=20
    )


class QuestionPatch(Schema):
    title: (
        Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_nul)]
        | None
    ) = None
    difficulty: Literal["easy", "medium", "hard"] | None = None
    status: Literal["draft", "published", "archived"] | None = None
    prompt: (
        Annotated[str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_no_nul)]
        | None
    ) = None
    answer: Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)] | None = (
        None
    )
    follow_up: (
        Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)] | None
    ) = None


class TemplateItemOut(Schema):
    order: int
    question_slug: str
    title: str
    minutes: int


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    position_id: int | None
    version: int
    target_minutes: int
    questions: list[TemplateItemOut]


class TemplatePage(Page):
    results: list[TemplateOut]


class PersonOut(Schema):
    id: int
    username: str
    name: str


class MemberOut(PersonOut):
    role: str


class CandidateOut(Schema):
    id: int
    full_name: str
    email: str


class PositionOut(Schema):
    id: int
    title: str
    description: str
    is_open: bool
    hiring_manager: PersonOut
    team: list[MemberOut]
    candidates: list[CandidateOut]


class PositionPage(Page):
    results: list[PositionOut]


class SessionOut(Schema):
    id: int
    candidate: CandidateOut
    position_id: int
    position_title: str
    template_name: str
    template_version: int
    scheduled_at: datetime
    state: str
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    panel: list[PersonOut]


class SessionPage(Page):
    results: list[SessionOut]


class ScheduleIn(Schema):
    position_id: Id
    template_id: Id
    scheduled_at: When
    interviewer_ids: list[Id] = Field(min_length=1, max_length=20)
    candidate_id: Id | None = None
    new_candidate_name: ShortText = ""
    new_candidate_email: ShortText = ""


class RescheduleIn(Schema):
    scheduled_at: When
    interviewer_ids: list[Id] = Field(min_length=1, max_length=20)
    reason: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)]


class CancelIn(Schema):
    reason: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)]


class RecordOut(Schema):
    order: int
    title: str
    state: str
    score: int | None
    not_assessed: bool
    skipped: bool
    follow_up_asked: bool
    notes: str
    notes_revision: int


class ScorecardOut(Schema):
    id: int
    session_id: int
    interviewer: PersonOut
    recommendation: str
    summary: str
    submitted_at: datetime | None
    questions: list[RecordOut]


class ScorecardPage(Page):
    results: list[ScorecardOut]


class ScoreIn(Schema):
    """A score of 1–4, or `not_assessed: true` with no score (kept apart from a low score)."""

    score: Annotated[int, Field(ge=1, le=4)] | None = None
    not_assessed: bool = False


class NotesIn(Schema):
    notes: Text
    base_revision: Annotated[int, Field(ge=0, le=2_000_000_000)]


class NotesOut(Schema):
    revision: int
    notes: str


class ScorecardPatch(Schema):
    recommendation: Literal["strong_no", "no", "yes", "strong_yes", ""] | None = None
    summary: (
        Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)] | None
    ) = None


class DecisionOut(Schema):
    id: int
    position_id: int
    candidate_id: int
    kind: str
    rationale: str
    override_reason: str
    decided_by: PersonOut
    decided_at: datetime


class DecisionPage(Page):
    results: list[DecisionOut]


class DecisionIn(Schema):
    kind: Literal["advance", "reject", "offer", "hired", "withdrew"]
    rationale: Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)]
    override_reason: Annotated[
        str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)
    ] = ""


# --- analytics (read): the figures of the analytics pages, gated as they gate them ---------

Gate = Literal["ok", "provisional", "hidden"]


class FigureOut(Schema):
    """One figure: its value and 95 % interval, its n and its gate. Below its minimum n a
    figure is `hidden` (value, interval and count null) or `provisional` (shown, marked)."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    gate: Gate


class ProportionOut(FigureOut):
    """A share (`value`, 0–1) of `count` in n, with its Wilson interval."""

    count: int | None


class LeniencyOut(FigureOut):
    """The shrunk leniency (`value`), the raw mean difference from co-panelists (`raw`),
    over n candidates and `units` shared answers; `flag` when it reads as a prompt."""

    raw: float | None
    units: int
    flag: str | None


class ReliabilityOut(FigureOut):
    """Ordinal Krippendorff α (`value`, bootstrap interval), interval α beside it; n is the
    pairable units, `ratings` the ratings in them."""

    interval_alpha: float | None
    ratings: int
    reading: str | None


class RecommendationMixOut(Schema):
    strong_no: ProportionOut
    no: ProportionOut
    yes: ProportionOut
    strong_yes: ProportionOut


class TimeToSubmitOut(Schema):
    median_hours: float | None
    p90_hours: float | None
    n: int
    gate: Gate
    within_24h: ProportionOut


class InterviewerFiguresOut(Schema):
    interviewer: PersonOut
    scorecards: int
    leniency: LeniencyOut
    recommendation_leniency: LeniencyOut
    pass_share_leniency: LeniencyOut
    recommendation_mix: RecommendationMixOut
    pass_share: ProportionOut
    panel_agreement: ProportionOut
    outcome_agreement: ProportionOut
    not_assessed: ProportionOut
    time_to_submit: TimeToSubmitOut
    flags: list[str]


class AnalyticsMeta(Schema):
    """How current the figures are: `stored` (the worker's snapshot, `computed_at`),
    `live` (computed for this request) or `preparing` (no figures yet: within a minute)."""

    figures: Literal["stored", "live", "preparing"]
    computed_at: datetime | None


class InterviewerFiguresPage(Page):
    meta: AnalyticsMeta
    results: list[InterviewerFiguresOut]


class DeviationOut(Schema):
    """One shared answer: this interviewer's score against the co-panelists' mean."""

    candidate_id: int
    candidate_name: str
    position_id: int
    session_id: int
    question_id: int | None
    question_title: str
    question_version: int | None
    score: int
    co_panelists_mean: float
    co_panelists: int
    difference: float
    scorecard_id: int | None = Field(
        description="The interviewer's scorecard, when the caller may read it; else null."
    )


class QuestionDeviationOut(Schema):
    question_id: int | None
    title: str
    mean_difference: float
    n: int


class CandidateDeviationOut(Schema):
    candidate_id: int
    name: str
    position_id: int
    mean_difference: float
    n: int


class InterviewerDetailOut(Schema):
    meta: AnalyticsMeta
    figures: InterviewerFiguresOut | None = Field(
        description="Null when none of the interviewer's scorecards is in the figures yet."
    )
    shared_answers: int
    by_question: list[QuestionDeviationOut]
    by_candidate: list[CandidateDeviationOut]
    answers: list[DeviationOut]


class QuestionRefOut(Schema):
    id: int
    slug: str
    title: str


class ExposureOut(Schema):
    times_asked: int
    candidates: int
    first: datetime | None
    last: datetime | None


class DistributionOut(Schema):
    """Ratings at 1, 2, 3, 4 (null while hidden), their mean and SD, ceiling/floor."""

    n: int
    gate: Gate
    counts: list[int] | None
    shares: list[float] | None
    mean: float | None
    sd: float | None
    ceiling: bool
    floor: bool


class SeparationOut(FigureOut):
    """AUC of this question's scores, hired against rejected (`value`)."""

    hired: int
    rejected: int


class DriftOut(Schema):
    n: int
    span_days: float
    gate: Gate
    slope_per_90_days: float | None
    alarmed: bool
    alarms: list[datetime]
    prompt: str | None


class DriftPointOut(Schema):
    at: datetime
    residual: float


class DriftDetailOut(DriftOut):
    points: list[DriftPointOut]


class QuestionHealthOut(Schema):
    question: QuestionRefOut
    version: int | None
    exposure: ExposureOut
    not_assessed: ProportionOut
    distribution: DistributionOut
    item_rest: FigureOut
    separation: SeparationOut
    alpha: ReliabilityOut
    drift: DriftOut
    flags: list[str]


class QuestionHealthDetailOut(QuestionHealthOut):
    meta: AnalyticsMeta
    drift: DriftDetailOut


class QuestionHealthPage(Page):
    meta: AnalyticsMeta
    results: list[QuestionHealthOut]


class ReliabilityRowOut(Schema):
    id: int
    name: str
    alpha: ReliabilityOut


class PanelReliabilityOut(Schema):
    meta: AnalyticsMeta
    overall: ReliabilityOut
    by_template: list[ReliabilityRowOut]
    by_position: list[ReliabilityRowOut]
