"""Each session question keeps the version of the bank question it was asked in.

Existing copies get their source question's version as it stands (every question is at
version 1 when versions start being kept); ad hoc questions that never entered the bank
have none.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_versions(apps, schema_editor):
    SessionQuestion = apps.get_model("interviews", "SessionQuestion")
    Question = apps.get_model("questions", "Question")
    SessionQuestion.objects.filter(source_question__isnull=False).update(
        question_version=Subquery(
            Question.objects.filter(pk=OuterRef("source_question_id")).values("version")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0003_decisions_decisions"),
        ("questions", "0004_decisions_question_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionquestion",
            name="question_version",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(fill_versions, migrations.RunPython.noop),
    ]
