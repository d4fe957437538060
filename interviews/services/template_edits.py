"""Changes to an interview template's questions (PRODUCT B1–B4).

Keyword-only workflows over a template and its question rows; views parse the input
with a form and pass its cleaned data here.

Each change locks the template row first, so two people editing the same template queue
up instead of interleaving, and bumps `InterviewTemplate.version`: a session records the
version it was scheduled from (its questions are already its own frozen copy).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Max

from interviews.blueprint import BASE_MINUTES, BankQuestion, Proposal
from interviews.models import InterviewTemplate, TemplateQuestion
from questions.models import Question


class TemplateEditError(ValueError):
    """A change that does not apply (the question is already there, nothing to move…)."""


def _lock(template_id: int) -> InterviewTemplate:
    return InterviewTemplate.objects.select_for_update().get(pk=template_id)


def _bump_version(template: InterviewTemplate) -> None:
    InterviewTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)


@transaction.atomic
def add_question(
    *, template: InterviewTemplate, question: Question, minutes: int | None = None
) -> TemplateQuestion:
    """Append a published bank question at the end; a question appears once per template."""
    locked = _lock(template.pk)
    if locked.items.filter(question=question).exists():
        raise TemplateEditError(f"“{question.title}” is already in this template.")
    last = locked.items.aggregate(last=Max("order"))["last"] or 0
    item = TemplateQuestion.objects.create(
        template=locked,
        question=question,
        order=last + 1,
        minutes=minutes or default_minutes(question.difficulty),
    )
    _bump_version(locked)
    return item


def default_minutes(difficulty: str) -> int:
    return BASE_MINUTES.get(difficulty, 5)


@transaction.atomic
def remove_question(*, template: InterviewTemplate, item_id: int) -> None:
    """Remove one question and close the gap, so the order stays 1, 2, 3…"""
    locked = _lock(template.pk)
    item = locked.items.filter(pk=item_id).first()
    if item is None:
        raise TemplateEditError("That question is no longer in this template.")
    item.delete()
    # The (template, order) constraint is deferred, so shifting a run of rows is safe.
    locked.items.filter(order__gt=item.order).update(order=F("order") - 1)
    _bump_version(locked)


@transaction.atomic
def move_question(*, template: InterviewTemplate, item_id: int, direction: str) -> TemplateQuestion:
    """Swap a question with its neighbour above ("up") or below ("down").

    The template row is locked first, then both rows; the (template, order) unique
    constraint is checked at commit, so the two orders can be exchanged in place.
    """
    if direction not in ("up", "down"):
        raise TemplateEditError("A question moves up or down.")
    locked = _lock(template.pk)
    items = list(locked.items.select_for_update().order_by("order"))
    index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if index is None:
        raise TemplateEditError("That question is no longer in this template.")
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(items):
        raise TemplateEditError(
            "That question is already first."
            if direction == "up"
            else "That question is already last."
        )
    item, other = items[index], items[other_index]
    item.order, other.order = other.order, item.order
    TemplateQuestion.objects.bulk_update([item, other], ["order"])
    _bump_version(locked)
    return item


@transaction.atomic
def set_minutes(*, template: InterviewTemplate, item_id: int, minutes: int) -> TemplateQuestion:
    """Change one question's time allotment."""
    locked = _lock(template.pk)
    item = locked.items.filter(pk=item_id).first()
    if item is None:
        raise TemplateEditError("That question is no longer in this template.")
    if item.minutes != minutes:
        item.minutes = minutes
        item.full_clean()
        item.save(update_fields=["minutes"])
        _bump_version(locked)
    return item


@transaction.atomic
def clone_template(*, template: InterviewTemplate, by: User) -> InterviewTemplate:
    """A copy named "<name> (copy)", with the same questions and minutes, at version 1."""
    source = _lock(template.pk)
    copy = InterviewTemplate.objects.create(
        name=f"{source.name} (copy)"[:200],
        description=source.description,
        position=source.position,
        target_minutes=source.target_minutes,
        cloned_from=source,
        created_by=by,
    )
    TemplateQuestion.objects.bulk_create(
        [
            TemplateQuestion(
                template=copy, question_id=item.question_id, order=item.order, minutes=item.minutes
            )
            for item in source.items.order_by("order")
        ]
    )
    return copy


@transaction.atomic
def create_from_proposal(
    *,
    proposal: Proposal,
    name: str,
    description: str = "",
    by: User | None = None,
) -> InterviewTemplate:
    """Save a blueprint proposal as a new template, its target the proposal's total."""
    template = InterviewTemplate(
        name=name,
        description=description,
        target_minutes=max(1, proposal.total_minutes),
        created_by=by,
    )
    template.full_clean()
    template.save()
    replace_questions(
        template=template,
        items=[(item.question.id, item.minutes) for item in proposal.questions],
    )
    return template


def replace_questions(*, template: InterviewTemplate, items: Sequence[tuple[int, int]]) -> None:
    """Set the template's questions to `items` ((question id, minutes), in order)."""
    template.items.all().delete()
    TemplateQuestion.objects.bulk_create(
        [
            TemplateQuestion(
                template=template, question_id=question_id, order=order, minutes=minutes
            )
            for order, (question_id, minutes) in enumerate(items, start=1)
        ]
    )


def published_bank() -> list[BankQuestion]:
    """The published questions as plain data for the blueprint generator, in bank order."""
    questions = (
        Question.objects.published()
        .select_related("category")
        .order_by("category__position", "category__name", "id")
        .only("id", "title", "difficulty", "category__slug", "category__name")
    )
    return [
        BankQuestion(
            id=question.pk,
            title=question.title,
            category=question.category.slug,
            category_name=question.category.name,
            difficulty=question.difficulty,
        )
        for question in questions
    ]
