"""The main pages of every role, on the demo's data: what the validity and accessibility
checks open (tests/test_html_valid.py, tests/test_accessibility.py).

`demo_pages()` loads the seed pack, the demo users and their six months of history (the
data `make run` shows), adds a curator, a session in progress and an amended scorecard,
and returns who opens which page.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    QuestionRecord,
    Scorecard,
    SessionState,
)
from intervy.roles import CURATORS
from questions.models import Question
from tests.conftest import make_user

CHECKERS = Path(__file__).resolve().parent / "node_modules"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class Page:
    role: str
    username: str | None  # None: signed out
    name: str
    path: str


def load_demo(tmp_path: Path, settings: Any, monkeypatch: Any) -> None:
    """The seed pack, `seed_demo` and `seed_demo_history`, as `make run` loads them.

    `settings` and `monkeypatch` are pytest's fixtures, so both changes end with the test:
    seed_demo keeps its password file under BASE_DIR/.pg, or reads DEMO_PASSWORD.
    """
    settings.BASE_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-a11y")
    call_command("load_questions", "seeds/", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_history", stdout=StringIO())


def amend(card: Scorecard, by: User) -> None:
    """A score, a note and the recommendation amended, as a reviewer would see them."""
    from interviews.services.scorecards import amend_scorecard

    first = QuestionRecord.objects.filter(scorecard=card).order_by("session_question__order")[0]
    new_score = "not assessed" if first.score is not None else "3"
    amend_scorecard(
        scorecard=card,
        by=by,
        field="score",
        record=first,
        new_value=new_score,
        reason="Ran out of time on this one",
    )
    amend_scorecard(
        scorecard=card,
        by=by,
        field="notes",
        record=first,
        new_value="Walked through the trade-offs clearly.",
        reason="Typed in a hurry",
    )
    new_recommendation = "no" if card.recommendation != "no" else "yes"
    amend_scorecard(
        scorecard=card,
        by=by,
        field="recommendation",
        new_value=new_recommendation,
        reason="Read the panel's notes again",
    )


def demo_pages(tmp_path: Path, settings: Any, monkeypatch: Any) -> list[Page]:
    load_demo(tmp_path, settings, monkeypatch)
    make_user("curator", group=CURATORS, staff=True, superuser=False)
    interviewer = User.objects.get(username="interviewer")
    manager = User.objects.get(username="manager")

    # The runner mid-interview: a session of the interviewer's, started a few minutes ago.
    upcoming = (
        InterviewSession.objects.filter(
            state=SessionState.SCHEDULED, scorecards__interviewer=interviewer
        )
        .order_by("scheduled_at")
        .first()
    )
    assert upcoming is not None, "the demo history has no upcoming session of the interviewer"
    InterviewSession.objects.filter(pk=upcoming.pk).update(
        state=SessionState.IN_PROGRESS, started_at=timezone.now() - timezone.timedelta(minutes=7)
    )
    submitted = (
        Scorecard.objects.filter(interviewer=interviewer, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    assert submitted is not None
    amend(submitted, interviewer)
    position = (
        Position.objects.filter(hiring_manager=manager)
        .annotate(sessions_count=Count("sessions"))
        .order_by("-sessions_count")
        .first()
    )
    assert position is not None
    candidates = list(
        Candidate.objects.filter(
            sessions__position=position, sessions__scorecards__submitted_at__isnull=False
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:3]
    )
    compare = (
        reverse("interviews:compare", args=[position.pk])
        + "?"
        + "&".join(f"candidate={pk}" for pk in candidates)
    )
    question = Question.objects.filter(status="published").order_by("pk").first()
    assert question is not None
    template = InterviewTemplate.objects.order_by("pk").first()
    assert template is not None
    scorecard = reverse("interviews:scorecard", args=[submitted.session_id])
    bank_question = reverse("questions:detail", args=[question.slug])
    paths = {
        None: {"sign-in": reverse("login")},
        "interviewer": {
            "home": reverse("interviews:home"),
            "runner": reverse("interviews:runner_question", args=[upcoming.pk, 1]),
            "scorecard (draft)": reverse("interviews:scorecard", args=[upcoming.pk]),
            "scorecard (submitted, amended)": scorecard,
        },
        "manager": {
            "home": reverse("interviews:home"),
            "positions": reverse("interviews:position_list"),
            "position": reverse("interviews:position_detail", args=[position.pk]),
            "candidate loop": reverse(
                "interviews:candidate_loop", args=[position.pk, candidates[0]]
            ),
            "compare": compare,
            "scorecard (print view, history)": reverse(
                "interviews:scorecard_detail", args=[submitted.pk]
            ),
            "debrief": reverse("interviews:debrief", args=[submitted.session_id]),
            "analytics": reverse("interviews:analytics"),
            "analytics: interviewers": reverse("interviews:analytics_interviewers"),
            "analytics: questions": reverse("interviews:analytics_questions"),
        },
        "admin": {
            "bank": reverse("questions:list"),
            "bank question": bank_question,
            "templates": reverse("interviews:template_list"),
            "template builder": reverse("interviews:template_builder", args=[template.pk]),
            "admin index": reverse("admin:index"),
        },
        "curator": {
            "bank": reverse("questions:list"),
            "bank question": bank_question,
            "admin index": reverse("admin:index"),
        },
    }
    return [
        Page(username or "signed out", username, name, path)
        for username, named in paths.items()
        for name, path in named.items()
    ]
