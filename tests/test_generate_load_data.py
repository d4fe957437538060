"""generate_load_data: realistic rows, the benchmark's fixtures, and the same data per seed.

Also: its row shapes are exactly the models' fields (`columns()` checks them against
`_meta`), its bench users' password is drawn per database, and the command exists only
where the `bench` app is installed (the benchmark and test settings, not production).
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from bench.management.commands import generate_load_data
from bench.management.commands.generate_load_data import (
    BENCH_INTERVIEWER,
    BENCH_MANAGER,
    ROW_FIELDS,
    columns,
    read_marker,
)
from interviews.models import (
    Amendment,
    AuditEvent,
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    SessionState,
    TemplateQuestion,
)
from intervy.roles import is_hiring_manager, is_interviewer
from questions.models import Category, Question, RubricAnchor
from tests.production_env import production_env, run_json

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
def test_the_bench_users_sign_in_with_the_recorded_password_and_have_their_roles(client):
    password = generate()["fixtures"]["password"]
    interviewer = User.objects.get(username=BENCH_INTERVIEWER)
    manager = User.objects.get(username=BENCH_MANAGER)
    assert is_interviewer(interviewer) and not is_hiring_manager(interviewer)
    assert is_hiring_manager(manager)
    response = client.post(reverse("login"), {"username": BENCH_INTERVIEWER, "password": password})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(interviewer.pk)
    assert manager.check_password(password)


@pytest.mark.django_db
def test_each_generated_database_gets_its_own_password_even_with_the_same_seed():
    with transaction.atomic():
        first = generate(seed=3)["fixtures"]["password"]
        transaction.set_rollback(True)
    second = generate(seed=3)["fixtures"]["password"]
    assert len(first) >= 20 and len(second) >= 20
    assert first != second
    assert User.objects.get(username=BENCH_INTERVIEWER).check_password(second)
    assert not User.objects.get(username=BENCH_INTERVIEWER).check_password(first)
    # And none is written in the generator's code.
    source = generate_load_data.__file__
    with open(source, encoding="utf-8") as code:
        text = code.read()
    assert first not in text and "BENCH_PASSWORD" not in text
    # The pool users cannot sign in at all.
    pool = User.objects.filter(username__startswith="load-").first()
    assert pool is not None and not pool.has_usable_password()


# --- the row shapes: exactly the models' fields, names from _meta ---------------------

COPIED_MODELS = {
    User,
    User.groups.through,
    Category,
    Question,
    RubricAnchor,
    Position,
    Candidate,
    InterviewTemplate,
    TemplateQuestion,
    InterviewSession,
    SessionQuestion,
    Scorecard,
    QuestionRecord,
    Amendment,
    AuditEvent,
}


def test_every_copied_model_has_a_row_shape():
    assert set(ROW_FIELDS) == COPIED_MODELS


@pytest.mark.parametrize("model", sorted(COPIED_MODELS, key=lambda m: m._meta.label))
def test_each_row_shape_is_exactly_the_models_columns(model):
    written = columns(model)
    concrete = [field.column for field in model._meta.concrete_fields]
    assert len(written) == len(set(written))
    if model is User.groups.through:
        # The memberships are numbered by their sequence: only the primary key is left out.
        assert set(concrete) - set(written) == {"id"}
    else:
        assert sorted(written) == sorted(concrete)


def test_a_field_the_generator_does_not_write_stops_it_with_the_fields_name(monkeypatch):
    shape = ROW_FIELDS[Position].replace(" is_open", "")
    monkeypatch.setitem(ROW_FIELDS, Position, shape)
    with pytest.raises(ImproperlyConfigured, match=r"interviews.Position.*missing \['is_open'\]"):
        columns(Position)


def test_a_name_that_is_no_field_of_the_model_stops_it_too(monkeypatch):
    monkeypatch.setitem(ROW_FIELDS, Candidate, ROW_FIELDS[Candidate] + " phone")
    with pytest.raises(ImproperlyConfigured, match=r"unknown \['phone'\]"):
        columns(Candidate)


def test_the_columns_are_the_tables_own_names_from_meta(monkeypatch):
    # A field whose column is named differently from the field is written to its column.
    field = Candidate._meta.get_field("full_name")
    monkeypatch.setattr(field, "column", "candidate_full_name")
    assert "candidate_full_name" in columns(Candidate)
    assert "full_name" not in columns(Candidate)


@pytest.mark.django_db
def test_the_fields_added_after_the_first_shapes_carry_what_the_app_would_write():
    generate()
    frozen = SessionQuestion.objects.select_related("source_question")[:200]
    assert frozen and all(q.question_version == q.source_question.version == 1 for q in frozen)
    cancelled = InterviewSession.objects.filter(state=SessionState.CANCELLED)
    for session in cancelled:
        assert session.cancelled_at is not None and session.cancelled_at < session.scheduled_at
        assert session.invite_sequence == 1
    assert not InterviewSession.objects.exclude(state=SessionState.CANCELLED).filter(
        cancelled_at__isnull=False
    )
    assert AuditEvent.objects.exists()
    assert not AuditEvent.objects.exclude(reason="").exists()
    assert not AuditEvent.objects.filter(decision__isnull=False).exists()


# --- only the benchmark and the tests install it --------------------------------------


def test_the_tests_install_the_bench_app():
    assert apps.is_installed("bench")


def test_production_settings_have_no_bench_app_and_no_load_generator():
    result = run_json(
        "import json\n"
        "from django.apps import apps\n"
        "from django.core.management import get_commands\n"
        "print(json.dumps({'bench': apps.is_installed('bench'),"
        " 'command': 'generate_load_data' in get_commands()}))",
        production_env(),
    )
    assert result == {"bench": False, "command": False}


def test_the_benchmark_settings_install_it():
    result = run_json(
        "import json\n"
        "from django.apps import apps\n"
        "from django.core.management import get_commands\n"
        "print(json.dumps({'bench': apps.is_installed('bench'),"
        " 'command': get_commands().get('generate_load_data')}))",
        production_env(DJANGO_SETTINGS_MODULE="bench.settings"),
    )
    assert result == {"bench": True, "command": "bench"}


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
