"""The API's analytics reads: the analytics pages' snapshot sections, shaped as JSON.

Nothing is decided here that the pages do not decide: the audience is
`access.analytics_audience` (and `analytics_interviewer_for` for one interviewer), the
filter is the pages' `AnalyticsFilter` (its choices keep a position filter within the
audience's positions), the figures are `analytics.data.read_sections` — computed only
from sessions whose whole panel has submitted — and a figure's gate is the one the
pages show: a `hidden` figure carries no value, interval or count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from interviews.access import AnalyticsAudience
from interviews.analytics import data
from interviews.analytics.figures import DRIFT_PROMPT
from interviews.models import InterviewTemplate, Position
from interviews.pages.analytics import (
    AnalyticsFilter,
    interviewer_evidence,
    question_names,
)

MIX = ("strong_no", "no", "yes", "strong_yes")


def scope(
    audience: AnalyticsAudience,
    *,
    position_id: int | None,
    template_id: int | None,
    start: date | None,
    end: date | None,
) -> data.Scope:
    """The pages' filter, with the API's convention: a value it refuses is a 400."""
    form = AnalyticsFilter(
        {
            "position": position_id,
            "template": template_id,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        audience=audience,
    )
    if not form.is_valid():
        names = {"position": "position_id", "template": "template_id"}
        raise ValidationError(
            {names.get(name, name): list(errors) for name, errors in form.errors.items()}
        )
    position = form.cleaned_data["position"]
    return data.Scope(
        positions=(position,) if position is not None else audience.positions,
        template=form.cleaned_data["template"],
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        narrowed=position is not None,
    )


def meta(sections: data.Sections) -> dict[str, Any]:
    state = "preparing" if sections.preparing else "live" if sections.live else "stored"
    return {"figures": state, "computed_at": sections.computed_at}


# --- one figure, gated ------------------------------------------------------------------


def _shown(value: Any, gate: str) -> Any:
    return None if gate == "hidden" else value


def proportion(p: Mapping[str, Any]) -> dict[str, Any]:
    gate = p["gate"]
    return {
        "value": _shown(p["share"], gate),
        "low": _shown(p["low"], gate),
        "high": _shown(p["high"], gate),
        "count": _shown(p["count"], gate),
        "n": p["n"],
        "gate": gate,
    }


def leniency(figure: Mapping[str, Any]) -> dict[str, Any]:
    gate = figure["gate"]
    return {
        "value": _shown(figure["shrunk"], gate),
        "raw": _shown(figure["mean"], gate),
        "low": _shown(figure["low"], gate),
        "high": _shown(figure["high"], gate),
        "n": figure["n"],
        "units": figure["units"],
        "gate": gate,
        "flag": _shown(figure["flag"], gate),
    }


def reliability(figure: Mapping[str, Any] | None) -> dict[str, Any]:
    if figure is None:
        figure = {"gate": "hidden", "n": 0, "ratings": 0}
    gate = figure["gate"]
    return {
        "value": _shown(figure.get("ordinal"), gate),
        "low": _shown(figure.get("low"), gate),
        "high": _shown(figure.get("high"), gate),
        "interval_alpha": _shown(figure.get("interval"), gate),
        "n": figure["n"],
        "ratings": figure["ratings"],
        "gate": gate,
        "reading": _shown(figure.get("reading"), gate),
    }


def value(figure: Mapping[str, Any], key: str = "value") -> dict[str, Any]:
    """A figure with no interval of its own (item-rest ρ, AUC)."""
    gate = figure["gate"]
    return {
        "value": _shown(figure[key], gate),
        "low": None,
        "high": None,
        "n": figure["n"],
        "gate": gate,
    }


# --- interviewers -----------------------------------------------------------------------


def people(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    users = get_user_model().objects.filter(pk__in=set(ids))
    return {
        pk: {"id": pk, "username": username, "name": f"{first} {last}".strip()}
        for pk, username, first, last in users.values_list(
            "pk", "username", "first_name", "last_name"
        )
    }


def interviewer(figure: Mapping[str, Any], names: Mapping[int, dict[str, Any]]) -> dict[str, Any]:
    pk = figure["interviewer_id"]
    tts = figure["time_to_submit"]
    return {
        "interviewer": names.get(pk, {"id": pk, "username": "", "name": ""}),
        "scorecards": figure["scorecards"],
        "leniency": leniency(figure["leniency"]),
        "recommendation_leniency": leniency(figure["recommendation_leniency"]),
        "pass_share_leniency": leniency(figure["pass_share_leniency"]),
        "recommendation_mix": {
            name: proportion(p) for name, p in zip(MIX, figure["recommendation_mix"], strict=True)
        },
        "pass_share": proportion(figure["pass_share"]),
        "panel_agreement": proportion(figure["panel_agreement"]),
        "outcome_agreement": proportion(figure["outcome_agreement"]),
        "not_assessed": proportion(figure["not_assessed"]),
        "time_to_submit": {
            "median_hours": _shown(tts["median_hours"], tts["gate"]),
            "p90_hours": _shown(tts["p90_hours"], tts["gate"]),
            "n": tts["n"],
            "gate": tts["gate"],
            "within_24h": proportion(tts["within_24h"]),
        },
        "flags": list(figure["flags"]),
    }


def interviewer_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The calibration rows (pages.interviewer_figures: those the audience may see), by
    username (a stable order)."""
    rows = list(rows)
    names = people(r["interviewer_id"] for r in rows)
    shaped = [interviewer(r, names) for r in rows]
    shaped.sort(key=lambda r: (r["interviewer"]["username"], r["interviewer"]["id"]))
    return shaped


def interviewer_detail(
    sections: data.Sections, *, user: User, person: User, audience: AnalyticsAudience
) -> dict[str, Any]:
    """One interviewer's figures and the answers, questions and candidates behind them."""
    evidence = interviewer_evidence(sections, user=user, interviewer=person)
    figure, detail, titles = evidence.figure, evidence.detail, evidence.questions
    candidates, cards = evidence.candidates, evidence.cards
    return {
        "meta": meta(sections),
        "figures": interviewer(figure, people([person.pk])) if figure else None,
        "shared_answers": detail["shared_answers"],
        "by_question": [
            {
                "question_id": row["question"],
                "title": titles.get(row["question"], ("Ad hoc questions", ""))[0],
                "mean_difference": row["mean"],
                "n": row["n"],
            }
            for row in detail["by_question"]
        ],
        "by_candidate": [
            {
                "candidate_id": row["candidate"],
                "name": candidates.get(row["candidate"], ""),
                "position_id": row["position"],
                "mean_difference": row["mean"],
                "n": row["n"],
            }
            for row in detail["by_candidate"]
        ],
        "answers": [
            {
                "candidate_id": a["candidate"],
                "candidate_name": candidates.get(a["candidate"], ""),
                "position_id": a["position"],
                "session_id": a["session"],
                "question_id": a["question"],
                "question_title": titles.get(a["question"], ("Ad hoc question", ""))[0],
                "question_version": a["version"],
                "score": a["score"],
                "co_panelists_mean": a["others_mean"],
                "co_panelists": a["others"],
                "difference": a["deviation"],
                "scorecard_id": cards.get(a["session"]),
            }
            for a in detail["answers"]
        ],
    }


# --- questions --------------------------------------------------------------------------


def question(
    row: Mapping[str, Any], titles: Mapping[int, tuple[str, str]], *, points: bool = False
) -> dict[str, Any]:
    pk = row["question_id"]
    title, slug = titles.get(pk, (f"Question #{pk}", ""))
    dist, drift, sep = row["distribution"], row["drift"], row["separation"]
    alpha = row["alpha"]
    shaped_drift: dict[str, Any] = {
        "n": drift["n"],
        "span_days": drift["span_days"],
        "gate": drift["gate"],
        "slope_per_90_days": _shown(drift["slope_per_90_days"], drift["gate"]),
        "alarmed": drift["alarmed"],
        "alarms": drift["alarms"],
        "prompt": DRIFT_PROMPT if drift["alarmed"] else None,
    }
    if points:
        # The sparkline's points, as the detail page draws them.
        shaped_drift["points"] = [
            {"at": at, "residual": residual} for at, residual in drift.get("points") or []
        ]
    return {
        "question": {"id": pk, "slug": slug, "title": title},
        "version": row["question_version"],
        "exposure": row["exposure"],
        "not_assessed": proportion(row["not_assessed"]),
        "distribution": {
            "n": dist["n"],
            "gate": dist["gate"],
            "counts": _shown(dist["counts"], dist["gate"]),
            "shares": _shown(dist["shares"], dist["gate"]),
            "mean": _shown(dist["mean"], dist["gate"]),
            "sd": _shown(dist["sd"], dist["gate"]),
            "ceiling": dist["ceiling"],
            "floor": dist["floor"],
        },
        "item_rest": value(row["item_rest"]),
        "separation": value(sep, "auc") | {"hired": sep["hired"], "rejected": sep["rejected"]},
        "alpha": reliability(alpha),
        "drift": shaped_drift,
        "flags": list(row["flags"]),
    }


def question_rows(
    scope: data.Scope, sections: data.Sections, sort: str, page: slice
) -> tuple[int, list[dict[str, Any]]]:
    """(how many question versions, the shaped rows of `page`), in the list page's order:
    the snapshot's order for `sort` is read, then only the rows asked for."""
    ordered = data.question_order(sections, sort)
    wanted = ordered[page]
    stored = data.more_parts(scope, sections, wanted)
    titles = question_names(stored[key]["question_id"] for key in wanted if key in stored)
    return len(ordered), [question(stored[k], titles) for k in wanted if k in stored]


def question_version(sections: data.Sections, *, found: Any, version: int) -> dict[str, Any] | None:
    detail = sections.part(data.QUESTION_SECTION.format(found.pk)) or {"versions": []}
    row = next((v for v in detail["versions"] if v["question_version"] == version), None)
    if row is None:
        return None
    return {"meta": meta(sections)} | question(
        row, {found.pk: (found.title, found.slug)}, points=True
    )


# --- panel reliability ------------------------------------------------------------------


def panel_reliability(sections: data.Sections) -> dict[str, Any]:
    summary = sections.summary or {"reliability": None}
    by_template = sections.part(data.SECTION_BY_TEMPLATE) or {}
    by_position = sections.part(data.SECTION_BY_POSITION) or {}
    templates = dict(
        InterviewTemplate.objects.filter(pk__in=[int(k) for k in by_template]).values_list(
            "pk", "name"
        )
    )
    positions = dict(
        Position.objects.filter(pk__in=[int(k) for k in by_position]).values_list("pk", "title")
    )

    def rows(breakdown: Mapping[str, Any], names: Mapping[int, str]) -> list[dict[str, Any]]:
        shaped: list[dict[str, Any]] = [
            {"id": int(k), "name": names.get(int(k), ""), "alpha": reliability(r)}
            for k, r in breakdown.items()
        ]
        shaped.sort(key=lambda r: (r["name"].lower(), r["id"]))
        return shaped

    return {
        "meta": meta(sections),
        "overall": reliability(summary["reliability"]),
        "by_template": rows(by_template, templates),
        "by_position": rows(by_position, positions),
    }
