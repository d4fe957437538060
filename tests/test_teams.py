"""Hiring teams (PRODUCT F1): who is on a position, who schedules for it, who sees its
candidates, who edits a template, and what a curator sees — through the pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from interviews import access
from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    PositionMember,
    QuestionRecord,
    Recommendation,
    Scorecard,
    TeamRole,
)
from interviews.services.scorecards import submit_scorecard
from intervy.roles import ADMINS, INTERVIEWERS, is_admin
from tests.conftest import make_user
from tests.factories import complete_and_score, make_session, make_template, seat
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db

SCHEDULE = reverse("interviews:session_new")


def page_of(position) -> str:
    return reverse("interviews:position_detail", args=[position.pk])


def add_url(position) -> str:
    return reverse("interviews:position_team_add", args=[position.pk])


def remove_url(member) -> str:
    return reverse("interviews:position_team_remove", args=[member.position_id, member.pk])


def schedule_data(position, template, panel, **overrides) -> dict:
    return {
        "candidate": "",
        "new_candidate_name": "Ada Lovelace",
        "new_candidate_email": "",
        "position": position.pk,
        "template": template.pk,
        "scheduled_at": "2026-12-01T10:30",
        "interviewers": [user.pk for user in panel],
        **overrides,
    }


def submitted_card(session, interviewer) -> Scorecard:
    card = Scorecard.objects.get(session=session, interviewer=interviewer)
    for record in QuestionRecord.objects.filter(scorecard=card):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=3,
            by_id=interviewer.pk,
        )
    card.recommendation, card.summary = Recommendation.YES, "Solid."
    card.save()
    complete_and_score(session, card)
    return submit_scorecard(scorecard=card, by=interviewer)


# --- the team on the position's page ----------------------------------------------------


def test_the_manager_adds_an_interviewer_without_javascript(
    client_for, manager, position, interviewer
):
    client = client_for(manager)
    page = client.post(
        add_url(position), {"user": interviewer.pk, "role": TeamRole.INTERVIEWER}, follow=True
    )
    html = page.content.decode()
    assert "Interviewer is on the hiring team as interviewer." in html
    team = html[html.index('id="team"') :]
    assert "(interviewer)" in team and "Remove<span" in team
    member = PositionMember.objects.get()
    assert (member.user, member.role, member.added_by) == (interviewer, "interviewer", manager)


def test_adding_over_htmx_returns_the_team_and_changes_a_role(
    client_for, manager, position, interviewer
):
    client = client_for(manager)
    client.post(add_url(position), {"user": interviewer.pk, "role": TeamRole.INTERVIEWER})
    page = client.post(
        add_url(position),
        {"user": interviewer.pk, "role": TeamRole.COORDINATOR},
        HTTP_HX_REQUEST="true",
    )
    html = page.content.decode()
    assert html.lstrip().startswith('<section id="team"')
    assert "<td>Coordinator</td>" in html
    assert PositionMember.objects.get().role == TeamRole.COORDINATOR


def test_only_people_with_the_interviewers_role_can_be_added(
    client_for, manager, position, other_manager, stranger
):
    client = client_for(manager)
    page = client.get(page_of(position))
    options = re.findall(r'<option value="(\d+)"', page.content.decode())
    assert str(stranger.pk) not in options and str(other_manager.pk) not in options
    page = client.post(
        add_url(position), {"user": stranger.pk, "role": TeamRole.INTERVIEWER}, follow=True
    )
    assert "Choose someone who has the Interviewers role." in page.content.decode()
    assert not PositionMember.objects.exists()


def test_removing_a_member_keeps_their_past_panels(client_for, manager, position, interviewer):
    member = seat(position, interviewer)
    session = make_session(panel=[interviewer], position=position)
    page = client_for(manager).post(remove_url(member), follow=True)
    assert "left the hiring team" in page.content.decode()
    assert not PositionMember.objects.exists()
    assert list(session.scorecards.values_list("interviewer", flat=True)) == [interviewer.pk]
    # Still on that panel: the runner still opens for them.
    runner = client_for(interviewer).get(reverse("interviews:runner", args=[session.pk]))
    assert runner.status_code == 200


def test_another_manager_and_team_members_cannot_change_the_team(
    client_for, position, other_manager, interviewer, interviewer2
):
    member = seat(position, interviewer, TeamRole.COORDINATOR)
    assert client_for(other_manager).post(remove_url(member)).status_code == 404
    data = {"user": interviewer2.pk, "role": TeamRole.COORDINATOR}
    assert client_for(other_manager).post(add_url(position), data).status_code == 404
    # A coordinator schedules; they do not manage the team.
    assert client_for(interviewer).post(add_url(position), data).status_code == 403
    assert list(PositionMember.objects.values_list("user", flat=True)) == [interviewer.pk]


def test_an_admin_manages_any_team(client_for, admin_user, position, interviewer):
    client_for(admin_user).post(add_url(position), {"user": interviewer.pk, "role": "interviewer"})
    assert PositionMember.objects.get().added_by == admin_user


# --- scheduling ---------------------------------------------------------------------


@pytest.fixture
def team(position, other_position, interviewer, interviewer2):
    """`interviewer` coordinates Backend engineer; `interviewer2` is on Data engineer only."""
    seat(position, interviewer, TeamRole.COORDINATOR)
    seat(other_position, interviewer2)
    return position


def test_a_coordinator_is_offered_only_their_positions_and_their_team(
    client_for, team, interviewer, interviewer2
):
    make_template(count=2)
    html = client_for(interviewer).get(SCHEDULE).content.decode()
    assert "Backend engineer" in html
    assert "Data engineer" not in html
    assert "(interviewer)" in html
    assert "Interviewer2" not in html


def test_choosing_a_position_shows_its_team_without_and_with_htmx(
    client_for, manager, team, other_position, interviewer, interviewer2
):
    seat(team, interviewer2)
    # The manager's own position, chosen by a link or "Schedule an interview for …".
    client = client_for(manager)
    html = client.get(SCHEDULE, {"position": team.pk}).content.decode()
    assert "the hiring team of Backend engineer" in html
    assert "(interviewer)" in html and "(interviewer2)" in html
    fragment = client.get(
        SCHEDULE, {"position": team.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="panel"
    ).content.decode()
    assert fragment.lstrip().startswith('<fieldset id="panel">')
    # Another manager's position is not one of theirs: the form ignores it.
    html = client.get(SCHEDULE, {"position": other_position.pk}).content.decode()
    assert "Data engineer" not in html


def test_a_panelist_off_the_team_is_refused_by_name(
    client_for, team, other_position, interviewer, interviewer2, other_manager
):
    # interviewer2 sits on Data engineer's team, which interviewer also coordinates; the
    # loner is an interviewer on no team at all.
    seat(other_position, interviewer, TeamRole.COORDINATOR)
    loner = make_user("loner", group=INTERVIEWERS)
    template = make_template(count=2)
    page = client_for(interviewer).post(
        SCHEDULE, schedule_data(team, template, [interviewer, interviewer2, loner])
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert (
        "Not on the hiring team of Backend engineer: Interviewer2 (interviewer2), "
        "Loner (loner)." in html
    )
    assert not InterviewSession.objects.exists()
    assert not Candidate.objects.exists()


def test_a_coordinator_schedules_with_their_team(client_for, team, interviewer, interviewer2):
    seat(team, interviewer2)
    template = make_template(count=2)
    page = client_for(interviewer).post(
        SCHEDULE, schedule_data(team, template, [interviewer, interviewer2])
    )
    session = InterviewSession.objects.get()
    assert page["Location"] == reverse("interviews:runner", args=[session.pk])
    assert set(session.scorecards.values_list("interviewer__username", flat=True)) == {
        "interviewer",
        "interviewer2",
    }


def test_the_manager_schedules_their_own_position_but_not_anothers(
    client_for, manager, team, other_position, interviewer
):
    template = make_template(count=2)
    refused = client_for(manager).post(
        SCHEDULE, schedule_data(other_position, template, [interviewer])
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert not InterviewSession.objects.exists()
    client_for(manager).post(SCHEDULE, schedule_data(team, template, [interviewer]))
    assert InterviewSession.objects.get().position == team


def test_an_interviewer_who_coordinates_nothing_cannot_schedule(
    client_for, team, interviewer2, interviewer
):
    template = make_template(count=2)
    client = client_for(interviewer2)
    home = client.get(reverse("interviews:home")).content.decode()
    assert "Schedule a session" not in home
    page = client.post(SCHEDULE, schedule_data(team, template, [interviewer2]))
    assert page.status_code == 403
    assert not InterviewSession.objects.exists()


def test_the_navigation_offers_scheduling_only_to_those_who_may(
    client_for, team, interviewer, interviewer2, manager
):
    schedule_link = f'<a href="{SCHEDULE}">Schedule</a>'
    assert schedule_link in client_for(interviewer).get(reverse("interviews:home")).content.decode()
    assert schedule_link in client_for(manager).get(reverse("interviews:home")).content.decode()
    html = client_for(interviewer2).get(reverse("interviews:home")).content.decode()
    assert schedule_link not in html


# --- who sees which candidates ----------------------------------------------------


def test_an_interviewer_sees_only_the_candidates_of_positions_they_are_on(
    client_for, team, other_position, interviewer, interviewer2, other_manager
):
    # One candidate per position; interviewer coordinates Backend, interviewer2 sits on Data.
    make_session(panel=[interviewer], position=team, candidate_name="Backend Bea")
    make_session(panel=[interviewer2], position=other_position, candidate_name="Data Dan")
    seat(other_position, interviewer, TeamRole.INTERVIEWER)
    schedule = client_for(interviewer).get(SCHEDULE).content.decode()
    candidates = schedule[: schedule.index('id="id_new_candidate_name"')]
    # On both teams: both candidates, but only the position they coordinate to schedule.
    assert "Backend Bea" in candidates and "Data Dan" in candidates
    PositionMember.objects.filter(position=other_position, user=interviewer).delete()
    schedule = client_for(interviewer).get(SCHEDULE).content.decode()
    assert "Backend Bea" in schedule
    assert "Data Dan" not in schedule
    home = client_for(interviewer).get(reverse("interviews:home")).content.decode()
    assert "Backend Bea" in home and "Data Dan" not in home
    assert "Data engineer" not in home
    # interviewer2 sits on Data engineer only: never Backend's candidate, anywhere.
    home = client_for(interviewer2).get(reverse("interviews:home")).content.decode()
    assert "Data Dan" in home and "Backend Bea" not in home
    assert client_for(interviewer2).get(reverse("interviews:position_list")).status_code == 403


def test_the_doors_agree_with_the_pages(team, other_position, interviewer, interviewer2, manager):
    assert list(access.positions_visible_to(interviewer)) == [team]
    assert list(access.positions_visible_to(interviewer2)) == [other_position]
    assert list(access.positions_visible_to(manager)) == [team]
    assert list(access.positions_schedulable_by(interviewer)) == [team]
    assert list(access.positions_schedulable_by(interviewer2)) == []
    assert access.may_schedule_for(interviewer, team)
    assert not access.may_schedule_for(interviewer, other_position)
    assert access.manages_position(manager, team)
    assert not access.manages_position(manager, other_position)
    assert not access.manages_position(interviewer, team)


def test_a_member_of_the_admins_group_is_an_admin(client_for, position, other_position):
    boss = make_user("boss", group=ADMINS)
    assert is_admin(boss) and not boss.is_superuser
    html = client_for(boss).get(reverse("interviews:position_list")).content.decode()
    assert "Backend engineer" in html and "Data engineer" in html


# --- who edits a template ------------------------------------------------------------


def builder(template) -> str:
    return reverse("interviews:template_builder", args=[template.pk])


def edit_posts(template) -> list[tuple[str, dict]]:
    item = template.items.order_by("order").first()
    args = [template.pk, item.pk]
    return [
        (
            reverse("interviews:template_details", args=[template.pk]),
            {"name": "Grown", "target_minutes": "90"},
        ),
        (reverse("interviews:template_add_question", args=[template.pk]), {"question": "1"}),
        (reverse("interviews:template_remove_question", args=args), {}),
        (reverse("interviews:template_move_question", args=args), {"direction": "down"}),
        (reverse("interviews:template_question_minutes", args=args), {"minutes": "60"}),
    ]


@pytest.fixture
def ready_template(admin_user, position):
    """A ready template: owned by an admin, for the manager's position."""
    return make_template(
        count=3, name="Backend screen — 30 min", owner=admin_user, position=position
    )


@pytest.mark.parametrize("persona", ["interviewer", "other_manager"])
def test_others_see_a_ready_template_read_only_with_clone(
    client_for, request, persona, ready_template
):
    client = client_for(request.getfixturevalue(persona))
    html = client.get(builder(ready_template)).content.decode()
    assert "Read-only. Only this template&#x27;s owner" in html
    assert "Clone</button>" in html
    assert (
        "Save details" not in html and "Remove<span" not in html and "Add from the bank" not in html
    )
    before = list(ready_template.items.order_by("order").values_list("question_id", "minutes"))
    for url, data in edit_posts(ready_template):
        page = client.post(url, data)
        assert page.status_code == 403, url
        assert "Clone it to make a copy of your own." in page.content.decode()
    ready_template.refresh_from_db()
    assert (ready_template.name, ready_template.version) == ("Backend screen — 30 min", 1)
    assert (
        list(ready_template.items.order_by("order").values_list("question_id", "minutes")) == before
    )


def test_a_refusal_over_htmx_says_why_in_the_fragment(client_for, interviewer, ready_template):
    url, data = edit_posts(ready_template)[3]
    page = client_for(interviewer).post(url, data, HTTP_HX_REQUEST="true")
    assert page.status_code == 403
    assert "Clone it to make a copy of your own." in page.content.decode()


def test_cloning_a_read_only_template_gives_an_editable_copy(
    client_for, interviewer, ready_template
):
    client = client_for(interviewer)
    page = client.post(reverse("interviews:template_clone", args=[ready_template.pk]), follow=True)
    copy = InterviewTemplate.objects.exclude(pk=ready_template.pk).get()
    assert copy.created_by == interviewer
    html = page.content.decode()
    assert "Save details" in html and "Read-only." not in html
    url, data = edit_posts(copy)[4]
    client.post(url, data)
    assert copy.items.order_by("order").first().minutes == 60


@pytest.mark.parametrize("persona", ["manager", "admin_user"])
def test_the_positions_manager_and_admins_edit_it(client_for, request, persona, ready_template):
    client = client_for(request.getfixturevalue(persona))
    html = client.get(builder(ready_template)).content.decode()
    assert "Save details" in html and "Read-only." not in html
    url, data = edit_posts(ready_template)[4]
    assert client.post(url, data).status_code == 302
    assert ready_template.items.order_by("order").first().minutes == 60


def test_the_owner_edits_their_own_template(client_for, interviewer):
    mine = make_template(count=2, owner=interviewer)
    url, data = edit_posts(mine)[0]
    client_for(interviewer).post(url, data)
    mine.refresh_from_db()
    assert (mine.name, mine.target_minutes) == ("Grown", 90)


def test_a_template_goes_only_to_a_position_one_is_on(
    client_for, interviewer, position, other_position
):
    seat(position, interviewer)
    mine = make_template(count=2, owner=interviewer)
    html = client_for(interviewer).get(builder(mine)).content.decode()
    assert "Backend engineer" in html and "Data engineer" not in html
    page = client_for(interviewer).post(
        reverse("interviews:template_details", args=[mine.pk]),
        {"name": "Mine", "target_minutes": "30", "position": other_position.pk},
    )
    assert page.status_code == 400
    mine.refresh_from_db()
    assert mine.position is None


# --- curators ---------------------------------------------------------------------------


@pytest.fixture
def reviewed(position, interviewer):
    session = make_session(panel=[interviewer], position=position, candidate_name="Bea")
    return session, submitted_card(session, interviewer)


def test_a_curator_sees_no_scorecard_export_position_or_metrics(client_for, curator, reviewed):
    session, card = reviewed
    client = client_for(curator)
    refused = [
        reverse("interviews:scorecard_detail", args=[card.pk]),
        reverse("interviews:debrief", args=[session.pk]),
        reverse("interviews:session_export_csv", args=[session.pk]),
        reverse("interviews:session_export_json", args=[session.pk]),
        reverse("interviews:position_list"),
        reverse("interviews:position_detail", args=[session.position_id]),
        reverse("interviews:position_export_csv", args=[session.position_id]),
        reverse("interviews:position_export_json", args=[session.position_id]),
    ]
    for url in refused:
        page = client.get(url)
        assert page.status_code == 403, url
        assert "Solid." not in page.content.decode() and "Bea" not in page.content.decode()
    assert client.get(reverse("metrics"), REMOTE_ADDR="203.0.113.9").status_code == 404
    home = client.get(reverse("interviews:home")).content.decode()
    assert "Bea" not in home


def test_a_curator_edits_the_bank_in_the_django_admin_and_nothing_else(
    client_for, curator, reviewed, seed_pack
):
    client = client_for(curator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Questions" in index
    assert "Interview sessions" not in index and "Positions" not in index and "Users" not in index
    changelist = client.get(reverse("admin:questions_question_changelist"))
    assert changelist.status_code == 200
    assert "Explain" in changelist.content.decode() or changelist.context["cl"].result_count > 0
    for name in (
        "admin:interviews_interviewsession_changelist",
        "admin:interviews_position_changelist",
        "admin:interviews_candidate_changelist",
        "admin:interviews_interviewtemplate_changelist",
        "admin:auth_user_changelist",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    # The bank's pages in the app are theirs too.
    assert client.get(reverse("questions:list")).status_code == 200


def test_staff_alone_grants_nothing(client_for, reviewed):
    staff = make_user("staffer", staff=True, superuser=False)
    staff.groups.add(Group.objects.get_or_create(name="Nobody")[0])
    client = client_for(staff)
    assert client.get(reverse("interviews:position_list")).status_code == 403
    assert client.get(reverse("metrics"), REMOTE_ADDR="203.0.113.9").status_code == 404
    index = client.get(reverse("admin:index")).content.decode()
    assert "Questions" not in index and "Interview sessions" not in index


def test_a_curator_given_interviews_permissions_still_reads_no_sessions(
    client_for, curator, reviewed
):
    from django.contrib.auth.models import Permission

    curator.user_permissions.add(*Permission.objects.filter(content_type__app_label="interviews"))
    page = client_for(curator).get(reverse("admin:interviews_interviewsession_changelist"))
    assert_refused(page, 403)


def test_the_interviewers_group_is_what_the_team_form_offers(client_for, manager, position):
    newcomer = make_user("newcomer", group=INTERVIEWERS)
    html = client_for(manager).get(page_of(position)).content.decode()
    assert f'<option value="{newcomer.pk}">Newcomer (newcomer)</option>' in html


def test_a_templates_position_shows_only_to_those_on_it(
    client_for, interviewer, interviewer2, ready_template, position
):
    seat(position, interviewer)
    listing = reverse("interviews:template_list")
    assert "Backend engineer" in client_for(interviewer).get(listing).content.decode()
    assert (
        "Backend engineer" in client_for(interviewer).get(builder(ready_template)).content.decode()
    )
    assert "Backend engineer" not in client_for(interviewer2).get(listing).content.decode()
    html = client_for(interviewer2).get(builder(ready_template)).content.decode()
    assert "Backend engineer" not in html and "Backend screen" in html
