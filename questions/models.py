"""The question bank: categories, questions and their 1–4 rubric anchors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.cache import cache
from django.db import models
from django.db.models import CharField, F, Func, TextField, Value
from django.urls import reverse

from questions.markdown import render_markdown

RUBRIC_LEVELS = (1, 2, 3, 4)
# A search box is for a few words; a pasted essay should not become a 500-clause query.
SEARCH_MAX_WORDS = 8


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


def search_text_for(title: str, prompt: str, answer: str, tags: list[str]) -> str:
    """The lowercased text the bank's search matches: title, prompt, answer and tags."""
    return "\n".join([title, prompt, answer, " ".join(tags)]).lower()


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and packs.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet["Question"]):
    def published(self) -> QuestionQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def with_category(self) -> QuestionQuerySet:
        return self.select_related("category")

    def with_tags_text(self) -> QuestionQuerySet:
        """Annotate `tags_text`, the tags joined by spaces, so a word search can match a tag."""
        return self.annotate(
            tags_text=Func(
                F("tags"), Value(" "), function="array_to_string", output_field=TextField()
            )
        )

    def search(self, text: str) -> QuestionQuerySet:
        """Questions whose title, prompt, answer or tags contain every word of `text`.

        Each word is matched literally (case-insensitively): `%`, `_` and quotes are data,
        never pattern or SQL, because the ORM escapes them and passes the word as a parameter.
        The match runs on `search_text`, which a trigram index serves.
        """
        queryset = self
        for word in text.split()[:SEARCH_MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word.lower())
        return queryset

    def filtered(
        self,
        *,
        text: str = "",
        category: Category | None = None,
        difficulty: str = "",
        tag: str = "",
    ) -> QuestionQuerySet:
        """The bank's filters, as the bank page and the template builder both apply them.

        An empty filter is no filter. `text` is a word search (`search`); the category is
        compared by id, so no join to the categories is needed, and with the status and
        the difficulty it is what the (status, category, difficulty) index serves.
        """
        queryset: QuestionQuerySet = self
        if text:
            queryset = queryset.search(text)
        if category is not None:
            queryset = queryset.filter(category_id=category.pk)
        if difficulty:
            queryset = queryset.filter(difficulty=difficulty)
        if tag:
            queryset = queryset.filter(tags__contains=[tag])
        return queryset


# The tag list changes only when the bank is curated; reading it means unnesting every
# published question's tags, so each process keeps it for a minute. A tag missing from a
# stale list can still be filtered on by URL (BankFilterForm accepts any well-formed tag).
TAGS_CACHE_KEY = "questions:published-tags"
TAGS_CACHE_SECONDS = 60


def published_tags() -> list[str]:
    """Every tag used by a published question, sorted; cached for a minute."""
    # get_or_set returns the cached or freshly computed list; None only from a broken cache.
    tags: list[str] = (
        cache.get_or_set(TAGS_CACHE_KEY, _query_published_tags, TAGS_CACHE_SECONDS) or []
    )
    return tags


def _query_published_tags() -> list[str]:
    tags = (
        Question.objects.published()
        .annotate(tag=Func(F("tags"), function="unnest", output_field=CharField()))
        .values_list("tag", flat=True)
        .order_by("tag")
        .distinct()
    )
    return list(tags)


class Question(models.Model):
    # The markdown a curator writes; each is stored rendered too (`<name>_html`).
    MARKDOWN_FIELDS = ("prompt", "answer", "follow_up")
    # What a curator writes about a question, besides its slug (its identity): the fields
    # a pack carries, the admin edits and a reload compares. The rubric anchors are rows
    # of their own.
    CONTENT_FIELDS = ("title", "category", "difficulty", "status", "tags", *MARKDOWN_FIELDS)

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    prompt = models.TextField()
    answer = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)
    # Rendered, sanitized HTML, refreshed whenever the markdown changes.
    prompt_html = models.TextField(blank=True, editable=False)
    answer_html = models.TextField(blank=True, editable=False)
    follow_up_html = models.TextField(blank=True, editable=False)
    # Lowercased title, prompt, answer and tags in one column, refreshed on save, so the
    # bank's word search is one LIKE that a trigram index can answer.
    search_text = models.TextField(blank=True, editable=False)
    # Goes up whenever the prompt, answer or anchors change (record_version); a session
    # question keeps the version it was asked in, so statistics never mix two wordings.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__in=Difficulty.values),
                name="question_difficulty_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(prompt=""), name="question_prompt_not_empty"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "category", "difficulty"], name="question_bank_filter_idx"
            ),
            GinIndex(fields=["tags"], name="question_tags_gin"),
            # No pending list (fastupdate): the bank is read far more than it is edited,
            # and a long pending list makes the planner fall back to a sequential scan.
            GinIndex(
                fields=["search_text"],
                opclasses=["gin_trgm_ops"],
                name="question_search_trgm",
                fastupdate=False,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The HTML and the search text are caches of the sources; every writer (admin, pack
        # loader, runner) must keep them in step, so they are refreshed here rather than
        # trusted to each caller. A save limited to other fields (a status change) skips
        # the work it would not store.
        update_fields = kwargs.get("update_fields")
        touched = set(update_fields) if update_fields is not None else None
        extra: set[str] = set()
        if touched is None or set(self.MARKDOWN_FIELDS) & touched:
            self.render_markdown()
            extra |= {"prompt_html", "answer_html", "follow_up_html"}
        if touched is None or {"title", "prompt", "answer", "tags"} & touched:
            self.search_text = search_text_for(self.title, self.prompt, self.answer, self.tags)
            extra.add("search_text")
        if touched is not None:
            kwargs["update_fields"] = touched | extra
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.slug])

    def render_markdown(self) -> None:
        """Refresh the stored HTML from the markdown sources.

        Pages show the stored HTML, so rendering (and sanitizing) is paid once per edit,
        not once per view.
        """
        self.prompt_html = render_markdown(self.prompt)
        self.answer_html = render_markdown(self.answer)
        self.follow_up_html = render_markdown(self.follow_up)

    def duplicate_as_draft(self) -> Question:
        """A draft copy with a new unique slug and the same four anchors.

        A draft, so a copy being reworded never shows up in the bank or a template builder
        until someone publishes it.
        """
        base = f"{self.slug[:100]}-copy"
        taken = set(Question.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        copy = Question.objects.create(
            slug=slug,
            title=f"{self.title[:190]} (copy)",
            category=self.category,
            difficulty=self.difficulty,
            status=Status.DRAFT,
            tags=list(self.tags),
            prompt=self.prompt,
            answer=self.answer,
            follow_up=self.follow_up,
        )
        RubricAnchor.objects.bulk_create(
            RubricAnchor(question=copy, level=anchor.level, text=anchor.text)
            for anchor in self.anchors.all()
        )
        copy.record_version()
        return copy

    def anchors_by_level(self) -> dict[int, str]:
        return {anchor.level: anchor.text for anchor in self.anchors.all()}

    def record_version(self) -> bool:
        """Start a new version if the prompt, answer or anchors differ from the last one kept.

        The one place the version rule lives: every writer that changes what a question
        asks or how it is rated (the admin, the pack loader, a copy) calls this after
        saving the question and its anchors. The title, tags, status and follow-up are
        not part of a version: changing them does not change what a rating means. A
        save that changes nothing of the three keeps the version. True if a version was
        added.
        """
        return bool(record_versions([self.pk]))


def record_versions(question_ids: Iterable[int]) -> list[int]:
    """`Question.record_version` for many questions in a fixed number of queries.

    A question with no kept version yet (new, or made before versions were kept) keeps
    its current state as its current version number; one whose prompt, answer or
    anchors differ from its latest kept version gets the next number. Returns the ids
    of the questions that got a version.
    """
    ids = list(question_ids)
    if not ids:
        return []
    questions = list(Question.objects.filter(pk__in=ids).prefetch_related("anchors").order_by("pk"))
    latest = {
        kept.question_id: kept
        for kept in QuestionVersion.objects.filter(question_id__in=ids)
        .order_by("question_id", "-number")
        .distinct("question_id")
    }
    added: list[QuestionVersion] = []
    bumped: list[Question] = []
    for question in questions:
        anchors = {str(level): text for level, text in sorted(question.anchors_by_level().items())}
        last = latest.get(question.pk)
        if last is not None and last.matches(question.prompt, question.answer, anchors):
            continue
        number = question.version if last is None else max(question.version, last.number) + 1
        if number != question.version:
            question.version = number
            bumped.append(question)
        added.append(
            QuestionVersion(
                question=question,
                number=number,
                prompt=question.prompt,
                answer=question.answer,
                anchors=anchors,
            )
        )
    if bumped:
        Question.objects.bulk_update(bumped, ["version"])
    QuestionVersion.objects.bulk_create(added)
    return [kept.question_id for kept in added]


class QuestionVersion(models.Model):
    """What a question asked and how it was rated, as of one version (kept, never edited)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    prompt = models.TextField()
    answer = models.TextField(blank=True)
    # {"1": "...", "2": "...", "3": "...", "4": "..."}, like a session question's anchors.
    anchors = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def matches(self, prompt: str, answer: str, anchors: dict[str, str]) -> bool:
        return (self.prompt, self.answer, self.anchors) == (prompt, answer, anchors)

    def anchor_texts(self) -> list[str]:
        """The anchors' texts, level 1 first."""
        return [text for _, text in sorted(self.anchors.items(), key=lambda item: int(item[0]))]


class RubricAnchor(models.Model):
    """What an answer at one level (1–4) of this question's rating scale sounds like."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="anchors")
    level = models.PositiveSmallIntegerField(
        choices=[(level, str(level)) for level in RUBRIC_LEVELS]
    )
    text = models.TextField()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="anchor_one_per_level"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="anchor_level_1_to_4"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="anchor_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.text[:60]}"
