"""Question versions: a version number on each question and the history of its wordings.

Every existing question starts at version 1, with its current prompt, answer and
anchors kept as that version.
"""

import django.db.models.deletion
from django.db import migrations, models


def keep_first_versions(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    QuestionVersion = apps.get_model("questions", "QuestionVersion")
    versions = []
    for question in Question.objects.prefetch_related("anchors").iterator(chunk_size=500):
        anchors = {str(anchor.level): anchor.text for anchor in question.anchors.all()}
        versions.append(
            QuestionVersion(
                question=question,
                number=question.version,
                prompt=question.prompt,
                answer=question.answer,
                anchors=dict(sorted(anchors.items())),
            )
        )
    QuestionVersion.objects.bulk_create(versions, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0004_teams_admin_curator_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.CreateModel(
            name='QuestionVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('prompt', models.TextField()),
                ('answer', models.TextField(blank=True)),
                ('anchors', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='questions.question')),
            ],
            options={
                'ordering': ['question', '-number'],
                'constraints': [models.UniqueConstraint(fields=('question', 'number'), name='question_version_once')],
            },
        ),
        migrations.RunPython(keep_first_versions, migrations.RunPython.noop),
    ]
