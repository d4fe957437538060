"""`manage.py seed_demo_history`: idempotent, the promised sizes, the submit rules kept."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils.html import escape

from interviews.management.commands.seed_demo_history import DEMO_DOMAIN
from interviews.models import (
    AuditAction,
    AuditEvent,
    Candidate,
    Decision,
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionState,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seed_pack, tmp_path, settings, monkeypatch):
    settings.BASE_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", stdout=StringIO())


def load() -> str:
    out = StringIO()
    call_command("seed_demo_history", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    return {
        "candidates": Candidate.objects.count(),
        "sessions": InterviewSession.objects.count(),
        "scorecards": Scorecard.objects.count(),
        "records": QuestionRecord.objects.count(),
        "decisions": Decision.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_it_loads_the_promised_history_once(demo):
    started = time.monotonic()
    out = load()
    elapsed = time.monotonic() - started
    assert "Loaded the demo history" in out
    assert elapsed < 20  # a few seconds on a laptop; generous for a shared test machine
    first = snapshot()
    assert "already loaded" in load()
    assert snapshot() == first


def test_the_sizes_and_shape_of_the_history(demo):
    load()
    positions = Position.objects.filter(hiring_manager__username="manager")
    assert 2 <= positions.count() <= 3
    candidates = Candidate.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    assert 35 <= candidates.count() <= 45
    completed = InterviewSession.objects.filter(state=SessionState.COMPLETED)
    assert 100 <= completed.count() <= 140
    upcoming = InterviewSession.objects.filter(state=SessionState.SCHEDULED)
    assert 2 <= upcoming.count() <= 8
    assert all(session.scheduled_at > session.created_at for session in upcoming)
    panel_sizes = set(
        InterviewSession.objects.annotate(n=Count("scorecards")).values_list("n", flat=True)
    )
    assert panel_sizes <= {2, 3} and panel_sizes == {2, 3}
    # Over six months, with the ready templates.
    first = completed.order_by("scheduled_at").first()
    last = completed.order_by("scheduled_at").last()
    assert (last.scheduled_at - first.scheduled_at).days >= 120
    assert set(completed.values_list("template_name", flat=True)) == {
        "Backend screen — 30 min",
        "Backend deep dive — 60 min",
    }
    # Decisions for most candidates, overrides visible, all audited.
    decided = candidates.filter(decisions__isnull=False).distinct().count()
    assert decided >= 0.7 * candidates.count()
    assert set(Decision.objects.values_list("kind", flat=True)) == {
        "advance",
        "reject",
        "offer",
        "hired",
        "withdrew",
    }
    assert Decision.objects.exclude(override_reason="").count() == 1
    assert (
        AuditEvent.objects.filter(action=AuditAction.DECISION).count() == Decision.objects.count()
    )


def test_submitted_cards_keep_the_submit_rules_and_a_few_are_overdue(demo):
    load()
    submitted = Scorecard.objects.filter(submitted_at__isnull=False)
    assert not submitted.exclude(session__state=SessionState.COMPLETED).exists()
    assert not submitted.filter(Q(recommendation="") | Q(summary="")).exists()
    unanswered = QuestionRecord.objects.filter(
        scorecard__submitted_at__isnull=False, score__isnull=True, not_assessed=False, skipped=False
    )
    assert not unanswered.exists()
    assert not submitted.filter(submitted_at__lte=F("session__completed_at")).exists()
    # The audit trail is dated as the history is, not the day it was loaded.
    events = AuditEvent.objects.filter(action=AuditAction.SUBMITTED)
    assert events.count() == submitted.count()
    assert not events.exclude(at=F("scorecard__submitted_at")).exists()
    decided = AuditEvent.objects.filter(action=AuditAction.DECISION)
    assert not decided.exclude(at=F("decision__decided_at")).exists()
    overdue = Scorecard.objects.filter(
        submitted_at__isnull=True, session__state=SessionState.COMPLETED
    )
    assert 2 <= overdue.count() <= 6
    assert overdue.filter(interviewer__username="interviewer").exists()
    # Realistic spread: every score used, some not assessed, some panels two points apart.
    records = QuestionRecord.objects.filter(scorecard__submitted_at__isnull=False)
    assert set(records.exclude(score=None).values_list("score", flat=True)) == {1, 2, 3, 4}
    assert records.filter(not_assessed=True).exists()
    assert records.exclude(notes="").exists()
    spread = (
        QuestionRecord.objects.filter(scorecard__submitted_at__isnull=False, score__isnull=False)
        .values("session_question")
        .annotate(low=Count("pk", filter=Q(score=1)), high=Count("pk", filter=Q(score__gte=3)))
        .filter(low__gt=0, high__gt=0)
    )
    assert spread.exists()


def test_it_needs_the_demo_users_and_templates_first(seed_pack):
    with pytest.raises(CommandError, match="seed_demo"):
        load()


def test_the_demo_interviewer_sees_completed_interviews_and_scorecards(demo, client):
    load()
    assert client.login(username="interviewer", password="demo-pass-123")
    home = client.get("/").content.decode()
    assert "Backend deep dive" in home or "Backend screen" in home
    card = Scorecard.objects.filter(
        interviewer__username="interviewer", submitted_at__isnull=False
    ).first()
    debrief = client.get(f"/sessions/{card.session_id}/debrief/")
    assert debrief.status_code == 200
    assert f"Panel debrief: {escape(card.session.candidate)}" in debrief.content.decode()


def test_only_make_run_loads_it_never_a_production_deployment():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for name in ("Dockerfile", "compose.yaml", "gunicorn.conf.py"):
        assert "seed_demo" not in (root / name).read_text(encoding="utf-8"), name
    # `make run` and `make dev` share the `prepare` step that loads the demo.
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "\nrun: prepare" in makefile and "\ndev: prepare" in makefile
    prepare = makefile.split("\nprepare:")[1].split("\n\n")[0]
    assert prepare.index("manage.py seed_demo ") < prepare.index("manage.py seed_demo_history")
