"""`manage.py seed_demo`: demo users, a position and the two ready templates (B5)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Sum

from interviews.models import InterviewTemplate, Position
from intervy.roles import is_admin, is_hiring_manager, is_interviewer

pytestmark = pytest.mark.django_db

SCREEN = "Backend screen — 30 min"
DEEP_DIVE = "Backend deep dive — 60 min"


@pytest.fixture
def project_dir(tmp_path, settings):
    """A throwaway project root, so the stored password never touches the real .pg/."""
    settings.BASE_DIR = tmp_path
    return tmp_path


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_users_with_their_roles(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {"admin", "interviewer", "interviewer2", "manager"}
    assert users["admin"].is_superuser and is_admin(users["admin"])
    assert is_interviewer(users["interviewer"]) and not is_hiring_manager(users["interviewer"])
    assert is_interviewer(users["interviewer2"])
    assert is_hiring_manager(users["manager"]) and not is_interviewer(users["manager"])
    assert all(user.check_password("demo-pass-123") for user in users.values())


def test_it_prints_where_to_go_and_how_to_sign_in(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    monkeypatch.setenv("PORT", "8123")
    out = seed_demo()
    assert "http://127.0.0.1:8123/" in out
    assert "demo-pass-123" in out
    for line in ("admin ", "interviewer ", "interviewer2 ", "manager "):
        assert line in out
    assert "hiring manager" in out


def test_the_url_defaults_to_port_8000(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    monkeypatch.delenv("PORT", raising=False)
    assert "http://127.0.0.1:8000/" in seed_demo()


def test_it_creates_a_position_owned_by_the_manager(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    position = Position.objects.get(title="Backend engineer")
    assert position.hiring_manager.username == "manager"


@pytest.mark.parametrize(("name", "minutes"), [(SCREEN, 30), (DEEP_DIVE, 60)])
def test_the_ready_templates_fit_their_length_and_cover_four_categories(
    seed_pack, project_dir, monkeypatch, name, minutes
):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    template = InterviewTemplate.objects.get(name=name)
    assert template.items.aggregate(total=Sum("minutes"))["total"] == minutes
    assert template.target_minutes == minutes
    categories = set(template.items.values_list("question__category__slug", flat=True))
    assert len(categories) >= 4
    assert not template.items.exclude(question__status="published").exists()


def test_the_deep_dive_covers_every_seed_category(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    template = InterviewTemplate.objects.get(name=DEEP_DIVE)
    assert template.items.values("question__category").distinct().count() == 8


def test_it_is_idempotent_and_sets_the_password_on_every_run(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "first-password")
    seed_demo()
    screen = InterviewTemplate.objects.get(name=SCREEN)
    questions = list(screen.items.order_by("order").values_list("question_id", "minutes"))
    monkeypatch.setenv("DEMO_PASSWORD", "second-password")
    seed_demo()
    assert User.objects.count() == 4
    assert Position.objects.count() == 1
    assert InterviewTemplate.objects.filter(name__in=[SCREEN, DEEP_DIVE]).count() == 2
    assert list(screen.items.order_by("order").values_list("question_id", "minutes")) == questions
    assert User.objects.get(username="interviewer").check_password("second-password")


def test_it_restores_a_demo_users_role(seed_pack, project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    user = User.objects.get(username="interviewer")
    user.groups.clear()
    seed_demo()
    assert is_interviewer(User.objects.get(username="interviewer"))


def test_without_demo_password_it_generates_one_and_reuses_it(seed_pack, project_dir, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = seed_demo()
    stored = (project_dir / ".pg" / "demo-password").read_text().strip()
    assert len(stored) >= 12
    assert stored in out
    assert User.objects.get(username="manager").check_password(stored)
    seed_demo()
    assert (project_dir / ".pg" / "demo-password").read_text().strip() == stored
    assert User.objects.get(username="admin").check_password(stored)


def test_it_requires_the_seed_pack(project_dir, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    with pytest.raises(CommandError, match="seed question pack is not loaded.*load_questions"):
        seed_demo()
    assert not User.objects.exists()
    assert not InterviewTemplate.objects.exists()


def test_the_demo_team_has_a_coordinator_and_an_interviewer(seed_pack, project_dir, monkeypatch):
    from interviews.access import may_edit_template, may_schedule_for, positions_visible_to
    from interviews.models import PositionMember

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    seed_demo()
    seed_demo()  # a re-run adds no second seat
    position = Position.objects.get(title="Backend engineer")
    seats = PositionMember.objects.filter(position=position).order_by("user__username")
    assert [(seat.user.username, seat.role) for seat in seats] == [
        ("interviewer", "coordinator"),
        ("interviewer2", "interviewer"),
    ]
    users = {user.username: user for user in User.objects.all()}
    assert may_schedule_for(users["interviewer"], position)
    assert not may_schedule_for(users["interviewer2"], position)
    assert list(positions_visible_to(users["interviewer2"])) == [position]
    for name in (SCREEN, DEEP_DIVE):
        template = InterviewTemplate.objects.get(name=name)
        assert template.created_by == users["admin"]
        assert may_edit_template(users["admin"], template)
        assert may_edit_template(users["manager"], template)  # its position's manager
        assert not may_edit_template(users["interviewer"], template)
