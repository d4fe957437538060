"""The mechanical combination of ratings: per-category results, aggregates, disagreement.

Pure functions over plain data, so the rules are stated once and tested without a
database. "Not assessed" is never a low score: it is counted and shown, and left out of
every mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from interviews.models import Recommendation

# A question whose panel scores are this far apart (or more) is flagged.
DISAGREEMENT_SPREAD = 2
POSITIVE_RECOMMENDATIONS = frozenset({Recommendation.YES.value, Recommendation.STRONG_YES.value})
NEGATIVE_RECOMMENDATIONS = frozenset({Recommendation.NO.value, Recommendation.STRONG_NO.value})
RECOMMENDATION_LEVELS = tuple(Recommendation.values)


@dataclass(frozen=True)
class Rating:
    """One question as one interviewer rated it: a score 1–4, or not assessed, or neither."""

    category_slug: str
    category_name: str
    score: int | None
    not_assessed: bool = False


@dataclass(frozen=True)
class Aggregate:
    """The mean of the assessed scores, to two decimals, with how many it is over."""

    mean: Decimal | None
    assessed: int
    not_assessed: int = 0

    @property
    def display(self) -> str:
        return "—" if self.mean is None else f"{self.mean}"


@dataclass(frozen=True)
class CategoryResult:
    slug: str
    name: str
    aggregate: Aggregate


def mean_of(total: int, count: int) -> Decimal | None:
    """Two-decimal mean, rounded half up (3.125 → 3.13), or None when nothing was assessed."""
    if count == 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def aggregate(ratings: Iterable[Rating]) -> Aggregate:
    """The mechanical aggregate: the mean of the assessed scores only."""
    scores = []
    not_assessed = 0
    for rating in ratings:
        if rating.score is not None:
            scores.append(rating.score)
        elif rating.not_assessed:
            not_assessed += 1
    return Aggregate(mean_of(sum(scores), len(scores)), len(scores), not_assessed)


def category_results(ratings: Sequence[Rating]) -> list[CategoryResult]:
    """One result per category, in the order the categories first appear in `ratings`."""
    by_category: dict[str, list[Rating]] = {}
    names: dict[str, str] = {}
    for rating in ratings:
        by_category.setdefault(rating.category_slug, []).append(rating)
        names.setdefault(rating.category_slug, rating.category_name)
    return [
        CategoryResult(slug, names[slug], aggregate(group)) for slug, group in by_category.items()
    ]


def scores_disagree(scores: Iterable[int | None]) -> bool:
    """True when the assessed scores of one question are DISAGREEMENT_SPREAD or more apart."""
    assessed = [score for score in scores if score is not None]
    return len(assessed) >= 2 and max(assessed) - min(assessed) >= DISAGREEMENT_SPREAD


def recommendations_split(recommendations: Iterable[str]) -> bool:
    """True when the panel holds at least one yes (or strong yes) and one no (or strong no)."""
    given = set(recommendations)
    return bool(given & POSITIVE_RECOMMENDATIONS) and bool(given & NEGATIVE_RECOMMENDATIONS)


def recommendation_counts(recommendations: Iterable[str]) -> dict[str, int]:
    """How many of each level, every level present (zero included), strongest no first."""
    counted = Counter(recommendations)
    return {level: counted.get(level, 0) for level in RECOMMENDATION_LEVELS}


@dataclass
class QuestionSpread:
    """The panel's scores for one question, in the order of the scorecards given."""

    key: object
    title: str
    scores: list[int | None] = field(default_factory=list)

    @property
    def disagrees(self) -> bool:
        return scores_disagree(self.scores)

    @property
    def spread(self) -> int:
        assessed = [score for score in self.scores if score is not None]
        return max(assessed) - min(assessed) if assessed else 0
