"""The analytics pages (PRODUCT E): calibration, question health, panel reliability.

Who sees what is interviews/access.py's `analytics_audience`; the figures come from the
precomputed snapshots (interviews/analytics/data.py), so each page makes a fixed number
of queries however much data there is. Every table is also CSV (`?format=csv`), under
the same access rules. Scores are behind these pages: private, no-store.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interviews.access import analytics_audience, analytics_interviewer_for
from interviews.pages import analytics as pages
from intervy.http import HtmxHttpRequest, private_no_store
from intervy.roles import template_user_required
from intervy.typing import AuthenticatedHtmxRequest
from questions.models import Question

# Interviewers, hiring managers and admins (access.may_see_analytics); curators and the
# role-less get 403.
analytics_required = template_user_required


def _wants_csv(request: HtmxHttpRequest) -> bool:
    return request.GET.get("format") == "csv"


@private_no_store
@require_GET
@analytics_required
def reliability(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """Panel reliability (E3): ordinal α with its bootstrap interval, interval α beside it."""
    audience = analytics_audience(request.user)
    page = pages.reliability_page(request.GET, audience)
    if _wants_csv(request):
        rows = [
            (
                "all",
                "Everything in view",
                page.extra["overall"],
                page.extra["overall"].n,
                page.extra["overall_interval"],
                page.extra["overall_reading"],
            ),
            *(
                (
                    kind,
                    row["name"],
                    row["alpha"],
                    row["alpha"].n,
                    row["interval_alpha"],
                    row["reading"],
                )
                for kind, key in (("template", "by_template"), ("position", "by_position"))
                for row in page.extra[key]
            ),
        ]
        return pages.csv_response(
            "panel-reliability.csv",
            ("scope", "name", "ordinal_alpha", "pairable_units", "interval_alpha", "reading"),
            rows,
        )
    return render(request, "interviews/analytics/reliability.html", {"page": page})


@private_no_store
@require_GET
@analytics_required
def interviewers(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """Interviewer calibration (E1): every interviewer the viewer may see."""
    audience = analytics_audience(request.user)
    page = pages.interviewers_page(request.GET, audience, full=_wants_csv(request))
    if _wants_csv(request):
        return pages.csv_response(
            "interviewer-calibration.csv",
            INTERVIEWER_CSV_HEADER,
            (_interviewer_csv_row(row) for row in page.rows),
        )
    return render(
        request,
        "interviews/analytics/interviewers.html",
        {"page": page, "coaching_note": pages.COACHING_NOTE, "audience": audience},
    )


INTERVIEWER_CSV_HEADER = (
    "interviewer",
    "scorecards",
    "score_leniency",
    "score_leniency_candidates",
    "recommendation_leniency",
    "pass_share_leniency",
    "strong_no",
    "no",
    "yes",
    "strong_yes",
    "pass_share",
    "agreement_with_panel",
    "agreement_with_outcome",
    "not_assessed",
    "hours_to_submit_median",
    "hours_to_submit_p90",
    "within_24h",
    "prompts",
)


def _interviewer_csv_row(row: dict) -> list:
    return [
        row["name"],
        row["scorecards"],
        row["leniency"],
        row["leniency"].n,
        row["recommendation_leniency"],
        row["pass_share_leniency"],
        *(shown for _, shown in row["mix"]),
        row["pass_share"],
        row["panel_agreement"],
        row["outcome_agreement"],
        row["not_assessed"],
        row["tts_median"],
        row["tts_p90"],
        row["within_24h"],
        "; ".join(row["flags"]),
    ]


@private_no_store
@require_GET
@analytics_required
def interviewer(request: AuthenticatedHtmxRequest, user_id: int) -> HttpResponse:
    """One interviewer's calibration, and where they differ most from co-panelists."""
    person, audience = analytics_interviewer_for(request.user, user_id)
    page = pages.interviewer_page(request.GET, audience, user=request.user, interviewer=person)
    if _wants_csv(request):
        return pages.csv_response(
            f"calibration-{person.pk}.csv",
            (
                "candidate",
                "question",
                "session",
                "score",
                "co_panelists_mean",
                "co_panelists",
                "difference",
            ),
            (
                (
                    a["candidate_name"],
                    a["question_title"],
                    a["session"],
                    a["score"],
                    a["others_text"],
                    a["others"],
                    a["deviation_text"],
                )
                for a in page.extra["answers"]
            ),
        )
    return render(
        request,
        "interviews/analytics/interviewer.html",
        {"page": page, "person": person, "coaching_note": pages.COACHING_NOTE},
    )


QUESTION_CSV_HEADER = (
    "question",
    "version",
    "times_asked",
    "candidates",
    "first",
    "last",
    "not_assessed",
    "ratings",
    "at_1",
    "at_2",
    "at_3",
    "at_4",
    "mean",
    "sd",
    "ceiling",
    "floor",
    "item_rest_rho",
    "item_rest_n",
    "auc",
    "auc_n",
    "ordinal_alpha",
    "interval_alpha",
    "drift_slope_per_90_days",
    "drift_alarm",
    "flags",
)


def _question_csv_row(row: dict) -> list:
    return [
        row["title"],
        row["version"],
        row["times_asked"],
        row["candidates"],
        row["first"],
        row["last"],
        row["not_assessed"],
        row["distribution_n"],
        *row["counts"],
        row["mean"],
        row["sd"],
        row["ceiling"],
        row["floor"],
        row["item_rest"],
        row["item_rest"].n,
        row["auc"],
        row["auc"].n,
        row["alpha"],
        row["alpha_interval"],
        row["drift_slope"],
        row["drift_alarm_text"],
        "; ".join(row["flags"]),
    ]


@private_no_store
@require_GET
@analytics_required
def questions(request: AuthenticatedHtmxRequest) -> HttpResponse:
    """Question health (E2), per question version, sortable by each figure."""
    audience = analytics_audience(request.user)
    if _wants_csv(request):
        page = pages.questions_page(request.GET, audience, full=True)
        return pages.csv_response(
            "question-health.csv",
            QUESTION_CSV_HEADER,
            (_question_csv_row(row) for row in page.rows),
        )
    page = pages.questions_page(request.GET, audience)
    return render(request, "interviews/analytics/questions.html", {"page": page})


@private_no_store
@require_GET
@analytics_required
def question(request: AuthenticatedHtmxRequest, question_id: int) -> HttpResponse:
    """One question's health, version by version, with its drift sparkline."""
    found = Question.objects.filter(pk=question_id).first()
    if found is None:
        raise Http404("No such question.")
    audience = analytics_audience(request.user)
    page = pages.question_page(request.GET, audience, question=found)
    if _wants_csv(request):
        return pages.csv_response(
            f"question-health-{found.pk}.csv",
            QUESTION_CSV_HEADER,
            (_question_csv_row(row) for row in page.rows),
        )
    return render(request, "interviews/analytics/question.html", {"page": page, "question": found})
