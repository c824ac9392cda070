from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from . import culture
from .models import (
    InclusionResult,
    InclusionStandard,
    MetricDefinition,
    Organisation,
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


def _indicator_row(indicator, result, previous) -> IndicatorRow:
    if result is None:
        return IndicatorRow(indicator, None, None, None, None, None, None, "", False, False, True)
    suppressed = _is_suppressed(result.group_count, result.comparison_count)
    previous_suppressed = previous is not None and _is_suppressed(
        previous.group_count, previous.comparison_count
    )
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
        for result in InclusionResult.objects.filter(
            organisation=organisation, year__in=[year, previous_year]
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
            if indicator is None or _is_suppressed(result.group_count, result.comparison_count):
                continue
            if culture.is_flagged(indicator, result.value, result.comparison_value):
                counts[0 if indicator.standard == InclusionStandard.WRES else 1] += 1
            is_synthetic |= result.is_synthetic
    ordered = sorted(organisations.values(), key=lambda o: o.name)
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
        gaps_by_organisation=[OrganisationGaps(o, *gaps[o.pk]) for o in ordered if o.pk in gaps],
        is_synthetic=is_synthetic,
    )
