"""The Admins and Curators groups (intervy.roles.ADMINS, CURATORS).

Admins see and manage everything, as superusers do. Curators are staff who edit the
question bank in the Django admin and see no scorecards; the rights come from the
groups' names (intervy.auth), so the groups need no permissions of their own.
"""

from django.db import migrations

GROUPS = ("Admins", "Curators")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0003_bank_search_text"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
