"""Fill the database with realistic interview data at benchmark scale.

    manage.py generate_load_data --questions 3000 --sessions 20000 --scores 500000 --seed 1

Rows go in with PostgreSQL's COPY (psycopg's `cursor.copy`), table by table in one
transaction, with ids assigned here so that children can point at parents without a
round trip. Markdown is rendered once per distinct skeleton text, never per row: the
question texts are a dozen skeletons with a topic substituted into the rendered HTML.

Besides the bulk data it creates the fixtures `bench/run.py` drives (a known interviewer
and hiring manager, a session in progress, a submitted scorecard, positions to compare and
to export) and records the sizes and fixture ids in the table `intervy_load_data`, so a
rerun at the same size can be skipped (`--show` prints that record as JSON).

The two bench users sign in with a password drawn afresh for each generated database and
kept in that record beside their usernames: bench/run.py reads it there to sign in through
the real login form. No password is written in the code, and a database this command has
not filled has no user who could sign in with one.

This is benchmark tooling: the `bench` app is installed by bench/settings.py and
tests/settings.py only, never by the production settings.

`--scores` is the number of question records (one per interviewer per question; most carry
a score): the session lengths are chosen so the total lands close to it.
"""

from __future__ import annotations

import json
import math
import random
import secrets
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin

from interviews.models import (
    Amendment,
    AuditEvent,
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    TemplateQuestion,
)
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS
from questions.markdown import render_markdown
from questions.models import Category, Question, RubricAnchor, search_text_for

BENCH_INTERVIEWER = "bench-interviewer"
BENCH_MANAGER = "bench-manager"
MARKER_TABLE = "intervy_load_data"

BENCH_SESSION_QUESTIONS = 10
EXPORT_QUESTIONS = 10
EXPORT_PANEL = 2
COMPARISON_PANEL = 3

CATEGORIES = [
    ("python", "Python"),
    ("databases", "Databases"),
    ("system-design", "System design"),
    ("http-apis", "HTTP and APIs"),
    ("concurrency", "Concurrency"),
    ("testing", "Testing"),
    ("security", "Security"),
    ("operations", "Operations"),
    ("algorithms", "Algorithms"),
    ("frontend", "Frontend"),
    ("data-modelling", "Data modelling"),
    ("collaboration", "Collaboration"),
]

# HTML-safe words only: they are substituted into already-rendered HTML.
TOPICS = [
    "connection pooling",
    "idempotent retries",
    "cache invalidation",
    "rate limiting",
    "schema migrations",
    "pagination",
    "background jobs",
    "optimistic locking",
    "event sourcing",
    "feature flags",
    "request tracing",
    "password storage",
    "session handling",
    "bulk imports",
    "search ranking",
    "access control",
    "message queues",
    "file uploads",
    "time zones",
    "dependency injection",
    "query planning",
    "memory leaks",
    "graceful shutdown",
    "blue green deploys",
    "circuit breakers",
    "data retention",
    "audit logging",
    "webhook delivery",
    "leader election",
    "sharding",
]
DIFFICULTIES = ["easy", "medium", "hard"]
STATUSES = ["published"] * 17 + ["draft"] * 2 + ["archived"]
FIRST_NAMES = [
    "Ada",
    "Alan",
    "Barbara",
    "Ken",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
    "Guido",
    "Katherine",
    "Donald",
    "Hedy",
    "Tim",
    "Annie",
    "Bjarne",
    "Sophie",
    "John",
    "Lynn",
    "Niklaus",
    "Joan",
    "Leslie",
    "Mary",
    "Fernando",
    "Shafi",
    "Yukihiro",
    "Anita",
    "Rasmus",
]
LAST_NAMES = [
    "Lovelace",
    "Turing",
    "Liskov",
    "Thompson",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Rossum",
    "Johnson",
    "Knuth",
    "Lamarr",
    "Berners",
    "Easley",
    "Stroustrup",
    "Wilson",
    "McCarthy",
    "Conway",
    "Wirth",
    "Clarke",
    "Lamport",
    "Shaw",
    "Corbato",
    "Goldwasser",
    "Matsumoto",
    "Borg",
    "Lerdorf",
]

TOPIC_TOKEN = "QTOPICQ"  # noqa: S105 (a placeholder, not a secret)
IDENT = "qidentq"

PROMPT_SKELETONS = [
    f"Walk me through how you would add **{TOPIC_TOKEN}** to an existing service.\n\n"
    "- What would you measure first?\n- What could go wrong in production?\n",
    f"Here is a function from a code review about *{TOPIC_TOKEN}*:\n\n"
    f"```python\ndef {IDENT}(items, limit=100):\n    result = []\n    for item in items:\n"
    "        if len(result) >= limit:\n            break\n        result.append(item)\n"
    "    return result\n```\n\nWhat would you change, and why?\n",
    f"A colleague says {TOPIC_TOKEN} is *always* worth the complexity. Do you agree?\n\n"
    "Give an example from your own work.\n",
    f"Design the data model for {TOPIC_TOKEN} in a multi-tenant application.\n\n"
    "| concern | question |\n|---|---|\n| scale | how many rows a day? |\n"
    "| access | who reads it? |\n",
    f"This query is slow since we introduced {TOPIC_TOKEN}:\n\n"
    f"```sql\nSELECT * FROM {IDENT} WHERE created_at > now() - interval '1 day'\n"
    "ORDER BY created_at DESC LIMIT 50;\n```\n\nHow do you find out why?\n",
    f"Explain {TOPIC_TOKEN} to a new team member in five minutes, then tell me where the "
    "explanation is *wrong*.\n",
]
ANSWER_SKELETONS = [
    f"A strong answer names the trade-off of {TOPIC_TOKEN} before the mechanism.\n\n"
    f"```python\nclass {IDENT.title()}:\n    def __init__(self, size: int) -> None:\n"
    "        self.size = size\n\n    def acquire(self):\n        ...\n```\n\n"
    "Look for: **measurement first**, a rollback plan, and tests at the boundary.\n",
    f"Expect them to separate the happy path of {TOPIC_TOKEN} from its failure modes:\n\n"
    "1. what happens on timeout\n2. what happens on retry\n3. what is observable\n\n"
    "```bash\ncurl -sS -X POST http://localhost/api/jobs -d '{\"retry\": true}'\n```\n",
    f"Good candidates ask how big the data is before choosing an approach to {TOPIC_TOKEN}. "
    "Great ones ask who is paged when it breaks.\n\n```sql\nCREATE INDEX CONCURRENTLY "
    f"{IDENT}_idx ON {IDENT} (tenant_id, created_at);\n```\n",
]
FOLLOW_UP_SKELETONS = [
    f"How would you test {TOPIC_TOKEN} without a staging environment?",
    f"What changes if traffic grows tenfold? Think about *{TOPIC_TOKEN}* specifically.",
    f"Which metric would tell you {TOPIC_TOKEN} is misbehaving before users notice?",
]
ANCHOR_TEXTS = {
    1: "Cannot explain {topic}; guesses without reasoning.",
    2: "Knows what {topic} is, but misses the main failure mode.",
    3: "Explains {topic} clearly and names the important trade-off.",
    4: "Explains {topic}, its trade-offs and how to observe it in production.",
}
NOTES = [
    "Started with the data model, good instinct.",
    "Needed a hint about failure modes, then got there.",
    "Very clear explanation; used a real incident from their last job.",
    "Jumped to code before asking about scale.",
    "Strong on testing, weaker on operations.",
    "Asked good clarifying questions about tenants and retention.",
    "Mentioned observability unprompted.",
    "Went quiet on the follow-up; could not name a metric.",
]
SUMMARIES = [
    "Solid fundamentals, clear communicator, would enjoy working with them.",
    "Good on design, needs growth on production operations.",
    "Struggled with the core questions; not ready for this level.",
    "Excellent across the board; the best answer to the design question so far.",
]
RECOMMENDATIONS = ["strong_no", "no", "yes", "strong_yes"]
AMENDMENT_REASONS = [
    "Mis-clicked during the interview; the notes say 3.",
    "Re-read my notes after the debrief; the answer was stronger than I scored it.",
]


class Progress:
    """A one-line text progress bar on stderr, redrawn at most every percent.

    On a terminal it redraws in place; into a pipe or a log it writes only the final line.
    """

    WIDTH = 30

    def __init__(self, label: str, total: int, *, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, max(total, 1), enabled
        self.live = enabled and sys.stderr.isatty()
        self.done = 0
        self.started = time.monotonic()
        self.step = max(self.total // 100, 1)
        self.next_draw = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.live and self.done >= self.next_draw:
            self.next_draw = self.done + self.step
            self.draw()

    def draw(self, end: str = "") -> None:
        if not self.enabled:
            return
        filled = int(self.WIDTH * min(self.done, self.total) / self.total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        elapsed = time.monotonic() - self.started
        start = "\r" if self.live else ""
        counts = f"{self.done:>9,}/{self.total:,}"
        sys.stderr.write(f"{start}  {self.label:<18} [{bar}] {counts}  {elapsed:5.1f}s{end}")
        sys.stderr.flush()

    def finish(self) -> None:
        self.draw(end="\n")


@dataclass
class Ids:
    """The next free id per table; ids are assigned here, then the sequences are moved on."""

    next_by_model: dict[type[models.Model], int] = field(default_factory=dict)

    def take(self, model: type[models.Model], count: int = 1) -> int:
        first = self.next_by_model[model]
        self.next_by_model[model] = first + count
        return first


@dataclass
class QuestionText:
    id: int
    slug: str
    title: str
    category: tuple[str, str]
    difficulty: str
    prompt: str
    prompt_html: str
    answer: str
    answer_html: str
    follow_up: str
    follow_up_html: str
    anchors_json: str


@dataclass
class PlannedScorecard:
    id: int
    interviewer_id: int
    submitted: bool


@dataclass
class PlannedSession:
    id: int
    candidate_id: int
    position_id: int
    template_id: int
    template_name: str
    question_ids: list[int]  # bank question ids, in order
    first_sq_id: int
    first_record_id: int
    state: str
    scheduled_at: datetime
    scorecards: list[PlannedScorecard]
    ability: float  # how well this candidate does: shifts the scores
    scored_upto: int  # in progress: questions 1..scored_upto have scores
    created_by_id: int


class Command(BaseCommand):
    help = "Fill the database with realistic interview data for the benchmark (uses COPY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--questions", type=int, default=3000)
        parser.add_argument("--sessions", type=int, default=20000)
        parser.add_argument(
            "--scores", type=int, default=500000, help="question records, approximately"
        )
        parser.add_argument("--positions", type=int, default=None, help="default sessions/400")
        parser.add_argument(
            "--interviewers",
            type=int,
            default=None,
            help="the interviewer pool; default sessions/100, so each sits on ~2%% of sessions",
        )
        parser.add_argument(
            "--candidates-per-comparison",
            type=int,
            default=5,
            help="candidates in each comparison fixture",
        )
        parser.add_argument(
            "--comparison-scorecards",
            type=int,
            nargs="+",
            default=[3],
            help="submitted scorecards per compared candidate; one comparison position each",
        )
        parser.add_argument(
            "--export-scorecards",
            type=int,
            nargs="+",
            default=[500],
            help="submitted scorecards in an export position; one position each",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--show", action="store_true", help="print the recorded sizes")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show"]:
            self.stdout.write(json.dumps(read_marker()))
            return
        for name in ("questions", "sessions", "scores"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if User.objects.filter(username__in=[BENCH_INTERVIEWER, BENCH_MANAGER]).exists():
            raise CommandError(
                "This database already holds generated load data; use a fresh database."
            )
        started = time.monotonic()
        generator = LoadData(
            questions=options["questions"],
            sessions=options["sessions"],
            scores=options["scores"],
            positions=options["positions"],
            interviewers=options["interviewers"],
            candidates_per_comparison=options["candidates_per_comparison"],
            comparison_scorecards=options["comparison_scorecards"],
            export_scorecards=options["export_scorecards"],
            seed=options["seed"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
        )
        with transaction.atomic():
            counts = generator.run()
            # The counts of what was written, fixtures included, go beside the sizes asked for.
            fixtures = {**generator.fixtures, "counts": counts}
            write_marker(generator.sizes(), fixtures, time.monotonic() - started)
        with connection.cursor() as cursor:
            for model in generator.copied_models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        elapsed = time.monotonic() - started
        # The time recorded is the whole run: the commit's foreign-key checks and ANALYZE too.
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {MARKER_TABLE} SET seconds = %s WHERE id = 1", [elapsed])  # noqa: S608
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        if options["verbosity"] > 0:
            self.stdout.write(f"Generated {summary} in {elapsed:.1f}s.")


def read_marker() -> dict[str, Any] | None:
    """The sizes and fixture ids of the data in this database, or None if never generated."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT sizes, fixtures, seconds FROM {MARKER_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    sizes, fixtures, seconds = (json.loads(v) if isinstance(v, str) else v for v in row)
    return {"sizes": sizes, "fixtures": fixtures, "seconds": seconds}


def write_marker(sizes: dict[str, Any], fixtures: dict[str, Any], seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id integer PRIMARY KEY, sizes jsonb, "
            "fixtures jsonb, seconds double precision, created_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, sizes, fixtures, seconds) VALUES (1, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (id) DO UPDATE SET sizes = EXCLUDED.sizes, "
            "fixtures = EXCLUDED.fixtures, seconds = EXCLUDED.seconds, created_at = now()",
            [json.dumps(sizes), json.dumps(fixtures), seconds],
        )


# The fields each model's rows are written in, in order. Rows are plain tuples (COPY
# takes them as they come, which keeps 500,000 records fast), so their order is named
# here, once per model; `columns()` turns the names into the table's columns through
# `_meta` and refuses a list that is not exactly the model's concrete fields. A field
# another change adds therefore stops the generator with its name (and fails
# tests/test_generate_load_data.py) instead of being left to its default or shifting the
# values after it.
ROW_FIELDS: dict[type[models.Model], str] = {
    User: "id password last_login is_superuser username first_name last_name email "
    "is_staff is_active date_joined",
    User.groups.through: "user_id group_id",
    Category: "id slug name position",
    Question: "id slug title category_id difficulty status tags prompt answer "
    "follow_up prompt_html answer_html follow_up_html created_at updated_at search_text "
    "version",
    RubricAnchor: "id question_id level text",
    Position: "id title description hiring_manager_id is_open created_at",
    Candidate: "id full_name email created_by_id created_at",
    InterviewTemplate: "id name description position_id target_minutes version "
    "cloned_from_id created_by_id created_at updated_at",
    TemplateQuestion: "id template_id question_id order minutes",
    InterviewSession: "id candidate_id position_id template_id template_name "
    "template_version scheduled_at state started_at completed_at created_by_id created_at "
    "cancelled_at invite_sequence",
    SessionQuestion: "id session_id order source_question_id title category_name "
    "category_slug difficulty prompt prompt_html answer answer_html follow_up follow_up_html "
    "anchors minutes is_ad_hoc added_by_id question_version",
    Scorecard: "id session_id interviewer_id recommendation summary submitted_at "
    "current_question_id created_at updated_at",
    QuestionRecord: "id scorecard_id session_question_id score not_assessed notes "
    "notes_revision follow_up_asked skipped first_shown_at entered_at seconds_spent scored_at "
    "updated_at",
    Amendment: "id scorecard_id record_id field old_value new_value reason "
    "amended_by_id amended_at",
    AuditEvent: "id actor_id at session_id scorecard_id session_question_id action "
    "old_value new_value decision_id reason",
}


def columns(model: type[models.Model]) -> list[str]:
    """The columns of `model`'s table in ROW_FIELDS order, names taken from `_meta`.

    The named fields must be exactly the model's concrete fields; only an automatic
    primary key may be left out (the sequence numbers those rows, as for the group
    memberships). Anything else raises ImproperlyConfigured naming the difference.
    """
    meta = model._meta
    names = ROW_FIELDS[model].split()
    concrete = {field.attname: field for field in meta.concrete_fields}
    optional = {meta.pk.attname} if isinstance(meta.pk, AutoFieldMixin) else set()
    missing = sorted(set(concrete) - set(names) - optional)
    unknown = sorted(set(names) - set(concrete))
    if missing or unknown or len(names) != len(set(names)):
        raise ImproperlyConfigured(
            f"generate_load_data writes {meta.label} rows as ({', '.join(names)}), which is "
            f"not the model's fields: missing {missing or 'none'}, unknown "
            f"{unknown or 'none'}. Update ROW_FIELDS and the rows written for it."
        )
    return [concrete[name].column for name in names]


class LoadData:
    """One generation run: plans the rows with a seeded RNG, then COPYs them table by table."""

    def __init__(
        self,
        *,
        questions: int,
        sessions: int,
        scores: int,
        positions: int | None,
        interviewers: int | None,
        candidates_per_comparison: int,
        comparison_scorecards: Sequence[int],
        export_scorecards: Sequence[int],
        seed: int,
        progress: bool,
    ) -> None:
        self.n_questions = questions
        self.n_sessions = sessions
        self.n_scores = scores
        self.n_positions = positions or max(3, sessions // 400)
        self.n_interviewers = interviewers or max(10, sessions // 100)
        self.candidates_per_comparison = candidates_per_comparison
        self.comparison_scorecards = list(comparison_scorecards)
        self.export_scorecards = list(export_scorecards)
        self.seed = seed
        self.progress = progress
        self.rng = random.Random(seed)
        # Drawn from the system's randomness, not the seeded RNG: the same seed gives the
        # same rows, never the same password.
        self.password = secrets.token_urlsafe(18)
        # Anchored to the day, so the same seed gives the same rows all day long.
        today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
        self.now = today
        self.ids = Ids()
        self.copied_models: list[type[models.Model]] = []
        self.counts: dict[str, int] = {}
        self.fixtures: dict[str, Any] = {}
        self.sessions: list[PlannedSession] = []

    def sizes(self) -> dict[str, Any]:
        return {
            "questions": self.n_questions,
            "sessions": self.n_sessions,
            "scores": self.n_scores,
            "positions": self.n_positions,
            "interviewers": self.n_interviewers,
            "candidates_per_comparison": self.candidates_per_comparison,
            "comparison_scorecards": self.comparison_scorecards,
            "export_scorecards": self.export_scorecards,
            "seed": self.seed,
        }

    # --- plumbing -------------------------------------------------------------------

    def start_ids(self) -> None:
        with connection.cursor() as cursor:
            for model in (
                User,
                Category,
                Question,
                RubricAnchor,
                Position,
                Candidate,
                InterviewTemplate,
                TemplateQuestion,
                InterviewSession,
                SessionQuestion,
                Scorecard,
                QuestionRecord,
                Amendment,
                AuditEvent,
                User.groups.through,
            ):
                table = model._meta.db_table
                # Nobody else writes while we load; LOCK makes that so.
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
                self.ids.next_by_model[model] = cursor.fetchone()[0]

    def copy(
        self,
        model: type[models.Model],
        rows: Iterable[Sequence[Any]],
        *,
        total: int,
        label: str | None = None,
    ) -> None:
        """COPY rows (tuples in ROW_FIELDS order) into the model's table."""
        table = model._meta.db_table
        cols = columns(model)
        label = label or model._meta.verbose_name_plural
        bar = Progress(label, total, enabled=self.progress)
        count = 0
        quoted = ", ".join(f'"{c}"' for c in cols)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if count % 1000 == 0:
                        bar.advance(1000)
            if "id" in cols:
                highest = f"(SELECT MAX(id) FROM {table})"  # noqa: S608 (a model's table)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), {highest})", [table]
                )
        bar.done = count
        bar.finish()
        self.counts[label] = self.counts.get(label, 0) + count
        if model not in self.copied_models:
            self.copied_models.append(model)

    def submit(self, submissions: Sequence[tuple[int, datetime]]) -> None:
        """Set submitted_at on scorecards whose records are all written, in one UPDATE."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE load_submissions (id bigint, submitted_at timestamptz)"
            )
            with cursor.cursor.copy("COPY load_submissions (id, submitted_at) FROM STDIN") as copy:
                for row in submissions:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE interviews_scorecard c SET submitted_at = t.submitted_at"
                "  FROM load_submissions t WHERE c.id = t.id"
            )
            cursor.execute("DROP TABLE load_submissions")

    # --- the run --------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.start_ids()
        self.make_users()
        self.make_bank()
        self.make_positions_and_candidates()
        self.make_templates()
        self.plan_sessions()
        self.plan_fixtures()
        self.copy_sessions()
        return self.counts

    def make_users(self) -> None:
        rng = self.rng
        self.n_managers = max(3, self.n_positions // 3)
        password = make_password(self.password)
        pool_password = make_password(None)  # unusable: pool users never sign in
        first = self.ids.take(User, self.n_interviewers + self.n_managers + 2)
        self.bench_interviewer_id = first
        self.bench_manager_id = first + 1
        self.interviewer_ids = [first] + list(range(first + 2, first + 2 + self.n_interviewers))
        self.manager_ids = [first + 1] + list(
            range(
                first + 2 + self.n_interviewers, first + 2 + self.n_interviewers + self.n_managers
            )
        )
        joined = self.now - timedelta(days=400)

        def rows() -> Iterator[tuple]:
            yield (
                *(first, password, None, False, BENCH_INTERVIEWER, "Bench", "Interviewer"),
                *("bench-interviewer@example.com", False, True, joined),
            )
            yield (
                *(first + 1, password, None, False, BENCH_MANAGER, "Bench", "Manager"),
                *("bench-manager@example.com", False, True, joined),
            )
            for index in range(self.n_interviewers + self.n_managers):
                role = "interviewer" if index < self.n_interviewers else "manager"
                given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                username = f"load-{role}-{index:05d}"
                yield (
                    *(first + 2 + index, pool_password, None, False, username, given, family),
                    *(f"{username}@example.com", False, True, joined),
                )

        self.copy(User, rows(), total=self.n_interviewers + self.n_managers + 2, label="users")
        interviewers = Group.objects.get_or_create(name=INTERVIEWERS)[0].pk
        managers = Group.objects.get_or_create(name=HIRING_MANAGERS)[0].pk
        memberships = [(uid, interviewers) for uid in self.interviewer_ids] + [
            (uid, managers) for uid in self.manager_ids
        ]
        through = User.groups.through
        self.copy(
            through,
            ((uid, gid) for uid, gid in memberships),
            total=len(memberships),
            label="group memberships",
        )

    def make_bank(self) -> None:
        rng = self.rng
        first_category = self.ids.take(Category, len(CATEGORIES))
        self.categories = [
            (first_category + index, f"load-{slug}", name)
            for index, (slug, name) in enumerate(CATEGORIES)
        ]
        self.copy(
            Category,
            (
                (cid, slug, f"{name} (load)", index + 100)
                for index, (cid, slug, name) in enumerate(self.categories)
            ),
            total=len(self.categories),
            label="categories",
        )
        # Render each skeleton once; a question's HTML is the skeleton's with its topic.
        rendered = {
            text: render_markdown(text)
            for text in PROMPT_SKELETONS + ANSWER_SKELETONS + FOLLOW_UP_SKELETONS
        }

        def fill(text: str, topic: str, ident: str) -> str:
            return text.replace(TOPIC_TOKEN, topic).replace(IDENT, ident)

        first = self.ids.take(Question, self.n_questions)
        self.questions: list[QuestionText] = []
        self.published_ids: list[int] = []
        question_rows = []
        for index in range(self.n_questions):
            qid = first + index
            topic = TOPICS[index % len(TOPICS)]
            ident = topic.replace(" ", "_")
            category = rng.choice(self.categories)
            prompt_md = rng.choice(PROMPT_SKELETONS)
            answer_md = rng.choice(ANSWER_SKELETONS)
            follow_md = rng.choice(FOLLOW_UP_SKELETONS)
            difficulty = rng.choice(DIFFICULTIES)
            status = rng.choice(STATUSES)
            title = f"{topic.capitalize()} #{index + 1}: {category[2].lower()}"
            anchors = {str(level): text.format(topic=topic) for level, text in ANCHOR_TEXTS.items()}
            text = QuestionText(
                id=qid,
                slug=f"load-{ident.replace('_', '-')}-{index + 1}",
                title=title,
                category=(category[1], category[2]),
                difficulty=difficulty,
                prompt=fill(prompt_md, topic, ident),
                prompt_html=fill(rendered[prompt_md], topic, ident),
                answer=fill(answer_md, topic, ident),
                answer_html=fill(rendered[answer_md], topic, ident),
                follow_up=fill(follow_md, topic, ident),
                follow_up_html=fill(rendered[follow_md], topic, ident),
                anchors_json=json.dumps(anchors),
            )
            self.questions.append(text)
            if status == "published":
                self.published_ids.append(qid)
            created = self.now - timedelta(days=rng.randint(30, 700))
            tags = [category[1].removeprefix("load-"), ident]
            question_rows.append(
                (
                    *(qid, text.slug, title, category[0]),
                    *(difficulty, status, tags),
                    *(text.prompt, text.answer, text.follow_up),
                    *(text.prompt_html, text.answer_html, text.follow_up_html, created, created),
                    search_text_for(title, text.prompt, text.answer, tags),
                    1,  # version: as first saved; no edit has made a second
                )
            )
        self.question_by_id = {q.id: q for q in self.questions}
        self.copy(Question, question_rows, total=len(question_rows), label="questions")
        first_anchor = self.ids.take(RubricAnchor, 4 * self.n_questions)
        self.copy(
            RubricAnchor,
            (
                (first_anchor + 4 * i + level - 1, q.id, level, ANCHOR_TEXTS[level].format(topic=t))
                for i, q in enumerate(self.questions)
                for level, t in ((lv, TOPICS[i % len(TOPICS)]) for lv in (1, 2, 3, 4))
            ),
            total=4 * self.n_questions,
            label="rubric anchors",
        )

    def make_positions_and_candidates(self) -> None:
        rng = self.rng
        titles = ["Backend engineer", "Platform engineer", "Data engineer", "Frontend engineer"]
        levels = ["", "Senior ", "Staff ", "Lead "]
        # Bulk positions, then one per fixture set: comparisons and exports belong to the
        # bench manager, who also owns a share of the ordinary positions.
        extra = len(self.comparison_scorecards) + len(self.export_scorecards) + 1
        first = self.ids.take(Position, self.n_positions + extra)
        self.position_ids = list(range(first, first + self.n_positions))
        self.fixture_position_ids = list(
            range(first + self.n_positions, first + self.n_positions + extra)
        )
        created = self.now - timedelta(days=365)
        rows = []
        for index, pid in enumerate(self.position_ids):
            manager = self.bench_manager_id if index % 10 == 0 else rng.choice(self.manager_ids)
            title = f"{rng.choice(levels)}{rng.choice(titles)} ({index + 1})"
            rows.append((pid, title, "Load-generated position.", manager, True, created))
        fixture_titles = (
            ["Bench: runner and scorecard"]
            + [f"Bench: compare {n} scorecards each" for n in self.comparison_scorecards]
            + [f"Bench: export {n} scorecards" for n in self.export_scorecards]
        )
        for pid, title in zip(self.fixture_position_ids, fixture_titles, strict=True):
            rows.append((pid, title, "Benchmark fixture.", self.bench_manager_id, True, created))
        self.copy(Position, rows, total=len(rows), label="positions")
        # Most candidates have one session, some two or three.
        self.n_candidates = max(1, int(self.n_sessions * 0.7))
        fixture_candidates = self.candidates_per_comparison * len(self.comparison_scorecards)
        fixture_candidates += 1 + sum(math.ceil(n / EXPORT_PANEL) for n in self.export_scorecards)
        self.fixture_candidate_next = (
            self.ids.take(Candidate, self.n_candidates + fixture_candidates) + self.n_candidates
        )
        self.first_candidate = self.fixture_candidate_next - self.n_candidates
        total = self.n_candidates + fixture_candidates

        def candidate_rows() -> Iterator[tuple]:
            for index in range(total):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                email = f"candidate{index + 1}@example.org"
                yield (
                    self.first_candidate + index,
                    name,
                    email,
                    rng.choice(self.manager_ids),
                    created,
                )

        self.copy(Candidate, candidate_rows(), total=total, label="candidates")

    def make_templates(self) -> None:
        rng = self.rng
        pool = self.published_ids or [q.id for q in self.questions]
        per_card = self.n_scores / self.n_sessions / 2.05  # average panel size below
        mean_length = max(3, min(25, round(per_card)))
        self.n_templates = max(5, min(400, self.n_questions // 15))
        first = self.ids.take(InterviewTemplate, self.n_templates + 2)
        self.templates: list[tuple[int, str, list[int]]] = []
        for index in range(self.n_templates):
            length = max(1, min(len(pool), mean_length + rng.randint(-2, 2)))
            name = f"{rng.choice(['Backend', 'Platform', 'Data', 'Frontend'])} loop {index + 1}"
            self.templates.append((first + index, name, rng.sample(pool, length)))
        # Fixture templates: the runner's ten questions, and ten for the exports.
        fixed = min(len(pool), BENCH_SESSION_QUESTIONS)
        self.bench_template = (first + self.n_templates, "Bench runner loop", pool[:fixed])
        self.export_template = (
            first + self.n_templates + 1,
            "Bench export loop",
            pool[-min(len(pool), EXPORT_QUESTIONS) :],
        )
        all_templates = [*self.templates, self.bench_template, self.export_template]
        created = self.now - timedelta(days=300)
        self.copy(
            InterviewTemplate,
            (
                (tid, name, "", None, 60, 1, None, self.bench_manager_id, created, created)
                for tid, name, _ in all_templates
            ),
            total=len(all_templates),
            label="templates",
        )
        total_items = sum(len(qids) for _, _, qids in all_templates)
        first_item = self.ids.take(TemplateQuestion, total_items)

        def item_rows() -> Iterator[tuple]:
            next_id = first_item
            for tid, _, qids in all_templates:
                for order, qid in enumerate(qids, start=1):
                    yield (next_id, tid, qid, order, 5)
                    next_id += 1

        self.copy(TemplateQuestion, item_rows(), total=total_items, label="template questions")

    def plan_session(
        self,
        *,
        candidate_id: int,
        position_id: int,
        template: tuple[int, str, list[int]],
        state: str,
        scheduled_at: datetime,
        panel: list[int],
        submitted: bool,
        scored_upto: int = 0,
        ability: float | None = None,
    ) -> PlannedSession:
        tid, name, qids = template
        sid = self.ids.take(InterviewSession)
        first_sq = self.ids.take(SessionQuestion, len(qids))
        first_card = self.ids.take(Scorecard, len(panel))
        cards = [PlannedScorecard(first_card + i, uid, submitted) for i, uid in enumerate(panel)]
        first_record = self.ids.take(QuestionRecord, len(qids) * len(panel))
        planned = PlannedSession(
            id=sid,
            candidate_id=candidate_id,
            position_id=position_id,
            template_id=tid,
            template_name=name,
            question_ids=qids,
            first_sq_id=first_sq,
            first_record_id=first_record,
            state=state,
            scheduled_at=scheduled_at,
            scorecards=cards,
            ability=self.rng.random() if ability is None else ability,
            scored_upto=scored_upto,
            created_by_id=self.manager_ids[0],
        )
        self.sessions.append(planned)
        return planned

    def plan_sessions(self) -> None:
        rng = self.rng
        bar = Progress("planning sessions", self.n_sessions, enabled=self.progress)
        for index in range(self.n_sessions):
            roll = rng.random()
            if roll < 0.88:
                state, when = "completed", self.now - timedelta(hours=rng.randint(2, 24 * 365))
            elif roll < 0.93:
                state, when = "scheduled", self.now + timedelta(hours=rng.randint(1, 24 * 30))
            elif roll < 0.97:
                state, when = "in_progress", self.now - timedelta(minutes=rng.randint(1, 50))
            else:
                state, when = "cancelled", self.now - timedelta(hours=rng.randint(2, 24 * 60))
            panel_size = rng.choices([1, 2, 3], weights=[25, 45, 30])[0]
            panel = rng.sample(self.interviewer_ids, min(panel_size, len(self.interviewer_ids)))
            template = rng.choice(self.templates)
            # The candidate: most have one session, the rest share with a neighbour.
            candidate = self.first_candidate + min(
                self.n_candidates - 1, int(index * self.n_candidates / self.n_sessions)
            )
            self.plan_session(
                candidate_id=candidate,
                position_id=rng.choice(self.position_ids),
                template=template,
                state=state,
                scheduled_at=when,
                panel=panel,
                submitted=state == "completed",
                scored_upto=rng.randint(0, len(template[2])) if state == "in_progress" else 0,
            )
            bar.advance()
        bar.finish()

    def next_fixture_candidate(self) -> int:
        candidate = self.fixture_candidate_next
        self.fixture_candidate_next += 1
        return candidate

    def plan_fixtures(self) -> None:
        rng = self.rng
        others = [uid for uid in self.interviewer_ids if uid != self.bench_interviewer_id]
        runner_position, *rest = self.fixture_position_ids
        comparison_positions = rest[: len(self.comparison_scorecards)]
        export_positions = rest[len(self.comparison_scorecards) :]
        # The runner: in progress, ten questions, the bench interviewer and one colleague,
        # the first three scored.
        runner = self.plan_session(
            candidate_id=self.next_fixture_candidate(),
            position_id=runner_position,
            template=self.bench_template,
            state="in_progress",
            scheduled_at=self.now - timedelta(minutes=20),
            panel=[self.bench_interviewer_id, others[0]],
            submitted=False,
            scored_upto=3,
        )
        # The scorecard page: a completed session the bench interviewer submitted.
        scorecard_session = self.plan_session(
            candidate_id=runner.candidate_id,
            position_id=runner_position,
            template=self.bench_template,
            state="completed",
            scheduled_at=self.now - timedelta(days=2),
            panel=[self.bench_interviewer_id, *others[1:3]],
            submitted=True,
        )
        self.fixtures = {
            "interviewer": BENCH_INTERVIEWER,
            "interviewer_id": self.bench_interviewer_id,
            "manager": BENCH_MANAGER,
            "password": self.password,
            "runner_session": runner.id,
            "runner_questions": len(runner.question_ids),
            "scorecard_session": scorecard_session.id,
            "category_slug": self.question_by_id[self.bench_template[2][0]].category[0],
            "comparisons": [],
            "exports": [],
        }
        for per_candidate, position_id in zip(
            self.comparison_scorecards, comparison_positions, strict=True
        ):
            candidates = []
            for _ in range(self.candidates_per_comparison):
                candidate = self.next_fixture_candidate()
                candidates.append(candidate)
                remaining = per_candidate
                ability = rng.random()
                while remaining > 0:
                    panel = rng.sample(others, min(COMPARISON_PANEL, remaining))
                    remaining -= len(panel)
                    self.plan_session(
                        candidate_id=candidate,
                        position_id=position_id,
                        template=rng.choice(self.templates),
                        state="completed",
                        scheduled_at=self.now - timedelta(days=rng.randint(1, 30)),
                        panel=panel,
                        submitted=True,
                        ability=ability,
                    )
            self.fixtures["comparisons"].append(
                {
                    "position": position_id,
                    "candidates": candidates,
                    "scorecards_per_candidate": per_candidate,
                }
            )
        for count, position_id in zip(self.export_scorecards, export_positions, strict=True):
            remaining = count
            while remaining > 0:
                panel = rng.sample(others, min(EXPORT_PANEL, remaining))
                remaining -= len(panel)
                self.plan_session(
                    candidate_id=self.next_fixture_candidate(),
                    position_id=position_id,
                    template=self.export_template,
                    state="completed",
                    scheduled_at=self.now - timedelta(days=rng.randint(1, 90)),
                    panel=panel,
                    submitted=True,
                )
            self.fixtures["exports"].append({"position": position_id, "scorecards": count})
        published = self.question_by_id[self.bench_template[2][0]]
        self.fixtures["question_slug"] = published.slug

    def copy_sessions(self) -> None:
        """COPY sessions, their frozen questions, scorecards, records, amendments, audit."""
        rng = random.Random(self.seed * 7919 + 1)
        sessions = self.sessions

        def session_rows() -> Iterator[tuple]:
            for s in sessions:
                started = s.scheduled_at if s.state in ("in_progress", "completed") else None
                completed = s.scheduled_at + timedelta(hours=1) if s.state == "completed" else None
                # Called off the day before; the cancel raised the invite's sequence once.
                cancelled = s.state == "cancelled"
                yield (
                    *(s.id, s.candidate_id, s.position_id, s.template_id, s.template_name, 1),
                    *(s.scheduled_at, s.state, started, completed, s.created_by_id),
                    s.scheduled_at - timedelta(days=7),
                    *((s.scheduled_at - timedelta(days=1), 1) if cancelled else (None, 0)),
                )

        self.copy(InterviewSession, session_rows(), total=len(sessions), label="sessions")

        def question_rows() -> Iterator[tuple]:
            for s in sessions:
                for offset, qid in enumerate(s.question_ids):
                    q = self.question_by_id[qid]
                    yield (
                        *(s.first_sq_id + offset, s.id, offset + 1, qid, q.title),
                        *(q.category[1], q.category[0], q.difficulty, q.prompt, q.prompt_html),
                        *(q.answer, q.answer_html, q.follow_up, q.follow_up_html, q.anchors_json),
                        *(5, False, None, 1),
                    )

        total_sq = sum(len(s.question_ids) for s in sessions)
        self.copy(SessionQuestion, question_rows(), total=total_sq, label="session questions")

        # Written as drafts and submitted after their records: the database refuses
        # records on a submitted scorecard (migration 0002_trustrunner_append_only).
        submissions: list[tuple[int, datetime]] = []

        def scorecard_rows() -> Iterator[tuple]:
            for s in sessions:
                for card in s.scorecards:
                    created = s.scheduled_at - timedelta(days=7)
                    if card.submitted:
                        level = min(3, int(s.ability * 4 + rng.uniform(-0.6, 0.6)))
                        recommendation = RECOMMENDATIONS[max(0, level)]
                        summary = SUMMARIES[max(0, level)]
                        submitted_at = s.scheduled_at + timedelta(hours=rng.randint(1, 48))
                        submissions.append((card.id, submitted_at))
                        current = None
                    else:
                        recommendation, summary, submitted_at = "", "", None
                        current = (
                            s.first_sq_id + min(s.scored_upto, len(s.question_ids) - 1)
                            if s.state == "in_progress"
                            else None
                        )
                    yield (
                        *(card.id, s.id, card.interviewer_id, recommendation, summary),
                        *(None, current, created, submitted_at or created),
                    )

        total_cards = sum(len(s.scorecards) for s in sessions)
        self.copy(Scorecard, scorecard_rows(), total=total_cards, label="scorecards")

        amendments: list[tuple] = []
        audit: list[tuple] = []

        def record_rows() -> Iterator[tuple]:
            for s in sessions:
                n = len(s.question_ids)
                first_record = s.first_record_id
                for ci, card in enumerate(s.scorecards):
                    for offset in range(n):
                        rid = first_record + ci * n + offset
                        sq_id = s.first_sq_id + offset
                        asked = card.submitted or offset < s.scored_upto
                        score, not_assessed, notes, revision = None, False, "", 0
                        shown = scored_at = None
                        seconds = 0
                        if asked:
                            shown = s.scheduled_at + timedelta(minutes=5 * offset)
                            scored_at = shown + timedelta(minutes=4)
                            seconds = rng.randint(90, 600)
                            if rng.random() < 0.05:
                                not_assessed = True
                            else:
                                base = 1 + s.ability * 3 + rng.uniform(-1.2, 1.2)
                                score = max(1, min(4, round(base)))
                            if rng.random() < 0.6:
                                notes = rng.choice(NOTES)
                                revision = rng.randint(1, 20)
                            if rng.random() < 0.05 or not card.submitted:
                                value = "not assessed" if not_assessed else str(score)
                                audit.append(
                                    (s.id, card.id, sq_id, "score", "", value, card.interviewer_id)
                                )
                            if card.submitted and score is not None and rng.random() < 0.004:
                                new = max(1, min(4, score + 1))
                                amendments.append(
                                    (card.id, rid, str(score), str(new), card.interviewer_id, s.id)
                                )
                        yield (
                            *(rid, card.id, sq_id, score, not_assessed, notes, revision),
                            *(rng.random() < 0.3 and asked, False, shown, shown, seconds),
                            *(scored_at, scored_at or s.scheduled_at),
                        )

        total_records = sum(len(s.question_ids) * len(s.scorecards) for s in sessions)
        self.copy(QuestionRecord, record_rows(), total=total_records, label="question records")
        self.submit(submissions)

        first_amendment = self.ids.take(Amendment, len(amendments))
        self.copy(
            Amendment,
            (
                (first_amendment + i, card, rid, "score", old, new, rng.choice(AMENDMENT_REASONS))
                + (by, self.now - timedelta(days=1))
                for i, (card, rid, old, new, by, _) in enumerate(amendments)
            ),
            total=len(amendments),
            label="amendments",
        )

        def audit_rows() -> Iterator[tuple]:
            for s in sessions:
                if s.state in ("in_progress", "completed"):
                    yield (s.created_by_id, s.scheduled_at, s.id, None, None)
                    yield ("session_started", "scheduled", "in_progress")
                for card in s.scorecards:
                    if card.submitted:
                        at = s.scheduled_at + timedelta(hours=1)
                        yield (card.interviewer_id, at, s.id, card.id, None)
                        yield ("submitted", "", "")
            yesterday = self.now - timedelta(days=1)
            for session_id, card_id, sq_id, action, old, new, actor in audit:
                yield (actor, yesterday, session_id, card_id, sq_id)
                yield (action, old, new)
            for card_id, _, old, new, by, session_id in amendments:
                yield (by, yesterday, session_id, card_id, None)
                yield ("amended", old, new)

        def numbered_audit_rows() -> Iterator[tuple]:
            rows = audit_rows()
            first = self.ids.take(AuditEvent, total_audit)
            for index, (who, what) in enumerate(zip(rows, rows, strict=True)):
                yield (first + index, *who, *what, None, "")

        total_audit = (
            sum(1 for s in sessions if s.state in ("in_progress", "completed"))
            + sum(1 for s in sessions for c in s.scorecards if c.submitted)
            + len(audit)
            + len(amendments)
        )
        self.copy(AuditEvent, numbered_audit_rows(), total=total_audit, label="audit events")
