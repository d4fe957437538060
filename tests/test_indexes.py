"""The list pages' queries use indexes, shown by EXPLAIN on a moderate generated data set.

The data comes from `generate_load_data` (2,000 sessions, about 40,000 question records,
3,000 questions, the benchmark's ratio of interviewers to sessions), analysed, so the
planner sees realistic statistics. Each query is the QuerySet a page runs, built from the
model QuerySet methods the views call (`for_panelist`, `upcoming_or_running`, `submitted`,
`published`); where a view builds a longer chain inline, the chain is replicated here and
the comment names the page.

What is asserted: with sequential scans priced out (see `explain`), none remains over
sessions, scorecards, session questions or question records (nor over the question bank
for the bank filter): an index serves every filter, join and ordering of these pages. At
benchmark size the planner picks those indexes on its own; `bench/explain.py` prints the
plans there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from interviews.management.commands.generate_load_data import (
    BENCH_INTERVIEWER,
    BENCH_MANAGER,
    read_marker,
)
from interviews.models import (
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    SessionState,
)
from questions.models import Category, Question

BIG_TABLES = {
    "interviews_interviewsession",
    "interviews_scorecard",
    "interviews_questionrecord",
    "interviews_sessionquestion",
}


@pytest.fixture(scope="module")
def load_data(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """Generated once for the module inside a transaction that is rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "generate_load_data",
            questions=3000,
            sessions=2000,
            scores=40000,
            # As many interviewers per session as at benchmark size, so the planner sees
            # the same selectivity for "my sessions" (each interviewer on ~2% of them).
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


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(queryset: QuerySet) -> list[dict[str, Any]]:
    """The plan with sequential scans priced out: one remains only where no index serves.

    At this moderate size a table of a few hundred pages is cheaper to read whole than
    through an index, so the planner's free choice would say nothing about indexes;
    with `enable_seqscan` off it still scans sequentially when no index can do the job.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            raw = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_seqscan")
    document = json.loads(raw) if isinstance(raw, str) else raw
    return list(plan_nodes(document[0]["Plan"]))


def seq_scans(queryset: QuerySet, tables: set[str]) -> list[str]:
    return [
        node["Relation Name"]
        for node in explain(queryset)
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables
    ]


def assert_indexed(queryset: QuerySet, tables: set[str] = BIG_TABLES) -> None:
    scanned = seq_scans(queryset, tables)
    assert not scanned, f"sequential scan over {scanned}:\n{queryset.query}"


def test_an_interviewers_upcoming_sessions_use_indexes(load_data, db):
    # interviews/views/home.py, "upcoming".
    user = User.objects.get(username=BENCH_INTERVIEWER)
    mine = InterviewSession.objects.for_panelist(user).select_related("candidate", "position")
    upcoming = mine.upcoming_or_running().order_by("scheduled_at", "id")
    assert upcoming.filter(pk=load_data["runner_session"]).exists()
    assert_indexed(upcoming)


def test_an_interviewers_recent_completed_sessions_use_indexes(load_data, db):
    # interviews/views/home.py, "completed".
    user = User.objects.get(username=BENCH_INTERVIEWER)
    mine = InterviewSession.objects.for_panelist(user).select_related("candidate", "position")
    completed = (
        mine.filter(state=SessionState.COMPLETED)
        .annotate(
            my_scorecard_submitted=Exists(
                Scorecard.objects.filter(
                    session=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
                )
            )
        )
        .order_by("-completed_at", "-id")[:10]
    )
    assert load_data["scorecard_session"] in [s.pk for s in completed]
    assert_indexed(completed)


def test_a_positions_sessions_use_indexes(load_data, db):
    position = Position.objects.get(pk=load_data["exports"][0]["position"])
    sessions = (
        InterviewSession.objects.filter(position=position)
        .select_related("candidate")
        .order_by("-scheduled_at", "-id")
    )
    assert sessions.count() == 50
    assert_indexed(sessions)


def test_a_positions_submitted_scorecards_use_indexes(load_data, db):
    # The export and the review pages: a position's submitted scorecards, then their records.
    position = Position.objects.get(pk=load_data["exports"][0]["position"])
    assert position.hiring_manager.username == BENCH_MANAGER
    scorecards = (
        Scorecard.objects.submitted()
        .filter(session__position=position)
        .select_related("session__candidate", "interviewer")
        .order_by("session__scheduled_at", "id")
    )
    assert scorecards.count() == 100
    assert_indexed(scorecards)
    records = (
        QuestionRecord.objects.filter(scorecard__in=scorecards)
        .select_related("session_question")
        .order_by("scorecard_id", "session_question__order")
    )
    assert records.count() == 100 * 10
    assert_indexed(records)


def test_comparing_candidates_uses_indexes(load_data, db):
    # interviews/views/review.py: the compared candidates' submitted records in one position.
    fixture = load_data["comparisons"][0]
    records = QuestionRecord.objects.filter(
        scorecard__session__position_id=fixture["position"],
        scorecard__session__candidate_id__in=fixture["candidates"],
        scorecard__submitted_at__isnull=False,
    ).select_related("scorecard__session", "session_question")
    assert {r.scorecard.session.candidate_id for r in records} == set(fixture["candidates"])
    assert_indexed(records)


def test_a_scorecards_records_use_indexes(load_data, db):
    scorecard = Scorecard.objects.get(
        session_id=load_data["scorecard_session"], interviewer__username=BENCH_INTERVIEWER
    )
    records = (
        QuestionRecord.objects.filter(scorecard=scorecard)
        .select_related("session_question")
        .order_by("session_question__order")
    )
    assert [r.session_question.order for r in records] == list(range(1, 11))
    assert_indexed(records)


def test_a_sessions_questions_use_indexes(load_data, db):
    questions = SessionQuestion.objects.filter(session_id=load_data["runner_session"]).order_by(
        "order"
    )
    assert len(questions) == 10
    assert_indexed(questions)


def test_the_bank_filter_uses_indexes(load_data, db):
    # questions/views.py: published questions of one category and difficulty.
    category = Category.objects.get(slug=load_data["category_slug"])
    questions = (
        Question.objects.published().with_category().filter(category=category, difficulty="medium")
    )
    assert questions.exists()
    assert_indexed(questions, {"questions_question"})
