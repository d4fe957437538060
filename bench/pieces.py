"""Each hand-made piece of the runner's request paths against the plain Django it replaces.

    .venv/bin/python bench/pieces.py [--rounds 15] [--requests 40]

In-process, through Django's test Client, with production settings (DEBUG off, the
cached template loader, prepared statements), on a scratch database this script creates
and drops. For every piece, one run alternates the hand-made and the plain variant
`--rounds` times (the order flips each round), each turn `--requests` requests of the
piece's endpoint, and takes the app's CPU per request from time.process_time: this
process's CPU only, so PostgreSQL's share and a busy machine's stolen time stay out.
The median turn of each variant is reported; the gain is (plain - hand) / plain.
Results print and go to bench/results/pieces.json. A piece stays only at ≥ 15 %.

The variants that are not the app's code live here, so the comparison can be run again:
the plain ORM versions of the SQL that stays in interviews/db/, and the hand-made
versions of what went back to plain Django (row slicing, the hand-written panel join,
URLs reversed with placeholder ids, score buttons' attributes built as one string).
Access logging is set to WARNING, the same for both variants.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH_DATABASE = "intervy_bench_pieces"
QUESTIONS = 12


def _environment() -> None:
    if not os.environ.get("DATABASE_URL"):
        from intervy import localdb

        os.environ["DATABASE_URL"] = localdb.url()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "intervy.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "TEST_DATABASE_NAME": SCRATCH_DATABASE,
            "STATIC_ROOT": tempfile.mkdtemp(prefix="intervy-pieces-static-"),
        }
    )


_environment()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.http import Http404  # noqa: E402
from django.template.response import TemplateResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import get_script_prefix, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import format_html  # noqa: E402

import interviews.access as access  # noqa: E402
import interviews.pages.runner as runner_pages  # noqa: E402
import interviews.views.runner as runner_views  # noqa: E402
from interviews.db import records as db_records  # noqa: E402
from interviews.db.names import column_list  # noqa: E402
from interviews.forms_runner import NOT_ASSESSED  # noqa: E402
from interviews.models import (  # noqa: E402
    AuditAction,
    AuditEvent,
    NotesSave,
    Position,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
    SessionQuestion,
)
from intervy.roles import INTERVIEWERS  # noqa: E402
from questions.markdown import render_inline_markdown  # noqa: E402

# --- The hand-made variants that went back to plain Django ------------------------------


@functools.cache
def _row_shape(model: Any) -> tuple[list[str], list[tuple[int, Any]]]:
    fields = model._meta.concrete_fields
    converters = [
        (index, field.from_db_value)
        for index, field in enumerate(fields)
        if hasattr(field, "from_db_value")
    ]
    return [field.attname for field in fields], converters


def _instance_from_row(model: Any, row: Sequence[Any]) -> Any:
    """interviews/sql.py's row slicing: an instance from a row of the model's columns."""
    names, converters = _row_shape(model)
    values = list(row)
    for index, convert in converters:
        if values[index] is not None:
            values[index] = convert(values[index], None, connection)
    return model.from_db(connection.alias, names, values)


def _hand_for_runner(*, scorecard_id: int) -> list[QuestionRecord]:
    """models.py's for_runner: the records joined to their questions by hand."""
    found = []
    split = len(QuestionRecord._meta.concrete_fields)
    cached = QuestionRecord._meta.get_field("session_question").set_cached_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {column_list(QuestionRecord, "r")}, {column_list(SessionQuestion, "q")}
              FROM interviews_questionrecord r
              JOIN interviews_sessionquestion q ON q.id = r.session_question_id
             WHERE r.scorecard_id = %s
             ORDER BY q."order"
            """,  # noqa: S608
            [scorecard_id],
        )
        for row in cursor.fetchall():
            record = _instance_from_row(QuestionRecord, row[:split])
            cached(record, _instance_from_row(SessionQuestion, row[split:]))
            found.append(record)
    return found


_SESSION_SLOT = 1_900_000_001
_ORDER_SLOT = 2_000_000_000


@functools.cache
def _url_parts(name: str, script_prefix: str) -> tuple[str, str, str]:
    url = reverse(name, args=[_SESSION_SLOT, _ORDER_SLOT])
    head, _, rest = url.partition(str(_SESSION_SLOT))
    middle, _, tail = rest.partition(str(_ORDER_SLOT))
    return head, middle, tail


def _hand_url(name: str, session_id: int, order: int) -> str:
    head, middle, tail = _url_parts(name, get_script_prefix())
    return f"{head}{session_id}{middle}{order}{tail}"


def _hand_question_url(session_id: int, order: int) -> str:
    return _hand_url("interviews:runner_question", session_id, order)


def _hand_question_urls(session_id: int, order: int) -> dict[str, str]:
    return {
        name: _hand_url(f"interviews:runner_{name}", session_id, order)
        for name in ("score", "notes", "follow_up", "skip")
    }


def _hand_score_choices(question: Any, record: Any) -> list[dict[str, Any]]:
    """views/runner.py's _score_choices: each button's attributes as one format_html string."""
    choices = [
        {
            "attrs": format_html(
                'name="score" value="{0}" id="score-{0}" class="score score-{0}"'
                ' aria-pressed="{1}" aria-keyshortcuts="{0}"',
                str(level),
                "true" if record.score == level else "false",
            ),
            "level": str(level),
            "anchor": render_inline_markdown(
                question.anchor(level) or runner_pages.GENERIC_ANCHORS[level]
            ),
            "not_assessed": False,
        }
        for level in (1, 2, 3, 4)
    ]
    choices.append(
        {
            "attrs": format_html(
                'name="score" value="{0}" id="score-{0}" class="score score-{0}"'
                ' aria-pressed="{1}" aria-keyshortcuts="0"',
                NOT_ASSESSED,
                "true" if record.not_assessed else "false",
            ),
            "level": "Not assessed",
            "anchor": runner_pages.NOT_ASSESSED_HINT,
            "not_assessed": True,
        }
    )
    return choices


_BUTTON_PLAIN = (
    '<button type="submit" name="score" value="{{ choice.value }}" id="score-{{ choice.value }}"'
    ' class="score score-{{ choice.value }}"'
    " aria-pressed=\"{{ choice.pressed|yesno:'true,false' }}\""
    ' aria-keyshortcuts="{{ choice.key }}">'
)
_BUTTON_HAND = '<button type="submit" {{ choice.attrs }}>'


@functools.cache
def _hand_template(partial: str) -> Any:
    """runner.html (or one of its partials) with the score buttons written as the
    hand-made piece wrote them."""
    from django.template import engines
    from django.template.backends.django import Template as BackendTemplate

    source = (ROOT / "templates/interviews/runner.html").read_text()
    assert _BUTTON_PLAIN in source, "runner.html's score button changed: update bench/pieces.py"
    backend = engines["django"]
    full = backend.from_string(source.replace(_BUTTON_PLAIN, _BUTTON_HAND))
    if not partial:
        return full
    part = full.template.extra_data["partials"][partial]
    part.engine = backend.engine
    return BackendTemplate(part, backend)


def _hand_template_response(request: Any, template: str, context: Any, **kwargs: Any) -> Any:
    name, _, partial = template.partition("#")
    if name != "interviews/runner.html":
        return TemplateResponse(request, template, context, **kwargs)
    return TemplateResponse(request, _hand_template(partial), context, **kwargs)


# --- The plain ORM variants of the SQL that stays ---------------------------------------


def _orm_session_for_panelist(user: Any, session_id: int) -> tuple[Any, Any]:
    """access.session_for_panelist as the ORM says it: the scorecard with select_related."""
    scorecard = (
        Scorecard.objects.select_related("session__candidate", "session__position")
        .filter(session_id=session_id, interviewer_id=user.pk)
        .first()
    )
    if scorecard is None:
        raise Http404("No such interview session.")
    return scorecard.session, scorecard


def _orm_question_for_panelist(user: Any, session_id: int, order: int) -> tuple[Any, Any, Any]:
    session, scorecard = _orm_session_for_panelist(user, session_id)
    question = SessionQuestion.objects.filter(session_id=session.pk, order=order).first()
    if question is None:
        raise Http404(f"This interview has no question {order}.")
    return session, scorecard, question


def _orm_record_score(
    *, scorecard_id: int, session_question_id: int, score: int | None, by_id: int
) -> QuestionRecord:
    """The ORM cannot share-lock the scorecard: it takes it FOR UPDATE."""
    with transaction.atomic():
        record = (
            QuestionRecord.objects.select_for_update(of=("self", "scorecard"))
            .select_related("scorecard")
            .filter(
                scorecard_id=scorecard_id,
                session_question_id=session_question_id,
                scorecard__submitted_at__isnull=True,
            )
            .first()
        )
        if record is None:
            raise ScorecardLocked()
        old = (
            str(record.score)
            if record.score is not None
            else ("not assessed" if record.not_assessed else "")
        )
        record.score, record.not_assessed, record.skipped = score, score is None, False
        record.scored_at = timezone.now()
        record.save(update_fields=["score", "not_assessed", "skipped", "scored_at", "updated_at"])
        AuditEvent.objects.create(
            actor_id=by_id,
            session_id=record.scorecard.session_id,
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            action=AuditAction.SCORE if score is not None else AuditAction.NOT_ASSESSED,
            old_value=old,
            new_value=str(score) if score is not None else "not assessed",
        )
    return record


def _orm_toggle_follow_up(
    *, scorecard_id: int, session_question_id: int, by_id: int
) -> QuestionRecord:
    with transaction.atomic():
        record = (
            QuestionRecord.objects.select_for_update(of=("self", "scorecard"))
            .select_related("scorecard")
            .filter(
                scorecard_id=scorecard_id,
                session_question_id=session_question_id,
                scorecard__submitted_at__isnull=True,
            )
            .first()
        )
        if record is None:
            raise ScorecardLocked()
        was = record.follow_up_asked
        record.follow_up_asked = not was
        record.save(update_fields=["follow_up_asked", "updated_at"])
        AuditEvent.objects.create(
            actor_id=by_id,
            session_id=record.scorecard.session_id,
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            action=AuditAction.FOLLOW_UP,
            old_value="asked" if was else "not asked",
            new_value="not asked" if was else "asked",
        )
    return record


def _orm_save_notes(
    *, scorecard_id: int, session_question_id: int, text: str, base_revision: int
) -> NotesSave:
    with transaction.atomic():
        card = (
            Scorecard.objects.select_for_update()
            .filter(pk=scorecard_id, submitted_at__isnull=True)
            .first()
        )
        updated = card is not None and QuestionRecord.objects.filter(
            scorecard_id=scorecard_id,
            session_question_id=session_question_id,
            notes_revision=base_revision,
        ).update(notes=text, notes_revision=F("notes_revision") + 1, updated_at=timezone.now())
    if updated:
        return NotesSave(stored=True, revision=base_revision + 1, notes=text)
    return db_records.save_notes(
        scorecard_id=scorecard_id,
        session_question_id=session_question_id,
        text=text,
        base_revision=base_revision,
    )


# --- Row slicing inside the kept statement ----------------------------------------------


def _sliced_audited_update(**kwargs: Any) -> QuestionRecord | None:
    """audited_record_update's statement run on a cursor, the row sliced into an instance."""
    sql, params = db_records.audited_update_statement(**kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return _instance_from_row(QuestionRecord, row) if row else None


# --- Pieces, endpoints, the alternation --------------------------------------------------


@contextlib.contextmanager
def patched(target: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, old)


@contextlib.contextmanager
def several(*patches: tuple[Any, str, Any]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for target, name, value in patches:
            stack.enter_context(patched(target, name, value))
        yield


class World:
    """One running interview of QUESTIONS questions, its interviewer signed in."""

    def __init__(self) -> None:
        from tests.factories import make_session

        group, _ = Group.objects.get_or_create(name=INTERVIEWERS)
        manager = User.objects.create(username="pieces-manager")
        self.user = User.objects.create(username="pieces-interviewer")
        self.user.groups.add(group)
        position = Position.objects.create(title="Backend engineer", hiring_manager=manager)
        self.session = make_session(panel=[self.user], position=position, count=QUESTIONS)
        self.client = Client()
        self.client.force_login(self.user)
        self.revision = 0
        self.score = 0

    def url(self, name: str, order: int = 2) -> str:
        return reverse(f"interviews:{name}", args=[self.session.pk, order])

    def runner_page(self) -> None:
        response = self.client.get(self.url("runner_question"), secure=True)
        assert response.status_code == 200, response.status_code

    def score_htmx(self) -> None:
        self.score = self.score % 4 + 1
        response = self.client.post(
            self.url("runner_score"),
            {"score": str(self.score)},
            headers={"HX-Request": "true"},
            secure=True,
        )
        assert response.status_code == 200, response.status_code

    def follow_up_htmx(self) -> None:
        response = self.client.post(
            self.url("runner_follow_up"), headers={"HX-Request": "true"}, secure=True
        )
        assert response.status_code == 200, response.status_code

    def notes_json(self) -> None:
        response = self.client.post(
            self.url("runner_notes"),
            {"notes": f"Notes at {self.revision}", "base_revision": str(self.revision)},
            headers={"Accept": "application/json"},
            secure=True,
        )
        assert response.status_code == 200, response.content
        self.revision = response.json()["revision"]


def pieces(world: World) -> list[dict[str, Any]]:
    """Each piece: its endpoint, and how to install the hand-made and the plain variant."""
    return [
        {
            "piece": "panel join in SQL (db.panel_row)",
            "endpoint": "notes autosave",
            "request": world.notes_json,
            "hand": [],
            "plain": [
                (access, "session_for_panelist", _orm_session_for_panelist),
                (access, "question_for_panelist", _orm_question_for_panelist),
            ],
            "in_app": "hand",
        },
        {
            "piece": "records with questions by hand (for_runner)",
            "endpoint": "runner page",
            "request": world.runner_page,
            "hand": [(QuestionRecord, "for_runner", staticmethod(_hand_for_runner))],
            "plain": [],
            "in_app": "plain",
        },
        {
            "piece": "URLs reversed once, placeholder ids split",
            "endpoint": "runner page",
            "request": world.runner_page,
            "hand": [
                (runner_pages, "question_url", _hand_question_url),
                (runner_views, "question_url", _hand_question_url),
                (runner_views, "question_urls", _hand_question_urls),
            ],
            "plain": [],
            "in_app": "plain",
        },
        {
            "piece": "URLs reversed once, placeholder ids split",
            "endpoint": "score (HTMX)",
            "request": world.score_htmx,
            "hand": [
                (runner_pages, "question_url", _hand_question_url),
                (runner_views, "question_url", _hand_question_url),
                (runner_views, "question_urls", _hand_question_urls),
            ],
            "plain": [],
            "in_app": "plain",
        },
        {
            "piece": "score buttons' attributes as one string",
            "endpoint": "score (HTMX)",
            "request": world.score_htmx,
            "hand": [
                (runner_views, "score_choices", _hand_score_choices),
                (runner_views, "TemplateResponse", _hand_template_response),
            ],
            "plain": [],
            "in_app": "plain",
        },
        {
            "piece": "rows sliced into instances (sql.py) vs raw()",
            "endpoint": "score (HTMX)",
            "request": world.score_htmx,
            "hand": [(db_records, "audited_record_update", _sliced_audited_update)],
            "plain": [],
            "in_app": "plain",
        },
        {
            "piece": "audited update in SQL (record_score)",
            "endpoint": "score (HTMX)",
            "request": world.score_htmx,
            "hand": [],
            "plain": [(db_records, "record_score", _orm_record_score)],
            "in_app": "hand",
        },
        {
            "piece": "audited update in SQL (toggle_follow_up)",
            "endpoint": "follow-up (HTMX)",
            "request": world.follow_up_htmx,
            "hand": [],
            "plain": [(db_records, "toggle_follow_up", _orm_toggle_follow_up)],
            "in_app": "hand",
        },
        {
            "piece": "notes save in SQL (save_notes)",
            "endpoint": "notes autosave",
            "request": world.notes_json,
            "hand": [],
            "plain": [(db_records, "save_notes", _orm_save_notes)],
            "in_app": "hand",
        },
    ]


def cpu_per_request(request: Callable[[], None], count: int) -> float:
    started = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - started) / count * 1000


def measure(piece: dict[str, Any], rounds: int, count: int) -> dict[str, Any]:
    turns: dict[str, list[float]] = {"hand": [], "plain": []}
    for variant in ("hand", "plain"):  # warm both: caches, prepared statements
        with several(*piece[variant]):
            cpu_per_request(piece["request"], count)
    for round_ in range(rounds):
        order = ("hand", "plain") if round_ % 2 == 0 else ("plain", "hand")
        for variant in order:
            with several(*piece[variant]):
                turns[variant].append(cpu_per_request(piece["request"], count))
    hand, plain = statistics.median(turns["hand"]), statistics.median(turns["plain"])
    gain = (plain - hand) / plain * 100
    return {
        "piece": piece["piece"],
        "endpoint": piece["endpoint"],
        "hand_ms": round(hand, 3),
        "plain_ms": round(plain, 3),
        "gain_pct": round(gain, 1),
        "kept": gain >= 15,
        "in_app": piece["in_app"],
        "turns": {key: [round(value, 3) for value in values] for key, values in turns.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--only", nargs="*", help="pieces whose name contains one of these")
    args = parser.parse_args()

    # The hashed static files production serves (the pages name them through the manifest).
    call_command("collectstatic", interactive=False, verbosity=0)
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        world = World()
        results = []
        for piece in pieces(world):
            if args.only and not any(word in piece["piece"] for word in args.only):
                continue
            result = measure(piece, args.rounds, args.requests)
            results.append(result)
            print(
                f"{result['piece']:<48} {result['endpoint']:<18} "
                f"hand {result['hand_ms']:7.2f} ms  plain {result['plain_ms']:7.2f} ms  "
                f"gain {result['gain_pct']:6.1f} %  {'kept' if result['kept'] else 'plain'}",
                flush=True,
            )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)
    out = ROOT / "bench/results/pieces.json"
    out.write_text(
        json.dumps(
            {
                "measured": timezone.now().isoformat(timespec="seconds"),
                "method": (
                    "in-process test Client, DEBUG off, cached templates; app CPU per request "
                    "(time.process_time), median of alternating turns"
                ),
                "rounds": args.rounds,
                "requests_per_turn": args.requests,
                "questions": QUESTIONS,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
