"""Analytics (PRODUCT.md E): figures computed from submitted scorecards.

`figures` is pure (plain records in, dataclasses out); the database reads and the pages
that use it live beside it.
"""
