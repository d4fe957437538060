"""The list pages' queries use indexes, shown by EXPLAIN on a moderate generated data set.

The data comes from `generate_load_data` (2,000 sessions, about 40,000 question records,
3,000 questions, the benchmark's ratio of interviewers to sessions), analysed, so the
planner sees realistic statistics. The queries are the list pages' own, built in
bench/queries.py from the model QuerySet methods the views call (`for_panelist`,
`upcoming_or_running`, `submitted`, `published`).

What is asserted: with sequential scans priced out (see `assert_indexed`), none remains over
sessions, scorecards, session questions or question records (nor over the question bank
for the bank filter): an index serves every filter, join and ordering of these pages. At
benchmark size the planner picks those indexes on its own; `bench/explain.py` prints the
plans there (`make bench` records them in its results).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.management.commands.generate_load_data import BENCH_MANAGER, read_marker
from bench.queries import explain, list_page_queries, seq_scans
from interviews.models import Position, QuestionRecord


@pytest.fixture(scope="module")
def load_data(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """Generated once for the module inside a transaction that is rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "generate_load_data",
            questions=3000,
            sessions=2000,
            scores=40000,
            # As many interviewers per session as at benchmark size, so "my sessions"
            # has the same selectivity (each interviewer on about 2% of them).
            interviewers=200,
            export_scorecards=[100],
            comparison_scorecards=[3],
            no_progress=True,
            verbosity=0,
        )
        marker = read_marker()
        assert marker is not None
        yield marker["fixtures"]
        transaction.set_rollback(True)


@pytest.fixture
def queries(load_data, db) -> dict:
    return list_page_queries(load_data)


def assert_indexed(name: str, queries: dict) -> None:
    """With sequential scans priced out, one remains only where no index serves.

    At this moderate size a table of a few hundred pages is cheaper to read whole than
    through an index, so the planner's free choice would say nothing about indexes;
    with `enable_seqscan` off it still scans sequentially when no index can do the job.
    """
    scanned = seq_scans(explain(queries[name], seqscan=False))
    assert not scanned, f"{name}: sequential scan over {scanned}:\n{queries[name].query}"


def test_an_interviewers_upcoming_sessions_use_indexes(load_data, queries):
    assert queries["home_upcoming"].filter(pk=load_data["runner_session"]).exists()
    assert_indexed("home_upcoming", queries)


def test_an_interviewers_recent_completed_sessions_use_indexes(load_data, queries):
    assert load_data["scorecard_session"] in [s.pk for s in queries["home_completed"]]
    assert_indexed("home_completed", queries)


def test_a_positions_sessions_use_indexes(queries):
    assert queries["position_sessions"].count() == 50
    assert_indexed("position_sessions", queries)


def test_a_positions_submitted_scorecards_and_their_records_use_indexes(load_data, queries):
    position = Position.objects.get(pk=load_data["exports"][0]["position"])
    assert position.hiring_manager.username == BENCH_MANAGER
    assert queries["position_scorecards"].count() == 100
    assert queries["position_records"].count() == 100 * 10
    assert_indexed("position_scorecards", queries)
    assert_indexed("position_records", queries)


def test_comparing_candidates_uses_indexes(load_data, queries):
    fixture = load_data["comparisons"][0]
    seen = {r.scorecard.session.candidate_id for r in queries["compared_records"]}
    assert seen == set(fixture["candidates"])
    assert_indexed("compared_records", queries)


def test_a_scorecards_records_use_indexes(queries):
    orders = [r.session_question.order for r in queries["scorecard_records"]]
    assert orders == list(range(1, 11))
    assert_indexed("scorecard_records", queries)


def test_a_sessions_questions_use_indexes(queries):
    assert len(queries["session_questions"]) == 10
    assert_indexed("session_questions", queries)


def test_the_bank_filter_uses_indexes(queries):
    assert {q.difficulty for q in queries["bank_filter"]} == {"medium"}
    assert_indexed("bank_filter", queries)


def test_a_filter_without_an_index_is_caught(load_data, db):
    # The check itself can fail: nothing indexes time spent on a question.

    scanned = seq_scans(explain(QuestionRecord.objects.filter(seconds_spent=120), seqscan=False))
    assert scanned and scanned[0].startswith("interviews_questionrecord")
