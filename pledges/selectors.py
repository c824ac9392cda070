"""Reads for the pledges app: board report visibility and the figures the board pack shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from workforce import spc
from workforce.models import MetricDefinition, Observation

from .models import BoardReport, BoardReportSchedule, Pledge


def board_report_visible_to(user) -> QuerySet[BoardReport]:
    """The board packs this user may see and download.

    Academy admins (pledges.view_all_board_reports) see every pack; people who may request packs see the
    ones they asked for and the ones sent to them. Anyone else sees none.
    """
    qs = BoardReport.objects.select_related("requested_by", "schedule")
    if not user.is_authenticated or not user.has_perm("pledges.request_board_report"):
        return qs.none()
    if user.has_perm("pledges.view_all_board_reports"):
        return qs
    return qs.filter(Q(requested_by=user) | Q(recipients=user) | Q(schedule__recipients=user)).distinct()


def board_report_schedule_get() -> BoardReportSchedule | None:
    return BoardReportSchedule.objects.prefetch_related("recipients", "meetings").order_by("pk").first()


def pledge_list_for_board() -> QuerySet[Pledge]:
    return Pledge.objects.filter(is_archived=False).order_by("number")


# --- Workforce metrics ----------------------------------------------------------------------------------
# System-level monthly series from raw observations, the figures the workforce dashboard charts.
# When the dashboard's own selectors (workforce.selectors.metric_series / metric_summaries) land, the
# board pack should call them instead; this function keeps the same rule: system-level rates are
# recomputed from the summed counts, never averaged from organisations' rates.

UNIT_SUFFIX = {
    MetricDefinition.Unit.PERCENT: "%",
    MetricDefinition.Unit.COUNT: "",
    MetricDefinition.Unit.WTE: " WTE",
    MetricDefinition.Unit.GBP: "",
    MetricDefinition.Unit.RATIO: "",
}


VARIATION_TEXT = {
    spc.IMPROVEMENT: "Improvement",
    spc.CONCERN: "Concern",
    spc.COMMON_CAUSE: "Common cause",
    spc.NEITHER_HIGH: "Special cause (high)",
    spc.NEITHER_LOW: "Special cause (low)",
}


@dataclass(frozen=True)
class MetricPoint:
    month: dt.date
    value: float


@dataclass(frozen=True)
class MetricSummary:
    metric: MetricDefinition
    points: tuple[MetricPoint, ...]
    result: spc.SpcResult
    sentence: str

    @property
    def latest(self) -> MetricPoint | None:
        return self.points[-1] if self.points else None

    @property
    def unit_suffix(self) -> str:
        return UNIT_SUFFIX.get(self.metric.unit, "")

    @property
    def rows(self) -> list[dict]:
        """The appendix rows: each month's value with its SPC lines and variation."""
        return [
            {
                "month": point.month,
                "value": point.value,
                "mean": spc_point.mean,
                "lower": spc_point.lower,
                "upper": spc_point.upper,
                "variation": VARIATION_TEXT.get(spc_point.variation, spc_point.variation),
            }
            for point, spc_point in zip(self.points, self.result.points, strict=True)
        ]

    def format_value(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.metric.unit == MetricDefinition.Unit.GBP:
            return f"£{value:,.0f}"
        if self.metric.unit == MetricDefinition.Unit.COUNT:
            return f"{value:,.0f}"
        return f"{value:,.1f}{self.unit_suffix}"


def _series_rows(*, start: dt.date, end: dt.date, metric_ids: list[int]):
    return (
        Observation.objects.filter(
            metric_id__in=metric_ids, staff_group__isnull=True, month__gte=start, month__lte=end
        )
        .values("metric_id", "month")
        .annotate(num=Sum("numerator"), den=Sum("denominator"), n=Count("id"))
        .order_by("metric_id", "month")
    )


def _point(metric: MetricDefinition, row: dict) -> MetricPoint | None:
    if metric.aggregation == MetricDefinition.Aggregation.RATIO:
        if not row["den"]:
            return None
        value = row["num"] / row["den"] * Decimal(metric.scale)
    else:
        value = row["num"]
    return MetricPoint(month=row["month"], value=round(float(value), 4))


def metric_system_series(*, metric: MetricDefinition, start: dt.date, end: dt.date) -> list[MetricPoint]:
    """Monthly system-level values of one metric from ``start`` to ``end`` (first days of months)."""
    points = (_point(metric, row) for row in _series_rows(start=start, end=end, metric_ids=[metric.pk]))
    return [p for p in points if p is not None]


def metric_summaries(*, start: dt.date, end: dt.date) -> list[MetricSummary]:
    """Every metric with its system series, SPC result and one generated sentence (two queries)."""
    metrics = list(MetricDefinition.objects.order_by("order", "name"))
    by_id: dict[int, list[MetricPoint]] = {m.pk: [] for m in metrics}
    lookup = {m.pk: m for m in metrics}
    for row in _series_rows(start=start, end=end, metric_ids=list(by_id)):
        point = _point(lookup[row["metric_id"]], row)
        if point is not None:
            by_id[row["metric_id"]].append(point)
    summaries = []
    for metric in metrics:
        points = by_id[metric.pk]
        target = float(metric.target) if metric.target is not None else None
        result = spc.analyse([p.value for p in points], direction=metric.improvement_direction, target=target)
        unit = UNIT_SUFFIX.get(metric.unit, "").strip()
        sentence = spc.describe(result, name=metric.name, unit=unit)
        summaries.append(MetricSummary(metric=metric, points=tuple(points), result=result, sentence=sentence))
    return summaries
