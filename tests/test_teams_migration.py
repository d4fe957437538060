"""The hiring-team migrations on stored data: teams from past panels, panels untouched,
ready templates to an admin, the Admins and Curators groups; and back again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("interviews", "0002_scorecards_lock_submitted")]
SCHEMA_ONLY = [("interviews", "0003_teams_position_members")]
AFTER = [("interviews", "0004_teams_teams_from_panels")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def at_the_old_schema(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def test_existing_positions_get_their_panels_as_a_team_and_back(at_the_old_schema):
    apps = at_the_old_schema
    User = apps.get_model("auth", "User")
    Position = apps.get_model("interviews", "Position")
    Candidate = apps.get_model("interviews", "Candidate")
    Session = apps.get_model("interviews", "InterviewSession")
    Scorecard = apps.get_model("interviews", "Scorecard")
    Template = apps.get_model("interviews", "InterviewTemplate")
    admin = User.objects.create(username="root", is_superuser=True, is_staff=True)
    manager, ann, bob, cy = (
        User.objects.create(username=name) for name in ("manager", "ann", "bob", "cy")
    )
    backend = Position.objects.create(title="Backend", hiring_manager=manager)
    data = Position.objects.create(title="Data", hiring_manager=manager)
    Position.objects.create(title="Never interviewed", hiring_manager=manager)
    now = timezone.now()
    panels = {backend: [[ann, bob], [ann]], data: [[cy]]}
    for position, sessions in panels.items():
        for panel in sessions:
            candidate = Candidate.objects.create(full_name=f"For {position.title}")
            session = Session.objects.create(
                candidate=candidate, position=position, scheduled_at=now
            )
            for user in panel:
                Scorecard.objects.create(session=session, interviewer=user)
    ready = Template.objects.create(name="Backend screen — 30 min", created_by=manager)
    mine = Template.objects.create(name="Ann's own", created_by=ann)
    cards_before = sorted(Scorecard.objects.values_list("session_id", "interviewer_id"))

    apps = migrate(AFTER)
    Member = apps.get_model("interviews", "PositionMember")
    seats = sorted(Member.objects.values_list("position__title", "user__username", "role"))
    assert seats == [
        ("Backend", "ann", "interviewer"),
        ("Backend", "bob", "interviewer"),
        ("Data", "cy", "interviewer"),
    ]
    Scorecard = apps.get_model("interviews", "Scorecard")
    assert sorted(Scorecard.objects.values_list("session_id", "interviewer_id")) == cards_before
    Template = apps.get_model("interviews", "InterviewTemplate")
    assert Template.objects.get(pk=ready.pk).created_by_id == admin.pk
    assert Template.objects.get(pk=mine.pk).created_by_id == ann.pk
    # A seat someone added by hand after the migration.
    Member.objects.create(
        position_id=data.pk, user_id=ann.pk, role="coordinator", added_by_id=manager.pk
    )

    apps = migrate(SCHEMA_ONLY)
    Member = apps.get_model("interviews", "PositionMember")
    assert list(Member.objects.values_list("user__username", "role")) == [("ann", "coordinator")]
    Scorecard = apps.get_model("interviews", "Scorecard")
    assert sorted(Scorecard.objects.values_list("session_id", "interviewer_id")) == cards_before

    # Back to before the teams: the table itself goes, and nothing else.
    Scorecard = migrate(BEFORE).get_model("interviews", "Scorecard")
    assert Scorecard.objects.count() == len(cards_before)


def test_the_admins_and_curators_groups_exist_and_go_back(transactional_db):
    from django.contrib.auth.models import Group

    try:
        migrate([("questions", "0003_bank_search_text")])
        assert not Group.objects.filter(name__in=["Admins", "Curators"]).exists()
        migrate([("questions", "0004_teams_admin_curator_groups")])
        assert set(
            Group.objects.filter(name__in=["Admins", "Curators"]).values_list("name", flat=True)
        ) == {"Admins", "Curators"}
    finally:
        migrate(latest())
