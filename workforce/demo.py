"""Demo data for the ground floor: LLR organisations, staff groups, bands and the demo accounts.

Idempotent: every row is looked up by a natural key and updated in place. The organisations are real; the
people are fictional demo accounts with example.org addresses.
"""

import random
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
        Organisation.objects.update_or_create(
            code=code, defaults={"short_name": short_name, "name": name, "sector": sector}
        )
    for order, (code, name) in enumerate(STAFF_GROUPS):
        StaffGroup.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name) in enumerate(BANDS):
        Band.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def seed_demo_accounts() -> dict[str, User]:
    from allauth.account.models import EmailAddress

    users = {}
    for email, first, last, org, group, band, roles in DEMO_ACCOUNTS:
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": Organisation.objects.get(code=org),
                "staff_group": StaffGroup.objects.get(code=group),
                "band": Band.objects.get(code=band),
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        users[email] = user
    # The staff demo account reports to the programme lead, so approvals have someone to go to.
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
    "uhl": (18_000, 14, 0.35, 0.06),
    "lpt": (6_500, 12, 0.25, 0.04),
    "emas": (4_200, 12, 0.45, 0.02),
    "llr-icb": (450, 11, 0.20, 0.03),
}
CULTURE_YEARS = 4


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
                InclusionResult.objects.update_or_create(
                    indicator=indicator.code,
                    organisation=organisation,
                    year=year,
                    defaults={"standard": indicator.standard, "is_synthetic": True, **values},
                )
            respondents = int(staff * rng.uniform(0.35, 0.5))
            for position, theme in enumerate(SurveyTheme):
                base = 6.2 + 0.15 * (position % 3) + 0.12 * step - gap + rng.uniform(-0.15, 0.15)
                StaffSurveyScore.objects.update_or_create(
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
        return {
            "value": d(1 + gap * rng.uniform(0.6, 1.4)),
            "comparison_value": None,
            "group_count": group,
            "comparison_count": comparison,
        }
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
        return {
            "value": d(100 * share * (1 - gap), 1),
            "comparison_value": d(100 * share, 1),
            "group_count": group,
            "comparison_count": comparison,
        }
    base = rng.uniform(15, 30) if indicator.better == culture.Better.LOWER else rng.uniform(50, 65)
    adverse = gap * rng.uniform(12, 30)
    value = base + adverse if indicator.better == culture.Better.LOWER else base - adverse
    return {
        "value": d(value, 1),
        "comparison_value": d(base, 1),
        "group_count": group,
        "comparison_count": comparison,
    }


def seed() -> dict[str, User]:
    seed_reference_data()
    users = seed_demo_accounts()
    seed_culture()
    return users
