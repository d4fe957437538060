"""Hand-written SQL: what the ORM cannot say, in one place."""
