"""`load_questions`: check the whole input, report every error, write all or nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.models import Category, Question, RubricAnchor
from questions.pack import PackInvalid, apply_pack, parse_documents, parse_pack

pytestmark = pytest.mark.django_db


def question(slug: str, category: str = "databases", **overrides) -> dict:
    entry = {
        "slug": slug,
        "title": f"About {slug}",
        "category": category,
        "difficulty": "medium",
        "status": "published",
        "tags": ["sql"],
        "prompt": f"Tell me about {slug}.\n",
        "answer": "It depends:\n\n```sql\nSELECT 1;\n```\n",
        "follow_up": "And then?\n",
        "rubric": {1: "Nothing.", 2: "A little.", 3: "Most of it.", 4: "All of it."},
    }
    entry.update(overrides)
    return entry


def pack(*questions: dict, categories: list | None = None, **top) -> dict:
    document = {
        "version": 1,
        "categories": categories
        if categories is not None
        else [
            {"slug": "databases", "name": "Databases"},
            {"slug": "caching", "name": "Caching"},
        ],
        "questions": list(questions),
    }
    document.update(top)
    return document


def write(tmp_path: Path, document: dict | str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def load(*paths, **options) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_questions", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def snapshot() -> tuple:
    """Everything a load could change, to show a failed load changed nothing."""
    return (
        list(Category.objects.values_list("slug", "name", "position")),
        list(Question.objects.values_list("slug", "title", "difficulty", "answer", "updated_at")),
        list(RubricAnchor.objects.values_list("question__slug", "level", "text")),
    )


def test_it_loads_a_pack_and_a_second_load_changes_nothing(tmp_path):
    path = write(tmp_path, pack(question("indexes"), question("ttl", category="caching")))
    assert "2 created, 0 updated, 0 unchanged" in load(path)
    assert list(Category.objects.values_list("slug", "position")) == [
        ("databases", 0),
        ("caching", 1),
    ]
    indexes = Question.objects.get(slug="indexes")
    assert indexes.anchors_by_level() == {
        1: "Nothing.",
        2: "A little.",
        3: "Most of it.",
        4: "All of it.",
    }
    assert '<span class="k">SELECT</span>' in indexes.answer_html
    before = snapshot()
    output = load(path)
    assert "0 created, 0 updated, 2 unchanged" in output
    assert "categories: 0 created, 0 updated, 2 unchanged" in output
    assert snapshot() == before


def test_it_updates_by_slug_and_replaces_anchors_per_level(tmp_path):
    load(write(tmp_path, pack(question("indexes"), question("ttl"))))
    untouched = Question.objects.get(slug="ttl").updated_at
    anchor_ids = dict(
        RubricAnchor.objects.filter(question__slug="indexes").values_list("level", "id")
    )
    changed = question(
        "indexes",
        difficulty="hard",
        rubric={1: "Nothing.", 2: "A little.", 3: "Explains B-trees.", 4: "All of it."},
    )
    output = load(write(tmp_path, pack(changed, question("ttl"))))
    assert "0 created, 1 updated, 1 unchanged" in output
    indexes = Question.objects.get(slug="indexes")
    assert indexes.difficulty == "hard"
    assert indexes.anchors_by_level()[3] == "Explains B-trees."
    assert dict(indexes.anchors.values_list("level", "id")) == anchor_ids
    assert Question.objects.get(slug="ttl").updated_at == untouched


def test_it_reports_three_errors_with_file_question_and_field_and_changes_nothing(tmp_path):
    load(write(tmp_path, pack(question("existing"))))
    before = snapshot()
    broken_rubric = {1: "a", 2: "b", 4: "d"}
    no_prompt = question("no-prompt")
    del no_prompt["prompt"]
    path = write(
        tmp_path,
        pack(
            question("existing", answer="would change"),
            question("bad-difficulty", difficulty="impossible"),
            no_prompt,
            question("short-rubric", rubric=broken_rubric),
        ),
        "broken.yaml",
    )
    with pytest.raises(CommandError) as failure:
        load(path)
    message = str(failure.value)
    assert message.startswith("3 errors; nothing was loaded:")
    assert (
        f"{path}: question bad-difficulty: difficulty: 'impossible' is not one of "
        "easy, medium, hard" in message
    )
    assert f"{path}: question no-prompt: prompt: missing" in message
    assert f"{path}: question short-rubric: rubric: missing level 3" in message
    assert snapshot() == before


def test_it_reports_top_level_category_and_index_errors(tmp_path):
    document = pack(
        question("Not A Slug!"),
        "just a string",
        question("fine", category="nowhere", extra="x"),
        categories=[{"slug": "databases"}, {"slug": "databases", "name": "Databases"}, 7],
        colour="blue",
    )
    with pytest.raises(CommandError) as failure:
        load(write(tmp_path, document, "p.yaml"))
    lines = str(failure.value).splitlines()[1:]
    assert lines == [
        f"{tmp_path}/p.yaml: {line}"
        for line in [
            "pack: colour: unknown key",
            "category databases: name: missing",
            "category #3: category: must be a mapping of slug and name, not number",
            "question #1: slug: may hold only letters, digits, hyphens and underscores",
            "question #2: question: must be a mapping, not string",
            "question fine: extra: unknown key",
        ]
    ]


def test_a_question_may_use_a_category_already_in_the_database(tmp_path):
    load(write(tmp_path, pack(question("first"))))
    output = load(write(tmp_path, pack(question("second"), categories=[]), "more.yaml"))
    assert "1 created, 0 updated, 1 unchanged" not in output  # only this pack's questions
    assert "1 created, 0 updated, 0 unchanged" in output
    with pytest.raises(CommandError, match="question third: category: unknown category 'nope'"):
        load(write(tmp_path, pack(question("third", category="nope"), categories=[]), "x.yaml"))


def test_an_unknown_version_is_refused_clearly(tmp_path):
    path = write(tmp_path, pack(question("indexes"), version=2))
    with pytest.raises(CommandError) as failure:
        load(path)
    assert f"{path}: pack: version: unsupported pack version 2; this Intervy reads version 1" in (
        str(failure.value)
    )
    assert not Question.objects.exists()
    with pytest.raises(CommandError, match="pack: version: missing"):
        document = pack(question("indexes"))
        del document["version"]
        load(write(tmp_path, document))


def test_dry_run_shows_what_would_change_and_writes_nothing(tmp_path):
    load(write(tmp_path, pack(question("kept"), question("edited"))))
    before = snapshot()
    document = pack(
        question("kept"),
        question("edited", title="New title", rubric={1: "w", 2: "x", 3: "y", 4: "z"}),
        question("brand-new"),
    )
    output = load(write(tmp_path, document), dry_run=True)
    assert "unchanged question kept" in output
    assert "update    question edited (title, rubric 1, rubric 2, rubric 3, rubric 4)" in output
    assert "create    question brand-new" in output
    assert "Dry run, nothing written: 1 created, 1 updated, 1 unchanged" in output
    assert snapshot() == before


def test_malformed_yaml_is_reported_with_the_file_name(tmp_path):
    path = write(tmp_path, "version: 1\nquestions:\n  - slug: x\n   title: bad indent\n")
    with pytest.raises(CommandError) as failure:
        load(path)
    assert f"{path}: pack: yaml: not valid YAML at line 4" in str(failure.value)


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(tmp_path):
    text = yaml.safe_dump(pack(question("indexes")), sort_keys=False)
    text = text.replace("  difficulty: medium\n", "  difficulty: medium\n  difficulty: hard\n")
    with pytest.raises(CommandError, match="found duplicate key 'difficulty'"):
        load(write(tmp_path, text))


def test_it_loads_folders_and_reports_errors_across_files(tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    write(folder, pack(question("one")), "a.yaml")
    write(folder, pack(question("two"), categories=[]), "b.yml")
    write(folder, "not a pack", "notes.txt")
    assert "2 created, 0 updated, 0 unchanged" in load(folder)

    write(folder, pack(question("one")), "c.yaml")
    with pytest.raises(CommandError) as failure:
        load(folder, tmp_path / "missing.yaml")
    message = str(failure.value)
    assert f"{tmp_path}/missing.yaml: pack: path: no such file or folder" in message

    with pytest.raises(CommandError) as failure:
        load(folder)
    assert (
        f"{folder}/c.yaml: question one: slug: duplicate: already used in {folder}/a.yaml"
        in str(failure.value)
    )


def test_tags_and_rubric_rules(tmp_path):
    document = pack(
        question("a", tags=["SQL", "ok"]),
        question("b", tags="sql"),
        question("c", rubric={1: "x", 2: "x", 3: "y", 4: "z"}),
        question("d", rubric={"1": "w", 2: "x", 3: "y", 4: "z", 5: "v"}),
        question("e", rubric={1: "", 2: "x", 3: "y", 4: "z"}),
        question("f", tags=["sql", "sql"]),
    )
    with pytest.raises(CommandError) as failure:
        load(write(tmp_path, document))
    message = str(failure.value)
    assert "question a: tags: 'SQL' is not a tag: lowercase letters, digits and hyphens" in message
    assert "question b: tags: must be a list of tags, not string" in message
    assert "question c: rubric: levels 1 and 2 have the same text" in message
    assert "question d: rubric: unknown level '1', 5 (levels are 1-4); missing level 1" in message
    assert "question e: rubric: level 1 must not be empty" in message
    assert "question f: tags: duplicate tags: sql" in message


def test_a_database_failure_mid_load_rolls_everything_back(tmp_path, monkeypatch):
    load(write(tmp_path, pack(question("existing"))))
    before = snapshot()

    def fail(*args, **kwargs):
        raise IntegrityError("simulated failure after the questions were saved")

    monkeypatch.setattr(RubricAnchor.objects, "bulk_create", fail)
    path = write(tmp_path, pack(question("existing", title="Changed"), question("new")))
    with pytest.raises(CommandError, match="simulated failure"):
        load(path)
    assert snapshot() == before


# --- Property: any input is either loaded whole or refused with the pack's own error -------

KEYS = ["version", "categories", "questions", "slug", "name", "title", "category", "difficulty"]
KEYS += ["status", "tags", "prompt", "answer", "follow_up", "rubric", 1, 2, 3, 4]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=6),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["databases", "easy", "published", "sql", "x", "", "\x00"]),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), children, max_size=6
        ),
    ),
    max_leaves=25,
)


def mutate(document: dict, path: list, value) -> dict:
    """A valid pack with one spot (found by following `path`) replaced by `value`."""
    target = document
    for step in path[:-1]:
        if isinstance(target, dict) and target:
            target = target[list(target)[step % len(target)]]
        elif isinstance(target, list) and target:
            target = target[step % len(target)]
    if isinstance(target, dict) and target:
        target[list(target)[path[-1] % len(target)]] = value
    elif isinstance(target, list) and target:
        target[path[-1] % len(target)] = value
    return document


def check_or_refuse(document) -> None:
    before = snapshot()
    try:
        apply_pack(parse_documents([("random.yaml", document)]))
    except PackInvalid as exc:
        assert exc.errors and all(str(error).startswith("random.yaml: ") for error in exc.errors)
        assert snapshot() == before


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=structures)
def test_random_structures_are_refused_cleanly(document):
    check_or_refuse(document)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=5), value=structures
)
def test_near_valid_packs_are_loaded_whole_or_refused_cleanly(path, value):
    document = mutate(pack(question("one"), question("two", category="caching")), path, value)
    check_or_refuse(document)


FIELDS = ["slug", "title", "category", "difficulty", "status", "tags", "prompt", "answer"]
FIELDS += ["follow_up", "rubric", "extra"]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(FIELDS), st.one_of(structures, st.text(max_size=30))),
        min_size=1,
        max_size=3,
    )
)
def test_packs_with_odd_field_values_are_loaded_whole_or_refused_cleanly(changes):
    document = pack(question("one"), question("two", category="caching"))
    for index, (name, value) in enumerate(changes):
        target = document["questions"][index % 2]
        if name == "rubric" and isinstance(value, str):
            rubric = target["rubric"] if isinstance(target["rubric"], dict) else {}
            target["rubric"] = {**rubric, 1 + index % 4: value}
        else:
            target[name] = value
    check_or_refuse(document)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_text_is_parsed_or_refused_cleanly(text):
    try:
        parse_pack(text, "typed.yaml")
    except PackInvalid as exc:
        assert all(str(error).startswith("typed.yaml: ") for error in exc.errors)


def test_the_error_format_is_file_item_field_message():
    with pytest.raises(PackInvalid) as failure:
        parse_pack(
            textwrap.dedent("""\
            version: 1
            categories: {}
            questions: []
        """),
            "inline.yaml",
        )
    assert [str(e) for e in failure.value.errors] == [
        "inline.yaml: pack: categories: must be a list, not mapping"
    ]
