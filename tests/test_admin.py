"""Curating the bank in the Django admin."""

from __future__ import annotations

from io import BytesIO

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions.models import Question, Status
from questions.pack import parse_pack, plan_pack
from tests.factories import make_category, make_question
from tests.test_markdown import HOSTILE, assert_inert

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:questions_question_changelist")
UPLOAD = reverse("admin:questions_question_upload")


def change_url(question: Question) -> str:
    return reverse("admin:questions_question_change", args=[question.pk])


def listed(response) -> list[str]:
    return [question.slug for question in response.context["cl"].result_list]


def form_data(question: Question, anchors: list[tuple[int, str]] | None = None, **changes) -> dict:
    """The POST a browser sends for the change form: the anchor rows as given."""
    data = {
        "title": question.title,
        "slug": question.slug,
        "category": question.category_id,
        "difficulty": question.difficulty,
        "status": question.status,
        "tags": ",".join(question.tags),
        "prompt": question.prompt,
        "answer": question.answer,
        "follow_up": question.follow_up,
        **changes,
    }
    stored = list(question.anchors.order_by("level"))
    anchors = anchors if anchors is not None else [(a.level, a.text) for a in stored]
    data.update(
        {
            "anchors-TOTAL_FORMS": str(len(anchors)),
            "anchors-INITIAL_FORMS": str(min(len(stored), len(anchors))),
            "anchors-MIN_NUM_FORMS": "4",
            "anchors-MAX_NUM_FORMS": "4",
        }
    )
    for index, (level, text) in enumerate(anchors):
        data[f"anchors-{index}-level"] = str(level)
        data[f"anchors-{index}-text"] = text
        data[f"anchors-{index}-question"] = str(question.pk)
        if index < len(stored):
            data[f"anchors-{index}-id"] = str(stored[index].pk)
    return data


def test_only_staff_reach_the_bank_admin(client_for, interviewer, manager):
    for user in (interviewer, manager):
        for url in (CHANGELIST, UPLOAD):
            response = client_for(user).get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))


def test_the_changelist_lists_questions_and_links_to_the_upload(client_for, admin_user):
    question = make_question(tags=["sql", "joins"])
    html = client_for(admin_user).get(CHANGELIST).content.decode()
    assert question.title in html
    assert "sql, joins" in html
    assert f'href="{UPLOAD}">Upload a pack</a>' in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [("bloom", "answer"), ("shard", "prompt"), ("kubernetes", "tag"), ("Zebra", "title")],
)
def test_search_covers_title_prompt_answer_and_tags(client_for, admin_user, term, expected):
    questions = {
        "answer": make_question(answer="Use a bloom filter."),
        "prompt": make_question(prompt="How would you shard it?"),
        "tag": make_question(tags=["kubernetes"]),
        "title": make_question(),
    }
    Question.objects.filter(pk=questions["title"].pk).update(title="Zebra crossings")
    response = client_for(admin_user).get(CHANGELIST, {"q": term})
    assert listed(response) == [questions[expected].slug]


def test_it_filters_by_tag_status_difficulty_and_category(client_for, admin_user):
    databases = make_category("Databases")
    sql = make_question(category=databases, tags=["sql"], difficulty="hard")
    draft = make_question(tags=["redis"], status=Status.DRAFT, difficulty="easy")
    client = client_for(admin_user)
    response = client.get(CHANGELIST, {"tag": "sql"})
    assert listed(response) == [sql.slug]
    assert ">redis</a>" in response.content.decode()  # the tag filter offers every tag
    assert listed(client.get(CHANGELIST, {"status__exact": "draft"})) == [draft.slug]
    assert listed(client.get(CHANGELIST, {"difficulty__exact": "hard"})) == [sql.slug]
    assert listed(client.get(CHANGELIST, {"category__id__exact": databases.pk})) == [sql.slug]


def run_action(client, action: str, *questions: Question):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [q.pk for q in questions]},
        follow=action != "export_yaml",
    )


def test_publish_and_archive_actions(client_for, admin_user):
    first, second = make_question(status=Status.DRAFT), make_question(status=Status.DRAFT)
    client = client_for(admin_user)
    response = run_action(client, "publish", first, second)
    assert "Published 2 questions." in response.content.decode()
    assert set(Question.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    response = run_action(client, "archive", first)
    assert "Archived 1 question." in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.ARCHIVED


def test_duplicate_makes_draft_copies_with_unique_slugs_and_anchors(client_for, admin_user):
    original = make_question(tags=["sql"])
    client = client_for(admin_user)
    run_action(client, "duplicate", original)
    response = run_action(client, "duplicate", original)
    assert f"{original.slug}-copy-2" in response.content.decode()
    copies = Question.objects.exclude(pk=original.pk).order_by("id")
    assert [c.slug for c in copies] == [f"{original.slug}-copy", f"{original.slug}-copy-2"]
    for copy in copies:
        assert copy.status == Status.DRAFT
        assert copy.title == f"{original.title} (copy)"
        assert copy.tags == ["sql"] and copy.answer_html == original.answer_html
        assert copy.anchors_by_level() == original.anchors_by_level()


def test_export_selected_downloads_a_pack_that_loads_back_unchanged(client_for, admin_user):
    chosen, _other = make_question(tags=["sql"]), make_question()
    response = run_action(client_for(admin_user), "export_yaml", chosen)
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"].startswith('attachment; filename="questions-')
    text = response.content.decode()
    document = yaml.safe_load(text)
    assert [q["slug"] for q in document["questions"]] == [chosen.slug]
    assert document["questions"][0]["rubric"] == chosen.anchors_by_level()
    plan = plan_pack(parse_pack(text, "export.yaml"))
    assert [c.action for c in plan.questions] == ["unchanged"]


def test_the_change_page_shows_four_anchors_and_a_sanitized_preview(client_for, admin_user):
    question = make_question(prompt=HOSTILE, answer="| a | b |\n|---|---|\n| 1 | 2 |\n")
    response = client_for(admin_user).get(change_url(question))
    html = response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 4
    start = html.index('<div class="question-preview markdown">')
    end = html.index("</div>", html.index('class="preview-follow-up"', start))
    preview = html[start:end]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "<td>1</td>" in preview
    assert_inert(preview)
    assert "<script>alert" not in html and "<img src=x onerror" not in html
    assert "css/pygments.css" in html


def test_the_add_page_starts_with_levels_1_to_4(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:questions_question_add"))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.initial.get("level") for form in formset.forms] == [1, 2, 3, 4]


def test_saving_keeps_markdown_exactly_and_replaces_anchor_text(client_for, admin_user):
    question = make_question()
    anchors = [(1, "Nothing.\n"), (2, "Some.\n"), (3, "Most.\n"), (4, "All, with trade-offs.\n")]
    data = form_data(question, anchors, answer="Line one\r\n\r\n- item\r\n", tags="SQL, joins")
    response = client_for(admin_user).post(change_url(question), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Line one\n\n- item\n"
    assert "<li>item</li>" in question.answer_html
    assert question.tags == ["sql", "joins"]
    assert question.anchors_by_level() == dict(anchors)


@pytest.mark.parametrize(
    ("anchors", "message"),
    [
        ([(1, "a"), (2, "b"), (3, "c")], "Please submit at least 4 forms."),
        ([(1, "a"), (2, "b"), (2, "c"), (4, "d")], "with this Question and Level already exists"),
        ([(1, "a"), (2, "b"), (3, "c"), (4, "a")], "must say something different"),
        ([(1, "a"), (2, "b"), (3, " "), (4, "d")], "Describe what an answer at this level"),
        ([(1, "a"), (2, "b"), (3, "c"), (5, "d")], "Select a valid choice. 5 is not one"),
    ],
)
def test_the_rubric_must_have_four_distinct_levels(client_for, admin_user, anchors, message):
    question = make_question()
    before = question.anchors_by_level()
    response = client_for(admin_user).post(change_url(question), form_data(question, anchors))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert question.anchors_by_level() == before


def test_a_new_question_needs_all_four_levels(client_for, admin_user):
    category = make_category()
    data = {
        "title": "Fresh",
        "slug": "fresh",
        "category": category.pk,
        "difficulty": "easy",
        "status": "draft",
        "tags": "new",
        "prompt": "Why?",
        "answer": "",
        "follow_up": "",
        "anchors-TOTAL_FORMS": "4",
        "anchors-INITIAL_FORMS": "0",
        "anchors-MIN_NUM_FORMS": "4",
        "anchors-MAX_NUM_FORMS": "4",
    }
    for index, level in enumerate((1, 2, 3, 4)):
        data[f"anchors-{index}-level"] = str(level)
        data[f"anchors-{index}-text"] = f"level {level}" if level != 4 else ""
    client = client_for(admin_user)
    response = client.post(reverse("admin:questions_question_add"), data)
    assert "This field is required." in response.content.decode()
    assert not Question.objects.filter(slug="fresh").exists()
    data["anchors-3-text"] = "level 4"
    assert client.post(reverse("admin:questions_question_add"), data).status_code == 302
    assert Question.objects.get(slug="fresh").anchors_by_level()[4] == "level 4"


def test_a_bad_tag_is_refused(client_for, admin_user):
    question = make_question()
    response = client_for(admin_user).post(
        change_url(question), form_data(question, tags="fine, not ok!")
    )
    assert "Not a tag: not ok!" in response.content.decode()


# --- Uploading a pack -----------------------------------------------------------------

PACK = """\
version: 1
categories:
  - slug: databases
    name: Databases
questions:
  - slug: {slug}
    title: Indexes
    category: databases
    difficulty: {difficulty}
    tags: [sql]
    prompt: What is an index?
    answer: A sorted structure.
    follow_up: When does it hurt?
    rubric:
      1: Does not know.
      2: Vague.
      3: Explains B-trees.
      4: Explains write costs too.
"""


def upload(client, text: str, name: str = "pack.yaml"):
    return client.post(UPLOAD, {"pack": SimpleUploadedFile(name, text.encode())})


def test_upload_previews_then_applies_on_confirm(client_for, admin_user):
    existing = make_question()
    client = client_for(admin_user)
    assert "Upload a question pack" in client.get(UPLOAD).content.decode()
    response = upload(client, PACK.format(slug="indexes", difficulty="easy"))
    html = response.content.decode()
    assert "Preview of pack.yaml" in html
    assert "1 created, 0 updated, 0 unchanged" in html
    assert "<td>create</td><td>question</td><td>indexes</td>" in html
    assert not Question.objects.filter(slug="indexes").exists()  # nothing yet

    token = response.context["token"]
    response = client.post(UPLOAD, {"token": token}, follow=True)
    assert "Loaded pack.yaml: 1 created, 0 updated, 0 unchanged" in response.content.decode()
    loaded = Question.objects.get(slug="indexes")
    assert loaded.anchors_by_level()[3] == "Explains B-trees."
    assert Question.objects.filter(pk=existing.pk).exists()

    # The same token cannot apply twice.
    response = client.post(UPLOAD, {"token": token}, follow=True)
    assert "expired or was already applied" in response.content.decode()


def test_upload_preview_names_the_fields_an_update_changes(client_for, admin_user):
    client = client_for(admin_user)
    client.post(
        UPLOAD,
        {"token": upload(client, PACK.format(slug="idx", difficulty="easy")).context["token"]},
    )
    response = upload(client, PACK.format(slug="idx", difficulty="hard"))
    assert "<td>update</td><td>question</td><td>idx</td><td>difficulty</td>" in (
        response.content.decode()
    )
    again = upload(client, PACK.format(slug="idx", difficulty="easy"))
    assert "<td>unchanged</td><td>question</td><td>idx</td>" in again.content.decode()
    assert "Nothing to change: the bank already holds this pack." in again.content.decode()


def test_upload_lists_every_error_and_writes_nothing(client_for, admin_user):
    text = (
        PACK.format(slug="indexes", difficulty="trivial")
        .replace("    prompt: What is an index?\n", "")
        .replace("      3: Explains B-trees.\n", "")
    )
    response = upload(client_for(admin_user), text, "broken.yaml")
    html = response.content.decode()
    assert "3 errors" in html
    assert "broken.yaml: question indexes: difficulty: &#x27;trivial&#x27; is not one of" in html
    assert "broken.yaml: question indexes: prompt: missing" in html
    assert "broken.yaml: question indexes: rubric: missing level 3" in html
    assert "Apply this pack" not in html
    assert not Question.objects.exists()


def test_upload_rejects_malformed_yaml_with_the_file_name(client_for, admin_user):
    response = upload(client_for(admin_user), "version: 1\nquestions: [unclosed\n", "bad.yaml")
    assert "bad.yaml: pack: yaml: not valid YAML at line" in response.content.decode()


def test_upload_revalidates_on_apply(client_for, admin_user):
    client = client_for(admin_user)
    response = upload(client, PACK.format(slug="indexes", difficulty="easy"))
    # Between preview and confirm, someone renames the category the pack would reuse.
    make_category("Databases").__class__.objects.filter(name="Databases").update(slug="dbs")
    response = client.post(UPLOAD, {"token": response.context["token"]})
    assert "already the name of stored category dbs" in response.content.decode()
    assert not Question.objects.filter(slug="indexes").exists()


def test_upload_refuses_a_non_utf8_file(client_for, admin_user):
    response = client_for(admin_user).post(
        UPLOAD, {"pack": SimpleUploadedFile("x.yaml", BytesIO(b"\xff\xfe").read())}
    )
    assert "The file is not UTF-8 text." in response.content.decode()
