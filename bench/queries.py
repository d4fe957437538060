"""The list pages' queries, built as the views build them, for EXPLAIN at any data size.

Used by tests/test_indexes.py (moderate data, sequential scans priced out) and by
`python bench/explain.py` / `make bench` (benchmark data, the planner's free choice).
Where a view builds its chain inline, the chain is replicated here and names the view.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from interviews.access import visible_scorecards_for_position
from interviews.models import (
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    SessionState,
)
from interviews.pages.exports import SESSION_QUESTION_BULK
from questions.models import Category, Question

# Tables a list page must never read whole.
BIG_TABLES = frozenset(
    {
        "interviews_interviewsession",
        "interviews_scorecard",
        "interviews_sessionquestion",
        "interviews_questionrecord",
        "questions_question",
    }
)


def list_page_queries(fixtures: dict[str, Any]) -> dict[str, QuerySet]:
    """Each list page's main query, against the generator's fixtures."""
    user = get_user_model().objects.get(username=fixtures["interviewer"])
    # interviews/views/home.py
    mine = InterviewSession.objects.for_panelist(user).select_related("candidate", "position")
    upcoming = mine.upcoming_or_running().order_by("scheduled_at", "id")
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
    export_position = fixtures["exports"][0]["position"]
    position_sessions = (
        InterviewSession.objects.filter(position_id=export_position)
        .select_related("candidate")
        .order_by("-scheduled_at", "-id")
    )
    # The export and the review pages: a position's submitted scorecards as its hiring
    # manager sees them (the blind-review door itself), then their records.
    position = Position.objects.select_related("hiring_manager").get(pk=export_position)
    manager = position.hiring_manager
    position_scorecards = (
        visible_scorecards_for_position(manager, position)
        .submitted()
        .select_related("session__candidate", "interviewer")
        .order_by("session__scheduled_at", "id")
    )
    position_records = (
        QuestionRecord.objects.filter(scorecard__in=position_scorecards)
        .select_related("session_question")
        .defer(*(f"session_question__{name}" for name in SESSION_QUESTION_BULK))
        .order_by("scorecard_id", "session_question__order")
    )
    # interviews/views/review.py: the compared candidates' submitted records.
    comparison = fixtures["comparisons"][0]
    compared_records = QuestionRecord.objects.filter(
        scorecard__session__position_id=comparison["position"],
        scorecard__session__candidate_id__in=comparison["candidates"],
        scorecard__submitted_at__isnull=False,
    ).select_related("scorecard__session", "session_question")
    scorecard_records = (
        QuestionRecord.objects.filter(
            scorecard__session_id=fixtures["scorecard_session"],
            scorecard__interviewer=user,
        )
        .select_related("session_question")
        .order_by("session_question__order")
    )
    session_questions = SessionQuestion.objects.filter(
        session_id=fixtures["runner_session"]
    ).order_by("order")
    # questions/views.py and the builder: published questions of one category and
    # difficulty, through the bank's one filter method.
    category = Category.objects.get(slug=fixtures["category_slug"])
    bank = (
        Question.objects.published()
        .with_category()
        .filtered(category=category, difficulty="medium")
    )
    return {
        "home_upcoming": upcoming,
        "home_completed": completed,
        "position_sessions": position_sessions,
        "position_scorecards": position_scorecards,
        "position_records": position_records,
        "compared_records": compared_records,
        "scorecard_records": scorecard_records,
        "session_questions": session_questions,
        "bank_filter": bank,
    }


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(queryset: QuerySet, *, analyze: bool = False, seqscan: bool = True) -> dict:
    """EXPLAIN (FORMAT JSON) of the queryset's SQL, optionally with sequential scans off."""
    sql, params = queryset.query.sql_with_params()
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN ({options}) {sql}", params)
            raw = cursor.fetchone()[0]
        finally:
            if not seqscan:
                cursor.execute("RESET enable_seqscan")
    document = json.loads(raw) if isinstance(raw, str) else raw
    return document[0]


def seq_scans(document: dict, tables: frozenset[str] = BIG_TABLES) -> list[str]:
    """Big tables the plan reads whole: a Seq Scan, or an index scanned end to end.

    An Index Scan without an Index Cond walks the entire index (the planner's way round
    `enable_seqscan = off` when no index fits the filter), so it counts as a full read.
    """
    whole = []
    for node in plan_nodes(document["Plan"]):
        if node.get("Relation Name") not in tables:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan" or (
            kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
        ):
            whole.append(f"{node['Relation Name']} ({kind})")
    return whole


def index_report(fixtures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per list-page query at this database's size: sequential scans and execution time."""
    report = {}
    for name, queryset in list_page_queries(fixtures).items():
        document = explain(queryset, analyze=True)
        report[name] = {
            "seq_scans": seq_scans(document),
            "indexes": sorted(
                {
                    node["Index Name"]
                    for node in plan_nodes(document["Plan"])
                    if "Index Name" in node
                }
            ),
            "execution_ms": round(document.get("Execution Time", 0.0), 2),
        }
    return report
