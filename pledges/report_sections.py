"""The board pack's sections: a registry of builders, each turning selectors' results into a context that
its own template (templates/pledges/board_report/pdf/<code>.html) renders.

A section plugs in by registering a builder; the figures always come from the selectors the dashboards
use, never from numbers typed here. A section with nothing to show says so ("no data"), it never
invents figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from workforce import charts, culture
from workforce import selectors as workforce_selectors

from . import selectors
from .models import BoardReport, BoardReportSection


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    template: str
    build: Callable[[ReportInputs], dict]
    # The front sheet comes before the contents page and is not listed in it.
    in_contents: bool = True


REGISTRY: dict[str, Section] = {}


def register(code: str, *, in_contents: bool = True):
    def decorator(build: Callable[[ReportInputs], dict]):
        REGISTRY[code] = Section(
            code=code,
            title=BoardReportSection(code).label,
            template=f"pledges/board_report/pdf/{code}.html",
            build=build,
            in_contents=in_contents,
        )
        return build

    return decorator


class ReportInputs:
    """What the builders share: the request and, computed once, the selectors' results."""

    def __init__(self, report: BoardReport):
        self.report = report

    @cached_property
    def metrics(self) -> list[workforce_selectors.MetricSummary]:
        """The workforce dashboard's own summaries (system level) for the period of the pack."""
        return workforce_selectors.metric_summaries(
            start=self.report.period_start, end=self.report.period_end
        )

    @cached_property
    def panels(self) -> list[MetricPanel]:
        panels = []
        for summary in self.metrics:
            chart = charts.series_chart(summary.series) if summary.series.points else None
            panels.append(MetricPanel(summary=summary, chart=chart))
        return panels


def ordered_sections(codes: list[str]) -> list[Section]:
    """The requested sections in the pack's fixed order."""
    return [REGISTRY[code] for code in BoardReportSection.values if code in codes and code in REGISTRY]


@register(BoardReportSection.FRONT_SHEET, in_contents=False)
def build_front_sheet(inputs: ReportInputs) -> dict:
    report = inputs.report
    return {
        "key_points": report.key_point_list()[:5],
        "sections_included": [s.title for s in ordered_sections(report.sections) if s.in_contents],
    }


@register(BoardReportSection.PLEDGE_PROGRESS)
def build_pledge_progress(inputs: ReportInputs) -> dict:
    # The board overview's rows: latest update, recent statuses, key metric and any status mismatch.
    return {"rows": selectors.pledge_rows(list(selectors.pledge_list()))}


@dataclass(frozen=True)
class MetricPanel:
    summary: workforce_selectors.MetricSummary
    chart: charts.SpcChart | None

    @property
    def unit(self) -> str:
        return self.summary.metric.unit

    @property
    def latest(self) -> str:
        return charts.format_value(self.summary.latest_value, self.unit)

    @property
    def mean(self) -> str:
        return charts.format_value(self.summary.spc.mean, self.unit)

    @property
    def lower(self) -> str:
        return charts.format_value(self.summary.spc.lower, self.unit)

    @property
    def upper(self) -> str:
        return charts.format_value(self.summary.spc.upper, self.unit)

    @property
    def target(self) -> str:
        return charts.format_value(self.summary.spc.target, self.unit)

    @property
    def change_year(self) -> str:
        return charts.format_value(self.summary.change_year, self.unit, signed=True)


@register(BoardReportSection.WORKFORCE_METRICS)
def build_workforce_metrics(inputs: ReportInputs) -> dict:
    return {
        "panels": inputs.panels,
        "synthetic": any(p.summary.includes_synthetic for p in inputs.panels),
    }


@register(BoardReportSection.CULTURE)
def build_culture(inputs: ReportInputs) -> dict:
    # The latest year the pack's period covers: a pack for an earlier period shows that period's figures.
    year = workforce_selectors.culture_year_until(inputs.report.period_end)
    if year is None:
        return {"dashboard": None, "indicators": []}
    return {
        "dashboard": workforce_selectors.culture_dashboard(organisation=None, year=year),
        "indicators": workforce_selectors.culture_indicators_by_organisation(year=year),
        "rl_lower": culture.RL_LOWER,
        "rl_upper": culture.RL_UPPER,
        "percentage_gap": culture.PERCENTAGE_GAP_FLAG,
        "score_gap": culture.SCORE_GAP_FLAG,
    }


# The breakdowns of programme reach the pack shows, as on the programme reach page (/reach/).
REACH_DIMENSIONS = ("sector", "staff_group", "ethnicity", "disability")


def reach_period(report: BoardReport) -> tuple[dt.date, dt.date]:
    """Cohorts starting in the pack's period: from its first month's first day to its last month's last."""
    end = (report.period_end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return report.period_start, end


@register(BoardReportSection.PROGRAMME_REACH)
def build_programme_reach(inputs: ReportInputs) -> dict:
    from programmes import selectors as programme_selectors
    from programmes.models import Programme

    by_workstream: dict[str, int] = {}
    for programme in Programme.objects.select_related("workstream").order_by("workstream__order"):
        by_workstream[programme.workstream.name] = by_workstream.get(programme.workstream.name, 0) + 1
    # Enrolments and completions by characteristic: the programme reach page's own selectors, suppressed,
    # for the cohorts that started in the pack's period.
    starts_from, starts_to = reach_period(inputs.report)
    enrolments = programme_selectors.reach_enrolments(starts_from=starts_from, starts_to=starts_to)
    breakdowns = [
        programme_selectors.programme_reach(dimension=dimension, enrolments=enrolments)
        for dimension in REACH_DIMENSIONS
    ]
    return {
        "programmes_by_workstream": sorted(by_workstream.items()),
        "reach_rows": selectors.programme_reach_headlines() or [],
        "breakdowns": breakdowns if breakdowns and breakdowns[0].total.enrolled != 0 else [],
        "starts_from": starts_from,
        "starts_to": starts_to,
    }


@register(BoardReportSection.DATA_APPENDIX)
def build_data_appendix(inputs: ReportInputs) -> dict:
    return {"panels": [p for p in inputs.panels if p.chart is not None]}


@dataclass(frozen=True)
class BuiltSection:
    section: Section
    context: dict


def build_sections(report: BoardReport, *, on_progress: Callable[[str], None] | None = None) -> list:
    inputs = ReportInputs(report)
    built = []
    for section in ordered_sections(report.sections):
        if on_progress:
            on_progress(section.title)
        built.append(BuiltSection(section=section, context=section.build(inputs)))
    return built


def period_label(start: dt.date, end: dt.date) -> str:
    return f"{start:%B %Y} to {end:%B %Y}"
