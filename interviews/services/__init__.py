"""Workflows that span several models, one module per topic, keyword-only arguments:
scheduling.py (a session and its panel), scorecards.py (draft, submit, amend),
decisions.py (a hiring decision on a loop). Single-model verbs live on the models."""
