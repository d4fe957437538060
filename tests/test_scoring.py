from decimal import Decimal

from interviews.scoring import (
    Rating,
    aggregate,
    category_results,
    mean_of,
    recommendation_counts,
    recommendations_split,
    scores_disagree,
)


def rating(score, category="db", not_assessed=False):
    return Rating(category, category.title(), score, not_assessed)


def test_it_averages_assessed_scores_to_two_decimals():
    result = aggregate([rating(3), rating(4), rating(4)])
    assert result.mean == Decimal("3.67")
    assert result.assessed == 3
    assert result.display == "3.67"


def test_it_rounds_half_up():
    assert mean_of(25, 8) == Decimal("3.13")  # 3.125


def test_it_never_counts_not_assessed_as_a_low_score():
    result = aggregate([rating(4), rating(None, not_assessed=True), rating(4)])
    assert result.mean == Decimal("4.00")
    assert result.assessed == 2
    assert result.not_assessed == 1


def test_it_leaves_unscored_questions_out_of_both_counts():
    result = aggregate([rating(2), rating(None)])
    assert (result.mean, result.assessed, result.not_assessed) == (Decimal("2.00"), 1, 0)


def test_it_has_no_mean_when_nothing_was_assessed():
    result = aggregate([rating(None, not_assessed=True)])
    assert result.mean is None
    assert result.display == "—"


def test_it_groups_categories_in_the_order_they_first_appear():
    results = category_results(
        [rating(4, "api"), rating(1, "db"), rating(2, "api"), rating(None, "db", True)]
    )
    assert [result.slug for result in results] == ["api", "db"]
    assert results[0].aggregate.mean == Decimal("3.00")
    assert results[1].aggregate.mean == Decimal("1.00")
    assert results[1].aggregate.not_assessed == 1


def test_it_flags_scores_two_or_more_apart():
    assert scores_disagree([2, 4])
    assert scores_disagree([1, 2, 3])
    assert not scores_disagree([3, 4, 4])


def test_it_does_not_flag_a_question_only_one_panelist_assessed():
    assert not scores_disagree([1, None])
    assert not scores_disagree([])


def test_it_calls_a_yes_and_a_no_a_split():
    assert recommendations_split(["yes", "strong_no"])
    assert recommendations_split(["strong_yes", "no", "yes"])
    assert not recommendations_split(["yes", "strong_yes"])
    assert not recommendations_split(["no", "strong_no"])


def test_it_counts_every_recommendation_level():
    assert recommendation_counts(["yes", "yes", "strong_no"]) == {
        "strong_no": 1,
        "no": 0,
        "yes": 2,
        "strong_yes": 0,
    }
