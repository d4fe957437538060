"""Propose an interview template from a blueprint (PRODUCT B3), and measure coverage (B2).

Pure functions over plain data: no database, no randomness. The same bank and the same
blueprint always give the same proposal, so an interviewer can regenerate and get what
they saw, and a test can pin the result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DIFFICULTIES = ("easy", "medium", "hard")

# Minutes a question of each difficulty usually takes to ask, answer and probe; a proposal
# starts from these and scales them so the total is exactly the requested length.
BASE_MINUTES = {"easy": 4, "medium": 6, "hard": 9}
MAX_QUESTION_MINUTES = 180


class BlueprintError(ValueError):
    """The bank cannot satisfy the blueprint; the message says what to change."""


@dataclass(frozen=True)
class BankQuestion:
    id: int
    title: str
    category: str  # the category's slug
    difficulty: str
    category_name: str = ""


@dataclass(frozen=True)
class Blueprint:
    minutes: int
    categories: tuple[str, ...]  # category slugs, in the order they should be visited
    mix: dict[str, int]  # percent per difficulty, summing to 100


@dataclass(frozen=True)
class ProposedQuestion:
    question: BankQuestion
    minutes: int


@dataclass(frozen=True)
class Proposal:
    questions: tuple[ProposedQuestion, ...]
    # Where the bank forced a deviation from the mix to cover every category.
    notes: tuple[str, ...] = ()

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.questions)

    def difficulty_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(DIFFICULTIES, 0)
        for item in self.questions:
            counts[item.question.difficulty] += 1
        return counts


def difficulty_counts(total: int, mix: dict[str, int]) -> dict[str, int]:
    """Split `total` questions by the percent mix, largest remainder first (ties: easier first).

    Each count is within one of its exact share, and the counts add up to `total`.
    """
    if sorted(mix) != sorted(DIFFICULTIES) or sum(mix.values()) != 100:
        raise BlueprintError("The difficulty mix must give easy, medium and hard, summing to 100%.")
    exact = {level: total * mix[level] / 100 for level in DIFFICULTIES}
    counts = {level: math.floor(share) for level, share in exact.items()}
    leftover = total - sum(counts.values())
    by_remainder = sorted(
        DIFFICULTIES, key=lambda level: (-(exact[level] - counts[level]), DIFFICULTIES.index(level))
    )
    for level in by_remainder[:leftover]:
        counts[level] += 1
    return counts


def question_count(minutes: int, mix: dict[str, int], categories: int) -> int:
    """How many questions fit the length at the mix's average minutes; at least one per category."""
    average = sum(BASE_MINUTES[level] * mix[level] for level in DIFFICULTIES) / 100
    fitting = math.floor(minutes / average + 0.5) if average else categories
    return max(1, categories, fitting)


def allot_minutes(difficulties: Sequence[str], minutes: int) -> list[int]:
    """Minutes per question: the base minutes scaled to sum exactly to `minutes`, at least 1 each.

    Rounding goes to the largest fractional parts first (ties: earlier question), so the
    result is deterministic and never exceeds the length.
    """
    base = [BASE_MINUTES[level] for level in difficulties]
    scale = minutes / sum(base)
    exact = [value * scale for value in base]
    allotted = [max(1, math.floor(value)) for value in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    for index in order[: max(0, minutes - sum(allotted))]:
        allotted[index] += 1
    # A 1-minute floor can overshoot a very short length: take it back from the longest.
    while sum(allotted) > minutes:
        longest = max(range(len(allotted)), key=lambda i: (allotted[i], -i))
        allotted[longest] -= 1
    return [min(value, MAX_QUESTION_MINUTES) for value in allotted]


def propose_template(bank: Sequence[BankQuestion], blueprint: Blueprint) -> Proposal:
    """Choose questions for `blueprint` from `bank` (published questions, in bank order).

    Every chosen category gets a question first, the most constrained categories (fewest
    difficulties on offer) choosing first so a scarce difficulty goes where it is the only
    option; then the categories take turns, round-robin, until the difficulty counts from
    the mix are met. Within a category and difficulty, the earliest question in the bank
    is taken. The proposal is ordered easy → medium → hard, so the interview warms up.
    """
    if blueprint.minutes < 1:
        raise BlueprintError("The length must be at least one minute.")
    if not blueprint.categories:
        raise BlueprintError("Choose at least one category to cover.")
    if len(blueprint.categories) > blueprint.minutes:
        raise BlueprintError(
            f"{blueprint.minutes} minutes cannot cover {len(blueprint.categories)} categories: "
            "give at least one minute per category."
        )

    pools: dict[str, dict[str, list[BankQuestion]]] = {
        slug: {level: [] for level in DIFFICULTIES} for slug in blueprint.categories
    }
    for question in bank:
        if question.category in pools and question.difficulty in DIFFICULTIES:
            pools[question.category][question.difficulty].append(question)
    empty = [slug for slug, pool in pools.items() if not any(pool.values())]
    if empty:
        raise BlueprintError(
            "No published questions in " + ", ".join(empty) + ": choose other categories."
        )

    total = min(
        question_count(blueprint.minutes, blueprint.mix, len(blueprint.categories)),
        blueprint.minutes,
    )
    available = sum(len(questions) for pool in pools.values() for questions in pool.values())
    if available < total:
        raise BlueprintError(
            f"A {blueprint.minutes}-minute template needs {total} questions, but the chosen "
            f"categories have only {available} published: choose more categories or a shorter "
            "length."
        )
    needed = difficulty_counts(total, blueprint.mix)
    picks: list[BankQuestion] = []
    notes: list[str] = []

    def take(slug: str, level: str) -> None:
        picks.append(pools[slug][level].pop(0))
        needed[level] -= 1

    def most_needed(slug: str) -> str | None:
        offered = [level for level in DIFFICULTIES if needed[level] > 0 and pools[slug][level]]
        if not offered:
            return None
        return max(offered, key=lambda level: (needed[level], -DIFFICULTIES.index(level)))

    by_constraint = sorted(
        blueprint.categories,
        key=lambda slug: (
            sum(1 for level in DIFFICULTIES if pools[slug][level]),
            blueprint.categories.index(slug),
        ),
    )
    for slug in by_constraint:
        level = most_needed(slug)
        if level is None:
            # Covering the category beats matching the mix exactly: move one slot from
            # the most-needed difficulty to the closest one this category offers.
            donor = max(DIFFICULTIES, key=lambda lvl: (needed[lvl], -DIFFICULTIES.index(lvl)))
            level = min(
                (lvl for lvl in DIFFICULTIES if pools[slug][lvl]),
                key=lambda lvl: (
                    abs(DIFFICULTIES.index(lvl) - DIFFICULTIES.index(donor)),
                    DIFFICULTIES.index(lvl),
                ),
            )
            needed[donor] -= 1
            needed[level] += 1
            name = pools[slug][level][0].category_name or slug
            notes.append(f"{name} has no {donor} question left, so it got a {level} one.")
        take(slug, level)

    while len(picks) < total:
        progressed = False
        for slug in blueprint.categories:
            if len(picks) == total:
                break
            level = most_needed(slug)
            if level is not None:
                take(slug, level)
                progressed = True
        if not progressed:
            short = ", ".join(
                f"{needed[level]} more {level}" for level in DIFFICULTIES if needed[level] > 0
            )
            raise BlueprintError(
                f"The chosen categories run out of questions for this mix (it needs {short}): "
                "change the mix, add categories or shorten the length."
            )

    ordered = sorted(
        enumerate(picks), key=lambda pair: (DIFFICULTIES.index(pair[1].difficulty), pair[0])
    )
    chosen = [question for _, question in ordered]
    minutes = allot_minutes([question.difficulty for question in chosen], blueprint.minutes)
    return Proposal(
        questions=tuple(
            ProposedQuestion(question=question, minutes=allotted)
            for question, allotted in zip(chosen, minutes, strict=True)
        ),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class CoverageRow:
    slug: str
    name: str
    counts: tuple[int, ...]  # one per difficulty, in DIFFICULTIES order

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CoverageRow, ...]
    difficulty_totals: tuple[int, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.difficulty_totals)

    @property
    def empty_categories(self) -> list[str]:
        return [row.name for row in self.rows if row.is_empty]

    @property
    def covered_count(self) -> int:
        return sum(1 for row in self.rows if not row.is_empty)


def coverage(categories: Iterable[tuple[str, str]], entries: Iterable[tuple[str, str]]) -> Coverage:
    """Count questions per category × difficulty.

    `categories` are (slug, name) pairs in display order; `entries` are (category slug,
    difficulty) of the template's questions. Categories with no questions stay in the grid,
    so a gap shows as a gap.
    """
    categories = list(categories)
    grid = {slug: dict.fromkeys(DIFFICULTIES, 0) for slug, _ in categories}
    for slug, level in entries:
        if slug in grid and level in DIFFICULTIES:
            grid[slug][level] += 1
    rows = tuple(
        CoverageRow(slug=slug, name=name, counts=tuple(grid[slug][lvl] for lvl in DIFFICULTIES))
        for slug, name in categories
    )
    totals = tuple(sum(row.counts[i] for row in rows) for i in range(len(DIFFICULTIES)))
    return Coverage(rows=rows, difficulty_totals=totals)
