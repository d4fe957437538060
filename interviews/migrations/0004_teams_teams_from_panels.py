"""Give every existing position a hiring team, and the ready templates to an admin.

A position's team starts as the interviewers who already sat on its panels (seat role
"interviewer"), so nobody who has interviewed for it loses sight of it. Sessions and
scorecards are not touched: a panel is its scorecards and stays as it was.

The two ready templates (seed_demo's) belong to an admin: any that belongs to nobody, or
to someone who is not a superuser, passes to the first active superuser, if there is one.

Backwards: the team seats made here are removed (seats added later by people stay until
the table itself goes with 0003); template owners are left as they are, since who owned
them before is not kept and an admin owner is correct on either side.
"""

from django.db import migrations

READY_TEMPLATES = ("Backend screen — 30 min", "Backend deep dive — 60 min")


def teams_from_panels(apps, schema_editor):
    Scorecard = apps.get_model("interviews", "Scorecard")
    PositionMember = apps.get_model("interviews", "PositionMember")
    seats = (
        Scorecard.objects.values_list("session__position_id", "interviewer_id")
        .order_by("session__position_id", "interviewer_id")
        .distinct()
    )
    PositionMember.objects.bulk_create(
        [
            PositionMember(position_id=position_id, user_id=user_id, role="interviewer")
            for position_id, user_id in seats
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def remove_migrated_seats(apps, schema_editor):
    # Seats this migration made have no added_by; people always leave their name.
    apps.get_model("interviews", "PositionMember").objects.filter(added_by__isnull=True).delete()


def ready_templates_to_an_admin(apps, schema_editor):
    User = apps.get_model("auth", "User")
    InterviewTemplate = apps.get_model("interviews", "InterviewTemplate")
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        return
    InterviewTemplate.objects.filter(name__in=READY_TEMPLATES).exclude(
        created_by__is_superuser=True
    ).update(created_by=admin)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0003_teams_position_members"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(teams_from_panels, remove_migrated_seats),
        migrations.RunPython(ready_templates_to_an_admin, migrations.RunPython.noop),
    ]
