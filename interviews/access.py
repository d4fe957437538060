"""Who may see what: the one module of access-checked getters.

Views call these; they start from the user, so a forgotten filter is hard to write.
Strangers get 404 (Http404), never a hint that the thing exists.

Blind review lives here too: `visible_scorecards` is the only way a page, fragment,
export, count or ordering reaches other people's scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from interviews.db.panel import panel_row
from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    PositionMember,
    Scorecard,
    ScorecardQuerySet,
    SessionQuestion,
    TeamRole,
)
from intervy.roles import is_admin, is_hiring_manager, is_interviewer, works_on_templates
from intervy.typing import RequestUser

# --- Hiring teams (PRODUCT F1) ----------------------------------------------------------


def manages_position(user: User, position: Position) -> bool:
    """Admins, and the position's own hiring manager (while they hold that role)."""
    if is_admin(user):
        return True
    return bool(
        user.is_authenticated and position.hiring_manager_id == user.pk and is_hiring_manager(user)
    )


def may_schedule_for(user: User, position: Position) -> bool:
    """Who schedules, reschedules and cancels a position's sessions: those who manage it,
    and its coordinators."""
    if manages_position(user, position):
        return True
    return bool(
        user.is_authenticated
        and PositionMember.objects.filter(
            position_id=position.pk, user_id=user.pk, role=TeamRole.COORDINATOR
        ).exists()
    )


def _seat(user: User, *, role: str | None = None) -> Exists:
    seats = PositionMember.objects.filter(position=OuterRef("pk"), user_id=user.pk)
    return Exists(seats.filter(role=role) if role else seats)


def _managed_q(user: User, path: str = "") -> Q:
    """`manages_position` as a filter on the positions reached by `path` ("" for Position
    itself, "session__position__" from a scorecard): every position for admins, their own
    for a hiring manager, none for anyone else. One rule, two forms; they change together."""
    if is_admin(user):
        return Q()
    if user.is_authenticated and is_hiring_manager(user):
        return Q(**{f"{path}hiring_manager_id": user.pk})
    return Q(**{f"{path}pk__in": []})


def positions_visible_to(user: RequestUser) -> QuerySet[Position]:
    """The positions a user is on: admins all; a hiring manager their own; anyone their teams'.

    What a user sees of candidates follows from this: a candidate is shown to them only
    through a position they are on.
    """
    positions = Position.objects.all()
    if is_admin(user):
        return positions
    if not user.is_authenticated:
        return positions.none()
    return positions.filter(_managed_q(user) | _seat(user))


def positions_schedulable_by(user: RequestUser) -> QuerySet[Position]:
    """The positions `may_schedule_for` allows, as one query (open and closed alike)."""
    positions = Position.objects.all()
    if is_admin(user):
        return positions
    if not user.is_authenticated:
        return positions.none()
    return positions.filter(_managed_q(user) | _seat(user, role=TeamRole.COORDINATOR))


def candidates_visible_to(user: RequestUser) -> QuerySet[Candidate]:
    """Candidates of the positions the user is on, and those they entered (admins: all)."""
    if is_admin(user):
        return Candidate.objects.all()
    if not user.is_authenticated:
        return Candidate.objects.none()
    on_their_positions = Exists(
        InterviewSession.objects.filter(
            candidate=OuterRef("pk"), position__in=positions_visible_to(user)
        )
    )
    return Candidate.objects.filter(on_their_positions | Q(created_by_id=user.pk))


def may_edit_template(user: RequestUser, template: InterviewTemplate) -> bool:
    """Its owner, the hiring manager of its position, or an admin; everyone else clones it.

    Reads `template.position` (select_related it where a page asks this).
    """
    if is_admin(user):
        return True
    if not user.is_authenticated:
        return False
    if template.created_by_id is not None and template.created_by_id == user.pk:
        return True
    return template.position is not None and manages_position(user, template.position)


def session_for_panelist(user: User, session_id: int) -> tuple[InterviewSession, Scorecard]:
    """The session and the user's own scorecard on it; 404 unless the user is on the panel.

    The session comes with its candidate and position, which every runner page shows.
    """
    found = panel_row(user_id=user.pk, session_id=session_id, order=None)
    if found is None:
        raise Http404("No such interview session.")
    session, scorecard, _ = found
    return session, scorecard


def question_for_panelist(
    user: User, session_id: int, order: int
) -> tuple[InterviewSession, Scorecard, SessionQuestion]:
    """As session_for_panelist, plus the session's question `order` (404 if it has none).

    One round trip for what every score, notes and toggle request needs first.
    """
    found = panel_row(user_id=user.pk, session_id=session_id, order=order)
    if found is None:
        raise Http404("No such interview session.")
    session, scorecard, question = found
    if question is None:
        raise Http404(f"This interview has no question {order}.")
    return session, scorecard, question


def interviewer_session_for(user: User, session_id: int) -> tuple[InterviewSession, Scorecard]:
    """The runner's door: `session_for_panelist`, for interviewers only.

    404 for anyone not on the panel, whatever their role (a 403 for a manager would
    still confirm the session exists), and for a panelist who is no longer an interviewer.
    """
    if not is_interviewer(user):
        raise Http404("No such interview session.")
    return session_for_panelist(user, session_id)


def interviewer_question_for(
    user: User, session_id: int, order: int
) -> tuple[InterviewSession, Scorecard, SessionQuestion]:
    """As `interviewer_session_for`, with the session's question `order` (404 if none)."""
    if not is_interviewer(user):
        raise Http404("No such interview session.")
    return question_for_panelist(user, session_id, order)


def own_scorecard_for(user: User, session_id: int) -> tuple[InterviewSession, Scorecard]:
    """The door of the panelist's own scorecard page: interviewers only (403 for other
    roles: the page is theirs to have), and of them only the session's panel (404).

    The interviewer role is asked here, not in each view: a panelist who is no longer an
    interviewer writes on no scorecard.
    """
    if not is_interviewer(user):
        raise PermissionDenied("Only interviewers keep scorecards.")
    return session_for_panelist(user, session_id)


def scorecard_for_reader(user: User, scorecard_id: int) -> tuple[InterviewSession, Scorecard]:
    """A scorecard blind review lets the user read, with its session (and the session's
    candidate and position) and its interviewer; 404 for any other."""
    found = (
        Scorecard.objects.select_related("session__position", "session__candidate")
        .filter(pk=scorecard_id)
        .first()
    )
    if found is None:
        raise Http404("No such scorecard.")
    session = found.session
    shown = (
        visible_scorecards(user, session)
        .filter(pk=scorecard_id)
        .select_related("interviewer")
        .first()
    )
    if shown is None:
        raise Http404("No such scorecard.")
    return session, shown


def sees_audit_trail(user: User, session: InterviewSession) -> bool:
    """The audit trail is for admins and the position's hiring manager, not the panel."""
    return manages_position(user, session.position)


def positions_for_manager(user: User) -> QuerySet[Position]:
    """The positions this user manages (`manages_position`): their own, or all for admins."""
    return Position.objects.filter(_managed_q(user))


def position_for_manager(user: User, position_id: int) -> Position:
    position = positions_for_manager(user).filter(pk=position_id).first()
    if position is None:
        raise Http404("No such position.")
    return position


def loop_for(user: User, position_id: int, candidate_id: int) -> tuple[Position, Candidate]:
    """The position and candidate of a candidate's loop the user may open; 404 otherwise.

    A loop is the candidate's sessions for the position, so a candidate never interviewed
    for it has none. Who may open it: those the position is visible to (admins, its hiring
    manager, its hiring team), and the panelists of one of those sessions — leaving a team
    never takes away the interviews one sat on. What each sees of the scorecards is the
    blind-review door's say.
    """
    position = Position.objects.filter(pk=position_id).first()
    if position is None:
        raise Http404("No such candidate for this position.")
    loop = {"pk": candidate_id, "sessions__position_id": position.pk}
    on_team = (
        manages_position(user, position)
        or positions_visible_to(user).filter(pk=position.pk).exists()
    )
    if not on_team:
        # One filter() call: the panelist's scorecard is on a session *of this position*.
        loop["sessions__scorecards__interviewer_id"] = user.pk
    candidate = Candidate.objects.filter(**loop).first()
    if candidate is None:
        raise Http404("No such candidate for this position.")
    return position, candidate


def loop_for_decision(
    user: User, position_id: int, candidate_id: int
) -> tuple[Position, Candidate]:
    """`loop_for`, for recording a decision on it: its readers who do not manage the
    position are refused (403: they see the loop, so its existence is no secret)."""
    position, candidate = loop_for(user, position_id, candidate_id)
    if not manages_position(user, position):
        raise PermissionDenied("Only the position's hiring manager or an admin decides.")
    return position, candidate


def blind_to_decisions(user: User, position: Position, candidate_id: int) -> bool:
    """True while the user has an unsubmitted scorecard in this loop, unless they decide.

    A decision's rationale speaks about the panels' findings, so a panelist still
    writing their own scorecard of this candidate sees no decision until they submit
    (the same rule as the others' scorecards). Those who record decisions see them.
    """
    if manages_position(user, position):
        return False
    return (
        Scorecard.objects.unsubmitted_in_loop(position.pk, candidate_id)
        .filter(interviewer_id=user.pk)
        .exists()
    )


def session_for_reviewer(user: User, session_id: int) -> InterviewSession:
    """A session the user may review: as its position's hiring manager, an admin or a panelist."""
    session = (
        InterviewSession.objects.select_related("candidate", "position")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not can_review(user, session):
        raise Http404("No such interview session.")
    return session


def can_review(user: User, session: InterviewSession) -> bool:
    if manages_position(user, session.position):
        return True
    return session.scorecards.filter(interviewer_id=user.pk).exists()


def visible_scorecards(user: User, session: InterviewSession) -> ScorecardQuerySet:
    """The scorecards of `session` this user may see (PRODUCT D2, leak-proof blind review).

    - A panelist always sees their own; the others' only once their own is submitted,
      and then only submitted ones (a draft is private to its author).
    - The position's hiring manager and admins see submitted scorecards only.
    - Anyone else sees nothing.
    """
    scorecards = Scorecard.objects.filter(session=session)
    own_card = _own_card(user, session)
    if _blind(own_card):
        return scorecards.filter(interviewer_id=user.pk)
    if own_card is not None or manages_position(user, session.position):
        return scorecards.submitted()
    return scorecards.none()


def _own_card(user: User, session: InterviewSession) -> Scorecard | None:
    return (
        Scorecard.objects.filter(session=session, interviewer_id=user.pk)
        .only("pk", "submitted_at")
        .first()
    )


def _blind(own_card: Scorecard | None) -> bool:
    # On the panel and not yet submitted: blind, whatever other role the user has.
    return own_card is not None and own_card.submitted_at is None


def blind_for(user: User, session: InterviewSession) -> bool:
    """True while the user sits on the session's panel and has not submitted: they see no
    one else's scorecard of it, nor how many have submitted (PRODUCT D2)."""
    return _blind(_own_card(user, session))


def exported_session_scorecards(
    user: User, session_id: int
) -> tuple[InterviewSession, ScorecardQuerySet]:
    """The session and its submitted scorecards this user may export; 404 if none may be.

    A panelist who has not submitted exports nothing — not even an empty file that would
    say how many others have submitted.
    """
    session = session_for_reviewer(user, session_id)
    if blind_for(user, session):
        raise Http404("Submit your own scorecard first.")
    return session, visible_scorecards(user, session).submitted()


def visible_scorecards_for_positions(
    user: User, positions: QuerySet[Position]
) -> ScorecardQuerySet:
    """`visible_scorecards` for every session of these positions, as one query.

    The same rules, stated over many sessions so the hiring manager's pages and exports
    do not query per session: one's own scorecards; others' submitted ones on sessions
    where one's own is submitted; and, as a position's reviewer (its hiring manager, or an
    admin), submitted ones on sessions where one is not on the panel — a reviewer who also
    sits on a panel is blind there until they submit, exactly as `visible_scorecards` says.
    """
    return _visible_to(user, Scorecard.objects.filter(session__position__in=positions))


def visible_scorecards_for_position(user: User, position: Position) -> ScorecardQuerySet:
    """`visible_scorecards_for_positions` for one position, filtered by its id."""
    return _visible_to(user, Scorecard.objects.filter(session__position_id=position.pk))


def _visible_to(user: User, scorecards: ScorecardQuerySet) -> ScorecardQuerySet:
    """The rules of `visible_scorecards_for_positions` applied to `scorecards`.

    The user's own scorecard on each session comes in by a join ("mine": at most one per
    session, a constraint says so), not by subqueries of their scorecards: with
    subqueries in the OR the planner scanned every scorecard of the app for one
    position's export (14 ms at benchmark size); with the join it reads the position's
    sessions and their scorecards by index (1 ms).
    """
    scorecards = scorecards.alias(
        mine=FilteredRelation(
            "session__scorecards", condition=Q(session__scorecards__interviewer_id=user.pk)
        )
    )
    visible = Q(interviewer_id=user.pk) | Q(
        submitted_at__isnull=False, mine__submitted_at__isnull=False
    )
    if is_admin(user) or is_hiring_manager(user):
        reviewed = _managed_q(user, "session__position__")
        visible |= reviewed & Q(submitted_at__isnull=False, mine__isnull=True)
    return scorecards.filter(visible)


def session_for_scheduler(user: User, session_id: int) -> InterviewSession:
    """A session whose schedule the user may change; 404 for anyone else."""
    session = (
        InterviewSession.objects.select_related("candidate", "position")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not may_schedule_for(user, session.position):
        raise Http404("No such interview session.")
    return session


def sessions_visible_to(user: RequestUser) -> QuerySet[InterviewSession]:
    """The sessions some door already opens to the user, as one query (the API's list).

    Its panel's (session_for_panelist), its position's reviewers' (session_for_reviewer:
    the hiring manager, admins) and schedulers' (session_for_scheduler: those, and its
    coordinators). What each sees of the scorecards stays blind review's say.
    """
    if is_admin(user):
        return InterviewSession.objects.all()
    if not user.is_authenticated:
        return InterviewSession.objects.none()
    on_panel = Exists(Scorecard.objects.filter(session=OuterRef("pk"), interviewer_id=user.pk))
    return InterviewSession.objects.filter(
        on_panel | Q(position__in=positions_schedulable_by(user))
    )


# --- Analytics (PRODUCT E5) -------------------------------------------------------------


@dataclass(frozen=True)
class AnalyticsAudience:
    """What one user's analytics pages are computed from and may show.

    `positions` is the data's scope (None: every position); `all_interviewers` whether
    the pages list every interviewer of it, or only the user's own figures.
    """

    user_id: int
    positions: tuple[int, ...] | None
    all_interviewers: bool

    def shows_interviewer(self, interviewer_id: int) -> bool:
        return self.all_interviewers or interviewer_id == self.user_id


def may_see_analytics(user: User) -> bool:
    """Interviewers, hiring managers and admins; curators and the role-less see nothing."""
    return works_on_templates(user)


def analytics_audience(user: User) -> AnalyticsAudience:
    """Whose figures and which data (ANALYTICS.md: figures about people are scoped).

    - Admins: every interviewer, every position.
    - Hiring managers: the interviewers and questions of their own positions' sessions.
    - Interviewers: their own calibration figures and the question health of the bank,
      from every session (their own figures only involve the panels they sat on, whose
      scorecards they have seen once they submitted).
    Only sessions whose whole panel has submitted ever enter (analytics/data.py).
    """
    if is_admin(user):
        return AnalyticsAudience(user.pk, None, all_interviewers=True)
    if is_hiring_manager(user):
        managed = tuple(positions_for_manager(user).order_by("pk").values_list("pk", flat=True))
        return AnalyticsAudience(user.pk, managed, all_interviewers=True)
    return AnalyticsAudience(user.pk, None, all_interviewers=False)


def analytics_interviewer_for(user: User, interviewer_id: int) -> tuple[User, AnalyticsAudience]:
    """The interviewer whose calibration page the user may open, and the user's audience.

    One's own page; a hiring manager's, of an interviewer on a panel of their positions;
    an admin's, of anyone who has sat on a panel. 404 for everyone else.
    """
    from django.contrib.auth import get_user_model

    audience = analytics_audience(user)
    if not audience.shows_interviewer(interviewer_id):
        raise Http404("No such interviewer.")
    panels = Scorecard.objects.filter(interviewer_id=interviewer_id)
    if audience.positions is not None:
        panels = panels.filter(session__position_id__in=audience.positions)
    people = get_user_model().objects.filter(pk=interviewer_id)
    if interviewer_id != user.pk:
        people = people.filter(Exists(panels.filter(interviewer_id=OuterRef("pk"))))
    interviewer = people.first()
    if interviewer is None:
        raise Http404("No such interviewer.")
    return interviewer, audience


def analytics_positions_for(audience: AnalyticsAudience) -> QuerySet[Position]:
    """The positions an audience's filter form offers."""
    positions = Position.objects.order_by("title", "pk")
    if audience.positions is None:
        return positions
    return positions.filter(pk__in=audience.positions)


def visible_scorecard_ids(
    user: User, *, interviewer_id: int, session_ids: list[int]
) -> dict[int, int]:
    """session → the interviewer's scorecard on it, for the sessions the user may read
    that scorecard on (blind review's door, one query)."""
    cards = _visible_to(
        user,
        Scorecard.objects.filter(session_id__in=session_ids, interviewer_id=interviewer_id),
    ).filter(submitted_at__isnull=False)
    return dict(cards.values_list("session_id", "pk"))
