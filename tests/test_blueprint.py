"""The blueprint generator: a pure function, so these tests need no database."""

from __future__ import annotations

import pytest

from interviews.blueprint import (
    BankQuestion,
    Blueprint,
    BlueprintError,
    allot_minutes,
    coverage,
    difficulty_counts,
    propose_template,
)

# The seed pack's shape: category → difficulties, in bank order (PRODUCT A1).
SEED_SHAPE = {
    "programming-fundamentals": ["easy", "easy", "medium", "medium", "hard"],
    "databases": ["easy", "medium", "medium", "medium", "hard", "hard", "hard"],
    "api-design": ["easy", "easy", "medium"],
    "devops": ["easy", "medium", "medium"],
    "security": ["easy", "medium", "medium", "medium"],
    "caching": ["medium", "medium", "medium"],
    "messaging": ["hard", "hard", "hard"],
    "monitoring": ["medium", "medium", "medium"],
}
ALL = tuple(SEED_SHAPE)


def seed_like_bank() -> list[BankQuestion]:
    bank = []
    for slug, levels in SEED_SHAPE.items():
        for level in levels:
            n = len(bank) + 1
            bank.append(BankQuestion(id=n, title=f"Q{n}", category=slug, difficulty=level))
    return bank


def mix(easy: int, medium: int, hard: int) -> dict[str, int]:
    return {"easy": easy, "medium": medium, "hard": hard}


def test_it_proposes_the_same_template_for_the_same_inputs():
    blueprint = Blueprint(minutes=45, categories=ALL[:5], mix=mix(30, 40, 30))
    first = propose_template(seed_like_bank(), blueprint)
    again = propose_template(seed_like_bank(), blueprint)
    assert first == again
    assert [item.question.id for item in first.questions] == [
        item.question.id for item in again.questions
    ]


def test_it_does_not_depend_on_the_order_of_unrelated_bank_entries():
    blueprint = Blueprint(minutes=30, categories=("databases", "security"), mix=mix(30, 50, 20))
    bank = seed_like_bank()
    noise = [question for question in bank if question.category == "messaging"]
    reordered = noise + [question for question in bank if question.category != "messaging"]
    assert propose_template(bank, blueprint) == propose_template(reordered, blueprint)


@pytest.mark.parametrize("minutes", [10, 30, 45, 60, 90, 120])
def test_it_fills_exactly_the_requested_length(minutes):
    proposal = propose_template(
        seed_like_bank(), Blueprint(minutes=minutes, categories=ALL, mix=mix(30, 50, 20))
    )
    assert proposal.total_minutes == minutes
    assert all(item.minutes >= 1 for item in proposal.questions)


def test_it_covers_every_chosen_category_even_where_the_mix_is_scarce():
    proposal = propose_template(
        seed_like_bank(), Blueprint(minutes=60, categories=ALL, mix=mix(20, 50, 30))
    )
    assert {item.question.category for item in proposal.questions} == set(ALL)


def test_it_uses_only_the_chosen_categories():
    chosen = ("databases", "caching")
    proposal = propose_template(
        seed_like_bank(), Blueprint(minutes=40, categories=chosen, mix=mix(20, 60, 20))
    )
    assert {item.question.category for item in proposal.questions} == set(chosen)


@pytest.mark.parametrize(
    ("shares", "minutes"),
    [((30, 50, 20), 30), ((20, 50, 30), 60), ((0, 100, 0), 45), ((34, 33, 33), 50)],
)
def test_it_respects_the_difficulty_mix_within_rounding(shares, minutes):
    blueprint = Blueprint(minutes=minutes, categories=ALL[:5], mix=mix(*shares))
    proposal = propose_template(seed_like_bank(), blueprint)
    counts = proposal.difficulty_counts()
    total = len(proposal.questions)
    for level, share in zip(("easy", "medium", "hard"), shares, strict=True):
        assert abs(counts[level] - total * share / 100) < 1, (level, counts)


def test_it_orders_the_interview_from_easy_to_hard():
    proposal = propose_template(
        seed_like_bank(), Blueprint(minutes=60, categories=ALL, mix=mix(20, 50, 30))
    )
    ranks = [
        ("easy", "medium", "hard").index(item.question.difficulty) for item in proposal.questions
    ]
    assert ranks == sorted(ranks)


def test_it_gives_harder_questions_more_time():
    minutes = allot_minutes(["easy", "medium", "hard"], 38)
    assert sum(minutes) == 38
    assert minutes[0] < minutes[1] < minutes[2]


def test_it_never_picks_the_same_question_twice():
    proposal = propose_template(
        seed_like_bank(), Blueprint(minutes=120, categories=ALL, mix=mix(20, 50, 30))
    )
    ids = [item.question.id for item in proposal.questions]
    assert len(ids) == len(set(ids))


def test_it_explains_when_the_categories_have_too_few_questions():
    blueprint = Blueprint(minutes=120, categories=("api-design",), mix=mix(30, 50, 20))
    with pytest.raises(BlueprintError, match="only 3 published"):
        propose_template(seed_like_bank(), blueprint)


def test_it_explains_when_the_mix_cannot_be_met():
    blueprint = Blueprint(minutes=30, categories=("caching", "monitoring"), mix=mix(0, 0, 100))
    with pytest.raises(BlueprintError, match="run out of questions for this mix"):
        propose_template(seed_like_bank(), blueprint)


def test_it_says_where_covering_a_category_bent_the_mix():
    blueprint = Blueprint(minutes=20, categories=("databases", "messaging"), mix=mix(50, 50, 0))
    proposal = propose_template(seed_like_bank(), blueprint)
    assert {item.question.category for item in proposal.questions} == {"databases", "messaging"}
    assert proposal.notes == ("messaging has no easy question left, so it got a hard one.",)


def test_it_explains_a_category_with_no_published_questions():
    blueprint = Blueprint(minutes=30, categories=("databases", "frontend"), mix=mix(30, 50, 20))
    with pytest.raises(BlueprintError, match="No published questions in frontend"):
        propose_template(seed_like_bank(), blueprint)


def test_it_rejects_a_mix_that_does_not_sum_to_100():
    with pytest.raises(BlueprintError, match="summing to 100"):
        difficulty_counts(5, mix(50, 50, 50))


def test_it_splits_counts_by_largest_remainder():
    assert difficulty_counts(5, mix(30, 50, 20)) == {"easy": 2, "medium": 2, "hard": 1}
    assert difficulty_counts(9, mix(20, 50, 30)) == {"easy": 2, "medium": 4, "hard": 3}


def test_coverage_keeps_empty_categories_in_the_grid():
    grid = coverage(
        [("databases", "Databases"), ("security", "Security")],
        [("databases", "easy"), ("databases", "hard"), ("databases", "hard")],
    )
    assert [row.counts for row in grid.rows] == [(1, 0, 2), (0, 0, 0)]
    assert grid.empty_categories == ["Security"]
    assert grid.difficulty_totals == (1, 0, 2)
    assert grid.covered_count == 1


# --- the generator page ----------------------------------------------------------------

GENERATE = "/templates/generate/"
SCREEN_INPUTS = {
    "minutes": "30",
    "categories": ["programming-fundamentals", "databases", "api-design", "security"],
    "easy": "30",
    "medium": "50",
    "hard": "20",
    "name": "My screen",
}


@pytest.mark.django_db
def test_the_page_shows_a_proposal_with_coverage(client_for, interviewer, seed_pack):
    html = client_for(interviewer).get(GENERATE, SCREEN_INPUTS).content.decode()
    assert "Proposal: 5 questions, 30 minutes" in html
    assert '<table class="coverage"' in html
    assert "Create template" in html
    for category in ("Programming Fundamentals", "Databases", "API Design", "Security"):
        assert category in html


@pytest.mark.django_db
def test_the_page_proposes_the_same_questions_twice(client_for, interviewer, seed_pack):
    client = client_for(interviewer)
    first = client.get(GENERATE, SCREEN_INPUTS).content.decode()
    second = client.get(GENERATE, SCREEN_INPUTS).content.decode()
    start = first.index("Proposal:")
    proposal = first[start : first.index('<form method="post"', start)]
    assert proposal.count("<tr>") == (1 + 5) + (1 + 4)  # proposal rows, coverage rows
    assert proposal in second


@pytest.mark.django_db
def test_create_template_saves_the_proposal_and_opens_the_builder(
    client_for, interviewer, seed_pack
):
    from interviews.models import InterviewTemplate

    client = client_for(interviewer)
    shown = client.get(GENERATE, SCREEN_INPUTS).content.decode()
    page = client.post(GENERATE, SCREEN_INPUTS)
    template = InterviewTemplate.objects.get(name="My screen")
    assert page["Location"] == f"/templates/{template.pk}/"
    titles = list(template.items.order_by("order").values_list("question__title", flat=True))
    assert len(titles) == 5
    positions = [shown.index(title) for title in titles]
    assert positions == sorted(positions)
    assert sum(template.items.values_list("minutes", flat=True)) == 30
    assert template.target_minutes == 30
    assert template.created_by == interviewer


@pytest.mark.django_db
def test_the_mix_must_sum_to_100(client_for, interviewer, seed_pack):
    from interviews.models import InterviewTemplate

    page = client_for(interviewer).post(GENERATE, {**SCREEN_INPUTS, "hard": "30"})
    assert page.status_code == 400
    assert "The difficulty mix must sum to 100% (it sums to 110%)." in page.content.decode()
    assert not InterviewTemplate.objects.exists()


@pytest.mark.django_db
def test_too_few_questions_is_explained(client_for, interviewer, seed_pack):
    page = client_for(interviewer).get(
        GENERATE, {**SCREEN_INPUTS, "minutes": "120", "categories": ["api-design"]}
    )
    assert page.status_code == 400
    assert "only 3 published" in page.content.decode()
    assert "Create template" not in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_category_is_a_form_error(client_for, interviewer, seed_pack):
    page = client_for(interviewer).get(GENERATE, {**SCREEN_INPUTS, "categories": ["frontend"]})
    assert "Select a valid choice. frontend is not one of the available choices." in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_the_empty_form_has_sensible_defaults(client_for, interviewer, seed_pack):
    page = client_for(interviewer).get(GENERATE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="minutes" value="60"' in html
    assert "Proposal:" not in html
