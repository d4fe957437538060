"""`export_questions`: the same format back out, so an export loads back unchanged."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.models import Category, Question, Status
from questions.pack import export_pack, parse_pack, plan_pack
from tests.factories import make_category, make_question

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = StringIO()
    call_command("export_questions", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_pack_format_with_block_scalars_and_stable_keys():
    later = make_category("Later", position=2)
    first = make_category("First", position=1)
    question = make_question(category=later, tags=["sql", "joins"])
    make_question(category=first)
    text = export()
    document = yaml.safe_load(text)
    assert list(document) == ["version", "categories", "questions"]
    assert document["version"] == 1
    assert [c["name"] for c in document["categories"]] == ["First", "Later"]
    assert [q["category"] for q in document["questions"]] == [first.slug, later.slug]
    entry = document["questions"][1]
    assert list(entry) == [
        "slug",
        "title",
        "category",
        "difficulty",
        "status",
        "tags",
        "prompt",
        "answer",
        "follow_up",
        "rubric",
    ]
    assert entry["rubric"] == question.anchors_by_level()
    assert "  tags: [sql, joins]\n" in text
    assert "  answer: |\n    The **reference** answer.\n\n    ```python\n" in text


def test_loading_an_export_changes_nothing(tmp_path):
    category = make_category()
    for status in Status.values:
        make_question(category=category, status=status, answer="Tricky  \n\ttabs\nno newline")
    before = list(Question.objects.values_list("slug", "updated_at"))
    text = export()
    plan = plan_pack(parse_pack(text, "export.yaml"))
    assert [c.action for c in plan.questions] == ["unchanged"] * 3
    assert not plan.changes_anything
    out = StringIO()
    path = str(tmp_path / "export.yaml")
    call_command("export_questions", "--output", path, stderr=StringIO())
    call_command("load_questions", path, stdout=out)
    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert list(Question.objects.values_list("slug", "updated_at")) == before


def test_it_filters_by_status_and_category():
    databases = make_category("Databases", position=0)
    caching = make_category("Caching", position=1)
    published = make_question(category=databases)
    draft = make_question(category=databases, status=Status.DRAFT)
    cached = make_question(category=caching)

    def slugs(*args) -> list[str]:
        return [q["slug"] for q in yaml.safe_load(export(*args))["questions"]]

    assert slugs("--status", "draft") == [draft.slug]
    assert slugs("--status", "draft", "--status", "published") == [
        published.slug,
        draft.slug,
        cached.slug,
    ]
    assert slugs("--category", caching.slug) == [cached.slug]
    # Every category is written, so a partial export keeps the bank's category order.
    document = yaml.safe_load(export("--category", caching.slug))
    assert [c["slug"] for c in document["categories"]] == [databases.slug, caching.slug]
    with pytest.raises(CommandError, match="Unknown category: nope"):
        export("--category", "nope")


def test_it_writes_to_a_file(tmp_path):
    question = make_question()
    path = tmp_path / "bank.yaml"
    err = StringIO()
    call_command("export_questions", "--output", str(path), stderr=err)
    assert "Wrote 1 questions to" in err.getvalue()
    assert yaml.safe_load(path.read_text())["questions"][0]["slug"] == question.slug


def test_an_empty_bank_exports_an_empty_pack_that_loads():
    text = export()
    assert yaml.safe_load(text) == {"version": 1, "categories": [], "questions": []}
    assert parse_pack(text).questions == []


markdown_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=80,
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answer=st.one_of(markdown_text, st.sampled_from(["a\x85b", "x\u2028y", "\r\n", " lead\n"])),
    follow_up=markdown_text,
    anchor=markdown_text.filter(str.strip),
)
def test_any_text_round_trips_exactly(answer, follow_up, anchor):
    category = Category.objects.get_or_create(slug="round-trip", name="Round trip")[0]
    question = make_question(category=category, answer=answer)
    question.follow_up = follow_up
    question.save()
    question.anchors.filter(level=2).update(text=anchor)
    text = export_pack(Question.objects.filter(pk=question.pk))
    [spec] = parse_pack(text).questions
    assert (spec.answer, spec.follow_up, spec.rubric[2]) == (answer, follow_up, anchor)
    question.delete()
