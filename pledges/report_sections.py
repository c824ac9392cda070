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

from . import report_charts, selectors
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
    def metrics(self) -> list[selectors.MetricSummary]:
        return selectors.metric_summaries(start=self.report.period_start, end=self.report.period_end)


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
    return {"pledges": list(selectors.pledge_list_for_board())}


@dataclass(frozen=True)
class MetricPanel:
    summary: selectors.MetricSummary
    chart_url: str | None
    chart_alt: str
    variation_url: str
    variation_alt: str
    assurance_url: str
    assurance_alt: str


def _chart_alt(summary: selectors.MetricSummary) -> str:
    points = summary.points
    first, last = points[0], points[-1]
    kind = "Run chart" if summary.result.is_run_chart else "Statistical process control chart"
    text = (
        f"{kind} of {summary.metric.name}, {len(points)} months from {first.month:%B %Y} "
        f"({summary.format_value(first.value)}) to {last.month:%B %Y} ({summary.format_value(last.value)})"
    )
    if summary.result.mean is not None:
        text += f"; mean {summary.format_value(summary.result.mean)}"
    if summary.result.upper is not None:
        text += (
            f", process limits {summary.format_value(summary.result.lower)} to "
            f"{summary.format_value(summary.result.upper)}"
        )
    return text + f". {summary.sentence} The data are in the appendix."


def metric_panels(inputs: ReportInputs) -> list[MetricPanel]:
    panels = []
    for summary in inputs.metrics:
        direction = summary.metric.improvement_direction
        variation = summary.result.variation_icon
        assurance = summary.result.assurance_icon
        panels.append(
            MetricPanel(
                summary=summary,
                chart_url=report_charts.data_url(report_charts.spc_chart_svg(summary))
                if summary.points
                else None,
                chart_alt=_chart_alt(summary) if summary.points else "",
                variation_url=report_charts.data_url(report_charts.variation_icon_svg(variation, direction)),
                variation_alt=f"Variation: {report_charts.VARIATION_LABELS[variation].lower()}",
                assurance_url=report_charts.data_url(report_charts.assurance_icon_svg(assurance)),
                assurance_alt=f"Assurance: {report_charts.ASSURANCE_LABELS[assurance].lower()}",
            )
        )
    return panels


@register(BoardReportSection.WORKFORCE_METRICS)
def build_workforce_metrics(inputs: ReportInputs) -> dict:
    return {"panels": metric_panels(inputs)}


@register(BoardReportSection.CULTURE)
def build_culture(inputs: ReportInputs) -> dict:
    # Culture and inclusion selectors (WRES, WDES, staff survey) are being built; until they land the
    # section states that there are no figures rather than showing any.
    return {"tables": []}


@register(BoardReportSection.PROGRAMME_REACH)
def build_programme_reach(inputs: ReportInputs) -> dict:
    from programmes.models import Programme

    by_workstream: dict[str, int] = {}
    for programme in Programme.objects.select_related("workstream").order_by("workstream__order"):
        by_workstream[programme.workstream.name] = by_workstream.get(programme.workstream.name, 0) + 1
    # Reach (enrolments, completions, by organisation and staff group) arrives with the learning record.
    return {"programmes_by_workstream": sorted(by_workstream.items()), "reach_rows": []}


@register(BoardReportSection.DATA_APPENDIX)
def build_data_appendix(inputs: ReportInputs) -> dict:
    return {"metrics": [m for m in inputs.metrics if m.points]}


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
