"""generate_load_data: realistic rows, the benchmark's fixtures, and the same data per seed."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from interviews.management.commands.generate_load_data import (
    BENCH_INTERVIEWER,
    BENCH_MANAGER,
    BENCH_PASSWORD,
    read_marker,
)
from interviews.models import (
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    SessionState,
)
from intervy.roles import is_hiring_manager, is_interviewer
from questions.models import Question, RubricAnchor

SMALL = {
    "questions": 60,
    "sessions": 40,
    "scores": 800,
    "export_scorecards": [20, 200],
    "comparison_scorecards": [3, 30],
    "no_progress": True,
    "verbosity": 0,
}


def generate(**overrides) -> dict:
    call_command("generate_load_data", **{**SMALL, **overrides})
    marker = read_marker()
    assert marker is not None
    return marker


def snapshot() -> list:
    """Everything a reader of the data would see, ids included."""
    return [
        list(Question.objects.order_by("id").values_list("id", "slug", "difficulty", "status")),
        list(
            InterviewSession.objects.order_by("id").values_list(
                "id", "candidate_id", "position_id", "state", "scheduled_at"
            )
        ),
        list(
            Scorecard.objects.order_by("id").values_list(
                "id", "interviewer_id", "recommendation", "submitted_at"
            )
        ),
        list(QuestionRecord.objects.order_by("id").values_list("id", "score", "notes")),
    ]


@pytest.mark.django_db
def test_it_fills_every_table_with_consistent_rows():
    marker = generate()
    assert Question.objects.count() == 60
    assert RubricAnchor.objects.count() == 4 * 60
    # 40 bulk sessions plus the fixtures' sessions.
    assert InterviewSession.objects.count() > 40
    # Every panelist has one record per frozen question of their session.
    for scorecard in Scorecard.objects.select_related("session")[:50]:
        assert scorecard.records.count() == scorecard.session.questions.count() > 0
    # Submitted scorecards are complete; only unsubmitted ones lack a recommendation.
    assert not Scorecard.objects.submitted().filter(recommendation="").exists()
    assert QuestionRecord.objects.filter(score__isnull=False).count() > 400
    assert AuditEvent.objects.filter(action="submitted").count() == (
        Scorecard.objects.submitted().count()
    )
    assert marker["sizes"]["sessions"] == 40


@pytest.mark.django_db
def test_questions_carry_rendered_markdown_with_highlighted_code():
    generate()
    with_code = Question.objects.filter(answer__contains="```")
    assert with_code.count() == Question.objects.count()  # every answer skeleton has code
    question = with_code.first()
    assert "<pre" in question.answer_html and "highlight" in question.answer_html
    assert "```" not in question.answer_html
    # The bank's search column is filled as Question.save would fill it.
    assert question.title.lower() in question.search_text
    frozen = SessionQuestion.objects.first()
    source = Question.objects.get(pk=frozen.source_question_id)
    assert frozen.prompt_html == source.prompt_html
    assert set(frozen.anchors) == {"1", "2", "3", "4"}


@pytest.mark.django_db
def test_the_bench_users_sign_in_with_the_known_password_and_have_their_roles(client):
    generate()
    interviewer = User.objects.get(username=BENCH_INTERVIEWER)
    manager = User.objects.get(username=BENCH_MANAGER)
    assert is_interviewer(interviewer) and not is_hiring_manager(interviewer)
    assert is_hiring_manager(manager)
    response = client.post(
        reverse("login"), {"username": BENCH_INTERVIEWER, "password": BENCH_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(interviewer.pk)


@pytest.mark.django_db
def test_the_runner_fixture_is_running_with_ten_questions_and_the_bench_interviewer():
    fixtures = generate()["fixtures"]
    session = InterviewSession.objects.get(pk=fixtures["runner_session"])
    assert session.state == SessionState.IN_PROGRESS
    assert session.questions.count() == 10
    own = session.scorecards.get(interviewer__username=BENCH_INTERVIEWER)
    assert own.submitted_at is None
    answered = own.records.filter(Q(score__isnull=False) | Q(not_assessed=True))
    assert sorted(answered.values_list("session_question__order", flat=True)) == [1, 2, 3]
    assert own.current_question.order == 4


@pytest.mark.django_db
def test_the_comparison_and_export_fixtures_have_the_requested_scorecards():
    fixtures = generate()["fixtures"]
    for comparison in fixtures["comparisons"]:
        assert len(comparison["candidates"]) == 5
        for candidate in comparison["candidates"]:
            cards = Scorecard.objects.submitted().filter(
                session__position_id=comparison["position"], session__candidate_id=candidate
            )
            assert cards.count() == comparison["scorecards_per_candidate"]
    assert [e["scorecards"] for e in fixtures["exports"]] == [20, 200]
    for export in fixtures["exports"]:
        cards = Scorecard.objects.filter(session__position_id=export["position"])
        assert cards.count() == cards.submitted().count() == export["scorecards"]
        assert cards.first().session.position.hiring_manager.username == BENCH_MANAGER


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    with transaction.atomic():
        generate(seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    with transaction.atomic():
        generate(seed=7)
        assert snapshot() == first
        transaction.set_rollback(True)
    generate(seed=8)
    assert snapshot() != first


@pytest.mark.django_db
def test_it_refuses_to_fill_a_database_twice():
    generate()
    with pytest.raises(CommandError, match="fresh database"):
        generate()


@pytest.mark.django_db
def test_show_prints_the_recorded_sizes(capsys):
    generate(sessions=12)
    call_command("generate_load_data", show=True)
    shown = json.loads(capsys.readouterr().out)
    assert shown["sizes"]["sessions"] == 12
    assert shown["fixtures"]["interviewer"] == BENCH_INTERVIEWER
