"""`manage.py seed_demo_history`: six months of interviews for the demo, so no page is empty.

Three positions of the demo `manager`, about forty candidates, about a hundred and twenty
completed sessions run from the ready templates by panels of two or three (the demo
interviewers and four more it creates), with scores that spread the way real panels do:
each candidate has an underlying strength, each interviewer a leniency, each question a
difficulty, and every rating some noise — so panels mostly agree, sometimes split, and
now and then do not assess a question. Most candidates have decisions; a few scorecards
are overdue (the session is over, the card is not submitted); a few sessions are still
to come.

Run by `make run` after `seed_demo`, and only there: never by an import, a migration, the
Dockerfile or the production entrypoint. Idempotent: the demo candidates carry an email
at DEMO_DOMAIN, and once one exists the command says so and writes nothing. The same
seed gives the same history, dated back from the day it is loaded.

Rows go in with bulk inserts, parents before children, and a submitted scorecard is
written as the app writes one: the session completed, every question scored, marked not
assessed or skipped, the records first and `submitted_at` last.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from interviews.management.commands.seed_demo import READY_TEMPLATES, demo_password
from interviews.models import (
    AuditAction,
    AuditEvent,
    Candidate,
    Decision,
    DecisionKind,
    InterviewSession,
    InterviewTemplate,
    Position,
    PositionMember,
    QuestionRecord,
    Recommendation,
    Scorecard,
    SessionQuestion,
    SessionState,
    TeamRole,
)
from intervy.roles import INTERVIEWERS

SEED = 20261201
DEMO_DOMAIN = "demo-history.intervy.test"
HISTORY_DAYS = 180

POSITIONS = (
    ("Backend engineer", "Builds and runs the services behind the product."),
    ("Platform engineer", "Keeps the deploys, the databases and the queues healthy."),
    ("Data engineer", "Moves and models the data the analysts and the product rely on."),
)
# username, first name, last name, leniency (how far above the truth they score, in points).
INTERVIEWER_PROFILES = (
    ("interviewer", "", "", 0.0),
    ("interviewer2", "", "", 0.15),
    ("priya", "Priya", "Raman", 0.55),
    ("tomas", "Tomás", "Novak", -0.5),
    ("mei", "Mei", "Chen", 0.1),
    ("kofi", "Kofi", "Mensah", -0.1),
)
TEAMS = {
    "Backend engineer": ("interviewer", "interviewer2", "priya", "tomas"),
    "Platform engineer": ("interviewer", "mei", "kofi", "tomas"),
    "Data engineer": ("interviewer2", "priya", "mei", "kofi"),
}
FIRST_NAMES = (
    "Amara",
    "Beatriz",
    "Chidi",
    "Dana",
    "Elif",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Luca",
    "Maren",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rania",
    "Soren",
    "Tala",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Arjun",
    "Bianca",
    "Cyrus",
    "Delia",
    "Emeka",
    "Freya",
    "Goran",
    "Hana",
    "Idris",
    "Juno",
    "Kai",
    "Lena",
    "Mateo",
    "Noor",
    "Oskar",
    "Priti",
)
LAST_NAMES = (
    "Okafor",
    "Silva",
    "Nwosu",
    "Levi",
    "Yilmaz",
    "Haddad",
    "Brandt",
    "Tanaka",
    "Duarte",
    "Weber",
    "Iyer",
    "Romano",
    "Solberg",
    "Karimi",
    "Aziz",
    "Moreau",
    "Fabre",
    "Saleh",
    "Lund",
    "Ortiz",
    "Qureshi",
    "Novak",
    "Zhou",
    "Reyes",
    "Demir",
    "Kowalska",
    "Menon",
    "Costa",
    "Farahani",
    "Ionescu",
    "Obi",
    "Larsen",
    "Petrov",
    "Sato",
    "Bakr",
    "Marsh",
    "Ito",
    "Vogel",
    "Herrera",
    "Rahman",
    "Berg",
    "Das",
)
DIFFICULTY_SHIFT = {"easy": 0.45, "medium": 0.0, "hard": -0.45}
NOTES = {
    1: (
        "Could not get started; needed the basics explained.",
        "Guessed, and stayed with the guess when pushed.",
        "Mixed up the terms; no working example.",
    ),
    2: (
        "Knew the words, not the trade-offs.",
        "Got there with hints; missed the failure cases.",
        "Textbook answer, thin on anything they had built.",
    ),
    3: (
        "Solid: explained the mechanism and one real trade-off.",
        "Good example from their last job; a gap on the edge cases.",
        "Clear and correct; did not volunteer the limits.",
    ),
    4: (
        "Excellent: trade-offs, failure modes and how they would measure it.",
        "Taught me something; walked through a production incident.",
        "Precise, and asked the right clarifying questions first.",
    ),
}
SUMMARIES = {
    Recommendation.STRONG_NO: "Well below the bar across the board; I would not continue.",
    Recommendation.NO: "Some good moments, but the gaps are in the fundamentals we need.",
    Recommendation.YES: "Solid across most areas; a gap or two that the next round can probe.",
    Recommendation.STRONG_YES: "Strong everywhere we looked; I would be glad to work with them.",
}
RATIONALES = {
    DecisionKind.ADVANCE: "Panel agrees on the fundamentals; the next round should probe {gap}.",
    DecisionKind.REJECT: "The panels found gaps in {gap} that the role cannot carry.",
    DecisionKind.OFFER: "Consistent strength across the loop; the panels' doubts on {gap} were "
    "answered in the last round.",
    DecisionKind.HIRED: "Offer accepted.",
    DecisionKind.WITHDREW: "The candidate withdrew: they accepted another offer.",
}


@dataclass
class PlannedCard:
    interviewer: User
    submitted: bool
    scorecard: Scorecard | None = None


@dataclass
class PlannedSession:
    candidate_index: int
    position: Position
    template: InterviewTemplate
    scheduled_at: datetime
    completed: bool
    cards: list[PlannedCard] = field(default_factory=list)
    session: InterviewSession | None = None


def team_pairs(positions: dict[str, Position], users: dict[str, Any]) -> list[tuple[Position, Any]]:
    """Every (position, interviewer) of the demo's hiring teams, the one list panels are
    drawn from and team seats are made from."""
    return [(positions[title], users[name]) for title, names in TEAMS.items() for name in names]


class Command(BaseCommand):
    help = "Load six months of demo interviews, scorecards and decisions (once; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        if Candidate.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
            self.stdout.write("The demo history is already loaded; nothing to do.")
            return
        User = get_user_model()
        manager = User.objects.filter(username="manager").first()
        templates = {
            template.name: template
            for template in InterviewTemplate.objects.filter(
                name__in=[ready.name for ready in READY_TEMPLATES]
            )
        }
        if manager is None or len(templates) != len(READY_TEMPLATES):
            raise CommandError("Run `manage.py seed_demo` first: the demo history builds on it.")
        with transaction.atomic():
            counts = History(
                seed=options["seed"],
                manager=manager,
                screen=templates[READY_TEMPLATES[0].name],
                deep_dive=templates[READY_TEMPLATES[1].name],
            ).load()
        self.stdout.write(
            "Loaded the demo history: "
            + ", ".join(f"{count} {name}" for name, count in counts.items())
            + ". Its other interviewers, with the demo password: "
            + ", ".join(name for name, first, _, _ in INTERVIEWER_PROFILES if first)
            + "."
        )


class History:
    def __init__(
        self, *, seed: int, manager: User, screen: InterviewTemplate, deep_dive: InterviewTemplate
    ) -> None:
        self.rng = random.Random(seed)
        self.manager = manager
        self.screen = screen
        self.deep_dive = deep_dive
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.audit: list[AuditEvent] = []

    # --- people and positions -----------------------------------------------------------

    def interviewers(self) -> dict[str, Any]:
        User = get_user_model()
        group = Group.objects.get_or_create(name=INTERVIEWERS)[0]
        password = make_password(demo_password())
        users = {}
        for username, first, last, _ in INTERVIEWER_PROFILES:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "password": password},
            )
            if created or not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            users[username] = user
        return users

    def positions(self) -> dict[str, Position]:
        positions = {}
        for title, description in POSITIONS:
            positions[title], _ = Position.objects.get_or_create(
                title=title,
                defaults={"hiring_manager": self.manager, "description": description},
            )
        return positions

    # --- the plan ------------------------------------------------------------------------

    def load(self) -> dict[str, int]:
        users = self.interviewers()
        leniency = {name: shift for name, _, _, shift in INTERVIEWER_PROFILES}
        positions = self.positions()
        teams: dict[int, list[Any]] = {}
        pairs = team_pairs(positions, users)
        for position, user in pairs:
            teams.setdefault(position.pk, []).append(user)
        PositionMember.objects.bulk_create(
            [
                PositionMember(position=position, user=user, role=TeamRole.INTERVIEWER)
                for position, user in pairs
            ],
            ignore_conflicts=True,
        )
        candidates = self.candidates()
        ability = [self.rng.gauss(0.0, 0.8) for _ in candidates]
        titles = list(positions)
        planned: list[PlannedSession] = []
        for index, _ in enumerate(candidates):
            position = positions[titles[index % len(titles)]]
            planned += self.plan_loop(index, position, teams[position.pk], ability[index])
        self.mark_overdue(planned)
        snapshots = {
            template.pk: self.snapshot(template) for template in (self.screen, self.deep_dive)
        }
        self.write_sessions(planned, candidates, snapshots)
        self.write_scorecards(planned, snapshots, ability, leniency)
        decisions = self.write_decisions(planned, candidates, ability)
        AuditEvent.objects.bulk_create(self.audit)
        completed = sum(one.completed for one in planned)
        return {
            "candidates": len(candidates),
            "completed sessions": completed,
            "upcoming sessions": len(planned) - completed,
            "scorecards": sum(len(one.cards) for one in planned),
            "decisions": decisions,
        }

    def candidates(self) -> list[Candidate]:
        names = [(first, last) for first, last in zip(FIRST_NAMES, LAST_NAMES, strict=True)]
        return Candidate.objects.bulk_create(
            Candidate(
                full_name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@{DEMO_DOMAIN}",
                created_by=self.manager,
            )
            for first, last in names
        )

    def plan_loop(
        self, index: int, position: Position, team: list[Any], ability: float
    ) -> list[PlannedSession]:
        """A screen, then deep dives while the candidate keeps passing, up to four rounds."""
        # Stronger candidates go further: each later round is likelier for them.
        rounds = 1 + sum(
            self.rng.random() < threshold + 0.15 * ability for threshold in (0.85, 0.75, 0.2)
        )
        day = self.now - timedelta(
            days=self.rng.uniform(8, HISTORY_DAYS - 7 * rounds), hours=self.rng.randint(0, 6)
        )
        day = day.replace(hour=9 + self.rng.randint(0, 7), minute=self.rng.choice((0, 30)))
        sessions = []
        for number in range(rounds):
            template = self.screen if number == 0 else self.deep_dive
            size = 2 if number == 0 else self.rng.choice((2, 3, 3))
            panel = self.rng.sample(team, size)
            completed = day < self.now - timedelta(hours=2)
            sessions.append(
                PlannedSession(
                    index,
                    position,
                    template,
                    day,
                    completed,
                    [PlannedCard(user, submitted=completed) for user in panel],
                )
            )
            if not completed:
                break
            day += timedelta(days=self.rng.randint(4, 12), hours=self.rng.randint(-3, 3))
        # Candidates whose last round was in the past three weeks mostly have the next
        # one booked.
        recent = self.now - sessions[-1].scheduled_at < timedelta(days=21)
        if sessions[-1].completed and recent and self.rng.random() < 0.6:
            upcoming = self.now + timedelta(days=self.rng.randint(1, 9), hours=2)
            upcoming = upcoming.replace(minute=0)
            panel = self.rng.sample(team, 2)
            sessions.append(
                PlannedSession(
                    index,
                    position,
                    self.deep_dive,
                    upcoming,
                    False,
                    [PlannedCard(user, submitted=False) for user in panel],
                )
            )
        return sessions

    def mark_overdue(self, planned: list[PlannedSession]) -> None:
        """The most recent completed sessions keep one scorecard unsubmitted (four of them,
        one the demo `interviewer`'s own)."""
        recent = sorted(
            (one for one in planned if one.completed), key=lambda one: one.scheduled_at
        )[-8:]
        chosen = 0
        for one in reversed(recent):
            if chosen == 4:
                break
            mine = [card for card in one.cards if card.interviewer.username == "interviewer"]
            if chosen == 0 and not mine:
                continue
            (mine or one.cards)[0].submitted = False
            chosen += 1

    def snapshot(self, template: InterviewTemplate) -> list[dict[str, Any]]:
        """The template's questions as a session freezes them (services.snapshot_...)."""
        items = (
            template.items.select_related("question__category")
            .prefetch_related("question__anchors")
            .order_by("order")
        )
        return [
            {
                "order": order,
                "source_question": item.question,
                "question_version": item.question.version,
                "title": item.question.title,
                "category_name": item.question.category.name,
                "category_slug": item.question.category.slug,
                "difficulty": item.question.difficulty,
                "prompt": item.question.prompt,
                "prompt_html": item.question.prompt_html,
                "answer": item.question.answer,
                "answer_html": item.question.answer_html,
                "follow_up": item.question.follow_up,
                "follow_up_html": item.question.follow_up_html,
                "anchors": {
                    str(level): text for level, text in item.question.anchors_by_level().items()
                },
                "minutes": item.minutes,
            }
            for order, item in enumerate(items, start=1)
        ]

    # --- writing -------------------------------------------------------------------------

    def event(self, **fields: Any) -> None:
        """An audit event stamped with the time of what it records (`at`): the trail is
        append-only, so it is written right the first time."""
        self.audit.append(AuditEvent(**fields))

    def write_sessions(
        self,
        planned: list[PlannedSession],
        candidates: list[Candidate],
        snapshots: dict[int, list[dict[str, Any]]],
    ) -> None:
        sessions = []
        for one in planned:
            minutes = one.template.target_minutes
            started = one.scheduled_at + timedelta(minutes=self.rng.randint(0, 5))
            sessions.append(
                InterviewSession(
                    candidate=candidates[one.candidate_index],
                    position=one.position,
                    template=one.template,
                    template_name=one.template.name,
                    template_version=one.template.version,
                    scheduled_at=one.scheduled_at,
                    state=SessionState.COMPLETED if one.completed else SessionState.SCHEDULED,
                    started_at=started if one.completed else None,
                    completed_at=started + timedelta(minutes=minutes + self.rng.randint(-4, 8))
                    if one.completed
                    else None,
                    created_by=self.manager,
                )
            )
        InterviewSession.objects.bulk_create(sessions)
        for one, session in zip(planned, sessions, strict=True):
            one.session = session
            if one.completed:
                lead = one.cards[0].interviewer
                self.event(
                    actor=lead,
                    session=session,
                    action=AuditAction.SESSION_STARTED,
                    at=session.started_at,
                    old_value=SessionState.SCHEDULED,
                    new_value=SessionState.IN_PROGRESS,
                )
                self.event(
                    actor=lead,
                    session=session,
                    action=AuditAction.SESSION_COMPLETED,
                    at=session.completed_at,
                    old_value=SessionState.IN_PROGRESS,
                    new_value=SessionState.COMPLETED,
                )
        SessionQuestion.objects.bulk_create(
            SessionQuestion(session=one.session, **fields)
            for one in planned
            for fields in snapshots[one.template.pk]
        )

    def write_scorecards(
        self,
        planned: list[PlannedSession],
        snapshots: dict[int, list[dict[str, Any]]],
        ability: list[float],
        leniency: dict[str, float],
    ) -> None:
        questions: dict[int, list[SessionQuestion]] = {}
        for question in SessionQuestion.objects.filter(
            session__in=[one.session for one in planned]
        ).order_by("order"):
            questions.setdefault(question.session_id, []).append(question)
        cards: list[Scorecard] = []
        records: list[QuestionRecord] = []
        for one in planned:
            assert one.session is not None
            asked = questions[one.session.pk]
            started = one.session.started_at
            for planned_card in one.cards:
                card = Scorecard(session=one.session, interviewer=planned_card.interviewer)
                planned_card.scorecard = card
                cards.append(card)
                if not one.completed:
                    records += [QuestionRecord(scorecard=card, session_question=q) for q in asked]
                    continue
                shift = ability[one.candidate_index] + leniency[planned_card.interviewer.username]
                scores = []
                assert started is not None  # a completed session was started
                for number, question in enumerate(asked):
                    record = self.rate(card, question, shift, started)
                    # An overdue card was left half done: the last questions unscored.
                    if not planned_card.submitted and number >= len(asked) // 2:
                        record.score, record.not_assessed, record.notes = None, False, ""
                        record.notes_revision, record.scored_at = 0, None
                    records.append(record)
                    scores.append(record.score)
                if planned_card.submitted:
                    recommendation = self.recommend(scores)
                    card.recommendation = recommendation
                    card.summary = SUMMARIES[recommendation]
        Scorecard.objects.bulk_create(cards)
        for record in records:
            record.scorecard_id = record.scorecard.pk
        QuestionRecord.objects.bulk_create(records)
        # Records first, `submitted_at` last: as submit_scorecard leaves a card.
        submitted = []
        for one in planned:
            for planned_card in one.cards:
                if not planned_card.submitted:
                    continue
                assert planned_card.scorecard is not None and one.session is not None
                card = planned_card.scorecard
                completed_at = one.session.completed_at
                assert completed_at is not None
                delay = timedelta(minutes=self.rng.choice((15, 40, 90, 300, 900, 1500, 4000)))
                card.submitted_at = completed_at + delay
                submitted.append(card)
                self.event(
                    actor=card.interviewer,
                    session=one.session,
                    scorecard=card,
                    action=AuditAction.SUBMITTED,
                    at=card.submitted_at,
                    old_value="draft",
                    new_value=f"submitted: {card.get_recommendation_display()}",
                )
        Scorecard.objects.bulk_update(submitted, ["submitted_at"], batch_size=500)

    def rate(
        self, card: Scorecard, question: SessionQuestion, shift: float, started: datetime
    ) -> QuestionRecord:
        record = QuestionRecord(scorecard=card, session_question=question)
        record.first_shown_at = started + timedelta(minutes=question.order * 5)
        record.seconds_spent = question.minutes * 60 + self.rng.randint(-90, 120)
        draw = self.rng.random()
        if draw < 0.05:
            record.not_assessed = True
        elif draw < 0.07:
            record.skipped = True
        else:
            latent = 2.6 + shift + DIFFICULTY_SHIFT[question.difficulty] + self.rng.gauss(0, 0.6)
            record.score = min(4, max(1, round(latent)))
            record.scored_at = record.first_shown_at + timedelta(minutes=question.minutes)
            if self.rng.random() < 0.7:
                record.notes = self.rng.choice(NOTES[record.score])
                record.notes_revision = 1
        record.follow_up_asked = self.rng.random() < 0.3
        return record

    def recommend(self, scores: list[int | None]) -> Recommendation:
        assessed = [score for score in scores if score is not None]
        mean = sum(assessed) / len(assessed) if assessed else 2.5
        mean += self.rng.gauss(0, 0.25)
        if mean >= 3.35:
            return Recommendation.STRONG_YES
        if mean >= 2.6:
            return Recommendation.YES
        if mean >= 1.85:
            return Recommendation.NO
        return Recommendation.STRONG_NO

    def write_decisions(
        self, planned: list[PlannedSession], candidates: list[Candidate], ability: list[float]
    ) -> int:
        """After each fully submitted round, the manager decides: advance while another
        round followed, then reject, or an offer that ends hired or withdrawn. A round with
        an overdue scorecard waits — except one, decided with an override reason."""
        loops: dict[int, list[PlannedSession]] = {}
        for one in planned:
            loops.setdefault(one.candidate_index, []).append(one)
        gaps = ("caching", "concurrency", "operations", "data modelling", "API design")
        decisions: list[Decision] = []
        overridden = False
        for index, loop in loops.items():
            gap = self.rng.choice(gaps)
            for number, one in enumerate(loop):
                if not one.completed:
                    break
                assert one.session is not None and one.session.completed_at is not None
                at = one.session.completed_at + timedelta(days=1, hours=self.rng.randint(0, 5))
                override = ""
                if not all(card.submitted for card in one.cards):
                    if overridden:
                        break
                    overridden = True
                    override = "The missing scorecard was talked through in the debrief, "
                    override += "and the candidate is waiting for an answer."
                followed = number + 1 < len(loop)
                if followed:
                    kinds = [DecisionKind.ADVANCE]
                elif ability[index] < 0.1 or at > self.now - timedelta(days=1):
                    kinds = [DecisionKind.REJECT] if ability[index] < 0.1 else []
                else:
                    ending = (
                        DecisionKind.HIRED if self.rng.random() < 0.75 else DecisionKind.WITHDREW
                    )
                    kinds = [DecisionKind.OFFER, ending]
                for step, kind in enumerate(kinds):
                    when = min(at + timedelta(days=4 * step), self.now - timedelta(hours=1))
                    decisions.append(
                        Decision(
                            position=one.position,
                            candidate=candidates[index],
                            kind=kind,
                            rationale=RATIONALES[kind].format(gap=gap),
                            override_reason=override if step == 0 else "",
                            decided_by=self.manager,
                            decided_at=when,
                        )
                    )
        Decision.objects.bulk_create(decisions)
        previous: dict[tuple[int, int], str] = {}
        for decision in decisions:
            key = (decision.position_id, decision.candidate_id)
            new_value = decision.kind
            if decision.override_reason:
                new_value = f"{decision.kind} (override: {decision.override_reason})"
            self.event(
                actor=self.manager,
                decision=decision,
                action=AuditAction.DECISION,
                at=decision.decided_at,
                old_value=previous.get(key, ""),
                new_value=new_value,
            )
            previous[key] = decision.kind
        return len(decisions)
