"""Page data of the analytics pages (PRODUCT E): snapshot sections → rows to render.

Every figure becomes a `Shown`: its text (value and interval), its n and its gate, so a
template cannot show a hidden figure's number or forget the "provisional" mark. Names
(interviewers, questions, templates, positions, candidates) are read in one query each,
so a page's query count does not grow with the data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString

from interviews import charts
from interviews.access import (
    AnalyticsAudience,
    analytics_positions_for,
    visible_scorecard_ids,
)
from interviews.analytics import data
from interviews.analytics.figures import DRIFT_PROMPT
from interviews.models import Candidate, InterviewSession, InterviewTemplate, Position
from intervy import html
from intervy.html import select_options
from intervy.typing import form_field
from questions.models import Question

RECOMMENDATIONS = ("Strong no", "No", "Yes", "Strong yes")
COACHING_NOTE = (
    "These figures are prompts for a calibration conversation, not verdicts on anyone: "
    "each compares an interviewer with the co-panelists who heard the same answers."
)


# --- one figure as shown ----------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    text: str
    n: int
    gate: str
    sort: float | None = None

    @property
    def hidden(self) -> bool:
        return self.gate == "hidden"

    @property
    def provisional(self) -> bool:
        return self.gate == "provisional"

    @property
    def html(self) -> SafeString:
        """`{{ figure.html }}` in a template: the figure with its n (`intervy.html.figure`)."""
        return html.figure(self.text, self.n, hidden=self.hidden, provisional=self.provisional)


def _num(value: float | None, digits: int = 2, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def shown_proportion(p: Mapping[str, Any]) -> Shown:
    if p["gate"] == "hidden" or p["share"] is None:
        return Shown("—", p["n"], p["gate"])
    return Shown(
        f"{_pct(p['share'])} ({_pct(p['low'])}–{_pct(p['high'])})", p["n"], p["gate"], p["share"]
    )


def shown_leniency(lenience: Mapping[str, Any]) -> Shown:
    if lenience["gate"] == "hidden" or lenience["shrunk"] is None:
        return Shown("—", lenience["n"], lenience["gate"])
    return Shown(
        f"{_num(lenience['shrunk'], signed=True)} "
        f"(raw {_num(lenience['mean'], signed=True)}, 95 % "
        f"{_num(lenience['low'], signed=True)}…{_num(lenience['high'], signed=True)})",
        lenience["n"],
        lenience["gate"],
        lenience["shrunk"],
    )


def shown_alpha(reliability: Mapping[str, Any] | None) -> Shown:
    if reliability is None:
        return Shown("—", 0, "hidden")
    if reliability["gate"] == "hidden" or reliability["ordinal"] is None:
        return Shown("—", reliability["n"], reliability["gate"])
    interval = (
        f", 95 % {_num(reliability['low'])}…{_num(reliability['high'])}"
        if reliability["low"] is not None
        else ""
    )
    return Shown(
        f"{_num(reliability['ordinal'])}{interval}",
        reliability["n"],
        reliability["gate"],
        reliability["ordinal"],
    )


def shown_interval_alpha(reliability: Mapping[str, Any] | None) -> Shown:
    if reliability is None or reliability["gate"] == "hidden":
        return Shown("—", 0 if reliability is None else reliability["n"], "hidden")
    return Shown(
        _num(reliability["interval"]),
        reliability["n"],
        reliability["gate"],
        reliability["interval"],
    )


def shown_value(value: float | None, n: int, gate: str, *, signed: bool = False) -> Shown:
    if gate == "hidden" or value is None:
        return Shown("—", n, gate)
    return Shown(_num(value, signed=signed), n, gate, value)


def _date(value: str | None) -> str:
    return datetime.fromisoformat(value).date().isoformat() if value else "—"


# --- the filter -------------------------------------------------------------------------


class AnalyticsFilter(forms.Form):
    """Position, template and date range (GET): narrows the scope; works without JS."""

    position = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    start = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def __init__(self, data: Any, *, audience: AnalyticsAudience) -> None:
        super().__init__(data)
        positions = list(analytics_positions_for(audience).values_list("pk", "title"))
        templates = InterviewTemplate.objects.order_by("name", "pk")
        if audience.positions is not None:
            # EXISTS per template, not a join over every session made DISTINCT: 10 → 2 ms
            # at benchmark size, on every analytics page a hiring manager opens.
            templates = templates.filter(
                Exists(
                    InterviewSession.objects.filter(
                        template=OuterRef("pk"), position_id__in=audience.positions
                    )
                )
            )
        position_field, template_field = self.fields["position"], self.fields["template"]
        assert isinstance(position_field, forms.ChoiceField)
        assert isinstance(template_field, forms.ChoiceField)
        position_field.choices = [("", "All positions"), *positions]
        template_field.choices = [("", "All templates"), *templates.values_list("pk", "name")]

    def labels(self, name: str) -> dict[int, str]:
        """A choice field's labels by id: the names of every position or template the
        audience's figures can hold (no further query for them)."""
        field = form_field(self, name, forms.ChoiceField)
        choices: list[tuple[Any, str]] = field.choices  # type: ignore[assignment]  # as in options
        return {value: str(label) for value, label in choices if value != ""}

    def options(self, name: str) -> SafeString:
        """The <option>s of a choice field, the sent one selected: a manager's template
        list runs to hundreds of options, and Django's select widget renders each through
        a template of its own; `intervy.html.select_options` writes the same options
        (tests/test_bank_search.py holds it to the widget's rendering)."""
        # Django normalises a ChoiceField's choices to (value, label) pairs when they are
        # set; django-stubs types the attribute as everything `choices=` accepts.
        field = form_field(self, name, forms.ChoiceField)
        choices: list[tuple[Any, str]] = field.choices  # type: ignore[assignment]
        return select_options(choices, str(self[name].value() or ""))


def scope_for(
    request_get: Mapping[str, Any], audience: AnalyticsAudience
) -> tuple[data.Scope, AnalyticsFilter]:
    form = AnalyticsFilter(
        {k: request_get.get(k) for k in ("position", "template", "start", "end")},
        audience=audience,
    )
    if not form.is_valid():
        return data.Scope(positions=audience.positions), form
    position: int | None = form.cleaned_data["position"]
    start: date | None = form.cleaned_data["start"]
    end: date | None = form.cleaned_data["end"]
    # A position filter stays within the audience's positions: the choices say so.
    positions = (position,) if position is not None else audience.positions
    scope = data.Scope(
        positions=positions,
        template=form.cleaned_data["template"],
        start=start,
        end=end,
        narrowed=position is not None,
    )
    return scope, form


# --- names --------------------------------------------------------------------------


def question_names(ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    questions = Question.objects.filter(pk__in={i for i in ids if i is not None})
    return {pk: (title, slug) for pk, title, slug in questions.values_list("pk", "title", "slug")}


# --- pages ----------------------------------------------------------------------------


@dataclass
class Page:
    sections: data.Sections
    form: AnalyticsFilter
    scope: data.Scope
    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, Any] | None:
        return self.sections.summary

    @property
    def position_options(self) -> SafeString:
        return self.form.options("position")

    @property
    def template_options(self) -> SafeString:
        return self.form.options("template")


def _freshness(sections: data.Sections) -> str:
    if sections.preparing:
        return "The figures for this view are being prepared by the worker (within a minute)."
    if sections.live:
        return "Computed just now for this view."
    assert sections.computed_at is not None  # noqa: S101 - a stored snapshot has a time
    return f"Figures as of {sections.computed_at:%Y-%m-%d %H:%M} UTC (refreshed within a minute)."


def interviewer_row(figure: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    interviewer = figure["interviewer_id"]
    return {
        "id": interviewer,
        "name": names.get(interviewer, f"#{interviewer}"),
        "url": reverse("interviews:analytics_interviewer", args=[interviewer]),
        "scorecards": figure["scorecards"],
        "leniency": shown_leniency(figure["leniency"]),
        "recommendation_leniency": shown_leniency(figure["recommendation_leniency"]),
        "pass_share_leniency": shown_leniency(figure["pass_share_leniency"]),
        "mix": [
            (label, shown_proportion(p))
            for label, p in zip(RECOMMENDATIONS, figure["recommendation_mix"], strict=True)
        ],
        "pass_share": shown_proportion(figure["pass_share"]),
        "panel_agreement": shown_proportion(figure["panel_agreement"]),
        "outcome_agreement": shown_proportion(figure["outcome_agreement"]),
        "not_assessed": shown_proportion(figure["not_assessed"]),
        "tts_median": shown_value(
            figure["time_to_submit"]["median_hours"],
            figure["time_to_submit"]["n"],
            figure["time_to_submit"]["gate"],
        ),
        "tts_p90": shown_value(
            figure["time_to_submit"]["p90_hours"],
            figure["time_to_submit"]["n"],
            figure["time_to_submit"]["gate"],
        ),
        "within_24h": shown_proportion(figure["time_to_submit"]["within_24h"]),
        "flags": figure["flags"],
    }


class InterviewerRows(list):
    """The calibration rows an audience may see, and the sections they were read with."""

    sections: data.Sections


def interviewer_figures(scope: data.Scope, audience: AnalyticsAudience) -> InterviewerRows:
    """Everyone's rows for an audience that sees every interviewer (the table); only
    the viewer's own row (one small section) for an interviewer."""
    if audience.all_interviewers:
        sections = data.read_sections(scope, [data.SECTION_INTERVIEWERS])
        rows = (sections.part(data.SECTION_INTERVIEWERS) or {"rows": []})["rows"]
    else:
        name = data.INTERVIEWER_ROW_SECTION.format(audience.user_id)
        sections = data.read_sections(scope, [name])
        own = sections.part(name)
        rows = [own] if own else []
    result = InterviewerRows(r for r in rows if audience.shows_interviewer(r["interviewer_id"]))
    result.sections = sections
    return result


# A page of the calibration list and of question health: 25 rows, each a wide row of
# figures (and a chart), so a page answers well within the 100 ms the benchmark asks.
INTERVIEWERS_PER_PAGE = 25


def interviewers_page(
    get: Mapping[str, Any], audience: AnalyticsAudience, *, full: bool = False
) -> Page:
    """Interviewer calibration, one page of interviewers by name; `full` (the CSV)
    has them all. For an audience that sees every interviewer, the stored order by name
    is read, then only the row sections of the page shown; an interviewer sees their own."""
    scope, form = scope_for(get, audience)
    if audience.all_interviewers:
        sections = data.read_sections(scope, [data.SECTION_INTERVIEWER_ORDER])
        ordered = data.interviewer_order(sections)
        paging, wanted = _paged(get, ordered, INTERVIEWERS_PER_PAGE, full=full)
        keys = [data.INTERVIEWER_ROW_SECTION.format(pk) for pk in wanted]
        stored = data.more_parts(scope, sections, keys)
        shown: Sequence[Mapping[str, Any]] = [stored[key] for key in keys if key in stored]
    else:
        own = interviewer_figures(scope, audience)
        sections = own.sections
        paging, shown = _paged(get, own, INTERVIEWERS_PER_PAGE, full=full)
    names = data.user_names(r["interviewer_id"] for r in shown)
    rows = [interviewer_row(r, names) for r in shown]
    return Page(sections, form, scope, rows, {"freshness": _freshness(sections), "paging": paging})


def _paged[T](
    get: Mapping[str, Any],
    ordered: Sequence[T],
    per_page: int,
    *,
    full: bool,
    sort: str | None = None,
) -> tuple[dict[str, Any], Sequence[T]]:
    """The `page` of `ordered` the request asks for (past the end: the last; malformed:
    the first), with the pager's links, which keep the filters and the sort."""
    try:
        number = max(1, int(get.get("page") or 1))
    except ValueError:
        number = 1
    count = max(1, -(-len(ordered) // per_page))
    number = min(number, count)
    query = {k: v for k, v in get.items() if k in ("position", "template", "start", "end") and v}
    if sort is not None:
        query["sort"] = sort
    paging = {
        "number": number,
        "count": count,
        "total": len(ordered),
        "previous": "?" + urlencode({**query, "page": number - 1}) if number > 1 else None,
        "next": "?" + urlencode({**query, "page": number + 1}) if number < count else None,
    }
    if full:
        return paging, ordered
    return paging, ordered[(number - 1) * per_page : number * per_page]


@dataclass(frozen=True)
class InterviewerEvidence:
    """One interviewer's figures and what lies behind them, with the names to show: the
    page and the API's detail both read it (the API shapes it as JSON)."""

    figure: Mapping[str, Any] | None
    detail: Mapping[str, Any]
    questions: Mapping[int, tuple[str, str]]
    candidates: Mapping[int, str]
    # session id → the interviewer's scorecard there, only where blind review lets the
    # viewer read it.
    cards: Mapping[int, int]


def interviewer_evidence(
    sections: data.Sections, *, user: User, interviewer: User
) -> InterviewerEvidence:
    """The interviewer's row and detail sections, their question titles and candidate
    names, and the scorecards `user` may open."""
    figure = sections.part(data.INTERVIEWER_ROW_SECTION.format(interviewer.pk))
    detail = sections.part(data.INTERVIEWER_SECTION.format(interviewer.pk)) or {
        "answers": [],
        "by_question": [],
        "by_candidate": [],
        "shared_answers": 0,
    }
    questions = question_names(
        [a["question"] for a in detail["answers"]] + [q["question"] for q in detail["by_question"]]
    )
    candidate_ids = {a["candidate"] for a in detail["answers"]} | {
        c["candidate"] for c in detail["by_candidate"]
    }
    candidates = dict(Candidate.objects.filter(pk__in=candidate_ids).values_list("pk", "full_name"))
    cards = visible_scorecard_ids(
        user,
        interviewer_id=interviewer.pk,
        session_ids=sorted({a["session"] for a in detail["answers"]}),
    )
    return InterviewerEvidence(figure, detail, questions, candidates, cards)


def interviewer_sections(interviewer: User) -> list[str]:
    """The snapshot sections `interviewer_evidence` reads."""
    return [
        data.INTERVIEWER_ROW_SECTION.format(interviewer.pk),
        data.INTERVIEWER_SECTION.format(interviewer.pk),
    ]


def interviewer_page(
    get: Mapping[str, Any], audience: AnalyticsAudience, *, user: User, interviewer: User
) -> Page:
    scope, form = scope_for(get, audience)
    sections = data.read_sections(scope, interviewer_sections(interviewer))
    evidence = interviewer_evidence(sections, user=user, interviewer=interviewer)
    figure, detail = evidence.figure, evidence.detail
    questions, candidates, cards = evidence.questions, evidence.candidates, evidence.cards
    names = data.user_names([interviewer.pk])
    answers = []
    for answer in detail["answers"]:
        title = questions.get(answer["question"], ("Ad hoc question", ""))[0]
        card = cards.get(answer["session"])
        answers.append(
            {
                **answer,
                "question_title": title,
                "candidate_name": candidates.get(answer["candidate"], "—"),
                "deviation_text": _num(answer["deviation"], signed=True),
                "others_text": _num(answer["others_mean"]),
                "scorecard_url": (
                    reverse("interviews:scorecard_detail", args=[card]) if card else None
                ),
            }
        )
    by_question = [
        {
            **row,
            "title": questions.get(row["question"], ("Ad hoc questions", ""))[0],
            "url": (
                reverse("interviews:analytics_question", args=[row["question"]])
                if row["question"] is not None
                else None
            ),
            "mean_text": _num(row["mean"], signed=True),
        }
        for row in detail["by_question"]
    ]
    by_candidate = [
        {
            **row,
            "name": candidates.get(row["candidate"], "—"),
            "mean_text": _num(row["mean"], signed=True),
        }
        for row in detail["by_candidate"]
    ]
    return Page(
        sections,
        form,
        scope,
        [interviewer_row(figure, names)] if figure else [],
        {
            "freshness": _freshness(sections),
            "answers": answers,
            "by_question": by_question,
            "by_candidate": by_candidate,
            "shared_answers": detail["shared_answers"],
        },
    )


# The list's sorts: the title, or a figure's value as shown (data.question_orders).
QUESTION_SORTS = data.QUESTION_SORTS


QUESTIONS_PER_PAGE = 25


def _bars(row: Mapping[str, Any]) -> Any:
    if row["distribution_gate"] == "hidden":
        return None
    return charts.distribution_bars(
        chart_id=f"dist-{row['key']}",
        title=f"Scores of {row['title']} (version {row['version']})",
        counts=row["counts"],
    )


def question_row(
    row: Mapping[str, Any], names: Mapping[int, tuple[str, str]], *, chart: bool = True
) -> dict[str, Any]:
    question = row["question_id"]
    title, slug = names.get(question, (f"Question #{question}", ""))
    dist = row["distribution"]
    drift = row["drift"]
    key = f"q{question}-v{row['question_version']}"
    shares = dist["shares"]
    result = {
        "key": key,
        "question": question,
        "version": row["question_version"],
        "title": title,
        "slug": slug,
        "times_asked": row["exposure"]["times_asked"],
        "candidates": row["exposure"]["candidates"],
        "first": _date(row["exposure"]["first"]),
        "last": _date(row["exposure"]["last"]),
        "not_assessed": shown_proportion(row["not_assessed"]),
        "counts": dist["counts"],
        "shares": [_pct(s) for s in shares] if shares else None,
        "bars": None,
        "distribution_n": dist["n"],
        "distribution_gate": dist["gate"],
        "mean": shown_value(dist["mean"], dist["n"], dist["gate"]),
        "sd": shown_value(dist["sd"], dist["n"], dist["gate"]),
        "ceiling_share": Shown(
            _pct(shares[3]) if shares else "—",
            dist["n"],
            dist["gate"],
            shares[3] if shares else None,
        ),
        "floor_share": Shown(
            _pct(shares[0]) if shares else "—",
            dist["n"],
            dist["gate"],
            shares[0] if shares else None,
        ),
        "ceiling": dist["ceiling"],
        "floor": dist["floor"],
        "item_rest": shown_value(
            row["item_rest"]["value"], row["item_rest"]["n"], row["item_rest"]["gate"]
        ),
        "auc": shown_value(
            row["separation"]["auc"], row["separation"]["n"], row["separation"]["gate"]
        ),
        "auc_hired": row["separation"]["hired"],
        "auc_rejected": row["separation"]["rejected"],
        "alpha": shown_alpha(row["alpha"]),
        "alpha_interval": shown_interval_alpha(row["alpha"]),
        "drift_slope": shown_value(
            drift["slope_per_90_days"], drift["n"], drift["gate"], signed=True
        ),
        "drift_span": round(drift["span_days"]),
        "drift_alarmed": drift["alarmed"],
        "drift_alarm_text": (
            f"Alarm since {_date(drift['alarms'][0])}: {DRIFT_PROMPT}" if drift["alarmed"] else ""
        ),
        "flags": row["flags"],
    }
    if chart:
        _decorate(result)
    return result


def _decorate(row: dict[str, Any]) -> None:
    """The links, the chart and the cells of a row that is shown (not of every row:
    reverse() and the SVG cost time per row, and a listing shows one page of them)."""
    row["url"] = reverse("interviews:analytics_question", args=[row["question"]])
    row["bank_url"] = reverse("questions:detail", args=[row["slug"]]) if row["slug"] else None
    row["bars"] = _bars(row)
    row["cells"] = html.question_cells(row)


def question_sort(asked: str | None) -> str:
    """The sort asked for, if it is one (a QUESTION_SORTS name, `-` for the other way),
    else by title."""
    return asked if asked and asked.lstrip("-") in QUESTION_SORTS else "title"


def questions_page(
    get: Mapping[str, Any], audience: AnalyticsAudience, *, full: bool = False
) -> Page:
    """Question health, one page of rows: the snapshot's order for the sort asked is read,
    and then only the rows shown. `full` (the CSV) reads them all."""
    scope, form = scope_for(get, audience)
    sort = question_sort(get.get("sort"))
    sections = data.read_sections(scope, [data.question_order_section(sort)])
    ordered = data.question_order(sections, sort)
    paging, wanted = _paged(get, ordered, QUESTIONS_PER_PAGE, full=full, sort=sort)
    stored = data.more_parts(scope, sections, wanted)
    names = question_names(stored[key]["question_id"] for key in wanted if key in stored)
    shown = [question_row(stored[key], names, chart=not full) for key in wanted if key in stored]
    query = {k: v for k, v in get.items() if k in ("position", "template", "start", "end") and v}
    links = {}
    for name in QUESTION_SORTS:
        # Clicking the current sort reverses it; a figure sorts highest first, titles A–Z.
        first = name if name == "title" else f"-{name}"
        target = first.lstrip("-") if sort == first and first.startswith("-") else first
        if sort == first and not first.startswith("-"):
            target = f"-{name}"
        links[name] = "?" + urlencode({**query, "sort": target})
    return Page(
        sections,
        form,
        scope,
        shown,
        {
            "freshness": _freshness(sections),
            "sort": sort,
            "sort_links": links,
            "paging": paging,
        },
    )


def question_page(
    get: Mapping[str, Any], audience: AnalyticsAudience, *, question: Question
) -> Page:
    scope, form = scope_for(get, audience)
    name = data.QUESTION_SECTION.format(question.pk)
    sections = data.read_sections(scope, [name])
    detail = sections.part(name) or {"versions": []}
    names = {question.pk: (question.title, question.slug)}
    rows = []
    for version in detail["versions"]:
        row = question_row(version, names)
        points = version["drift"].get("points") or []
        alarms = version["drift"]["alarms"]
        alarm_index = None
        if alarms:
            first = alarms[0]
            alarm_index = next(
                (i for i, (at, _) in enumerate(points) if at >= first), len(points) - 1
            )
        row["sparkline"] = (
            charts.sparkline(
                chart_id=f"drift-{row['key']}",
                title=f"Drift of {question.title} (version {row['version']})",
                values=[value for _, value in points],
                alarm_index=alarm_index,
            )
            if points
            else None
        )
        rows.append(row)
    return Page(sections, form, scope, rows, {"freshness": _freshness(sections)})


def reliability_rows(
    breakdown: Mapping[str, Any], names: Mapping[int, str], url: Callable[[int], str | None]
) -> list[dict[str, Any]]:
    rows = []
    for key, reliability in breakdown.items():
        pk = int(key)
        rows.append(
            {
                "id": pk,
                "name": names.get(pk, f"#{pk}"),
                "url": url(pk),
                "alpha": shown_alpha(reliability),
                "interval_alpha": shown_interval_alpha(reliability),
                "ratings": reliability["ratings"],
                "reading": reliability["reading"] or "—",
            }
        )
    rows.sort(key=lambda r: r["name"].lower())
    return rows


def reliability_page(get: Mapping[str, Any], audience: AnalyticsAudience) -> Page:
    scope, form = scope_for(get, audience)
    sections = data.read_sections(scope, [data.SECTION_BY_POSITION, data.SECTION_BY_TEMPLATE])
    summary = sections.summary or {"reliability": None}
    by_template = sections.part(data.SECTION_BY_TEMPLATE) or {}
    by_position = sections.part(data.SECTION_BY_POSITION) or {}
    # The filter offers every template and position the audience's figures can hold.
    templates, positions = form.labels("template"), form.labels("position")
    return Page(
        sections,
        form,
        scope,
        [],
        {
            "freshness": _freshness(sections),
            "overall": shown_alpha(summary["reliability"]),
            "overall_interval": shown_interval_alpha(summary["reliability"]),
            "overall_reading": (summary["reliability"] or {}).get("reading") or "—",
            "by_template": reliability_rows(by_template, templates, lambda pk: None),
            "by_position": reliability_rows(
                by_position,
                positions,
                lambda pk: reverse("interviews:position_detail", args=[pk]),
            ),
        },
    )


def position_reliability(position: Position) -> dict[str, Any] | None:
    """The position page's α: from the all-positions snapshot (one query), if stored."""
    from interviews.models import AnalyticsSnapshot

    payload = (
        AnalyticsSnapshot.objects.filter(scope=data.Scope().key, section=data.SECTION_BY_POSITION)
        .values_list("payload", flat=True)
        .first()
    )
    if payload is None:
        return None
    reliability = payload.get(str(position.pk))
    return {
        "alpha": shown_alpha(reliability),
        "interval_alpha": shown_interval_alpha(reliability),
        "reading": (reliability or {}).get("reading") or "—",
    }


# --- CSV ------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, Shown):
        text = value.text
        if value.provisional:
            text += " (provisional)"
        return text
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
