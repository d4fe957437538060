"""Question versions: a change of prompt, answer or anchors is a new version, kept in a history;
every session question keeps the version it was asked in."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from interviews.models import SessionQuestion
from questions.models import Question, QuestionVersion
from questions.pack import apply_pack, export_pack, parse_pack
from tests.factories import make_category, make_position, make_question, make_session, make_template
from tests.test_admin import change_url, form_data
from tests.test_pack_loader import pack, question

pytestmark = pytest.mark.django_db


def kept(question: Question) -> list[tuple[int, str]]:
    """(number, prompt) of every kept version, oldest first."""
    return list(question.versions.order_by("number").values_list("number", "prompt"))


@pytest.fixture
def versioned(db) -> Question:
    """A question with its first version kept, as every writer leaves one."""
    made = make_question(prompt="Explain B-trees.")
    made.record_version()
    return made


def post_edit(client, question: Question, anchors=None, **changes):
    response = client.post(change_url(question), form_data(question, anchors, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    return response


@pytest.mark.parametrize(
    ("changes", "anchor_change"),
    [
        ({"prompt": "Explain B-trees and their fan-out."}, None),
        ({"answer": "A different reference answer."}, None),
        ({}, (3, "Most of it, and why the tree stays shallow.")),
    ],
    ids=["prompt", "answer", "anchor"],
)
def test_an_admin_edit_of_prompt_answer_or_anchor_is_a_new_version(
    client_for, admin_user, versioned, changes, anchor_change
):
    anchors = [(a.level, a.text) for a in versioned.anchors.order_by("level")]
    if anchor_change:
        anchors[anchor_change[0] - 1] = anchor_change
    post_edit(client_for(admin_user), versioned, anchors, **changes)
    assert versioned.version == 2
    latest = versioned.versions.get(number=2)
    assert latest.prompt == versioned.prompt
    assert latest.answer == versioned.answer
    assert latest.anchors == {str(level): text for level, text in anchors}
    assert versioned.versions.get(number=1).prompt == "Explain B-trees."


def test_a_no_op_save_and_other_fields_keep_the_version(client_for, admin_user, versioned):
    client = client_for(admin_user)
    post_edit(client, versioned)
    assert versioned.version == 1
    post_edit(client, versioned, title="B-trees, renamed", tags="btree", follow_up="Why not?")
    assert versioned.version == 1
    assert kept(versioned) == [(1, "Explain B-trees.")]


def test_each_edit_adds_one_version_and_the_admin_shows_them(client_for, admin_user, versioned):
    client = client_for(admin_user)
    post_edit(client, versioned, prompt="Second wording.")
    post_edit(client, versioned, prompt="Third <wording>.")
    assert versioned.version == 3
    assert kept(versioned) == [
        (1, "Explain B-trees."),
        (2, "Second wording."),
        (3, "Third <wording>."),
    ]
    html = client.get(change_url(versioned)).content.decode()
    assert "Earlier and current versions" in html
    assert "Explain B-trees." in html and "Second wording." in html
    assert "Third &lt;wording&gt;." in html  # escaped, never markup
    assert "<wording>" not in html


def test_adding_a_question_in_the_admin_keeps_version_1(client_for, admin_user):
    category = make_category()
    data = {
        "title": "New one",
        "slug": "new-one",
        "category": category.pk,
        "difficulty": "easy",
        "status": "draft",
        "tags": "",
        "prompt": "What is a join?",
        "answer": "",
        "follow_up": "",
        "anchors-TOTAL_FORMS": "4",
        "anchors-INITIAL_FORMS": "0",
        "anchors-MIN_NUM_FORMS": "4",
        "anchors-MAX_NUM_FORMS": "4",
    }
    for index, level in enumerate((1, 2, 3, 4)):
        data[f"anchors-{index}-level"] = str(level)
        data[f"anchors-{index}-text"] = f"level {level}"
    response = client_for(admin_user).post(reverse("admin:questions_question_add"), data)
    assert response.status_code == 302
    created = Question.objects.get(slug="new-one")
    assert created.version == 1
    assert created.versions.get().anchors == {str(n): f"level {n}" for n in (1, 2, 3, 4)}


def load(document: dict) -> None:
    apply_pack(parse_pack(yaml.safe_dump(document, sort_keys=False)))


def test_a_pack_load_versions_a_changed_question_and_not_an_unchanged_one():
    load(pack(question("joins"), question("indexes")))
    joins = Question.objects.get(slug="joins")
    assert joins.version == 1 and kept(joins) == [(1, "Tell me about joins.\n")]
    load(pack(question("joins"), question("indexes")))  # the same pack again
    assert QuestionVersion.objects.count() == 2
    load(pack(question("joins", prompt="Joins, again.\n"), question("indexes", title="Renamed")))
    joins.refresh_from_db()
    indexes = Question.objects.get(slug="indexes")
    assert joins.version == 2 and kept(joins)[-1] == (2, "Joins, again.\n")
    assert indexes.version == 1 and indexes.title == "Renamed"
    rubric = {1: "Nothing.", 2: "A little.", 3: "Most of it.", 4: "Every bit of it."}
    load(pack(question("joins", prompt="Joins, again.\n"), question("indexes", rubric=rubric)))
    indexes.refresh_from_db()
    assert indexes.version == 2
    assert indexes.versions.get(number=2).anchors["4"] == "Every bit of it."


def test_the_pack_format_does_not_carry_versions():
    load(pack(question("joins")))
    load(pack(question("joins", prompt="Changed.\n")))
    document = yaml.safe_load(export_pack(Question.objects.all()))
    assert "version" not in document["questions"][0]
    assert document["version"] == 1  # the pack format's own version, unchanged


def test_a_session_question_keeps_the_version_it_was_asked_in(
    client_for, admin_user, manager, interviewer
):
    source = make_question(prompt="Version one prompt.")
    source.record_version()
    template = make_template(questions=[source])
    position = make_position(manager)
    first = make_session(panel=[interviewer], position=position, template=template)
    post_edit(client_for(admin_user), source, prompt="Version two prompt.")
    second = make_session(panel=[interviewer], position=position, template=template)
    asked = dict(
        SessionQuestion.objects.filter(source_question=source).values_list(
            "session_id", "question_version"
        )
    )
    assert asked == {first.pk: 1, second.pk: 2}


def test_a_duplicate_starts_its_own_history(versioned):
    copy = versioned.duplicate_as_draft()
    assert copy.version == 1
    assert kept(copy) == [(1, "Explain B-trees.")]
    assert versioned.versions.count() == 1


def test_a_question_with_no_kept_version_keeps_its_old_wording_when_edited(client_for, admin_user):
    """A question written straight to the table (a bulk load) has no history yet."""
    bulk = make_question(prompt="Bulk-loaded wording.")
    assert not bulk.versions.exists()
    post_edit(client_for(admin_user), bulk, prompt="Edited wording.")
    assert bulk.version == 2
    assert kept(bulk) == [(1, "Bulk-loaded wording."), (2, "Edited wording.")]


def test_a_pack_load_over_a_question_with_no_kept_version_keeps_its_old_wording():
    load(pack(question("joins")))
    QuestionVersion.objects.all().delete()
    load(pack(question("joins", prompt="New.\n")))
    joins = Question.objects.get(slug="joins")
    assert kept(joins) == [(1, "Tell me about joins.\n"), (2, "New.\n")]
