"""The seed pack, loaded through the real loader: the bank a new install starts with."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from questions.models import Category, Question
from questions.pack import export_pack, parse_pack, plan_pack

SEED = Path(settings.BASE_DIR) / "seeds" / "backend-developer.yaml"
CATEGORIES = [
    ("Programming Fundamentals", 5),
    ("Databases", 7),
    ("API Design", 3),
    ("DevOps", 3),
    ("Security", 4),
    ("Caching", 3),
    ("Messaging", 3),
    ("Monitoring", 3),
]

pytestmark = pytest.mark.django_db


def load_seed() -> str:
    out = StringIO()
    call_command("load_questions", str(SEED), stdout=out)
    return out.getvalue()


def test_the_seed_pack_loads_31_questions_in_8_ordered_categories():
    assert "31 created, 0 updated, 0 unchanged" in load_seed()
    assert Question.objects.published().count() == 31
    counts = Counter(Question.objects.values_list("category__name", flat=True))
    assert [(c.name, counts[c.name]) for c in Category.objects.all()] == CATEGORIES
    assert list(Category.objects.values_list("position", flat=True)) == list(range(8))
    assert Counter(Question.objects.values_list("difficulty", flat=True)) == {
        "easy": 7,
        "medium": 17,
        "hard": 7,
    }


def test_every_seed_question_is_complete():
    load_seed()
    for question in Question.objects.prefetch_related("anchors"):
        assert question.prompt.strip() and question.prompt_html, question.slug
        assert question.answer.strip() and question.answer_html, question.slug
        assert question.follow_up.strip() and question.follow_up_html, question.slug
        assert question.tags, question.slug
        anchors = question.anchors_by_level()
        assert sorted(anchors) == [1, 2, 3, 4], question.slug
        assert len({text.strip() for text in anchors.values()}) == 4, question.slug
        assert all(text.strip() for text in anchors.values()), question.slug


def test_the_answers_keep_code_blocks_and_tables():
    load_seed()
    answers = list(Question.objects.values_list("answer", "answer_html"))
    with_code = [html for source, html in answers if "```" in source]
    assert len(with_code) >= 10
    assert all("<pre" in html for html in with_code)
    assert any('<pre class="highlight">' in html for html in with_code)
    assert any("<table>" in html for _source, html in answers)


def test_a_second_load_changes_nothing():
    load_seed()
    before = list(Question.objects.values_list("slug", "updated_at"))
    assert "0 created, 0 updated, 31 unchanged" in load_seed()
    assert list(Question.objects.values_list("slug", "updated_at")) == before


def test_export_then_load_changes_nothing_and_round_trips_the_seed(tmp_path):
    load_seed()
    text = export_pack(Question.objects.all())
    assert not plan_pack(parse_pack(text, "export.yaml")).changes_anything
    # The export says exactly what the seed says (comments and layout aside).
    assert yaml.safe_load(text) == yaml.safe_load(SEED.read_text(encoding="utf-8"))
    path = tmp_path / "export.yaml"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_questions", str(path), stdout=out)
    assert "0 created, 0 updated, 31 unchanged" in out.getvalue()


def test_the_seed_pack_fixture_loads_the_bank(seed_pack, client_for, interviewer):
    html = client_for(interviewer).get("/questions/").content.decode()
    assert "31 questions" in html
    assert "Programming Fundamentals" in html
