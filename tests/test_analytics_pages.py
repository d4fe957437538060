"""The analytics pages (PRODUCT E): what each role sees, blind review, CSV, query counts,
the planted truth found through the pages, and the snapshot refreshed by the sweep."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews import tasks
from interviews.analytics import data
from interviews.analytics.figures import CALIBRATION_PROMPT, DRIFT_PROMPT
from interviews.models import AnalyticsSnapshot, QuestionRecord, Recommendation, Scorecard
from interviews.pages.analytics import question_sort
from interviews.services.scorecards import submit_scorecard
from intervy.roles import INTERVIEWERS
from tests import planted_analytics as planted
from tests.analytics_db import write_history
from tests.conftest import make_user
from tests.factories import (
    complete_and_score,
    make_position,
    make_question,
    make_session,
    make_template,
)
from tests.pages import assert_refused

pytestmark = pytest.mark.django_db

PAGES = ("analytics", "analytics_interviewers", "analytics_questions")


def score_and_submit(session, user, score: int, *, submit: bool = True) -> Scorecard:
    card = Scorecard.objects.get(session=session, interviewer=user)
    for record in QuestionRecord.objects.filter(scorecard=card):
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=score,
            by_id=user.pk,
        )
    card.recommendation = Recommendation.YES if score >= 3 else Recommendation.NO
    card.summary = "Noted."
    card.save()
    if submit:
        complete_and_score(session, card)
        submit_scorecard(scorecard=card, by=user)
    return card


@pytest.fixture
def small(interviewer, interviewer2, manager):
    position = make_position(manager)
    template = make_template(count=3, position=position, name="Backend loop")
    done = make_session(panel=[interviewer, interviewer2], position=position, template=template)
    score_and_submit(done, interviewer, 4)
    score_and_submit(done, interviewer2, 2)
    # A second session: interviewer2 is still writing theirs.
    open_session = make_session(
        panel=[interviewer, interviewer2], position=position, template=template
    )
    return {"position": position, "template": template, "done": done, "open": open_session}


def page_text(client, name: str, *args, **params) -> str:
    """The page's main content (the header's CSRF tokens and nonces differ every time)."""
    response = client.get(reverse(f"interviews:{name}", args=args), params)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    main = re.search(r"<main.*</main>", html, re.S)
    assert main is not None
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S)
    return (nav.group(0) if nav else "") + main.group(0)


def test_manager_sees_both_interviewers_with_n_and_gates(client_for, small, manager):
    client = client_for(manager)
    text = page_text(client, "analytics_interviewers")
    assert "Coaching prompts, not verdicts" in text
    assert "Interviewer" in text and "Interviewer2" in text
    # One co-rated candidate: leniency is hidden below 5, with its n shown.
    assert "hidden: too few (n&nbsp;=&nbsp;1)" in text
    assert "From 1 fully submitted session" in text


def test_interviewer_sees_only_their_own_row(client_for, small, interviewer, interviewer2):
    text = page_text(client_for(interviewer), "analytics_interviewers")
    assert reverse("interviews:analytics_interviewer", args=[interviewer.pk]) in text
    assert reverse("interviews:analytics_interviewer", args=[interviewer2.pk]) not in text
    assert "You see your own figures" in text


def test_other_manager_sees_nothing_of_the_position(client_for, small, other_manager):
    text = page_text(client_for(other_manager), "analytics_interviewers")
    assert "No interviewer has a submitted scorecard" in text
    text = page_text(client_for(other_manager), "analytics_questions")
    assert "No bank question was asked" in text


def test_detail_pages_refuse_strangers(client_for, small, interviewer, interviewer2, other_manager):
    url = reverse("interviews:analytics_interviewer", args=[interviewer2.pk])
    assert_refused(client_for(interviewer).get(url), 404)
    assert_refused(client_for(other_manager).get(url), 404)


@pytest.mark.parametrize("role", ["curator", "stranger"])
def test_curators_and_the_roleless_get_403(client_for, small, role, request):
    user = request.getfixturevalue(role)
    for name in PAGES:
        assert_refused(client_for(user).get(reverse(f"interviews:{name}")), 403)


def test_navigation_links_analytics_for_those_who_may_see_it(client_for, interviewer, curator):
    assert "Analytics</a>" in page_text(client_for(interviewer), "analytics")
    home = client_for(curator).get(reverse("questions:list")).content.decode()
    assert "Analytics</a>" not in home


def test_detail_page_links_only_visible_scorecards(client_for, small, manager, interviewer):
    text = page_text(client_for(manager), "analytics_interviewer", interviewer.pk)
    card = Scorecard.objects.get(session=small["done"], interviewer=interviewer)
    assert reverse("interviews:scorecard_detail", args=[card.pk]) in text
    assert "Where the difference from co-panelists is largest" in text
    assert "+2.00" in text  # 4 against the co-panelist's 2


def test_a_draft_and_a_blind_viewer_move_nothing(
    client_for, small, interviewer, interviewer2, manager
):
    """interviewer2 is blind on the open session; interviewer submitting there changes
    no figure for anyone (not even a count) until the whole panel has submitted."""
    viewers = {"blind": interviewer2, "manager": manager, "submitter": interviewer}
    pages = [
        ("analytics_interviewers", ()),
        ("analytics_questions", ()),
        ("analytics", ()),
        ("analytics_interviewer", (interviewer.pk,)),
    ]

    def snapshot():
        out = {}
        for who, user in viewers.items():
            client = client_for(user)
            for name, args in pages:
                if name == "analytics_interviewer" and who == "blind":
                    continue
                out[who, name] = page_text(client, name, *args)
        return out

    before = snapshot()
    score_and_submit(small["open"], interviewer, 1)
    score_and_submit(small["open"], interviewer2, 3, submit=False)  # a draft with scores
    assert snapshot() == before
    complete_and_score(
        small["open"], Scorecard.objects.get(session=small["open"], interviewer=interviewer2)
    )
    submit_scorecard(
        scorecard=Scorecard.objects.get(session=small["open"], interviewer=interviewer2),
        by=interviewer2,
    )
    after = snapshot()
    assert "From 2 fully submitted sessions" in after["manager", "analytics_interviewers"]


def test_csv_of_each_table(client_for, small, manager, interviewer):
    client = client_for(manager)
    for name, args, header in [
        ("analytics_interviewers", (), "interviewer"),
        ("analytics_questions", (), "question"),
        ("analytics", (), "scope"),
        ("analytics_interviewer", (interviewer.pk,), "candidate"),
    ]:
        response = client.get(reverse(f"interviews:{name}", args=args), {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Cache-Control"] == "private, no-store"
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == header
        assert len(rows) >= 2
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("interviews:analytics_interviewers"), {"format": "csv"}
                ).content.decode()
            )
        )
    )
    assert {row[0] for row in rows[1:]} == {
        "Interviewer (interviewer)",
        "Interviewer2 (interviewer2)",
    }


def test_question_page_links_bank_and_filters_by_template(client_for, small, admin_user):
    client = client_for(admin_user)
    question = small["template"].items.first().question
    text = page_text(client, "analytics_question", question.pk)
    assert reverse("questions:detail", args=[question.slug]) in text
    assert reverse("admin:questions_question_change", args=[question.pk]) in text
    assert "Version 1" in text
    other = make_template(count=1, name="Unused")
    text = page_text(client, "analytics_questions", template=other.pk)
    assert "No bank question was asked" in text
    text = page_text(client, "analytics_questions", template=small["template"].pk, sort="-auc")
    assert question.title in text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(client_for, interviewer, interviewer2, manager):
    position = make_position(manager)
    template = make_template(count=3, position=position)
    client = client_for(manager)

    def urls():
        return [
            reverse("interviews:analytics"),
            reverse("interviews:analytics_interviewers"),
            reverse("interviews:analytics_questions"),
            reverse("interviews:analytics_interviewer", args=[interviewer.pk]),
            reverse("interviews:analytics_question", args=[template.items.first().question_id]),
        ]

    def grow(sessions: int) -> None:
        for _ in range(sessions):
            session = make_session(
                panel=[interviewer, interviewer2], position=position, template=template
            )
            score_and_submit(session, interviewer, 3)
            score_and_submit(session, interviewer2, 2)
        tasks.refresh_stale_analytics()

    grow(1)
    small_counts = [_queries(client, url) for url in urls()]
    grow(6)
    assert [_queries(client, url) for url in urls()] == small_counts


def test_position_page_shows_alpha(client_for, small, manager):
    tasks.refresh_stale_analytics()
    text = (
        client_for(manager)
        .get(reverse("interviews:position_detail", args=[small["position"].pk]))
        .content.decode()
    )
    assert "Panel reliability" in text
    assert "hidden: too few" in text  # one pairable session: α hidden below 30 units


def test_a_new_submission_shows_after_the_sweep(
    client_for, small, interviewer, interviewer2, manager
):
    tasks.refresh_stale_analytics()
    assert data.stale_scopes(data.default_scopes()) == []
    client = client_for(manager)
    assert "From 1 fully submitted session" in page_text(client, "analytics_interviewers")
    card = Scorecard.objects.get(session=small["open"], interviewer=interviewer2)
    score_and_submit(small["open"], interviewer, 3)
    score_and_submit(small["open"], interviewer2, 3)
    assert card.pk
    # Until the worker runs, the page reads the stored snapshot.
    assert "From 1 fully submitted session" in page_text(client, "analytics_interviewers")
    assert tasks.enqueue_stale_analytics() >= 1
    tasks.refresh_stale_analytics()
    assert "From 2 fully submitted sessions" in page_text(client, "analytics_interviewers")
    assert AnalyticsSnapshot.objects.filter(section=data.SECTION_SUMMARY).count() == 2


@pytest.fixture
def planted_world(admin_user, manager):
    history = planted.planted_history()
    people = {i: make_user(f"planted{i}", group=INTERVIEWERS) for i in planted.INTERVIEWERS}
    questions = {q: make_question() for q in planted.QUESTIONS}
    position = make_position(manager, title="Planted position")
    write_history(
        history, position=position, interviewers=people, questions=questions, decided_by=manager
    )
    tasks.refresh_stale_analytics()
    return {"people": people, "questions": questions, "history": history}


def test_planted_truth_through_the_pages(client_for, planted_world, admin_user):
    client = client_for(admin_user)
    people = planted_world["people"]
    for number, person in people.items():
        text = page_text(client, "analytics_interviewer", person.pk)
        if number == planted.LENIENT:
            assert "Scores run higher than co-panelists" in text
            assert CALIBRATION_PROMPT in text
        else:
            assert "Scores run higher" not in text and "Scores run lower" not in text
    questions = planted_world["questions"]
    leaked = page_text(client, "analytics_question", questions[planted.LEAKED].pk)
    assert DRIFT_PROMPT in leaked and "<svg" in leaked and "<polyline" in leaked
    for steady in planted.STEADY:
        assert DRIFT_PROMPT not in page_text(client, "analytics_question", questions[steady].pk)
    listing = page_text(client, "analytics_questions", sort="-auc")
    assert listing.index(questions[planted.SEPARATING].title) < listing.index(
        questions[planted.UNRELATED].title
    )


def test_question_health_reads_its_order_and_only_the_rows_it_shows(
    client_for, small, manager, monkeypatch
):
    """The list reads its stored order for the sort asked and the rows of the page it
    shows (here one a page), never the whole table; the CSV reads every row."""
    from interviews.pages import analytics as pages

    tasks.refresh_stale_analytics()
    assert not AnalyticsSnapshot.objects.filter(section="questions").exists()
    monkeypatch.setattr(pages, "QUESTIONS_PER_PAGE", 1)
    client = client_for(manager)
    with CaptureQueriesContext(connection) as queries:
        text = page_text(client, "analytics_questions", sort="-exposure")
    reads = [q["sql"] for q in queries.captured_queries if "analyticssnapshot" in q["sql"]]
    assert len(reads) == 2
    assert reads[1].count("question-row:") == 1  # one row section: the one page shown
    assert "Page 1 of 3 (3 question versions)" in text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("interviews:analytics_questions"), {"format": "csv"}
                ).content.decode()
            )
        )
    )
    assert len(rows) == 1 + 3  # the header and every question version


def test_a_new_snapshot_format_makes_every_stored_scope_stale(small, monkeypatch):
    tasks.refresh_stale_analytics()
    assert data.stale_scopes(data.default_scopes()) == []
    monkeypatch.setattr(data, "SNAPSHOT_FORMAT", data.SNAPSHOT_FORMAT + 1)
    assert data.stale_scopes(data.default_scopes()) == data.default_scopes()


def test_a_page_never_reads_a_snapshot_of_another_format(
    client_for, small, admin_user, monkeypatch
):
    """Until the sweep recomputes it, a snapshot stored by another release is as if none
    were stored: a small scope is computed for the request, a large one is being prepared."""
    tasks.refresh_stale_analytics()
    client = client_for(admin_user)
    assert "Figures as of" in page_text(client, "analytics_questions", sort="-auc")
    AnalyticsSnapshot.objects.filter(section__startswith="questions:order:").update(
        payload={"rows": [[1, 1]]}  # an older shape of the order
    )
    monkeypatch.setattr(data, "SNAPSHOT_FORMAT", data.SNAPSHOT_FORMAT + 1)
    text = page_text(client, "analytics_questions", sort="-auc")
    assert "Computed just now for this view." in text and "3 question versions" in text
    monkeypatch.setattr(data, "SYNCHRONOUS_RECORD_LIMIT", 0)
    for name in ("analytics", "analytics_interviewers", "analytics_questions"):
        assert "being prepared" in page_text(client, name)


def test_the_filter_selects_are_what_djangos_select_widget_renders(client_for, small, manager):
    """The filter's position and template lists are looped in the template (a manager's can
    hold hundreds of templates); the HTML is Django's own Select widget's."""
    from interviews.access import analytics_audience
    from interviews.pages.analytics import AnalyticsFilter

    chosen = {"template": str(small["template"].pk)}
    html = client_for(manager).get(reverse("interviews:analytics"), chosen).content.decode()
    form = AnalyticsFilter(chosen, audience=analytics_audience(manager))
    for name in ("position", "template"):
        shown = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        assert re.sub(r">\s+<", "><", str(form[name])) == shown
    assert f'<option value="{small["template"].pk}" selected>Backend loop</option>' in html


def test_the_calibration_list_shows_a_page_of_interviewers_and_the_csv_all(
    client_for, small, manager, interviewer, interviewer2, monkeypatch
):
    """Two interviewers, one a page: each page names one, in name order, and links the
    other; a page past the end shows the last; the CSV has both."""
    from interviews.pages import analytics as pages

    tasks.refresh_stale_analytics()
    monkeypatch.setattr(pages, "INTERVIEWERS_PER_PAGE", 1)
    client = client_for(manager)
    first, second = sorted(
        [interviewer, interviewer2], key=lambda u: (u.get_full_name() or u.username).lower()
    )
    one = page_text(client, "analytics_interviewers")
    assert "Page 1 of 2 (2 interviewers)" in one and 'rel="next"' in one
    assert '<span class="figure' in one and "Shown(" not in one  # the cells, as HTML
    two = page_text(client, "analytics_interviewers", page=9)
    assert "Page 2 of 2 (2 interviewers)" in two and 'rel="prev"' in two
    assert reverse("interviews:analytics_interviewer", args=[first.pk]) in one
    assert reverse("interviews:analytics_interviewer", args=[second.pk]) not in one
    assert reverse("interviews:analytics_interviewer", args=[second.pk]) in two
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("interviews:analytics_interviewers"), {"format": "csv", "page": 2}
                ).content.decode()
            )
        )
    )
    assert len(rows) == 1 + 2


def _health_row(question, version, *, auc=None, times_asked=10):
    """A stored question-health row with only what question_sort_values reads."""
    gated = {"gate": "hidden" if auc is None else "established"}
    return {
        "question_id": question,
        "question_version": version,
        "exposure": {"times_asked": times_asked},
        "not_assessed": {"share": 0.0, **gated},
        "distribution": {"mean": 2.5, "sd": 1.0, "shares": [0.25] * 4, **gated},
        "item_rest": {"value": 0.3, **gated},
        "separation": {"auc": auc, **gated},
        "alpha": None,
        "drift": {"slope_per_90_days": 0.0, **gated},
    }


def test_the_list_orders_rank_by_value_both_ways_with_ties_by_title_and_hidden_last():
    titles = {1: "beta", 2: "Alpha", 3: "gamma", 4: "delta"}
    table = [
        _health_row(1, 1, auc=0.7),
        _health_row(2, 1, auc=0.7),
        _health_row(2, 2, auc=0.9, times_asked=3),
        _health_row(3, 1, auc=None),
        _health_row(4, 1, auc=0.5),
    ]
    orders = data.question_orders(table, titles)
    assert set(orders) == {data.question_order_section(s) for s in data.QUESTION_SORTS} | {
        data.question_order_section(f"-{s}") for s in data.QUESTION_SORTS
    }

    def order(sort):
        sections = data.Sections(None, orders, None, live=True, preparing=False)
        return [key.removeprefix("question-row:") for key in data.question_order(sections, sort)]

    assert order("title") == ["2:1", "2:2", "1:1", "4:1", "3:1"]  # A–Z, case-blind, then version
    assert order("-title") == ["3:1", "4:1", "1:1", "2:2", "2:1"]
    # Ties keep the title order either way; a hidden figure sorts last either way.
    assert order("-auc") == ["2:2", "2:1", "1:1", "4:1", "3:1"]
    assert order("auc") == ["4:1", "2:1", "1:1", "2:2", "3:1"]
    assert order("exposure") == ["2:2", "2:1", "1:1", "4:1", "3:1"]
    assert question_sort("-auc") == "-auc"
    assert question_sort("-nonsense") == question_sort(None) == "title"
