"""The pack loader bounds what a hostile pack can make it do: size, depth, aliases, messages.

Each hostile pack is refused quickly with a short error naming the file, through the
`load_questions` command and through the admin's upload alike, and nothing is written.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from questions.models import Question
from questions.pack import PACK_MAX_BYTES, PACK_MAX_ERRORS

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:questions_question_upload")


def billion_laughs(where: str) -> str:
    """About 450 bytes whose aliases expand to 9**9 (387 million) strings, put at `where`."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    body = "\n".join(f"  {line}" for line in lines)
    return f"version: 1\nlaughs:\n{body}\ncategories: []\nquestions:\n  - {where}: *i\n"


def deep_lists(depth: int) -> str:
    return "version: 1\ncategories: []\nquestions: " + "[" * depth + "]" * depth + "\n"


def deep_mappings(depth: int) -> str:
    return "version: 1\ncategories: []\nquestions: " + "{a: " * depth + "1" + "}" * depth + "\n"


def aliased_value(levels: int) -> str:
    """A value under the node bound whose full repr would still be megabytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in list(zip("abcdefgh", "bcdefghi", strict=True))[: levels - 1]:
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    last = "abcdefghi"[levels - 1]
    body = "\n".join(f"  - {line}" for line in lines)
    return (
        f"version: 1\ncategories: []\nquestions:\n{body}\n"
        f"  - {{slug: x, title: X, category: c, difficulty: *{last}, tags: [],"
        f" prompt: p, answer: a, follow_up: f, rubric: {{1: a, 2: b, 3: c, 4: d}}}}\n"
    )


def load_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(CommandError) as failure:
        call_command("load_questions", str(path), verbosity=0)
    assert time.monotonic() - started < 10, "the loader took too long to refuse it"
    assert not Question.objects.exists()
    return str(failure.value)


def upload(client, text: str) -> str:
    started = time.monotonic()
    response = client.post(UPLOAD, {"pack": SimpleUploadedFile("hostile.yaml", text.encode())})
    assert time.monotonic() - started < 10, "the upload took too long to refuse it"
    assert response.status_code == 200
    html = response.content.decode()
    assert "The pack was not loaded" in html or "larger than 2 MB" in html
    assert "Apply this pack" not in html
    assert not Question.objects.exists()
    return html


HOSTILE = {
    "billion-laughs-in-a-field": (
        billion_laughs("difficulty"),
        "more than 1,000,000 values once its aliases are expanded",
    ),
    "billion-laughs-as-a-key": (
        billion_laughs("? slug"),
        "more than 1,000,000 values once its aliases are expanded",
    ),
    "lists-10000-deep": (deep_lists(10_000), "nested deeper than 20 levels"),
    "mappings-5000-deep": (deep_mappings(5_000), "nested deeper than 20 levels"),
}


def test_a_billion_laughs_pack_is_about_450_bytes():
    assert 400 < len(billion_laughs("difficulty")) < 600


@pytest.mark.parametrize(("text", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_command_refuses_a_hostile_pack_quickly_and_briefly(tmp_path, text, message):
    output = load_file(tmp_path, text)
    assert "hostile.yaml: pack: yaml: not valid YAML at line" in output
    assert message in output
    assert len(output) < 1_000


@pytest.mark.parametrize(("text", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_admin_upload_refuses_a_hostile_pack_quickly_and_briefly(
    client_for, admin_user, text, message
):
    html = upload(client_for(admin_user), text)
    assert "hostile.yaml: pack: yaml: not valid YAML at line" in html
    assert message in html


def test_a_value_quoted_in_an_error_is_cut_short_however_big_it_expands(
    tmp_path, client_for, admin_user
):
    # 9**5 = 59,049 strings: under the node bound, but its repr would be 400 KB.
    text = aliased_value(5)
    output = load_file(tmp_path, text)
    assert "question x: difficulty: [[[...], [...], [...], [...], ...], " in output
    (line,) = [line for line in output.splitlines() if "question x: difficulty:" in line]
    assert line.endswith("is not one of easy, medium, hard")
    assert len(line) < 400
    html = upload(client_for(admin_user), text)
    assert "is not one of easy, medium, hard" in html
    assert len(html) < 50_000


def test_a_file_larger_than_the_bound_is_not_even_read(tmp_path):
    text = "version: 1\ncategories: []\nquestions: []\n# " + "x" * PACK_MAX_BYTES + "\n"
    output = load_file(tmp_path, text)
    assert output == "1 error; nothing was loaded:\n" + (
        f"{tmp_path / 'hostile.yaml'}: pack: file: larger than 2 MB; split it into several packs"
    )


def test_the_admin_refuses_an_upload_larger_than_the_bound(client_for, admin_user):
    text = "version: 1\ncategories: []\nquestions: []\n# " + "x" * PACK_MAX_BYTES + "\n"
    assert "The file is larger than 2 MB." in upload(client_for(admin_user), text)


def test_a_pack_with_thousands_of_errors_reports_the_first_ones_and_a_count(tmp_path):
    entries = "".join(f"  - slug: q{n}\n" for n in range(5_000))
    output = load_file(tmp_path, f"version: 1\ncategories: []\nquestions:\n{entries}")
    lines = output.splitlines()
    assert lines[0] == f"{PACK_MAX_ERRORS} errors; nothing was loaded:"
    assert len(lines) == PACK_MAX_ERRORS + 1
    # Eight missing fields for each of 5,000 questions, the first 199 of them shown.
    assert lines[-1].endswith(f"pack: errors: {8 * 5_000 - 199} more errors not shown")


def test_many_duplicate_tags_are_reported_in_one_short_line(tmp_path):
    tags = ", ".join(f"t{n % 3000}" for n in range(60_000))
    text = (
        "version: 1\ncategories: [{slug: c, name: C}]\nquestions:\n"
        f"  - {{slug: x, title: X, category: c, difficulty: easy, tags: [{tags}],"
        " prompt: p, answer: a, follow_up: f, rubric: {1: a, 2: b, 3: c, 4: d}}\n"
    )
    output = load_file(tmp_path, text)
    assert "question x: tags: duplicate tags: t0, t1, t10, t100, t1000, …" in output
    assert len(output) < 500
