"""`manage.py seed_demo`: the demo users, a position with its hiring team, and the two
ready templates (PRODUCT B5, F1).

Idempotent: run it on every `make run`. Users are updated in place (roles and password
set again), the position and templates are found by name and created only if missing,
so edits made to them in the app survive a re-run. `interviewer` (a coordinator, so
they can schedule) and `interviewer2` (an interviewer) are put back on the position's
team if missing; a role changed in the app is kept. The ready templates belong to the
admin, so only admins change them and everyone else clones them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interviews.blueprint import Blueprint, BlueprintError, propose_template
from interviews.models import InterviewTemplate, Position, PositionMember, TeamRole
from interviews.services.template_edits import create_from_proposal, published_bank
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS

SEED_CATEGORIES = (
    "programming-fundamentals",
    "databases",
    "api-design",
    "devops",
    "security",
    "caching",
    "messaging",
    "monitoring",
)


@dataclass(frozen=True)
class ReadyTemplate:
    name: str
    description: str
    blueprint: Blueprint


READY_TEMPLATES = (
    ReadyTemplate(
        name="Backend screen — 30 min",
        description="A first screen across the fundamentals, databases, APIs, DevOps and security.",
        blueprint=Blueprint(
            minutes=30,
            categories=(
                "programming-fundamentals",
                "databases",
                "api-design",
                "devops",
                "security",
            ),
            mix={"easy": 30, "medium": 50, "hard": 20},
        ),
    ),
    ReadyTemplate(
        name="Backend deep dive — 60 min",
        description="One question from every category of the backend bank, weighted to depth.",
        blueprint=Blueprint(
            minutes=60, categories=SEED_CATEGORIES, mix={"easy": 20, "medium": 50, "hard": 30}
        ),
    ),
)

DEMO_USERS = (
    # username, role shown, groups, staff
    ("admin", "admin (staff, superuser)", (), True),
    ("interviewer", "interviewer, coordinator of Backend engineer", (INTERVIEWERS,), False),
    ("interviewer2", "interviewer on the Backend engineer team", (INTERVIEWERS,), False),
    ("manager", "hiring manager", (HIRING_MANAGERS,), False),
)


# Who sits on the demo position's hiring team, and as what.
DEMO_TEAM = (("interviewer", TeamRole.COORDINATOR), ("interviewer2", TeamRole.INTERVIEWER))


def password_file() -> Path:
    return Path(settings.BASE_DIR) / ".pg" / "demo-password"


def demo_password() -> str:
    """$DEMO_PASSWORD, else the one stored in .pg/demo-password (made once, then reused)."""
    from_env = os.environ.get("DEMO_PASSWORD", "")
    if from_env:
        return from_env
    path = password_file()
    if path.exists():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(12)
    path.write_text(generated + "\n", encoding="utf-8")
    path.chmod(0o600)
    return generated


class Command(BaseCommand):
    help = "Create or update the demo users, a position and the two ready interview templates."

    def handle(self, *args: Any, **options: Any) -> None:
        bank = published_bank()
        loaded = {question.category for question in bank}
        missing = [slug for slug in SEED_CATEGORIES if slug not in loaded]
        if missing:
            raise CommandError(
                "The seed question pack is not loaded (no published questions in "
                + ", ".join(missing)
                + "). Load it first: python manage.py load_questions seeds/"
            )
        password = demo_password()
        with transaction.atomic():
            users = {
                username: self.upsert_user(username, password, groups, staff)
                for username, _, groups, staff in DEMO_USERS
            }
            position, _ = Position.objects.get_or_create(
                title="Backend engineer",
                defaults={
                    "hiring_manager": users["manager"],
                    "description": "Builds and runs the services behind the product.",
                },
            )
            for username, role in DEMO_TEAM:
                PositionMember.objects.get_or_create(
                    position=position,
                    user=users[username],
                    defaults={"role": role, "added_by": users["manager"]},
                )
            for ready in READY_TEMPLATES:
                self.ensure_template(ready, bank, position, users["admin"])
            ensure_overdue_demo_session(users, position)
        port = os.environ.get("PORT", "8000")
        lines = [
            "",
            "Intervy demo is ready.",
            f"  URL:      http://127.0.0.1:{port}/",
            f"  Password: {password}  (the same for every demo user)",
            "  Users:",
            *(f"    {username:<13} {role}" for username, role, _, _ in DEMO_USERS),
            "",
        ]
        self.stdout.write("\n".join(lines))

    def upsert_user(
        self, username: str, password: str, groups: tuple[str, ...], staff: bool
    ) -> Any:
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_active = True
        user.is_staff = staff
        user.is_superuser = staff
        if not user.first_name:
            user.first_name = username.rstrip("2").title()
        if not user.email:
            # Reminders and invites need an address; the console backend prints them.
            user.email = f"{username}@example.com"
        user.set_password(password)
        user.save()
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    def ensure_template(
        self, ready: ReadyTemplate, bank: list, position: Position, owner: User
    ) -> InterviewTemplate:
        existing = InterviewTemplate.objects.filter(name=ready.name).first()
        if existing is not None:
            creator = existing.created_by
            if creator is None or not creator.is_superuser:
                existing.created_by = owner
                existing.save(update_fields=["created_by"])
            return existing
        try:
            proposal = propose_template(bank, ready.blueprint)
        except BlueprintError as exc:
            raise CommandError(f"Cannot build “{ready.name}” from the bank: {exc}") from exc
        template = create_from_proposal(
            proposal=proposal, name=ready.name, description=ready.description, by=owner
        )
        template.position = position
        template.save(update_fields=["position"])
        return template


OVERDUE_DEMO_CANDIDATE = "Grace Overdue (demo)"


def ensure_overdue_demo_session(users: dict[str, Any], position: Position) -> None:
    """A finished interview whose two scorecards were never submitted (PRODUCT C10).

    Completed three days ago, so the worker's first sweep reminds both interviewers
    and tells the hiring manager they are overdue; the home pages list them. Made once.
    """
    from datetime import timedelta

    from django.utils import timezone

    from interviews.models import Candidate, InterviewSession
    from interviews.services.scheduling import schedule_session

    if InterviewSession.objects.filter(candidate__full_name=OVERDUE_DEMO_CANDIDATE).exists():
        return
    template = InterviewTemplate.objects.filter(name=READY_TEMPLATES[0].name).first()
    if template is None:
        return
    ended = timezone.now() - timedelta(days=3)
    candidate = Candidate.objects.create(full_name=OVERDUE_DEMO_CANDIDATE)
    session = schedule_session(
        candidate=candidate,
        position=position,
        template=template,
        interviewers=[users["interviewer"], users["interviewer2"]],
        scheduled_at=ended - timedelta(minutes=template.target_minutes),
        created_by=users["manager"],
    )
    session = session.start(by=users["interviewer"])
    session = session.finish(by=users["interviewer"])
    InterviewSession.objects.filter(pk=session.pk).update(
        started_at=ended - timedelta(minutes=template.target_minutes), completed_at=ended
    )
