"""A submitted scorecard's questions are fixed, and the history is append-only.

Migration 0002_scorecards_lock_submitted refuses UPDATEs of what a submitted scorecard
says. This adds the rest of the lock:

- BEFORE INSERT OR DELETE on question records: a submitted scorecard gains and loses no
  records (an ad-hoc question added while it runs is not added to a submitted card). The
  scorecard row is read FOR SHARE, so an insert racing a submission waits for it and then
  sees it committed, instead of reading the snapshot from before it.
- BEFORE UPDATE OR DELETE on amendments and audit events: both are append-only. TRUNCATE
  (a test database being emptied) is a table operation and fires no row trigger.

The audit trail's actor becomes PROTECT (SET NULL would be an UPDATE the trail refuses);
that changes no column, only what Django does before deleting a user.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LOCK = """
CREATE FUNCTION interviews_questionrecord_refuse_rows_of_submitted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    card bigint;
    submitted timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        card := OLD.scorecard_id;
    ELSE
        card := NEW.scorecard_id;
    END IF;
    SELECT submitted_at INTO submitted FROM interviews_scorecard WHERE id = card FOR SHARE;
    IF submitted IS NOT NULL THEN
        RAISE EXCEPTION 'scorecard % is submitted: its questions are fixed (% refused)', card, TG_OP
              USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER interviews_questionrecord_submitted_rows
    BEFORE INSERT OR DELETE ON interviews_questionrecord
    FOR EACH ROW EXECUTE FUNCTION interviews_questionrecord_refuse_rows_of_submitted();

CREATE FUNCTION interviews_refuse_rewriting_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER interviews_amendment_append_only
    BEFORE UPDATE OR DELETE ON interviews_amendment
    FOR EACH ROW EXECUTE FUNCTION interviews_refuse_rewriting_history();
CREATE TRIGGER interviews_auditevent_append_only
    BEFORE UPDATE OR DELETE ON interviews_auditevent
    FOR EACH ROW EXECUTE FUNCTION interviews_refuse_rewriting_history();
"""

UNLOCK = """
DROP TRIGGER IF EXISTS interviews_auditevent_append_only ON interviews_auditevent;
DROP TRIGGER IF EXISTS interviews_amendment_append_only ON interviews_amendment;
DROP FUNCTION IF EXISTS interviews_refuse_rewriting_history();
DROP TRIGGER IF EXISTS interviews_questionrecord_submitted_rows ON interviews_questionrecord;
DROP FUNCTION IF EXISTS interviews_questionrecord_refuse_rows_of_submitted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0004_teams_teams_from_panels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(LOCK, reverse_sql=UNLOCK),
    ]
