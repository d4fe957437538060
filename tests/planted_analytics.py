"""Synthetic interview history with a known truth, for the analytics tests.

Plain records (interviews.analytics.figures), so the figure-level test runs without a
database; a page-level test can write the same history to the database and expect the
same findings. What is planted:

- interviewer LENIENT rates every answer one point above what they would otherwise give
  (capped at 4); everyone else is unbiased, with the same noise;
- question LEAKED scores one point higher, relative to the candidates' other answers,
  for every session from LEAK_DAY on; the other questions stay as they were;
- question SEPARATING measures the skill the hiring decision was made on; question
  UNRELATED measures nothing about the candidate, so it cannot separate them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from interviews.analytics.figures import Outcome, RatingRecord, ScorecardRecord

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DAYS = 360
LEAK_DAY = 240
INTERVIEWERS = tuple(range(1, 13))
LENIENT = 1
LEAKED, SEPARATING, UNRELATED = 101, 102, 103
STEADY = (104, 105, 106)
QUESTIONS = (LEAKED, SEPARATING, UNRELATED, *STEADY)
# How hard each question is: a constant offset, which is not drift.
DIFFICULTY = {LEAKED: -0.3, SEPARATING: 0.0, UNRELATED: 0.2, 104: 0.4, 105: -0.2, 106: 0.0}


@dataclass
class History:
    ratings: list[RatingRecord] = field(default_factory=list)
    scorecards: list[ScorecardRecord] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    leak_at: datetime = START + timedelta(days=LEAK_DAY)


def _clamp(value: float) -> int:
    return min(4, max(1, round(value)))


def planted_history(*, sessions: int = 300, seed: int = 20261201) -> History:
    """`sessions` sessions, one candidate each, evenly over a year, panels of two or three."""
    rng = random.Random(seed)
    history = History()
    unit_key = 0
    for index in range(sessions):
        candidate = 10_000 + index
        session = 20_000 + index
        day = index * DAYS / sessions
        completed = START + timedelta(days=day, hours=rng.uniform(0, 8))
        ability = rng.gauss(0, 0.7)  # what the questions measure in common
        skill = rng.gauss(0, 1)  # what the decision turns on, and only SEPARATING measures
        panel = rng.sample(INTERVIEWERS, rng.choice((2, 2, 3)))
        truth = {question: 2.4 + DIFFICULTY[question] + ability for question in (LEAKED, *STEADY)}
        truth[SEPARATING] = 2.5 + 0.4 * ability + 0.9 * skill
        truth[UNRELATED] = 2.6 + rng.gauss(0, 0.8)
        if day >= LEAK_DAY:
            truth[LEAKED] += 1.0
        means: dict[int, list[int]] = {interviewer: [] for interviewer in panel}
        for question in QUESTIONS:
            unit_key += 1
            for interviewer in panel:
                honest = truth[question] + rng.gauss(0, 0.45)
                score: int | None = _clamp(honest + (1 if interviewer == LENIENT else 0))
                if rng.random() < 0.03:
                    score = None  # not assessed: counted, never a low score
                else:
                    means[interviewer].append(score)
                history.ratings.append(
                    RatingRecord(
                        candidate_id=candidate,
                        session_id=session,
                        unit_key=unit_key,
                        question_id=question,
                        question_version=1,
                        interviewer_id=interviewer,
                        score=score,
                        completed_at=completed,
                    )
                )
        for interviewer in panel:
            own = means[interviewer]
            recommendation = _clamp(sum(own) / len(own) - 0.3 + rng.gauss(0, 0.4))
            history.scorecards.append(
                ScorecardRecord(
                    session_id=session,
                    candidate_id=candidate,
                    interviewer_id=interviewer,
                    recommendation=recommendation,
                    completed_at=completed,
                    submitted_at=completed + timedelta(hours=rng.expovariate(1 / 14)),
                )
            )
        roll = rng.random()
        if roll < 0.1:
            history.outcomes[candidate] = Outcome.WITHDREW
        else:
            decided_on = skill + rng.gauss(0, 0.3)
            history.outcomes[candidate] = Outcome.HIRED if decided_on > 0.4 else Outcome.REJECTED
    return history
