"""A submitted scorecard changes only through amendments — enforced by the database.

BEFORE UPDATE triggers refuse to change what a submitted scorecard says (a record's
score, not-assessed flag, notes, follow-up and skip flags; the scorecard's
recommendation, summary and submission time) unless the transaction has set
`intervy.amending` to 'on', which only `services.amend_scorecard` does, with SET LOCAL
semantics. Timing columns (entered_at, seconds_spent, current_question …) stay writable:
reopening a submitted session in the runner must not fail on them.
"""

from django.db import migrations

LOCK_RECORDS = """
CREATE FUNCTION interviews_questionrecord_refuse_submitted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.score, NEW.not_assessed, NEW.notes, NEW.notes_revision, NEW.follow_up_asked,
        NEW.skipped, NEW.scorecard_id, NEW.session_question_id)
       IS DISTINCT FROM
       (OLD.score, OLD.not_assessed, OLD.notes, OLD.notes_revision, OLD.follow_up_asked,
        OLD.skipped, OLD.scorecard_id, OLD.session_question_id)
       AND coalesce(current_setting('intervy.amending', true), '') <> 'on'
       AND EXISTS (SELECT 1 FROM interviews_scorecard
                    WHERE id = OLD.scorecard_id AND submitted_at IS NOT NULL)
    THEN
        RAISE EXCEPTION 'scorecard % is submitted: change it with an amendment', OLD.scorecard_id
              USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER interviews_questionrecord_submitted_lock
    BEFORE UPDATE ON interviews_questionrecord
    FOR EACH ROW EXECUTE FUNCTION interviews_questionrecord_refuse_submitted();

CREATE FUNCTION interviews_scorecard_refuse_submitted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL
       AND (NEW.recommendation, NEW.summary, NEW.submitted_at, NEW.session_id, NEW.interviewer_id)
           IS DISTINCT FROM
           (OLD.recommendation, OLD.summary, OLD.submitted_at, OLD.session_id, OLD.interviewer_id)
       AND coalesce(current_setting('intervy.amending', true), '') <> 'on'
    THEN
        RAISE EXCEPTION 'scorecard % is submitted: change it with an amendment', OLD.id
              USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER interviews_scorecard_submitted_lock
    BEFORE UPDATE ON interviews_scorecard
    FOR EACH ROW EXECUTE FUNCTION interviews_scorecard_refuse_submitted();
"""

UNLOCK = """
DROP TRIGGER IF EXISTS interviews_scorecard_submitted_lock ON interviews_scorecard;
DROP FUNCTION IF EXISTS interviews_scorecard_refuse_submitted();
DROP TRIGGER IF EXISTS interviews_questionrecord_submitted_lock ON interviews_questionrecord;
DROP FUNCTION IF EXISTS interviews_questionrecord_refuse_submitted();
"""


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunSQL(LOCK_RECORDS, reverse_sql=UNLOCK)]
