"""Reads for pledges, objectives, progress and the board overview."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from programmes.models import Programme, Workstream
from workforce import charts, spc
from workforce import selectors as workforce_selectors
from workforce.models import MetricDefinition

from .models import BoardMeeting, MetricLink, Objective, Pledge, ProgressUpdate, Status
from .status_rules import MetricAssurance, Mismatch, status_mismatches

# --- Metrics --------------------------------------------------------------------------------------------
# The figures come from workforce.selectors.metric_summaries, the selector the workforce dashboard and the
# board pack use, so a metric's SPC (its baseline and recalculations included) is the same everywhere. A
# link may set its own target; only the assurance against that target is worked out again here.


# Making Data Count icon colours, shown as NHS.UK tags with words (never colour alone).
VARIATION_LABELS = {
    spc.IMPROVEMENT: ("Special cause improvement", "blue"),
    spc.CONCERN: ("Special cause concern", "orange"),
    spc.COMMON_CAUSE: ("Common cause variation", "grey"),
    spc.NEITHER_HIGH: ("Special cause variation (high)", "purple"),
    spc.NEITHER_LOW: ("Special cause variation (low)", "purple"),
}
ASSURANCE_LABELS = {
    spc.ASSURANCE_PASS: ("Consistently meets target", "blue"),
    spc.ASSURANCE_FAIL: ("Consistently fails target", "orange"),
    spc.ASSURANCE_HIT_OR_MISS: ("Hit or miss target", "grey"),
    None: ("No target assurance", "white"),
}


@dataclass(frozen=True)
class MetricResult:
    metric: MetricDefinition
    target: float | None
    months: list[datetime.date]
    values: list[float]
    spc: spc.SpcResult
    includes_synthetic: bool = False

    @property
    def latest_value(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def latest_month(self) -> datetime.date | None:
        return self.months[-1] if self.months else None

    @property
    def variation(self) -> str:
        return self.spc.variation_icon

    @property
    def assurance(self) -> str | None:
        return self.spc.assurance_icon

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS[self.spc.variation_icon][0]

    @property
    def variation_tag(self) -> str:
        return VARIATION_LABELS[self.spc.variation_icon][1]

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS[self.spc.assurance_icon][0]

    @property
    def assurance_tag(self) -> str:
        return ASSURANCE_LABELS[self.spc.assurance_icon][1]

    @property
    def latest_display(self) -> str:
        """As the workforce dashboard shows the same figure."""
        if self.latest_value is None:
            return "No figures yet"
        return charts.format_value(self.latest_value, self.metric.unit)

    @property
    def sentence(self) -> str:
        unit = "%" if self.metric.unit == MetricDefinition.Unit.PERCENT else ""
        return spc.describe(self.spc, name=self.metric.name, unit=unit, period="months")


Summaries = dict[int, workforce_selectors.MetricSummary]


def _spc_for_target(series: workforce_selectors.MetricSeries, target: Decimal | None) -> spc.SpcResult:
    """The series' SPC, assured against ``target`` when a link sets one other than the metric's own."""
    metric = series.metric
    if target is None or target == metric.target:
        return series.spc
    points = series.spc.points
    # The same phases as the dashboard: a new phase starts wherever the limits were recalculated.
    recalculate_at = [
        point.index for before, point in zip(points, points[1:], strict=False) if point.phase != before.phase
    ]
    return spc.analyse(
        series.values,
        direction=metric.improvement_direction,
        target=float(target),
        baseline_points=metric.spc_baseline_points,
        recalculate_at=recalculate_at,
    )


def _result(summary: workforce_selectors.MetricSummary, target: Decimal | None) -> MetricResult:
    effective = target if target is not None else summary.metric.target
    return MetricResult(
        metric=summary.metric,
        target=float(effective) if effective is not None else None,
        months=summary.series.months,
        values=summary.series.values,
        spc=_spc_for_target(summary.series, target),
        includes_synthetic=summary.series.includes_synthetic,
    )


def metric_summaries_by_id() -> Summaries:
    """Every metric's system-level summary (one grouped query over the figures), by metric id."""
    return {summary.metric.pk: summary for summary in workforce_selectors.metric_summaries()}


def metric_results(
    targets: dict[int, Decimal | None], *, summaries: Summaries | None = None
) -> dict[int, MetricResult]:
    """SPC results per metric id; ``targets`` maps each metric id to the target to assure against
    (None: the metric's own target)."""
    if not targets:
        return {}
    summaries = metric_summaries_by_id() if summaries is None else summaries
    return {metric_id: _result(summaries[metric_id], target) for metric_id, target in targets.items()}


@dataclass(frozen=True)
class LinkedMetric:
    link: MetricLink
    result: MetricResult


def linked_metrics(subject: Pledge | Objective) -> list[LinkedMetric]:
    links = list(subject.metric_links.select_related("metric"))
    if not links:
        return []
    summaries = metric_summaries_by_id()
    return [LinkedMetric(link=link, result=_result(summaries[link.metric_id], link.target)) for link in links]


def status_check(*, subject: Pledge | Objective, status: str) -> list[Mismatch]:
    """The status/metric mismatches for a proposed status on this pledge or objective."""
    return status_mismatches(
        status,
        [
            MetricAssurance(name=lm.link.metric.name, assurance=lm.result.assurance)
            for lm in linked_metrics(subject)
        ],
    )


# --- Pledges and objectives ------------------------------------------------------------------------------


def pledge_list(*, include_archived: bool = False) -> QuerySet[Pledge]:
    qs = Pledge.objects.all()
    return qs if include_archived else qs.filter(is_archived=False)


def objective_list(*, include_archived: bool = False) -> QuerySet[Objective]:
    qs = Objective.objects.select_related("lead")
    return qs if include_archived else qs.filter(is_archived=False)


def pledge_detail_queryset() -> QuerySet[Pledge]:
    return pledge_list().prefetch_related(
        "people_promise_elements",
        Prefetch("objectives", queryset=Objective.objects.filter(is_archived=False)),
        Prefetch(
            "objectives__programmes",
            queryset=Programme.objects.exclude(status=Programme.Status.ARCHIVED).order_by("title"),
        ),
    )


def objective_detail_queryset() -> QuerySet[Objective]:
    """Live objectives with their live pledges and published programmes (those in the catalogue)."""
    return objective_list().prefetch_related(
        Prefetch("pledges", queryset=Pledge.objects.filter(is_archived=False)),
        Prefetch(
            "programmes",
            queryset=Programme.objects.filter(status=Programme.Status.PUBLISHED).order_by("title"),
        ),
    )


def pledge_programmes(pledge: Pledge) -> list[Programme]:
    """The programmes that serve a pledge: the published ones (those in the catalogue) linked to any of its
    live objectives, by workstream in the admins' order."""
    return list(
        Programme.objects.filter(
            objectives__pledges=pledge,
            objectives__is_archived=False,
            status=Programme.Status.PUBLISHED,
        )
        .select_related("workstream")
        .distinct()
        .order_by("workstream__order", "workstream__name", "order", "title")
    )


def updates_for(subject: Pledge | Objective) -> QuerySet[ProgressUpdate]:
    return subject.updates.select_related("author")


def user_may_post_update(user, subject: Pledge | Objective) -> bool:
    """Academy admins for any pledge or objective; anyone for the ones they are the named lead of."""
    if not user.is_authenticated:
        return False
    return user.has_perm("pledges.manage_pledges") or (
        subject.lead_id is not None and subject.lead_id == user.pk
    )


def led_by(user) -> tuple[list[Pledge], list[Objective]]:
    """The live pledges and objectives this person is the named lead of (they may post updates on them)."""
    if not user.is_authenticated:
        return [], []
    return list(pledge_list().filter(lead=user)), list(objective_list().filter(lead=user))


STATUS_TAG = {
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
    Status.COMPLETE: "blue",
}
STATUS_PLAIN_WORDS = {
    Status.ON_TRACK: "This is on track: the work is going as planned.",
    Status.AT_RISK: "This is at risk: some of the work may not happen as planned, "
    "and the board is watching it.",
    Status.OFF_TRACK: "This is off track: the work is behind plan and actions have been agreed "
    "to recover it.",
    Status.COMPLETE: "This is complete: what was promised has been delivered.",
}
STATUS_RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.COMPLETE: 3}


def sparkline_points(statuses: list[str], *, width: int = 80, height: int = 24) -> str:
    if not statuses:
        return ""
    step = width / max(len(statuses) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 2 - STATUS_RANK[s] * (height - 4) / 3, 1)}"
        for i, s in enumerate(statuses)
    )


def trend_word(statuses: list[str]) -> str:
    """'Improving', 'Worsening' or 'No change' from the last two statuses (oldest first)."""
    if len(statuses) < 2:
        return "Not enough updates yet"
    before, now = STATUS_RANK[statuses[-2]], STATUS_RANK[statuses[-1]]
    if now > before:
        return "Improving"
    if now < before:
        return "Worsening"
    return "No change"


# --- Progress: latest update and trend ---------------------------------------------------------------------

TREND_LENGTH = 6  # statuses in a trend (the board overview's sparkline, the pledge and objective pages)
UPDATES_SHOWN = 12  # updates listed on a staff pledge or objective page


@dataclass
class Progress:
    """A pledge's or objective's latest update and recent statuses."""

    latest: ProgressUpdate | None
    statuses: list[str]  # oldest first, up to TREND_LENGTH

    @property
    def trend(self) -> str:
        return trend_word(self.statuses)

    @property
    def plain_words(self) -> str | None:
        return STATUS_PLAIN_WORDS.get(self.latest.status) if self.latest else None

    @property
    def status_tags(self) -> list[tuple[str, str]]:
        return [(Status(s).label, STATUS_TAG[s]) for s in self.statuses]

    @property
    def sparkline(self) -> str:
        """SVG polyline points for the recent statuses: off track low, complete high (80 x 24 box)."""
        return sparkline_points(self.statuses)

    @property
    def sparkline_dots(self) -> list[tuple[str, str]]:
        return [tuple(pair.split(",")) for pair in self.sparkline.split()]

    @property
    def sparkline_text(self) -> str:
        return "Recent statuses, oldest first: " + ", ".join(Status(s).label.lower() for s in self.statuses)


def _progress(updates: list[ProgressUpdate]) -> dict:
    """Progress fields from a subject's updates, newest first."""
    recent = updates[:TREND_LENGTH]
    return {"latest": recent[0] if recent else None, "statuses": [u.status for u in reversed(recent)]}


def _updates_by_subject(field_name: str, ids: list[int]) -> dict[int, list[ProgressUpdate]]:
    """The updates of many pledges (``field_name`` "pledge_id") or objectives, newest first, in one query."""
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(**{f"{field_name}__in": ids})
        .select_related("author")
        .order_by(field_name, "-published_on", "-created_at")
    ):
        updates[getattr(update, field_name)].append(update)
    return updates


@dataclass
class SubjectProgress(Progress):
    updates: list[ProgressUpdate]  # newest first, up to UPDATES_SHOWN

    @property
    def earlier(self) -> list[ProgressUpdate]:
        return self.updates[1:]


def subject_progress(subject: Pledge | Objective) -> SubjectProgress:
    """For a staff pledge or objective page: the latest update, trend and recent updates (one query)."""
    updates = list(updates_for(subject)[:UPDATES_SHOWN])
    return SubjectProgress(updates=updates, **_progress(updates))


@dataclass
class ObjectiveRow(Progress):
    objective: Objective


def objective_rows(objectives: list[Objective]) -> list[ObjectiveRow]:
    """The objectives with their latest update and recent statuses, in one query."""
    updates = _updates_by_subject("objective_id", [o.pk for o in objectives])
    return [ObjectiveRow(objective=o, **_progress(updates.get(o.pk, []))) for o in objectives]


# --- Board overview --------------------------------------------------------------------------------------


@dataclass
class PledgeRow(Progress):
    pledge: Pledge
    key_metric: MetricResult | None
    mismatches: list[Mismatch] = field(default_factory=list)


def pledge_rows(pledges: list[Pledge], *, summaries: Summaries | None = None) -> list[PledgeRow]:
    """The pledges with their latest update, recent statuses and key metric, in a fixed number of queries.
    ``summaries``: metric_summaries_by_id() when the caller has it already."""
    pledge_ids = [p.pk for p in pledges]
    updates = _updates_by_subject("pledge_id", pledge_ids)
    links: dict[int, list[MetricLink]] = defaultdict(list)
    for link in MetricLink.objects.filter(pledge_id__in=pledge_ids).select_related("metric"):
        links[link.pledge_id].append(link)  # the key metric first (MetricLink's ordering)
    if links and summaries is None:
        summaries = metric_summaries_by_id()
    rows = []
    for pledge in pledges:
        progress = _progress(updates.get(pledge.pk, []))
        latest = progress["latest"]
        # Per link, not per metric: two pledges may share a metric with different targets.
        results = [_result(summaries[link.metric_id], link.target) for link in links.get(pledge.pk, [])]
        mismatches = []
        if latest is not None:
            # Every linked metric, as when the update is posted: the key metric is only the one shown.
            mismatches = status_mismatches(
                latest.status, [MetricAssurance(r.metric.name, r.assurance) for r in results]
            )
        rows.append(
            PledgeRow(
                pledge=pledge, key_metric=results[0] if results else None, mismatches=mismatches, **progress
            )
        )
    return rows


def workforce_headlines(*, summaries: Summaries | None = None) -> list[MetricResult]:
    """Every workforce metric that has figures, with its latest value, variation and assurance."""
    summaries = metric_summaries_by_id() if summaries is None else summaries
    results = [_result(summary, None) for summary in summaries.values() if summary.series.points]
    return sorted(results, key=lambda r: (r.metric.order, r.metric.name))


def programme_reach_headlines() -> list[tuple[str, str]] | None:
    """Who the programmes reach, system-wide, as (label, value) pairs; None until there are enrolments.
    The programme reach page's own count (see programmes.selectors.reach_headlines), suppressed."""
    from programmes.selectors import reach_headlines

    return reach_headlines()


def last_board_meeting(*, today: datetime.date | None = None) -> BoardMeeting | None:
    today = today or timezone.localdate()
    return BoardMeeting.objects.filter(date__lte=today).order_by("-date").first()


def next_board_meeting(*, today: datetime.date | None = None) -> BoardMeeting | None:
    today = today or timezone.localdate()
    return BoardMeeting.objects.filter(date__gt=today).order_by("date").first()


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    url: str | None


def changes_since(since: datetime.date, *, limit: int = 50) -> list[Change]:
    """Progress updates and edits to pledges, objectives and metric links since a date, newest first."""
    from django.urls import reverse

    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    changes: list[Change] = []
    actions = {"+": "created", "~": "changed", "-": "deleted"}

    def who(record):
        return record.history_user.display_name if record.history_user else "The system"

    for record in (
        ProgressUpdate.history.filter(history_date__gte=start)
        .select_related("history_user", "pledge", "objective")
        .order_by("-history_date")[:limit]
    ):
        subject = f"pledge {record.pledge.number}" if record.pledge else f"objective “{record.objective}”"
        verb = "posted" if record.history_type == "+" else actions[record.history_type]
        changes.append(
            Change(
                record.history_date,
                who(record),
                f"Progress update {verb} on {subject}: {Status(record.status).label}",
                reverse("pledges:update_history", kwargs={"pk": record.id}),
            )
        )
    for model, label, url_name in (
        (Pledge, "Pledge", "pledges:pledge_history"),
        (Objective, "Objective", "pledges:objective_history"),
        (Programme, "Programme", "programmes:programme_history"),
        (Workstream, "Workstream", "programmes:workstream_history"),
    ):
        for record in (
            model.history.filter(history_date__gte=start)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        ):
            reason = f" ({record.history_change_reason})" if record.history_change_reason else ""
            if model is Pledge:
                name = f"{record.number}: {record.title}"
            else:
                name = getattr(record, "title", None) or record.name
            changes.append(
                Change(
                    record.history_date,
                    who(record),
                    f"{label} {name} {actions[record.history_type]}{reason}",
                    reverse(url_name, kwargs={"pk": record.id}),
                )
            )
    for record in (
        MetricLink.history.filter(history_date__gte=start)
        .select_related("history_user", "metric", "pledge", "objective")
        .order_by("-history_date")[:limit]
    ):
        subject = record.pledge or record.objective
        changes.append(
            Change(
                record.history_date,
                who(record),
                f"Metric link {record.metric} for {subject} {actions[record.history_type]}",
                None,
            )
        )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
