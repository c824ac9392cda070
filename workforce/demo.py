"""Demo data for the ground floor: LLR organisations, staff groups, bands and the demo accounts.

Idempotent and create-only: every row is looked up by a natural key and its values written only when the seed
creates it, so seeding again (``make run`` seeds every time) keeps an admin's edits, records no new history,
and gives a demo account its roles and password only when it creates the account. The synthetic workforce
figures are the exception: they are replaced wholesale (see seed_workforce_figures). The organisations are
real; the people are fictional demo accounts with example.org addresses.
"""

import itertools
import math
import random
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from . import culture
from .models import (
    Band,
    InclusionResult,
    Organisation,
    Sector,
    StaffGroup,
    StaffSurveyScore,
    SurveyTheme,
    User,
)
from .roles import Role

DEMO_PASSWORD = "llr-demo-2026"

ORGANISATIONS = [
    # (code, short name, name, sector)
    ("uhl", "UHL", "University Hospitals of Leicester NHS Trust", Sector.NHS),
    ("lpt", "LPT", "Leicestershire Partnership NHS Trust", Sector.NHS),
    ("emas", "EMAS", "East Midlands Ambulance Service NHS Trust", Sector.NHS),
    ("llr-icb", "LLR ICB", "NHS Leicester, Leicestershire and Rutland Integrated Care Board", Sector.NHS),
    ("leicester-city", "Leicester City", "Leicester City Council", Sector.LOCAL_AUTHORITY),
    ("leicestershire", "Leicestershire", "Leicestershire County Council", Sector.LOCAL_AUTHORITY),
    ("rutland", "Rutland", "Rutland County Council", Sector.LOCAL_AUTHORITY),
    (
        "care-providers",
        "Care providers",
        "Independent adult social care providers (LLR)",
        Sector.ADULT_SOCIAL_CARE,
    ),
    ("vcse", "VCSE", "Voluntary, community and social enterprise sector (LLR)", Sector.VOLUNTARY),
]

STAFF_GROUPS = [
    ("nursing", "Nursing and midwifery"),
    ("medical", "Medical and dental"),
    ("ahp", "Allied health professionals"),
    ("scientific", "Healthcare scientists and scientific, therapeutic and technical"),
    ("support-clinical", "Support to clinical staff"),
    ("social-care", "Social care workers"),
    ("social-work", "Social workers"),
    ("admin", "Administrative and clerical"),
    ("estates", "Estates and ancillary"),
    ("managers", "Managers and senior managers"),
]

BANDS = [("band-2", "Band 2"), ("band-3", "Band 3"), ("band-4", "Band 4"), ("band-5", "Band 5")]
BANDS += [("band-6", "Band 6"), ("band-7", "Band 7"), ("band-8a", "Band 8a"), ("band-8b", "Band 8b")]
BANDS += [("band-8c", "Band 8c"), ("band-8d", "Band 8d"), ("band-9", "Band 9")]
BANDS += [("medical", "Medical and dental pay scales"), ("non-afc", "Not on Agenda for Change")]

DEMO_ACCOUNTS = [
    # (email, first name, last name, organisation code, staff group code, band code, roles)
    ("staff@example.org", "Sam", "Patel", "uhl", "nursing", "band-5", []),
    ("lead@example.org", "Lee", "Morgan", "lpt", "managers", "band-8a", [Role.PROGRAMME_LEAD]),
    ("board@example.org", "Bea", "Okafor", "llr-icb", "managers", "band-9", [Role.BOARD_MEMBER]),
    ("admin@example.org", "Alex", "Hughes", "llr-icb", "admin", "band-7", [Role.ACADEMY_ADMIN]),
]


def seed_reference_data() -> None:
    for code, short_name, name, sector in ORGANISATIONS:
        Organisation.objects.get_or_create(
            code=code, defaults={"short_name": short_name, "name": name, "sector": sector}
        )
    for order, (code, name) in enumerate(STAFF_GROUPS):
        StaffGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name) in enumerate(BANDS):
        Band.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def seed_demo_accounts() -> dict[str, User]:
    from allauth.account.models import EmailAddress

    users, created_emails = {}, set()
    for email, first, last, org, group, band, roles in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": Organisation.objects.get(code=org),
                "staff_group": StaffGroup.objects.get(code=group),
                "band": Band.objects.get(code=band),
            },
        )
        if created:
            # Only a new account gets the demo password and roles: a role an admin took away stays away.
            created_emails.add(email)
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=roles))
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    # The staff demo account reports to the programme lead, so approvals have someone to go to.
    if "staff@example.org" in created_emails:
        staff = users["staff@example.org"]
        staff.line_manager = users["lead@example.org"]
        staff.save(update_fields=["line_manager"])
    return users


# --- Culture and inclusion (synthetic) ---------------------------------------------------------------------
# WRES, WDES and the NHS Staff Survey apply to NHS organisations. The figures below are SYNTHETIC: made up
# from a fixed random seed, shaped like published results (relative likelihoods near 1, BME and disabled
# staff reporting more harassment, scores of 6 to 7.5), and flagged `is_synthetic` so every page says so.
CULTURE_ORGANISATIONS = {
    # code: (staff in post, board voting members, how far from parity it starts, yearly improvement)
    "uhl": (18_000, 14, 0.30, 0.05),
    "lpt": (6_500, 12, 0.20, 0.04),
    "emas": (4_200, 12, 0.32, 0.01),
    "llr-icb": (450, 11, 0.15, 0.03),
}
CULTURE_YEARS = 4
APPOINTED_RATE = 0.2  # of the comparison group's shortlisted applicants (WRES 2, WDES 2)


def _culture_years() -> list[int]:
    latest = timezone.localdate().year - 1
    return list(range(latest - CULTURE_YEARS + 1, latest + 1))


def _rl_counts(rng, staff: int, share: float) -> tuple[int, int]:
    group = max(1, int(staff * share * rng.uniform(0.08, 0.12)))
    comparison = max(1, int(staff * (1 - share) * rng.uniform(0.08, 0.12)))
    return group, comparison


def seed_culture() -> None:
    """Synthetic WRES, WDES and Staff Survey results for the NHS organisations, one row per year."""
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    years = _culture_years()
    for code, (staff, board, start_gap, improvement) in CULTURE_ORGANISATIONS.items():
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            continue
        bme_share = rng.uniform(0.18, 0.38)
        disabled_share = rng.uniform(0.04, 0.09)
        for step, year in enumerate(years):
            gap = max(0.02, start_gap - improvement * step + rng.uniform(-0.04, 0.04))
            for indicator in culture.WRES_INDICATORS + culture.WDES_METRICS:
                share = bme_share if indicator.standard == "wres" else disabled_share
                values = _culture_figures(rng, indicator, gap, share, staff, board)
                # Create-only, like the rest: a figure imported or corrected since is kept.
                InclusionResult.objects.get_or_create(
                    indicator=indicator.code,
                    organisation=organisation,
                    year=year,
                    defaults={"standard": indicator.standard, "is_synthetic": True, **values},
                )
            respondents = int(staff * rng.uniform(0.35, 0.5))
            for position, theme in enumerate(SurveyTheme):
                base = 6.2 + 0.15 * (position % 3) + 0.12 * step - gap + rng.uniform(-0.15, 0.15)
                StaffSurveyScore.objects.get_or_create(
                    organisation=organisation,
                    year=year,
                    theme=theme,
                    defaults={
                        "score": Decimal(str(round(min(9.5, max(4.0, base)), 2))),
                        "respondents": respondents,
                        "is_synthetic": True,
                    },
                )


def _culture_figures(rng, indicator, gap: float, share: float, staff: int, board: int) -> dict:
    def d(value, places=3):
        return Decimal(str(round(value, places)))

    if indicator.kind == culture.Kind.RELATIVE_LIKELIHOOD:
        # Disciplinary and capability processes involve few people: small organisations get small counts.
        rate = 0.01 if indicator.number == "3" else 0.1
        group, comparison = _rl_counts(rng, staff * rate * 10, share)
        value = 1 + gap * rng.uniform(0.6, 1.4)
        figures = {"comparison_value": None, "group_count": group, "comparison_count": comparison}
        if indicator.number == "2":
            # Appointed out of shortlisted: one in five of the comparison group, `value` times that rate for
            # the group; the likelihood is then worked out from the whole numbers so it matches them.
            comparison_appointed = max(1, round(comparison * APPOINTED_RATE))
            group_appointed = min(group, round(group * APPOINTED_RATE * value))
            value = (group_appointed / group) / (comparison_appointed / comparison)
            figures |= {"group_numerator": group_appointed, "comparison_numerator": comparison_appointed}
        return {"value": d(value), **figures}
    if indicator.code in ("wres-9", "wdes-10"):
        on_board = max(0, round(board * share * rng.uniform(0.3, 1.1)))
        return {
            "value": d(100 * on_board / board, 1),
            "comparison_value": d(100 * share, 1),
            "group_count": on_board,
            "comparison_count": board - on_board,
        }
    group, comparison = int(staff * share * 0.45), int(staff * (1 - share) * 0.45)
    if indicator.kind == culture.Kind.SCORE:
        base = rng.uniform(6.6, 7.2)
        return {
            "value": d(base - gap * 1.5, 2),
            "comparison_value": d(base, 2),
            "group_count": group,
            "comparison_count": comparison,
        }
    if indicator.kind == culture.Kind.SINGLE_PERCENTAGE:
        return {
            "value": d(rng.uniform(68, 80) - gap * 10, 1),
            "comparison_value": None,
            "group_count": group,
            "comparison_count": None,
        }
    if indicator.number == "1":
        senior = int(staff * 0.06)  # staff in band 8a and above
        in_group = round(senior * share * (1 - gap))
        return {
            "value": d(100 * in_group / senior, 1),
            "comparison_value": d(100 * share, 1),
            "group_count": in_group,
            "comparison_count": senior - in_group,
        }
    base = rng.uniform(15, 30) if indicator.better == culture.Better.LOWER else rng.uniform(50, 65)
    adverse = gap * rng.uniform(6, 20)
    value = base + adverse if indicator.better == culture.Better.LOWER else base - adverse
    return {
        "value": d(value, 1),
        "comparison_value": d(base, 1),
        "group_count": group,
        "comparison_count": comparison,
    }


# --- Synthetic workforce figures ------------------------------------------------------------------------
#
# Monthly figures from April 2020 to the latest complete month for every organisation and metric, plus a
# staff-group breakdown for three organisations. Synthetic (every row is flagged is_synthetic and every page
# showing them says so) but shaped like the scrutiny report: adult social care 12-month turnover falls from
# 32% to 23% and NHS turnover from 12.2% to 9.8%, computed from summed leavers and staff in post. Some series
# carry each SPC signal: sickness absence is rising (a trend and a shift: special cause concern), agency use
# and turnover are falling (improvement), bank spend had a one-month spike (outside the limits).

DEMO_START = date(2020, 4, 1)
SYNTHETIC_LABEL = "Synthetic demo data"

# code: (headcount in April 2020, WTE per head, yearly growth)
ORG_PROFILES = {
    "uhl": (17500, 0.88, 0.025),
    "lpt": (6200, 0.86, 0.02),
    "emas": (4300, 0.92, 0.015),
    "llr-icb": (420, 0.93, 0.0),
    "leicester-city": (1400, 0.85, 0.0),
    "leicestershire": (1900, 0.84, 0.005),
    "rutland": (160, 0.82, 0.0),
    "care-providers": (31000, 0.74, 0.01),
    "vcse": (2300, 0.70, 0.01),
}
# Organisations whose figures are also broken down by staff group: {org: {staff group: share of staff}}.
GROUP_SHARES = {
    "uhl": {"nursing": 0.36, "support-clinical": 0.21, "admin": 0.19},
    "lpt": {"nursing": 0.31, "support-clinical": 0.24, "admin": 0.20},
    "care-providers": {"social-care": 0.78, "nursing": 0.05, "admin": 0.07},
}

# Sector shapes as knots over the period (0 = April 2020, 1 = latest month): (fraction, value).
TURNOVER = {
    Sector.NHS: [(0, 12.2), (0.35, 13.6), (1, 9.8)],
    Sector.ADULT_SOCIAL_CARE: [(0, 32.0), (0.3, 33.5), (1, 23.0)],
    Sector.LOCAL_AUTHORITY: [(0, 14.0), (1, 12.5)],
    Sector.VOLUNTARY: [(0, 20.0), (1, 18.0)],
}
STABILITY = {
    Sector.NHS: [(0, 85.0), (0.35, 83.5), (1, 88.5)],
    Sector.ADULT_SOCIAL_CARE: [(0, 68.0), (1, 76.0)],
    Sector.LOCAL_AUTHORITY: [(0, 86.0), (1, 87.0)],
    Sector.VOLUNTARY: [(0, 78.0), (1, 80.0)],
}
VACANCY_RATE = {
    Sector.NHS: [(0, 8.6), (1, 7.9)],
    Sector.ADULT_SOCIAL_CARE: [(0, 10.5), (0.4, 11.2), (1, 8.6)],
    Sector.LOCAL_AUTHORITY: [(0, 7.5), (1, 7.0)],
    Sector.VOLUNTARY: [(0, 6.0), (1, 6.0)],
}
AGENCY_SHARE = {  # agency WTE as a percentage of staff in post WTE
    Sector.NHS: [(0, 2.2), (0.45, 2.6), (0.7, 1.8), (1, 0.9)],
    Sector.ADULT_SOCIAL_CARE: [(0, 3.0), (0.5, 3.2), (1, 2.0)],
    Sector.LOCAL_AUTHORITY: [(0, 4.0), (1, 3.0)],
    Sector.VOLUNTARY: [(0, 0.5), (1, 0.5)],
}
BANK_SHARE = {
    Sector.NHS: [(0, 5.7), (1, 4.9)],
    Sector.ADULT_SOCIAL_CARE: [(0, 1.0), (1, 1.0)],
    Sector.LOCAL_AUTHORITY: [(0, 1.5), (1, 1.5)],
    Sector.VOLUNTARY: [(0, 0.5), (1, 0.5)],
}
SICKNESS_BASE = {Sector.NHS: 4.7, Sector.ADULT_SOCIAL_CARE: 3.6, Sector.LOCAL_AUTHORITY: 4.2}
SICKNESS_BASE[Sector.VOLUNTARY] = 3.0
# Pandemic waves (year, month): extra percentage points of sickness absence.
SICKNESS_WAVES = {(2020, 4): 1.6, (2020, 5): 0.6, (2020, 12): 0.8, (2021, 1): 1.1, (2021, 12): 1.0}
SICKNESS_WAVES |= {(2022, 1): 1.3, (2022, 3): 0.7, (2022, 7): 0.6}
# The latest months rise steadily: a trend and a shift above the mean, i.e. special cause concern.
SICKNESS_RISE = [0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05, 1.2]
AGENCY_COST_PER_WTE = {Sector.NHS: 7600, Sector.ADULT_SOCIAL_CARE: 4900, Sector.LOCAL_AUTHORITY: 5600}
BANK_COST_PER_WTE = {Sector.NHS: 3900, Sector.ADULT_SOCIAL_CARE: 2700, Sector.LOCAL_AUTHORITY: 3100}
BANK_SPEND_SPIKE = (2022, 12)  # one month of winter pressures: a point above the upper process limit
WORKING_DAYS = 21


def latest_complete_month(today: date | None = None) -> date:
    today = today or date.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def demo_months(today: date | None = None) -> list[date]:
    end = latest_complete_month(today)
    months, month = [], DEMO_START
    while month <= end:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _interpolate(knots, fraction: float) -> float:
    for (x0, y0), (x1, y1) in itertools.pairwise(knots):
        if fraction <= x1:
            return y0 + (y1 - y0) * (fraction - x0) / (x1 - x0)
    return knots[-1][1]


def _figures_for(org_code: str, sector: str, months: list[date]) -> dict[str, list[tuple]]:
    """{metric code: [(numerator, denominator or None), ...] per month} for one organisation's totals."""
    base, wte_ratio, growth = ORG_PROFILES[org_code]
    rng = random.Random(f"llr-demo-{org_code}")  # same figures every run
    last = len(months) - 1
    wobble = rng.uniform(-1, 1)  # each organisation sits a little above or below its sector
    out: dict[str, list[tuple]] = {code: [] for code in METRIC_CODES}
    for t, month in enumerate(months):
        f = t / last if last else 1.0
        # Deviations vanish at both ends so the sector's end points are exactly the reported ones.
        tilt = wobble * math.sin(math.pi * f)
        quiet = t == 0 or t == last
        headcount = round(base * (1 + growth) ** (t / 12) * (1 + rng.gauss(0, 0.002)))
        wte = headcount * wte_ratio
        vacancy_rate = _interpolate(VACANCY_RATE[sector], f) + rng.gauss(0, 0.35) + 0.3 * tilt
        establishment = wte / (1 - vacancy_rate / 100)
        turnover = _interpolate(TURNOVER[sector], f) + (0 if quiet else rng.gauss(0, 0.12) + 0.6 * tilt)
        average_staff = headcount * (1 - growth / 2)
        stability = _interpolate(STABILITY[sector], f) + rng.gauss(0, 0.2) + 0.5 * tilt
        staff_year_ago = headcount / (1 + growth)
        rise = SICKNESS_RISE[t - (last + 1 - len(SICKNESS_RISE))] if t > last - len(SICKNESS_RISE) else 0
        seasonal = 0.35 * math.cos(2 * math.pi * (month.month - 1) / 12)
        sickness = SICKNESS_BASE[sector] + SICKNESS_WAVES.get((month.year, month.month), 0) + seasonal + rise
        sickness += 0 if rise else rng.gauss(0, 0.08)
        days = wte * WORKING_DAYS
        agency_wte = wte * max(_interpolate(AGENCY_SHARE[sector], f) + rng.gauss(0, 0.06), 0.05) / 100
        bank_wte = wte * max(_interpolate(BANK_SHARE[sector], f) + rng.gauss(0, 0.12), 0.05) / 100
        bank_cost = BANK_COST_PER_WTE.get(sector, 2500)
        if (month.year, month.month) == BANK_SPEND_SPIKE:
            bank_cost *= 1.45
        leavers = turnover / 100 / 12 * headcount * (1.25 if month.month in (8, 9) else 0.95)
        leavers *= 1 + rng.gauss(0, 0.05)

        out["headcount"].append((headcount, None))
        out["wte"].append((wte, None))
        out["establishment"].append((establishment, None))
        out["vacancies"].append((establishment - wte, None))
        out["vacancy-rate"].append((establishment - wte, establishment))
        out["leavers"].append((max(round(leavers), 0), None))
        out["turnover-12m"].append((round(turnover / 100 * average_staff), average_staff))
        out["stability-index"].append((round(stability / 100 * staff_year_ago), round(staff_year_ago)))
        out["sickness-absence"].append((sickness / 100 * days, days))
        out["bank-wte"].append((bank_wte, None))
        out["agency-wte"].append((agency_wte, None))
        out["agency-spend"].append((agency_wte * AGENCY_COST_PER_WTE.get(sector, 4000), None))
        out["bank-spend"].append((bank_wte * bank_cost, None))
    return out


METRIC_CODES = (
    "headcount",
    "wte",
    "establishment",
    "vacancies",
    "vacancy-rate",
    "leavers",
    "turnover-12m",
    "stability-index",
    "sickness-absence",
    "bank-wte",
    "agency-wte",
    "agency-spend",
    "bank-spend",
)
PEOPLE_CODES = {"headcount", "leavers"}


def _exact_end_points(figures: dict[str, dict], months: list[date]) -> None:
    """Nudge the largest organisation's leavers so each sector's turnover hits the reported end points."""
    nhs = ["uhl", "lpt", "emas", "llr-icb"]
    sectors = ((Sector.NHS, nhs), (Sector.ADULT_SOCIAL_CARE, ["care-providers"]))
    for sector, codes in sectors:
        for t, target in ((0, TURNOVER[sector][0][1]), (len(months) - 1, TURNOVER[sector][-1][1])):
            series = [figures[c]["turnover-12m"] for c in codes]
            total_den = sum(s[t][1] for s in series)
            others = sum(s[t][0] for s in series[1:])
            series[0][t] = (target / 100 * total_den - others, series[0][t][1])


def _q(value, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def seed_workforce_figures(today: date | None = None) -> int:
    """Replace the synthetic observations with a fresh, deterministic set; returns how many rows.

    Idempotent: the same call gives the same rows. Real (imported) figures are never touched: synthetic
    rows are deleted and re-inserted, and a month an import already holds is skipped.
    """
    from .models import MetricDefinition, Observation

    months = demo_months(today)
    metrics = {m.code: m for m in MetricDefinition.objects.filter(code__in=METRIC_CODES)}
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=ORG_PROFILES)}
    groups = {g.code: g for g in StaffGroup.objects.all()}
    figures = {code: _figures_for(code, org.sector, months) for code, org in organisations.items()}
    if {"uhl", "lpt", "emas", "llr-icb", "care-providers"} <= set(figures):
        _exact_end_points(figures, months)

    def row(metric_code, org, group, month, num, den):
        return Observation(
            metric_id=metrics[metric_code].pk,
            organisation_id=org.pk,
            staff_group_id=group.pk if group else None,
            month=month,
            numerator=_q(round(num) if metric_code in PEOPLE_CODES else num, "0.0001"),
            denominator=None if den is None else _q(den, "0.0001"),
            is_synthetic=True,
        )

    rows = []
    for org_code, by_metric in figures.items():
        org = organisations[org_code]
        shares = GROUP_SHARES.get(org_code, {})
        rng = random.Random(f"llr-demo-groups-{org_code}")
        for metric_code, values in by_metric.items():
            if metric_code not in metrics:
                continue
            for month, (num, den) in zip(months, values, strict=True):
                rows.append(row(metric_code, org, None, month, num, den))
                for group_code, share in shares.items():
                    if group_code not in groups:
                        continue
                    # Each group's rate wanders a little around the organisation's.
                    factor = share * (1 + rng.gauss(0, 0.03))
                    group_den = None if den is None else den * share
                    rows.append(row(metric_code, org, groups[group_code], month, num * factor, group_den))
    Observation.objects.filter(is_synthetic=True).delete()
    # ignore_conflicts: a month that real imported figures already hold keeps the real figures.
    Observation.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def seed() -> dict[str, User]:
    seed_reference_data()
    users = seed_demo_accounts()
    seed_culture()
    seed_workforce_figures()
    return users
