from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from . import culture, spc, suppression
from .models import (
    InclusionResult,
    InclusionStandard,
    MetricDefinition,
    Observation,
    Organisation,
    Sector,
    SpcRecalculation,
    StaffGroup,
    StaffSurveyScore,
    SurveyTheme,
    User,
    WorkforceImport,
)
from .roles import PRIVILEGED_ROLES, Role
from .suppression import SUPPRESSED, suppress_count


def email_domain_allowed(email: str, *, allowed_domains: list[str] | None = None) -> bool:
    """Whether sign-up is open to this address: its domain is listed, or matches a "*.domain" entry."""
    if allowed_domains is None:
        allowed_domains = settings.LLR_SIGNUP_EMAIL_DOMAINS
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return False
    for allowed in (d.strip().lower() for d in allowed_domains):
        if allowed.startswith("*.") and domain.endswith(allowed[1:]):
            return True
        if domain == allowed:
            return True
    return False


def user_roles(user: User) -> list[str]:
    """The role names this user holds, in a stable order; staff is implicit for every signed-in user."""
    if not user.is_authenticated:
        return []
    held = {g.name for g in user.groups.all()}
    return [role.value for role in Role if role.value in held]


def user_must_set_up_mfa(user: User) -> bool:
    """True when the setting requires MFA for this user's role and they have no authenticator yet."""
    if not settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES or not user.is_authenticated:
        return False
    privileged = user.is_superuser or user.groups.filter(name__in=PRIVILEGED_ROLES).exists()
    if not privileged:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_list() -> QuerySet[User]:
    from django.contrib.auth.models import Group

    return User.objects.select_related("organisation", "staff_group", "band").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )


def organisation_list(*, active_only: bool = True) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    return qs.filter(is_active=True) if active_only else qs


# --- Workforce imports -------------------------------------------------------------------------------------


def workforce_import_list() -> QuerySet[WorkforceImport]:
    return WorkforceImport.objects.select_related("uploaded_by", "confirmed_by")


def import_reference_codes() -> dict:
    """The codes an import file may use, for the documentation on the import page."""
    return {
        "organisations": list(Organisation.objects.filter(is_active=True).order_by("name")),
        "metrics": list(MetricDefinition.objects.order_by("order", "name")),
        "staff_groups": list(StaffGroup.objects.order_by("order", "name")),
    }


# --- Culture and inclusion ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    indicator: culture.Indicator
    value: Decimal | str | None  # "*" when built from a suppressed count
    comparison_value: Decimal | str | None
    group_count: int | str | None
    comparison_count: int | str | None
    previous_value: Decimal | str | None
    previous_comparison_value: Decimal | str | None
    trend: str  # better / worse / same / "" (no previous year, or suppressed)
    flagged: bool
    suppressed: bool
    missing: bool  # no figure for this year
    group_numerator: int | str | None = None  # e.g. applicants appointed (WRES 2, WDES 2), suppressed
    comparison_numerator: int | str | None = None


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    label: str
    score: Decimal | str | None
    previous_score: Decimal | str | None
    change: Decimal | None
    respondents: int | str | None
    trend: str


@dataclass(frozen=True)
class OrganisationGaps:
    organisation: Organisation
    wres_flagged: int
    wdes_flagged: int
    reported: int


@dataclass(frozen=True)
class HistoryCell:
    headline: Decimal | str | None  # the likelihood, the adverse gap, or the single percentage; "*"
    flagged: bool


@dataclass(frozen=True)
class HistoryRow:
    indicator: culture.Indicator
    cells: list[HistoryCell]


HISTORY_YEARS = 5


def _history_cell(indicator, result) -> HistoryCell:
    if result is None:
        return HistoryCell(None, False)
    if _result_suppressed(result):
        return HistoryCell(SUPPRESSED, False)
    if indicator.kind in (culture.Kind.RELATIVE_LIKELIHOOD, culture.Kind.SINGLE_PERCENTAGE):
        headline = result.value
    else:
        headline = culture.gap(indicator, result.value, result.comparison_value)
    return HistoryCell(headline, culture.is_flagged(indicator, result.value, result.comparison_value))


@dataclass(frozen=True)
class CultureDashboard:
    organisation: Organisation | None
    year: int | None
    previous_year: int | None
    wres: list[IndicatorRow]
    wdes: list[IndicatorRow]
    themes: list[ThemeRow]
    theme_columns: list[tuple[str, str]]
    theme_matrix: list[tuple[Organisation, list[Decimal | str | None]]]
    gaps_by_organisation: list[OrganisationGaps]
    is_synthetic: bool
    history_years: list[int] = ()
    history: list[HistoryRow] = ()

    @property
    def flagged_count(self) -> int:
        return sum(1 for row in self.wres + self.wdes if row.flagged)


def culture_years() -> list[int]:
    years = set(InclusionResult.objects.values_list("year", flat=True).distinct())
    years |= set(StaffSurveyScore.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def culture_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Exists(InclusionResult.objects.filter(organisation=OuterRef("pk")))
        | Exists(StaffSurveyScore.objects.filter(organisation=OuterRef("pk")))
    ).order_by("name")


def _is_suppressed(*counts) -> bool:
    return any(suppress_count(c) == SUPPRESSED for c in counts if c is not None)


def _result_suppressed(result: InclusionResult) -> bool:
    # Every count present, the numerators (e.g. applicants appointed) as well as the groups' sizes.
    return _is_suppressed(*result.people_counts)


def _indicator_row(indicator, result, previous) -> IndicatorRow:
    if result is None:
        return IndicatorRow(indicator, None, None, None, None, None, None, "", False, False, True)
    suppressed = _result_suppressed(result)
    previous_suppressed = previous is not None and _result_suppressed(previous)
    if suppressed:
        value = comparison = SUPPRESSED
        flagged, direction = False, ""
    else:
        value, comparison = result.value, result.comparison_value
        flagged = culture.is_flagged(indicator, value, comparison)
        direction = (
            ""
            if previous is None or previous_suppressed
            else culture.trend(indicator, value, comparison, previous.value, previous.comparison_value)
        )
    if previous is None:
        prev_value = prev_comparison = None
    elif previous_suppressed:
        prev_value = prev_comparison = SUPPRESSED
    else:
        prev_value, prev_comparison = previous.value, previous.comparison_value
    return IndicatorRow(
        indicator=indicator,
        value=value,
        comparison_value=comparison,
        group_count=suppress_count(result.group_count),
        comparison_count=suppress_count(result.comparison_count),
        group_numerator=suppress_count(result.group_numerator),
        comparison_numerator=suppress_count(result.comparison_numerator),
        previous_value=prev_value,
        previous_comparison_value=prev_comparison,
        trend=direction,
        flagged=flagged,
        suppressed=suppressed,
        missing=False,
    )


def _score_shown(score: StaffSurveyScore | None):
    if score is None:
        return None
    return SUPPRESSED if _is_suppressed(score.respondents) else score.score


def culture_dashboard(*, organisation: Organisation | None, year: int | None) -> CultureDashboard:
    """WRES, WDES and staff survey figures for one organisation and year, with last year's for trend.

    Counts of people are suppressed (workforce/suppression.py) and figures built from a suppressed count are
    not shown or flagged.
    """
    previous_year = year - 1 if year else None
    results = {}
    scores = {}
    is_synthetic = False
    if organisation is not None and year is not None:
        # This year, last year and the years before them for the trend table: one query.
        for result in InclusionResult.objects.filter(
            organisation=organisation, year__gt=year - HISTORY_YEARS, year__lte=year
        ):
            results[(result.indicator, result.year)] = result
            is_synthetic |= result.is_synthetic and result.year == year
        for score in StaffSurveyScore.objects.filter(
            organisation=organisation, year__in=[year, previous_year]
        ):
            scores[(score.theme, score.year)] = score
            is_synthetic |= score.is_synthetic and score.year == year

    def rows(indicators):
        return [
            _indicator_row(i, results.get((i.code, year)), results.get((i.code, previous_year)))
            for i in indicators
        ]

    themes = []
    for theme in SurveyTheme:
        now, before = scores.get((theme.value, year)), scores.get((theme.value, previous_year))
        shown, previous_shown = _score_shown(now), _score_shown(before)
        change = None
        direction = ""
        if isinstance(shown, Decimal) and isinstance(previous_shown, Decimal):
            change = shown - previous_shown
            direction = "same" if abs(change) < Decimal("0.05") else ("better" if change > 0 else "worse")
        themes.append(
            ThemeRow(
                theme=theme.value,
                label=theme.label,
                score=shown,
                previous_score=previous_shown,
                change=change,
                respondents=suppress_count(now.respondents) if now else None,
                trend=direction,
            )
        )

    # Every organisation side by side for the year: survey scores, and how many gaps each has flagged.
    matrix: dict[int, dict[str, Decimal | str | None]] = {}
    organisations: dict[int, Organisation] = {}
    gaps: dict[int, list[int]] = {}
    if year is not None:
        for score in StaffSurveyScore.objects.filter(year=year).select_related("organisation"):
            organisations[score.organisation_id] = score.organisation
            matrix.setdefault(score.organisation_id, {})[score.theme] = _score_shown(score)
            is_synthetic |= score.is_synthetic
        for result in InclusionResult.objects.filter(year=year).select_related("organisation"):
            organisations[result.organisation_id] = result.organisation
            counts = gaps.setdefault(result.organisation_id, [0, 0, 0])
            counts[2] += 1
            indicator = culture.INDICATORS.get(result.indicator)
            if indicator is None or _result_suppressed(result):
                continue
            if culture.is_flagged(indicator, result.value, result.comparison_value):
                counts[0 if indicator.standard == InclusionStandard.WRES else 1] += 1
            is_synthetic |= result.is_synthetic
    ordered = sorted(organisations.values(), key=lambda o: o.name)
    history_years = sorted({y for (_, y) in results})
    theme_columns = [(t.value, t.label) for t in SurveyTheme]
    return CultureDashboard(
        organisation=organisation,
        year=year,
        previous_year=previous_year,
        wres=rows(culture.WRES_INDICATORS),
        wdes=rows(culture.WDES_METRICS),
        themes=themes,
        theme_columns=theme_columns,
        theme_matrix=[
            (o, [matrix.get(o.pk, {}).get(code) for code, _ in theme_columns])
            for o in ordered
            if o.pk in matrix
        ],
        history_years=history_years,
        history=[
            HistoryRow(i, [_history_cell(i, results.get((i.code, y))) for y in history_years])
            for i in culture.WRES_INDICATORS + culture.WDES_METRICS
        ],
        gaps_by_organisation=[OrganisationGaps(o, *gaps[o.pk]) for o in ordered if o.pk in gaps],
        is_synthetic=is_synthetic,
    )


@dataclass(frozen=True)
class OrganisationIndicators:
    organisation: Organisation
    rows: list[IndicatorRow]  # the WRES indicators then the WDES metrics it reported for the year


def culture_year_until(day: date) -> int | None:
    """The latest culture and inclusion year no later than `day`'s year (e.g. a board pack's period end)."""
    return next((y for y in culture_years() if y <= day.year), None)


def culture_indicators_by_organisation(*, year: int) -> list[OrganisationIndicators]:
    """Each organisation's WRES and WDES rows for the year, built as on the culture dashboard (same
    suppression, flags and trend against the year before), leaving out indicators it did not report."""
    results: dict[int, dict[tuple[str, int], InclusionResult]] = {}
    organisations: dict[int, Organisation] = {}
    for result in InclusionResult.objects.filter(year__in=[year, year - 1]).select_related("organisation"):
        results.setdefault(result.organisation_id, {})[(result.indicator, result.year)] = result
        if result.year == year:
            organisations[result.organisation_id] = result.organisation
    by_organisation = []
    for organisation in sorted(organisations.values(), key=lambda o: o.name):
        found = results[organisation.pk]
        rows = [
            _indicator_row(i, found.get((i.code, year)), found.get((i.code, year - 1)))
            for i in culture.WRES_INDICATORS + culture.WDES_METRICS
        ]
        by_organisation.append(OrganisationIndicators(organisation, [r for r in rows if not r.missing]))
    return by_organisation


# --- Workforce metrics: system, sector and organisation figures with SPC ---------------------------------
#
# System-level figures are recomputed from summed raw counts (sum of numerators over sum of denominators for
# ratio metrics), never averaged from organisations' rates. Each selector runs ONE grouped query over
# observations, whatever the number of metrics, organisations or months, plus one for the definitions.
#
# A month is only added up once every organisation expected has reported it: organisations import at
# different times, and a month summed over some of them would show as a sharp fall (and SPC would call it
# special cause). The same grouped query counts the organisations behind each month; see _incomplete_months.

# How long an organisation may be late before the figures stop waiting for it (it may have merged, closed or
# left the data collection): after this many months it is no longer expected.
LATE_REPORTING_MONTHS = 3


@dataclass(frozen=True)
class IncompleteMonth:
    """A trailing month left out of a series because not every expected organisation has reported it."""

    month: date
    reported: int  # organisations with figures for the month (in the series' scope)
    expected: int


@dataclass(frozen=True)
class MetricPoint:
    month: date
    value: float
    numerator: Decimal
    denominator: Decimal | None


@dataclass(frozen=True)
class MetricSeries:
    """One metric's monthly values (oldest first) for a scope, with its SPC analysis."""

    metric: MetricDefinition
    points: tuple[MetricPoint, ...]
    spc: spc.SpcResult
    includes_synthetic: bool = False
    scope: str = "LLR system"
    # A breakdown (a sector, an organisation or a staff group) of a metric that counts people, with a month
    # of 1 to 7 people: its figures, chart and icons are not shown (small-number suppression).
    small_numbers: bool = False
    # The latest months left out because some organisations have not reported them yet, oldest first.
    incomplete: tuple[IncompleteMonth, ...] = ()

    @property
    def months(self) -> list[date]:
        return [p.month for p in self.points]

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]

    @property
    def latest(self) -> MetricPoint | None:
        return self.points[-1] if self.points else None

    @property
    def conclusion(self) -> str:
        """One sentence stating what the chart shows (the text alternative starts with it)."""
        name = f"{self.metric.name} ({self.scope})"
        return spc.describe(self.spc, name=name, unit=unit_suffix(self.metric), period="months")

    @property
    def incomplete_note(self) -> str:
        """e.g. "November 2026 is not shown: 3 of 9 organisations have reported so far." ("" if none)."""
        if not self.incomplete:
            return ""
        months = _join_words([f"{i.month:%B %Y}" for i in self.incomplete])
        counts = _join_words([f"{i.reported} of {i.expected}" for i in self.incomplete])
        verb = "is" if len(self.incomplete) == 1 else "are"
        return f"{months} {verb} not shown: {counts} organisations have reported so far."


@dataclass(frozen=True)
class MetricSummary:
    """The dashboard line for one metric: latest value, change, SPC icons."""

    metric: MetricDefinition
    series: MetricSeries
    latest_month: date | None
    latest_value: float | None
    previous_value: float | None
    change: float | None  # latest minus the month before (same unit)
    year_ago_value: float | None
    change_year: float | None  # latest minus 12 months before
    spc: spc.SpcResult
    variation: str  # spc.IMPROVEMENT, spc.CONCERN, spc.COMMON_CAUSE, spc.NEITHER_HIGH / NEITHER_LOW
    assurance: str | None  # spc.ASSURANCE_PASS / FAIL / HIT_OR_MISS, or None without a target
    includes_synthetic: bool

    @property
    def code(self) -> str:
        return self.metric.code

    @property
    def conclusion(self) -> str:
        return self.series.conclusion

    @property
    def suppressed(self) -> bool:
        """Not shown: a breakdown of people with a month of 1 to 7 people."""
        return self.series.small_numbers

    @property
    def incomplete_note(self) -> str:
        return self.series.incomplete_note

    @property
    def is_concern(self) -> bool:
        """Special cause concern at the latest point: the board should look at this metric."""
        return self.variation == spc.CONCERN and not self.suppressed

    @property
    def misses_target(self) -> bool:
        return self.assurance == spc.ASSURANCE_FAIL and not self.suppressed


@dataclass(frozen=True)
class OrganisationFigure:
    """One organisation's latest figures for a metric, for the breakdown table and its export.

    ``display_*`` carry the small-number suppression ("*" for 1 to 7 people, other counts to the nearest 5,
    rates built from a suppressed count hidden), which applies on screen and in exports alike.
    """

    organisation: Organisation
    latest_month: date | None
    value: float | None
    numerator: Decimal | None
    denominator: Decimal | None
    previous_value: float | None
    change: float | None
    variation: str
    assurance: str | None
    suppressed: bool
    display_value: float | str | None
    display_numerator: float | int | str | None
    display_denominator: float | int | str | None
    display_change: float | str | None
    includes_synthetic: bool = False


def _join_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


UNIT_SUFFIX = {"percent": "%", "count": "people", "wte": "WTE", "gbp": "", "ratio": ""}


def unit_suffix(metric: MetricDefinition) -> str:
    return UNIT_SUFFIX.get(metric.unit, "")


def metric_definitions() -> QuerySet[MetricDefinition]:
    return MetricDefinition.objects.prefetch_related(
        Prefetch("spc_recalculations", queryset=SpcRecalculation.objects.order_by("month"))
    )


def _scoped_observations(*, sector=None, organisation=None, staff_group=None, start=None, end=None):
    qs = Observation.objects.all()
    # Organisation totals unless a staff group is asked for: a total and its breakdown never add together.
    qs = qs.filter(staff_group=staff_group) if staff_group else qs.filter(staff_group__isnull=True)
    if sector:
        qs = qs.filter(organisation__sector=sector)
    if organisation:
        qs = qs.filter(organisation=organisation)
    if start:
        qs = qs.filter(month__gte=start)
    if end:
        qs = qs.filter(month__lte=end)
    return qs


def _sums(qs, *group_by: str):
    """One grouped query: summed numerator and denominator (only where one is given) per group and month."""
    return (
        qs.values(*group_by, "month")
        .annotate(
            num=Sum("numerator"),
            den=Sum("denominator"),
            # Counts a column the covering indexes include (not id), so PostgreSQL can answer from the
            # index alone (an index-only scan) once the table is vacuumed.
            synthetic=Count("is_synthetic", filter=Q(is_synthetic=True)),
            # How many organisations reported the month, to hold back a month some have not reported yet.
            # Not DISTINCT (which makes PostgreSQL sort instead of hash): a scope has one row per metric,
            # organisation and month (organisation totals or one staff group; see the unique constraints).
            organisations=Count("organisation_id"),
        )
        .order_by()
    )


def _value(metric: MetricDefinition, num: Decimal | None, den: Decimal | None) -> float | None:
    if num is None:
        return None
    if metric.is_ratio:
        if not den:
            return None
        return float(num / den * metric.scale)
    return float(num)


def _spc_options(metric: MetricDefinition, months: list[date]) -> dict:
    recalc_months = {r.month for r in metric.spc_recalculations.all()}
    recalculate_at = [i for i, month in enumerate(months) if i > 0 and month in recalc_months]
    return {
        "direction": metric.improvement_direction,
        "target": float(metric.target) if metric.target is not None else None,
        "baseline_points": metric.spc_baseline_points,
        "recalculate_at": recalculate_at,
    }


def _is_small(metric: MetricDefinition, point: MetricPoint) -> bool:
    counts = [point.numerator] + ([point.denominator] if point.denominator is not None else [])
    return any(suppression.suppress_count(max(int(c.to_integral_value()), 0)) == SUPPRESSED for c in counts)


def _incomplete_months(by_month: dict[date, list]) -> tuple[IncompleteMonth, ...]:
    """The trailing months of a series that not every expected organisation has reported yet, oldest first.

    Expected: as many organisations as reported the best-covered month of the series (in its scope and
    period) from LATE_REPORTING_MONTHS before its latest month up to the latest. Going back from the latest
    month, each month that fewer organisations reported is incomplete, until one that all of them reported.
    So an organisation joining adds to the count without holding anything back, and one that stops
    reporting holds the figures back for at most LATE_REPORTING_MONTHS months. Organisations are counted,
    not named (to keep one small grouped query): a late one is missed only if a new one joins that month.

    Only trailing months are left out. A month in the middle of the series that an organisation missed
    stays in: waiting will not fill it (importing the month will), and leaving it out would join the months
    either side as if they were consecutive. The organisation breakdown shows who is missing.
    """
    if not by_month:
        return ()
    months = sorted(by_month)
    since = _month_shift(months[-1], -LATE_REPORTING_MONTHS)
    expected = max(by_month[m][3] for m in months if m >= since)
    incomplete = []
    for month in reversed(months):
        reported = by_month[month][3]
        if reported >= expected:
            break
        incomplete.append(IncompleteMonth(month, reported, expected))
    return tuple(reversed(incomplete))


def _series(
    metric: MetricDefinition, by_month: dict[date, list], *, scope: str, breakdown: bool = False
) -> MetricSeries:
    """by_month: month -> [num, den, synthetic count, organisations] already summed.

    ``breakdown``: the series is one part of the LLR system (a sector, an organisation or a staff group),
    so a metric that counts people is suppressed when any month has 1 to 7 people.
    Trailing months not every expected organisation has reported are left out (see _incomplete_months).
    """
    incomplete = _incomplete_months(by_month)
    left_out = {i.month for i in incomplete}
    points = []
    synthetic = False
    for month in sorted(by_month):
        if month in left_out:
            continue
        num, den, synth, _ = by_month[month]
        value = _value(metric, num, den)
        if value is None:
            continue
        synthetic = synthetic or synth > 0
        points.append(MetricPoint(month, value, num, den if metric.is_ratio else None))
    small = breakdown and metric.counts_people and any(_is_small(metric, p) for p in points)
    if breakdown and metric.counts_people and not metric.is_ratio and not small:
        # As in the breakdown table, a part's count of people is shown rounded to the nearest 5, so it cannot
        # be taken from the LLR total to work out a suppressed organisation's figure.
        points = [
            replace(p, value=float(suppression.suppress_count(max(int(p.numerator.to_integral_value()), 0))))
            for p in points
        ]
    months = [p.month for p in points]
    result = spc.analyse([p.value for p in points], **_spc_options(metric, months))
    return MetricSeries(metric, tuple(points), result, synthetic, scope, small, incomplete)


def _month_shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _summary(series: MetricSeries) -> MetricSummary:
    by_month = {p.month: p.value for p in series.points}
    latest = series.latest
    previous = year_ago = None
    if latest is not None:
        previous = by_month.get(_month_shift(latest.month, -1))
        year_ago = by_month.get(_month_shift(latest.month, -12))
    latest_value = latest.value if latest else None
    return MetricSummary(
        metric=series.metric,
        series=series,
        latest_month=latest.month if latest else None,
        latest_value=latest_value,
        previous_value=previous,
        change=latest_value - previous if previous is not None and latest else None,
        year_ago_value=year_ago,
        change_year=latest_value - year_ago if year_ago is not None and latest else None,
        spc=series.spc,
        variation=series.spc.variation_icon,
        assurance=series.spc.assurance_icon,
        includes_synthetic=series.includes_synthetic,
    )


def metric_summary_for(series: MetricSeries) -> MetricSummary:
    """The summary (latest value, change, icons) of a series already fetched with metric_series()."""
    return _summary(series)


def _accumulate(rows, key) -> dict:
    """Sum grouped rows into {key(row): {month: [num, den, synthetic, organisations]}}.

    Organisation counts add up across groups because each organisation is in one sector.
    """
    out: dict = {}
    for row in rows:
        bucket = out.setdefault(key(row), {}).setdefault(row["month"], [Decimal(0), None, 0, 0])
        if row["num"] is not None:
            bucket[0] += row["num"]
        if row["den"] is not None:
            bucket[1] = (bucket[1] or Decimal(0)) + row["den"]
        bucket[2] += row["synthetic"]
        bucket[3] += row["organisations"]
    return out


def _scope_label(*, sector=None, organisation=None, staff_group=None) -> str:
    if organisation:
        label = organisation.short_name
    elif sector:
        label = Sector(sector).label
    else:
        label = "LLR system"
    if staff_group:
        label += f", {staff_group.name}"
    return label


def metric_summaries(
    *, sector=None, organisation=None, staff_group=None, start=None, end=None
) -> list[MetricSummary]:
    """Every metric's summary for the scope (whole LLR system by default), in the definitions' order."""
    definitions = list(metric_definitions())
    qs = _scoped_observations(
        sector=sector, organisation=organisation, staff_group=staff_group, start=start, end=end
    )
    sums = _accumulate(_sums(qs, "metric_id"), lambda row: row["metric_id"])
    scope = _scope_label(sector=sector, organisation=organisation, staff_group=staff_group)
    part = bool(sector or organisation or staff_group)
    return [_summary(_series(m, sums.get(m.pk, {}), scope=scope, breakdown=part)) for m in definitions]


@dataclass(frozen=True)
class SectorColumn:
    sector: str
    label: str
    summaries: dict[str, MetricSummary]  # by metric code


@dataclass(frozen=True)
class DashboardRow:
    metric: MetricDefinition
    system: MetricSummary
    by_sector: list[MetricSummary | None]  # in the order of WorkforceDashboard.sectors


@dataclass(frozen=True)
class WorkforceDashboard:
    rows: list[DashboardRow]
    sectors: list[tuple[str, str]]  # (sector value, label) shown side by side
    includes_synthetic: bool
    latest_month: date | None

    @property
    def incomplete_notes(self) -> list[tuple[str, list[MetricDefinition]]]:
        """Each note on months left out of the scope's figures, with the metrics it applies to."""
        notes: dict[str, list[MetricDefinition]] = {}
        for row in self.rows:
            if row.system.incomplete_note:
                notes.setdefault(row.system.incomplete_note, []).append(row.metric)
        return list(notes.items())


# NHS and adult social care always side by side; other sectors appear when they have figures in scope.
DASHBOARD_SECTORS = (Sector.NHS, Sector.ADULT_SOCIAL_CARE, Sector.LOCAL_AUTHORITY, Sector.VOLUNTARY)


def workforce_dashboard(
    *, sector=None, organisation=None, staff_group=None, start=None, end=None
) -> WorkforceDashboard:
    """System summaries plus the same per sector, from one grouped query (metric x sector x month)."""
    definitions = list(metric_definitions())
    qs = _scoped_observations(
        sector=sector, organisation=organisation, staff_group=staff_group, start=start, end=end
    )
    rows = list(_sums(qs, "metric_id", "organisation__sector"))
    system = _accumulate(rows, lambda row: row["metric_id"])
    per_sector = _accumulate(rows, lambda row: (row["metric_id"], row["organisation__sector"]))
    present = {s for (_, s) in per_sector}
    sectors = [
        (s.value, s.label)
        for s in DASHBOARD_SECTORS
        if s in (Sector.NHS, Sector.ADULT_SOCIAL_CARE) or s.value in present
    ]
    if sector or organisation:
        sectors = [(s, label) for s, label in sectors if s in present]
    scope = _scope_label(sector=sector, organisation=organisation, staff_group=staff_group)
    part = bool(sector or organisation or staff_group)
    dashboard_rows = []
    for metric in definitions:
        columns = []
        for value, label in sectors:
            by_month = per_sector.get((metric.pk, value))
            sector_scope = label + (f", {staff_group.name}" if staff_group else "")
            columns.append(
                _summary(_series(metric, by_month, scope=sector_scope, breakdown=True)) if by_month else None
            )
        system_series = _series(metric, system.get(metric.pk, {}), scope=scope, breakdown=part)
        dashboard_rows.append(DashboardRow(metric, _summary(system_series), columns))
    latest = max((r.system.latest_month for r in dashboard_rows if r.system.latest_month), default=None)
    return WorkforceDashboard(
        rows=dashboard_rows,
        sectors=sectors,
        includes_synthetic=any(r.system.includes_synthetic for r in dashboard_rows),
        latest_month=latest,
    )


def _metric(metric) -> MetricDefinition:
    if isinstance(metric, MetricDefinition):
        return metric
    return metric_definitions().get(code=metric)


def metric_series(
    *, metric, sector=None, organisation=None, staff_group=None, start=None, end=None
) -> MetricSeries:
    """One metric's series for the scope; ``metric`` is a MetricDefinition or its code."""
    metric = _metric(metric)
    qs = _scoped_observations(
        sector=sector, organisation=organisation, staff_group=staff_group, start=start, end=end
    ).filter(metric=metric)
    sums = _accumulate(_sums(qs), lambda row: None)
    scope = _scope_label(sector=sector, organisation=organisation, staff_group=staff_group)
    part = bool(sector or organisation or staff_group)
    return _series(metric, sums.get(None, {}), scope=scope, breakdown=part)


def _display(metric: MetricDefinition, num, den, previous_num, value, change):
    """Suppressed display values for a breakdown row: (suppressed?, value, numerator, denominator, change).

    Only metrics that count people are suppressed: a count from 1 to 7 shows as "*", other counts are
    rounded to the nearest 5 (and a count's change is worked out from the rounded counts, so it cannot
    give a small number away); a rate built from a suppressed count is not shown.
    """
    if not metric.counts_people or num is None:
        return False, value, num, den, change
    shown_num = suppression.suppress_count(max(int(num.to_integral_value()), 0))
    if metric.is_ratio:
        shown_den = suppression.suppress_count(int(den.to_integral_value())) if den is not None else None
        if suppression.SUPPRESSED in (shown_num, shown_den):
            return True, suppression.SUPPRESSED, shown_num, shown_den, suppression.SUPPRESSED
        return False, value, shown_num, shown_den, change
    if shown_num == suppression.SUPPRESSED:
        return True, suppression.SUPPRESSED, shown_num, None, suppression.SUPPRESSED
    shown_change = None
    if previous_num is not None:
        shown_previous = suppression.suppress_count(max(int(previous_num.to_integral_value()), 0))
        shown_change = (
            suppression.SUPPRESSED if shown_previous == suppression.SUPPRESSED else shown_num - shown_previous
        )
    return False, shown_num, shown_num, None, shown_change


def metric_breakdown(
    *, metric, sector=None, organisation=None, staff_group=None, start=None, end=None
) -> list[OrganisationFigure]:
    """The metric per organisation (latest month, change, SPC icons), from one grouped query."""
    metric = _metric(metric)
    qs = _scoped_observations(
        sector=sector, organisation=organisation, staff_group=staff_group, start=start, end=end
    ).filter(metric=metric)
    per_org = _accumulate(_sums(qs, "organisation_id"), lambda row: row["organisation_id"])
    organisations = Organisation.objects.in_bulk(list(per_org))
    figures = []
    for org_id, by_month in per_org.items():
        org = organisations[org_id]
        series = _series(metric, by_month, scope=org.short_name)
        summary = _summary(series)
        latest = series.latest
        num = latest.numerator if latest else None
        den = latest.denominator if latest else None
        previous = by_month.get(_month_shift(latest.month, -1)) if latest else None
        suppressed, shown_value, shown_num, shown_den, shown_change = _display(
            metric, num, den, previous[0] if previous else None, summary.latest_value, summary.change
        )
        figures.append(
            OrganisationFigure(
                organisation=org,
                latest_month=summary.latest_month,
                value=summary.latest_value,
                numerator=num,
                denominator=den,
                previous_value=summary.previous_value,
                change=summary.change,
                variation=summary.variation if not suppressed else spc.COMMON_CAUSE,
                assurance=summary.assurance if not suppressed else None,
                suppressed=suppressed,
                display_value=shown_value,
                display_numerator=shown_num,
                display_denominator=shown_den,
                display_change=shown_change,
                includes_synthetic=series.includes_synthetic,
            )
        )
    figures.sort(key=lambda f: (f.organisation.sector, f.organisation.name))
    return figures
