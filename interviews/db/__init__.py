"""The one home of Intervy's hand-written SQL.

Only statements that say what the ORM cannot stay here: the scorecard share-locked
(`FOR SHARE`) while a record changes, the notes' revision checked on the updated row
itself, the old value carried into the audit event by `RETURNING` in the same statement.
Every table and column is named through `Model._meta` (`names`), never typed, and each
statement has a test holding its result equal to the ORM's (tests/test_db_*.py).
Measurements are in the README ("Hand-made pieces, measured").
"""
