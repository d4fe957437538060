"""Hiring decisions (PRODUCT D6): rationale required, history kept, overrides recorded, audited,
append-only in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from interviews.models import AuditAction, AuditEvent, Candidate, Decision
from interviews.services.decisions import PanelsIncomplete, record_decision
from tests.loop_data import loop_session, submit
from tests.pages import assert_refused
from tests.scorecard_data import two_category_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    return two_category_template()


@pytest.fixture
def candidate(position, template, interviewer, interviewer2):
    """Interviewed once, both panelists submitted."""
    candidate = Candidate.objects.create(full_name="Ada Lovelace")
    session = loop_session(
        candidate=candidate, position=position, panel=[interviewer, interviewer2], template=template
    )
    submit(session, interviewer, [3, 3, 3, 3])
    submit(session, interviewer2, [3, 2, 3, 3])
    return candidate


def loop_url(position, candidate):
    return reverse("interviews:candidate_loop", args=[position.pk, candidate.pk])


def decide_url(position, candidate):
    return reverse("interviews:candidate_decide", args=[position.pk, candidate.pk])


def test_the_manager_records_a_decision_on_the_loop_page(client_for, position, candidate, manager):
    client = client_for(manager)
    response = client.post(
        decide_url(position, candidate), {"kind": "advance", "rationale": "Clear on indexes."}
    )
    assert response.status_code == 302
    assert response["Location"] == loop_url(position, candidate)
    html = client.get(response["Location"]).content.decode()
    assert "Recorded: Advance to the next round." in html
    assert "Clear on indexes." in html
    assert "Current stage: <strong" in html and "Advancing" in html
    decision = Decision.objects.get()
    assert (decision.kind, decision.decided_by, decision.override_reason) == (
        "advance",
        manager,
        "",
    )


@pytest.mark.parametrize("rationale", ["", "   \n  "])
def test_a_rationale_is_required(client_for, position, candidate, manager, rationale):
    response = client_for(manager).post(
        decide_url(position, candidate), {"kind": "reject", "rationale": rationale}
    )
    assert response.status_code == 400
    assert "Write the rationale for this decision." in response.content.decode()
    assert not Decision.objects.exists()
    with pytest.raises(ValidationError) as raised:
        record_decision(
            position=position, candidate=candidate, kind="reject", rationale=rationale, by=manager
        )
    assert "rationale" in raised.value.message_dict


def test_the_database_refuses_a_blank_rationale(position, candidate, manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            position=position, candidate=candidate, kind="offer", rationale=" ", decided_by=manager
        )


def test_a_change_is_a_new_decision_and_the_history_keeps_all(
    client_for, position, candidate, manager
):
    record_decision(
        position=position, candidate=candidate, kind="offer", rationale="Great loop.", by=manager
    )
    record_decision(
        position=position,
        candidate=candidate,
        kind="withdrew",
        rationale="Accepted another offer.",
        by=manager,
    )
    assert list(Decision.objects.values_list("kind", flat=True)) == ["offer", "withdrew"]
    client = client_for(manager)
    html = client.get(loop_url(position, candidate)).content.decode()
    assert html.index("Great loop.") < html.index("Accepted another offer.")
    assert "Withdrew" in html and "final: withdrew" in html
    # The position page shows the current stage.
    position_html = client.get(
        reverse("interviews:position_detail", args=[position.pk])
    ).content.decode()
    assert "Withdrew" in position_html and "Offer made" not in position_html


def test_each_decision_is_in_the_audit_trail(position, candidate, manager):
    first = record_decision(
        position=position, candidate=candidate, kind="advance", rationale="r1", by=manager
    )
    second = record_decision(
        position=position, candidate=candidate, kind="reject", rationale="r2", by=manager
    )
    events = list(AuditEvent.objects.filter(action=AuditAction.DECISION).order_by("pk"))
    assert [(e.decision, e.actor, e.old_value, e.new_value) for e in events] == [
        (first, manager, "", "advance"),
        (second, manager, "advance", "reject"),
    ]
    assert all(event.session is None for event in events)


def test_the_database_refuses_to_update_or_delete_a_decision(position, candidate, manager):
    decision = record_decision(
        position=position, candidate=candidate, kind="hired", rationale="Signed.", by=manager
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(kind="reject")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()
    decision.refresh_from_db()
    assert decision.kind == "hired"


@pytest.fixture
def pending(position, candidate, template, interviewer, interviewer2):
    """A second round whose interviewer2 has not submitted."""
    session = loop_session(
        candidate=candidate, position=position, panel=[interviewer, interviewer2], template=template
    )
    submit(session, interviewer, [4, 4, 4, 4])
    return session


def test_it_refuses_while_a_panel_has_unsubmitted_scorecards(
    client_for, position, candidate, pending, manager
):
    with pytest.raises(PanelsIncomplete) as raised:
        record_decision(
            position=position, candidate=candidate, kind="reject", rationale="No.", by=manager
        )
    assert "Interviewer2" in raised.value.message_dict["override_reason"][0]
    client = client_for(manager)
    page = client.get(loop_url(position, candidate)).content.decode()
    assert "1 scorecard of this candidate's interviews is not submitted yet" in page
    response = client.post(decide_url(position, candidate), {"kind": "reject", "rationale": "No."})
    assert response.status_code == 400
    assert "say why this decision cannot wait" in response.content.decode()
    assert not Decision.objects.exists()


def test_an_override_reason_is_recorded_and_shown(
    client_for, position, candidate, pending, manager, interviewer
):
    client = client_for(manager)
    response = client.post(
        decide_url(position, candidate),
        {
            "kind": "offer",
            "rationale": "Outstanding second round.",
            "override_reason": "Competing offer expires Friday.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.override_reason == "Competing offer expires Friday."
    event = AuditEvent.objects.get(action=AuditAction.DECISION)
    assert event.new_value == "offer (override: Competing offer expires Friday.)"
    for user in (manager, interviewer):
        html = client_for(user).get(loop_url(position, candidate)).content.decode()
        assert "decided before every scorecard was in" in html
        assert "Competing offer expires Friday." in html


def test_no_override_is_kept_when_every_scorecard_is_in(position, candidate, manager):
    decision = record_decision(
        position=position,
        candidate=candidate,
        kind="advance",
        rationale="Fine.",
        override_reason="Just in case",
        by=manager,
    )
    assert decision.override_reason == ""


def test_a_cancelled_session_holds_nothing_up(position, candidate, template, manager, interviewer):
    session = loop_session(
        candidate=candidate,
        position=position,
        panel=[interviewer],
        template=template,
        completed=False,
    )
    session.state = "cancelled"
    session.save(update_fields=["state"])
    decision = record_decision(
        position=position, candidate=candidate, kind="reject", rationale="No.", by=manager
    )
    assert decision.override_reason == ""


def test_only_the_manager_or_an_admin_decides(
    client_for, position, candidate, interviewer, other_manager, admin_user
):
    payload = {"kind": "advance", "rationale": "Me too."}
    # A panelist may read the loop but not decide; another manager does not see it at all.
    assert client_for(interviewer).post(decide_url(position, candidate), payload).status_code == 403
    assert (
        client_for(other_manager).post(decide_url(position, candidate), payload).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        record_decision(
            position=position, candidate=candidate, kind="advance", rationale="x", by=interviewer
        )
    assert not Decision.objects.exists()
    assert client_for(admin_user).post(decide_url(position, candidate), payload).status_code == 302
    assert Decision.objects.get().decided_by == admin_user


def test_deciding_needs_a_post(client_for, position, candidate, manager):
    assert_refused(client_for(manager).get(decide_url(position, candidate)), 405)


def test_a_panelist_sees_no_decision_form(client_for, position, candidate, interviewer):
    html = client_for(interviewer).get(loop_url(position, candidate)).content.decode()
    assert "Record a decision" not in html
    assert 'name="rationale"' not in html
