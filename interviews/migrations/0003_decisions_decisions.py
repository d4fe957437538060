"""Hiring decisions (PRODUCT D6): append-only, enforced by the database.

A decision is never changed or removed: a changed mind is a new decision. A BEFORE
UPDATE OR DELETE trigger refuses both, whatever the writer (the ORM, the admin, psql).
TRUNCATE, which only a test database's flush uses, does not fire row triggers.
An audit event may now name a decision instead of a session.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE FUNCTION interviews_decision_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decision % is recorded: record a new decision instead', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER interviews_decision_append_only
    BEFORE UPDATE OR DELETE ON interviews_decision
    FOR EACH ROW EXECUTE FUNCTION interviews_decision_refuse_change();
"""

NOT_APPEND_ONLY = """
DROP TRIGGER IF EXISTS interviews_decision_append_only ON interviews_decision;
DROP FUNCTION IF EXISTS interviews_decision_refuse_change();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('interviews', '0003_trustrunner_no_images'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('score', 'Score recorded'), ('not_assessed', 'Marked not assessed'), ('skipped', 'Skipped'), ('follow_up', 'Follow-up asked'), ('submitted', 'Scorecard submitted'), ('amended', 'Scorecard amended'), ('session_started', 'Session started'), ('session_completed', 'Session completed'), ('session_cancelled', 'Session cancelled'), ('question_added', 'Question added'), ('decision', 'Decision recorded')], max_length=24),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='session',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='audit_events', to='interviews.interviewsession'),
        ),
        migrations.CreateModel(
            name='Decision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('advance', 'Advance to the next round'), ('reject', 'Reject'), ('offer', 'Make an offer'), ('hired', 'Hired'), ('withdrew', 'Withdrew')], max_length=10)),
                ('rationale', models.TextField()),
                ('override_reason', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='interviews.candidate')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('position', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='interviews.position')),
            ],
            options={
                'ordering': ['position', 'candidate', 'decided_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='decision',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='interviews.decision'),
        ),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(fields=['position', 'candidate', 'decided_at'], name='decision_loop_idx'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['advance', 'reject', 'offer', 'hired', 'withdrew'])), name='decision_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('rationale__regex', '^\\s*$'), _negated=True), name='decision_has_rationale'),
        ),
        migrations.RunSQL(APPEND_ONLY, reverse_sql=NOT_APPEND_ONLY),
    ]
