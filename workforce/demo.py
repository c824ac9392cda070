"""Demo data for the ground floor: LLR organisations, staff groups, bands and the demo accounts.

Idempotent: every row is looked up by a natural key and updated in place. The organisations are real; the
people are fictional demo accounts with example.org addresses.
"""

from django.contrib.auth.models import Group

from .models import Band, Organisation, Sector, StaffGroup, User
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


def seed() -> dict[str, User]:
    seed_reference_data()
    return seed_demo_accounts()
