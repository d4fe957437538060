"""Question packs: the YAML format the bank is loaded from and exported to.

One module, used by `load_questions`, `export_questions` and the admin's upload and export,
so the command line and the admin can never disagree about what a pack means.

Reading a pack is three steps: `read_sources` (files or folders to text), `parse_pack`
(text to a checked `Pack`, collecting every error rather than stopping at the first) and
`plan_pack` / `apply_pack` (compare with the database; write all of it or none of it).
"""

from __future__ import annotations

import re
import reprlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Field

from questions.models import (
    RUBRIC_LEVELS,
    Category,
    Difficulty,
    Question,
    RubricAnchor,
    Status,
    record_versions,
)

PACK_VERSION = 1

# Bounds on what a pack may make the loader do, so a hostile file is refused quickly
# rather than eating memory or CPU. The seed pack is 60 KB, nests 5 levels and has about
# 900 nodes; these leave room for banks far larger than any real one.
PACK_MAX_BYTES = 2_000_000
PACK_MAX_DEPTH = 20
# Nodes after every alias is expanded. Aliases make shared references, not copies, but
# anything that walks the data (an error message quoting a value) would walk the
# expansion: ~450 bytes of nested aliases are a billion nodes.
PACK_MAX_NODES = 1_000_000
PACK_MAX_ERRORS = 200

CATEGORY_KEYS = ("slug", "name")
QUESTION_KEYS = ("slug", *Question.CONTENT_FIELDS, "rubric")
OPTIONAL_QUESTION_KEYS = frozenset({"status"})
# The fields compared to decide "unchanged"; the rubric is compared level by level.
COMPARED_FIELDS = Question.CONTENT_FIELDS

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
TAG_PATTERN = re.compile(r"[a-z0-9-]+")


def _max_length(field: Field[Any, Any]) -> int:
    """A CharField's `max_length` (Django types it optional; these fields all set one)."""
    if field.max_length is None:
        raise ImproperlyConfigured(f"{field} needs a max_length for pack checks")
    return field.max_length


_SLUG_MAX = _max_length(Question._meta.get_field("slug"))
_CATEGORY_SLUG_MAX = _max_length(Category._meta.get_field("slug"))
_CATEGORY_NAME_MAX = _max_length(Category._meta.get_field("name"))
_TITLE_MAX = _max_length(Question._meta.get_field("title"))
_TAG_MAX = _max_length(Question._meta.get_field("tags").base_field)


# --- Errors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackError:
    """One problem, located as precisely as the reader can say: file, item, field."""

    file: str
    item: str  # "pack", "category <slug>", "question <slug>" or "question #3"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.field}: {self.message}"


class PackInvalid(Exception):
    """The pack cannot be loaded; `errors` lists the problems found (at most PACK_MAX_ERRORS)."""

    def __init__(self, errors: Sequence[PackError]) -> None:
        self.errors = _capped(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _capped(errors: Sequence[PackError]) -> list[PackError]:
    if len(errors) <= PACK_MAX_ERRORS:
        return list(errors)
    shown = list(errors[: PACK_MAX_ERRORS - 1])
    more = len(errors) - len(shown)
    return [*shown, PackError(shown[-1].file, "pack", "errors", f"{more} more errors not shown")]


_SHOWN = reprlib.Repr(maxlevel=2, maxdict=4, maxlist=4, maxstring=60, maxother=60, maxlong=40)


def _shown(value: Any) -> str:
    """`repr(value)`, short however big or deeply shared the value is."""
    return _SHOWN.repr(value)


# --- The checked pack -------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    position: int


@dataclass(frozen=True)
class QuestionSpec:
    source: str
    slug: str
    title: str
    category: str
    difficulty: str
    status: str
    tags: tuple[str, ...]
    prompt: str
    answer: str
    follow_up: str
    rubric: dict[int, str]

    def values(self) -> dict[str, Any]:
        """The compared fields, in the shape `question_values` gives for a stored question."""
        return {
            "title": self.title,
            "category": self.category,
            "difficulty": self.difficulty,
            "status": self.status,
            "tags": list(self.tags),
            "prompt": self.prompt,
            "answer": self.answer,
            "follow_up": self.follow_up,
        }


@dataclass
class Pack:
    categories: list[CategorySpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


# --- Reading ----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (PyYAML would keep the last silently), and
    a document nested deeper than PACK_MAX_DEPTH or larger than PACK_MAX_NODES once its
    aliases are expanded.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._expanded_size: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            size = self._expanded_size.get(id(node))
            if size is None:
                raise yaml.composer.ComposerError(
                    None, None, "an alias refers to the node it is inside of", mark
                )
            self._count(size, mark)
            return node
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > PACK_MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {PACK_MAX_DEPTH} levels", mark
            )
        before = self._nodes
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._count(1, mark)
        self._expanded_size[id(node)] = self._nodes - before
        return node

    def _count(self, size: int, mark: Any) -> None:
        self._nodes += size
        if self._nodes > PACK_MAX_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"more than {PACK_MAX_NODES:,} values once its aliases are expanded",
                mark,
            )

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key; the base class reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {_shown(key)}",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def read_sources(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """Each path (a file, or a folder of *.yaml / *.yml files) as (name, text), in order."""
    sources: list[tuple[str, str]] = []
    errors: list[PackError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix in {".yaml", ".yml"}
            )
            if not files:
                errors.append(PackError(str(path), "pack", "path", "no *.yaml or *.yml files"))
        elif path.is_file():
            files = [path]
        else:
            errors.append(PackError(str(path), "pack", "path", "no such file or folder"))
            continue
        for file in files:
            try:
                if file.stat().st_size > PACK_MAX_BYTES:
                    errors.append(PackError(str(file), "pack", "file", _too_large()))
                    continue
                sources.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(PackError(str(file), "pack", "file", f"cannot read: {exc}"))
    if errors:
        raise PackInvalid(errors)
    return sources


def _too_large() -> str:
    return f"larger than {PACK_MAX_BYTES // 1_000_000} MB; split it into several packs"


def load_yaml(name: str, text: str) -> Any:
    """The YAML document in `text`; a syntax error, or a document past the loader's bounds
    (size, depth, expanded aliases), becomes a PackInvalid naming the file."""
    if len(text) > PACK_MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > PACK_MAX_BYTES:
        raise PackInvalid([PackError(name, "pack", "file", _too_large())])
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if len(problem) > 300:
            problem = problem[:300] + "…"
        raise PackInvalid(
            [PackError(name, "pack", "yaml", f"not valid YAML{where}: {problem}")]
        ) from exc


def parse_sources(sources: Sequence[tuple[str, str]]) -> Pack:
    """Check every source and merge them into one pack; raise PackInvalid with every error."""
    documents: list[tuple[str, Any]] = []
    errors: list[PackError] = []
    for name, text in sources:
        try:
            documents.append((name, load_yaml(name, text)))
        except PackInvalid as exc:
            errors.extend(exc.errors)
    try:
        pack = parse_documents(documents)
    except PackInvalid as exc:
        errors.extend(exc.errors)
    if errors:
        raise PackInvalid(errors)
    return pack


def parse_pack(text: str, name: str = "<pack>") -> Pack:
    """One pack from its YAML text (the admin's upload)."""
    return parse_sources([(name, text)])


def parse_documents(documents: Sequence[tuple[str, Any]]) -> Pack:
    """Check already-parsed YAML documents against the format and the stored categories.

    Raises PackInvalid, and nothing else, for any input: every check guards the type it
    reads, so a malformed pack is a list of errors, never a crash.
    """
    checker = _Checker(known_categories=dict(Category.objects.values_list("slug", "name")))
    for name, document in documents:
        checker.check_document(name, document)
    checker.check_cross_references()
    if checker.errors:
        raise PackInvalid(checker.errors)
    return Pack(categories=checker.categories, questions=checker.questions)


class _Checker:
    def __init__(self, known_categories: dict[str, str]) -> None:
        self.known_categories = known_categories
        self.errors: list[PackError] = []
        self.categories: list[CategorySpec] = []
        self.category_sources: dict[str, str] = {}
        self.questions: list[QuestionSpec] = []
        self.question_sources: dict[str, str] = {}

    def error(self, file: str, item: str, field_name: str, message: str) -> None:
        self.errors.append(PackError(file, item, field_name, message))

    def check_document(self, file: str, document: Any) -> None:
        if not isinstance(document, dict):
            kind = "empty" if document is None else f"a {_kind(document)}"
            self.error(
                file,
                "pack",
                "pack",
                f"must be a mapping with version, categories and questions, not {kind}",
            )
            return
        for key in document:
            if key not in ("version", "categories", "questions"):
                self.error(file, "pack", _key(key), "unknown key")
        if "version" not in document:
            self.error(
                file, "pack", "version", f"missing (this Intervy reads version {PACK_VERSION})"
            )
            return
        version = document["version"]
        if type(version) is not int or version != PACK_VERSION:
            # Another version's fields may mean something else: refuse the file outright.
            self.error(
                file,
                "pack",
                "version",
                f"unsupported pack version {_shown(version)}; "
                f"this Intervy reads version {PACK_VERSION}",
            )
            return
        if "categories" not in document:
            self.error(file, "pack", "categories", "missing (write `categories: []` for none)")
            categories: Any = []
        else:
            categories = document["categories"]
        if not isinstance(categories, list):
            self.error(file, "pack", "categories", f"must be a list, not {_kind(categories)}")
        else:
            for index, entry in enumerate(categories, start=1):
                self.check_category(file, index, entry)
        if "questions" not in document:
            self.error(file, "pack", "questions", "missing")
            return
        questions = document["questions"]
        if not isinstance(questions, list):
            self.error(file, "pack", "questions", f"must be a list, not {_kind(questions)}")
            return
        for index, entry in enumerate(questions, start=1):
            self.check_question(file, index, entry)

    def check_category(self, file: str, index: int, entry: Any) -> None:
        item = f"category #{index}"
        if not isinstance(entry, dict):
            self.error(
                file, item, "category", f"must be a mapping of slug and name, not {_kind(entry)}"
            )
            return
        slug = entry.get("slug")
        if _is_slug(slug, _CATEGORY_SLUG_MAX):
            item = f"category {slug}"
        ok = self.check_keys(file, item, entry, CATEGORY_KEYS, frozenset())
        if not _is_slug(slug, _CATEGORY_SLUG_MAX):
            if "slug" in entry:
                self.error(file, item, "slug", _slug_message(slug, _CATEGORY_SLUG_MAX))
            ok = False
        name = entry.get("name")
        name_problem = _text_problem(name, required=True, max_length=_CATEGORY_NAME_MAX)
        if name_problem and "name" in entry:
            self.error(file, item, "name", name_problem)
        if not ok or name_problem:
            return
        # Both were checked above (`_is_slug`, `_text_problem`); this tells the type checker.
        assert isinstance(slug, str) and isinstance(name, str)
        if slug in self.category_sources:
            previous = next(c for c in self.categories if c.slug == slug)
            if previous.name != name:
                self.error(
                    file,
                    item,
                    "name",
                    f"{_shown(name)} differs from {_shown(previous.name)} "
                    f"in {self.category_sources[slug]}",
                )
            return
        clash = next((c for c in self.categories if c.name == name), None)
        if clash is not None:
            self.error(
                file, item, "name", f"{_shown(name)} is already the name of category {clash.slug}"
            )
            return
        self.category_sources[slug] = file
        self.categories.append(CategorySpec(slug=slug, name=name, position=len(self.categories)))

    def check_question(self, file: str, index: int, entry: Any) -> None:
        item = f"question #{index}"
        if not isinstance(entry, dict):
            self.error(file, item, "question", f"must be a mapping, not {_kind(entry)}")
            return
        slug = entry.get("slug")
        if _is_slug(slug, _SLUG_MAX):
            item = f"question {slug}"
        ok = self.check_keys(file, item, entry, QUESTION_KEYS, OPTIONAL_QUESTION_KEYS)
        present = set(entry) & set(QUESTION_KEYS)

        def problem(field_name: str, message: str | None) -> None:
            nonlocal ok
            if message:
                ok = False
                if field_name in present:
                    self.error(file, item, field_name, message)

        problem("slug", None if _is_slug(slug, _SLUG_MAX) else _slug_message(slug, _SLUG_MAX))
        if _is_slug(slug, _SLUG_MAX) and slug in self.question_sources:
            problem("slug", f"duplicate: already used in {self.question_sources[slug]}")
        problem("title", _text_problem(entry.get("title"), required=True, max_length=_TITLE_MAX))
        category = entry.get("category")
        problem(
            "category",
            None
            if _is_slug(category, _CATEGORY_SLUG_MAX)
            else _slug_message(category, _CATEGORY_SLUG_MAX),
        )
        difficulty = entry.get("difficulty")
        problem("difficulty", _choice_problem(difficulty, Difficulty.values))
        status = entry.get("status", Status.PUBLISHED)
        problem("status", _choice_problem(status, Status.values))
        tags = entry.get("tags")
        problem("tags", _tags_problem(tags))
        problem("prompt", _text_problem(entry.get("prompt"), required=True))
        problem("answer", _text_problem(entry.get("answer"), required=False))
        problem("follow_up", _text_problem(entry.get("follow_up"), required=False))
        rubric = entry.get("rubric")
        problem("rubric", _rubric_problem(rubric))
        if not ok:
            return
        # Each was checked above; this tells the type checker what the checks established.
        assert isinstance(slug, str) and isinstance(category, str)
        assert isinstance(difficulty, str) and isinstance(status, str)
        assert isinstance(tags, list) and isinstance(rubric, dict)
        self.question_sources[slug] = file
        self.questions.append(
            QuestionSpec(
                source=file,
                slug=slug,
                title=entry["title"],
                category=category,
                difficulty=difficulty,
                status=status,
                tags=tuple(tags),
                prompt=entry["prompt"],
                answer=entry["answer"],
                follow_up=entry["follow_up"],
                rubric={level: rubric[level] for level in RUBRIC_LEVELS},
            )
        )

    def check_keys(
        self,
        file: str,
        item: str,
        entry: dict,
        allowed: Sequence[str],
        optional: frozenset[str],
    ) -> bool:
        ok = True
        for key in entry:
            if key not in allowed:
                self.error(file, item, _key(key), "unknown key")
                ok = False
        for key in allowed:
            if key not in entry and key not in optional:
                self.error(file, item, key, "missing")
                ok = False
        return ok

    def check_cross_references(self) -> None:
        defined = {c.slug for c in self.categories} | set(self.known_categories)
        for question in self.questions:
            if question.category not in defined:
                self.error(
                    question.source,
                    f"question {question.slug}",
                    "category",
                    f"unknown category {_shown(question.category)}: "
                    "define it in the pack's categories",
                )
        # Category names are unique in the database too.
        stored_by_name = {name: slug for slug, name in self.known_categories.items()}
        renamed = {
            c.slug for c in self.categories if self.known_categories.get(c.slug, c.name) != c.name
        }
        for category in self.categories:
            holder = stored_by_name.get(category.name)
            if holder is not None and holder != category.slug and holder not in renamed:
                self.error(
                    self.category_sources[category.slug],
                    f"category {category.slug}",
                    "name",
                    f"{_shown(category.name)} is already the name of stored category {holder}",
                )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "mapping",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
    }.get(type(value), type(value).__name__)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key if len(key) <= 60 else _shown(key)
    return _shown(key)


def _is_slug(value: Any, max_length: int) -> bool:
    return isinstance(value, str) and bool(_SLUG.fullmatch(value)) and len(value) <= max_length


def _slug_message(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}"
    if len(value) > max_length:
        return f"longer than {max_length} characters"
    return "may hold only letters, digits, hyphens and underscores"


def _text_problem(value: Any, *, required: bool, max_length: int | None = None) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_kind(value)}"
    if required and not value.strip():
        return "must not be empty"
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8 text"
    if max_length is not None and len(value) > max_length:
        return f"longer than {max_length} characters"
    return None


def _choice_problem(value: Any, choices: Sequence[str]) -> str | None:
    if isinstance(value, str) and value in choices:
        return None
    return f"{_shown(value)} is not one of {', '.join(choices)}"


def _tags_problem(tags: Any) -> str | None:
    if not isinstance(tags, list):
        return f"must be a list of tags, not {_kind(tags)}"
    for tag in tags:
        if not isinstance(tag, str) or not TAG_PATTERN.fullmatch(tag):
            return f"{_shown(tag)} is not a tag: lowercase letters, digits and hyphens"
        if len(tag) > _TAG_MAX:
            return f"{_shown(tag)} is longer than {_TAG_MAX} characters"
    duplicates = sorted(tag for tag, count in Counter(tags).items() if count > 1)
    if duplicates:
        more = ", …" if len(duplicates) > 5 else ""
        return f"duplicate tags: {', '.join(duplicates[:5])}{more}"
    return None


def _rubric_problem(rubric: Any) -> str | None:
    if not isinstance(rubric, dict):
        return f"must be a mapping of the levels 1, 2, 3 and 4 to anchor text, not {_kind(rubric)}"
    problems = []
    unknown = [key for key in rubric if type(key) is not int or key not in RUBRIC_LEVELS]
    if unknown:
        shown = ", ".join(_shown(k) for k in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        problems.append(f"unknown level {shown} (levels are 1-4)")
    missing = [str(level) for level in RUBRIC_LEVELS if level not in rubric]
    if missing:
        problems.append(f"missing level {', '.join(missing)}")
    texts: dict[str, int] = {}
    for level in RUBRIC_LEVELS:
        if level not in rubric:
            continue
        text = rubric[level]
        text_problem = _text_problem(text, required=True)
        if text_problem:
            problems.append(f"level {level} {text_problem}")
        elif text in texts:
            problems.append(f"levels {texts[text]} and {level} have the same text")
        else:
            texts[text] = level
    return "; ".join(problems) or None


# --- Comparing with the database --------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What loading the pack does to one category or question."""

    slug: str
    action: str  # "create", "update" or "unchanged"
    fields: tuple[str, ...] = ()


@dataclass
class PackPlan:
    categories: list[Change] = field(default_factory=list)
    questions: list[Change] = field(default_factory=list)

    def slugs(self, action: str, *, of: str = "questions") -> list[Change]:
        return [change for change in getattr(self, of) if change.action == action]

    @property
    def created(self) -> list[Change]:
        return self.slugs("create")

    @property
    def updated(self) -> list[Change]:
        return self.slugs("update")

    @property
    def unchanged(self) -> list[Change]:
        return self.slugs("unchanged")

    @property
    def changes_anything(self) -> bool:
        return any(c.action != "unchanged" for c in [*self.categories, *self.questions])

    def summary(self) -> str:
        """'N created, N updated, N unchanged' for the questions, then the categories."""
        cats = [len(self.slugs(a, of="categories")) for a in ("create", "update", "unchanged")]
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged "
            f"(categories: {cats[0]} created, {cats[1]} updated, {cats[2]} unchanged)"
        )

    def lines(self) -> list[str]:
        """One line per category and question, for a dry run."""
        out = []
        for kind in ("categories", "questions"):
            for change in getattr(self, kind):
                noun = "category" if kind == "categories" else "question"
                detail = f" ({', '.join(change.fields)})" if change.fields else ""
                verb = {"create": "create", "update": "update", "unchanged": "unchanged"}
                out.append(f"{verb[change.action]:<9} {noun} {change.slug}{detail}")
        return out


def question_values(question: Question) -> dict[str, Any]:
    """A stored question's compared fields (the category by slug); needs `category` loaded."""
    return {
        "title": question.title,
        "category": question.category.slug,
        "difficulty": question.difficulty,
        "status": question.status,
        "tags": list(question.tags),
        "prompt": question.prompt,
        "answer": question.answer,
        "follow_up": question.follow_up,
    }


def _stored_questions(slugs: Iterable[str], *, lock: bool = False) -> dict[str, Question]:
    queryset = Question.objects.filter(slug__in=list(slugs)).select_related("category")
    queryset = queryset.prefetch_related("anchors")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return {question.slug: question for question in queryset}


def _question_change(spec: QuestionSpec, stored: Question | None) -> Change:
    if stored is None:
        return Change(spec.slug, "create")
    current = question_values(stored)
    wanted = spec.values()
    changed = [name for name in COMPARED_FIELDS if current[name] != wanted[name]]
    anchors = stored.anchors_by_level()
    changed += [
        f"rubric {level}" for level in RUBRIC_LEVELS if anchors.get(level) != spec.rubric[level]
    ]
    return Change(spec.slug, "update" if changed else "unchanged", tuple(changed))


def _category_change(spec: CategorySpec, stored: Category | None) -> Change:
    if stored is None:
        return Change(spec.slug, "create")
    changed = [
        name
        for name, old, new in (
            ("name", stored.name, spec.name),
            ("position", stored.position, spec.position),
        )
        if old != new
    ]
    return Change(spec.slug, "update" if changed else "unchanged", tuple(changed))


def plan_pack(pack: Pack) -> PackPlan:
    """What loading `pack` would create, update and leave unchanged; writes nothing."""
    stored_categories = Category.objects.in_bulk(
        [c.slug for c in pack.categories], field_name="slug"
    )
    stored = _stored_questions(q.slug for q in pack.questions)
    return PackPlan(
        categories=[_category_change(c, stored_categories.get(c.slug)) for c in pack.categories],
        questions=[_question_change(q, stored.get(q.slug)) for q in pack.questions],
    )


def apply_pack(pack: Pack) -> PackPlan:
    """Write the pack in one transaction: every category and question, or nothing.

    Upserts by slug; an unchanged question is not saved at all (its `updated_at` stays),
    and a changed rubric has each differing level's anchor replaced.
    """
    try:
        with transaction.atomic():
            return _apply(pack)
    except (IntegrityError, DatabaseError, ValidationError) as exc:
        # Checked packs should not get here (e.g. two categories swapping names); when one
        # does, the transaction has rolled back and the admin or command says why.
        raise PackInvalid([PackError("<database>", "pack", "database", str(exc).strip())]) from exc


def _apply(pack: Pack) -> PackPlan:
    stored_categories = {
        c.slug: c
        for c in Category.objects.select_for_update().filter(
            slug__in=[c.slug for c in pack.categories]
        )
    }
    category_changes = []
    for category_spec in pack.categories:
        category = stored_categories.get(category_spec.slug)
        change = _category_change(category_spec, category)
        category_changes.append(change)
        if change.action == "create":
            stored_categories[category_spec.slug] = Category.objects.create(
                slug=category_spec.slug, name=category_spec.name, position=category_spec.position
            )
        elif change.action == "update" and category is not None:
            category.name, category.position = category_spec.name, category_spec.position
            category.save(update_fields=["name", "position"])
    wanted_categories = {q.category for q in pack.questions} - set(stored_categories)
    stored_categories.update(Category.objects.in_bulk(list(wanted_categories), field_name="slug"))

    stored = _stored_questions((q.slug for q in pack.questions), lock=True)
    # The stored wordings are kept as versions before any is overwritten (a question made
    # by a bulk load may have none yet), so each change below is compared with its original.
    record_versions(question.pk for question in stored.values())
    question_changes = []
    written: list[int] = []
    new_anchors: list[RubricAnchor] = []
    for spec in pack.questions:
        question = stored.get(spec.slug)
        change = _question_change(spec, question)
        question_changes.append(change)
        if change.action == "unchanged":
            continue
        if question is None:
            question = Question(slug=spec.slug)
        question.title = spec.title
        question.category = stored_categories[spec.category]
        question.difficulty = spec.difficulty
        question.status = spec.status
        question.tags = list(spec.tags)
        question.prompt = spec.prompt
        question.answer = spec.answer
        question.follow_up = spec.follow_up
        question.full_clean(validate_unique=False, validate_constraints=False)
        question.save()
        written.append(question.pk)
        if change.action == "create":
            new_anchors += [
                RubricAnchor(question=question, level=level, text=text)
                for level, text in spec.rubric.items()
            ]
            continue
        anchors = {anchor.level: anchor for anchor in question.anchors.all()}
        for level, text in spec.rubric.items():
            anchor = anchors.get(level)
            if anchor is None:
                new_anchors.append(RubricAnchor(question=question, level=level, text=text))
            elif anchor.text != text:
                anchor.text = text
                anchor.save(update_fields=["text"])
    RubricAnchor.objects.bulk_create(new_anchors)
    # The version rule, once the questions and their anchors are all written: an update
    # that touched only the title, tags or status keeps the version.
    record_versions(written)
    return PackPlan(categories=category_changes, questions=question_changes)


# --- Exporting --------------------------------------------------------------------------


class _FlowList(list):
    """A list written inline, `[a, b]`: tags read best that way."""


class _PackDumper(yaml.SafeDumper):
    pass


# YAML reads these as line breaks, and PyYAML writes them unescaped in plain and block
# scalars, so a text holding one would come back changed (NEL read as a space).
_YAML_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Block scalars keep markdown readable; PyYAML falls back to quoting where a block
    # cannot carry the exact text (trailing spaces, tabs), so the text always round-trips.
    if _YAML_BREAKS.intersection(value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_PackDumper.add_representer(str, _represent_str)
_PackDumper.add_representer(_FlowList, _represent_flow_list)


def pack_document(questions: Iterable[Question]) -> dict[str, Any]:
    """The pack (as plain data) for these questions and every stored category.

    Every category is written, in position order, so that loading the export keeps the
    bank's category order even when only some questions were exported.
    """
    categories = [
        {"slug": c.slug, "name": c.name} for c in Category.objects.order_by("position", "name")
    ]
    entries = []
    for question in questions:
        anchors = question.anchors_by_level()
        entries.append(
            {
                "slug": question.slug,
                "title": question.title,
                "category": question.category.slug,
                "difficulty": question.difficulty,
                "status": question.status,
                "tags": _FlowList(question.tags),
                "prompt": question.prompt,
                "answer": question.answer,
                "follow_up": question.follow_up,
                "rubric": {level: anchors.get(level, "") for level in RUBRIC_LEVELS},
            }
        )
    return {"version": PACK_VERSION, "categories": categories, "questions": entries}


def export_queryset(questions: Any) -> Any:
    """The questions in pack order, with what the export reads fetched in three queries."""
    return (
        questions.select_related("category")
        .prefetch_related("anchors")
        .order_by("category__position", "category__name", "id")
    )


def export_pack(questions: Any) -> str:
    """YAML text of a pack holding `questions` (a Question queryset)."""
    document = pack_document(export_queryset(questions))
    return yaml.dump(
        document,
        Dumper=_PackDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,  # never fold long lines: a folded line is harder to diff
        default_flow_style=False,
    )
