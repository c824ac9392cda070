# ruff: noqa: E501  (the programme table reads best one programme per entry)
"""Demo data for programmes: the four workstreams and every programme of Table 2 of the 2025 scrutiny
report, with cohorts dated relative to today (some full with a waiting list, some needing approval, some
past), sessions, and enrolments for the demo staff account.

Idempotent and create-only: rows are found by natural keys (slugs; cohort names within a programme) and
their values written only when the seed creates them; a cohort's sessions and enrolments only come with the
cohort. ``make run`` seeds every time, so an admin's edits to the demo programmes (and a lead's to its
cohorts) stay as they are, with no new history. The colleagues who fill the cohorts are fictional, with
example.org addresses and no usable password.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from workforce.models import Band, Organisation, StaffGroup, User

from .models import Cohort, Enrolment, Pillar, Programme, Session, Workstream

Format = Programme.Format

# (slug, name, pillar, description) in the order of Table 2.
WORKSTREAMS = [
    (
        "education-and-entry",
        "Education and Entry (Train)",
        Pillar.RECRUIT,
        "Routes into health and care careers, placements, preceptorship and education faculties.",
    ),
    (
        "workforce-transformation",
        "Workforce Transformation and Strategic Planning (Reform and Transform)",
        Pillar.REFORM,
        "Workforce reporting and modelling, new ways of working, portability and transformation programmes.",
    ),
    (
        "culture-and-leadership",
        "Culture and Leadership (Retain)",
        Pillar.RETAIN,
        "Inclusive leadership, mentoring, bystander and sexual safety work, culture and inclusion measures.",
    ),
    (
        "looking-after-our-people",
        "Looking After Our People (Retain)",
        Pillar.RETAIN,
        "Health and wellbeing: festivals, Making Every Contact Count, fast-track pathways and trauma-informed work.",
    ),
]

ICS = True  # "Programmes delivered at ICS level"
COLLAB = False  # "Programmes being collaborated on (with some differences at organisational level)"

# (workstream slug, title, delivered at ICS level, format, duration, CPD hours, summary)
PROGRAMMES = [
    # Education and Entry (Train)
    ("education-and-entry", "Nursing Next Gen", ICS, Format.BLENDED, "6 monthly sessions", 18,
     "Support for student and newly qualified nurses across LLR to start and stay in local nursing careers."),
    ("education-and-entry", "Preceptorship", ICS, Format.BLENDED, "12 months, 8 study days", 48,
     "A system-wide preceptorship programme for newly registered nurses, midwives and allied health professionals."),
    ("education-and-entry", "Nursing Associates' placements", ICS, Format.IN_PERSON, "Placement blocks", 0,
     "Shared placement capacity for trainee nursing associates across NHS and social care settings."),
    ("education-and-entry", "Advanced clinical practice", ICS, Format.BLENDED, "Modules over 2 years", 30,
     "Development and supervision for trainee and qualified advanced clinical practitioners."),
    ("education-and-entry", "Care Leavers (Universal Families) Programme", ICS, Format.IN_PERSON, "10 weeks", 0,
     "Routes into health and care work for young care leavers, with mentors and guaranteed interviews."),
    ("education-and-entry", "Placement expansion", ICS, Format.IN_PERSON, "Ongoing", 0,
     "More and better clinical placements across the system, shared between organisations."),
    ("education-and-entry", "Oliver McGowan Mandatory Training", ICS, Format.ONLINE, "Tier 1 e-learning and webinar", 3,
     "The mandatory training on learning disability and autism, delivered once for the whole system."),
    ("education-and-entry", "AHP Council and Faculty", COLLAB, Format.BLENDED, "Quarterly", 6,
     "The allied health professions council and faculty: education, workforce supply and professional voice."),
    ("education-and-entry", "Nursing Faculty", COLLAB, Format.BLENDED, "Quarterly", 6,
     "The LLR nursing faculty: shared education, careers and retention work for nurses."),
    ("education-and-entry", "METP implementation", COLLAB, Format.BLENDED, "Ongoing", 0,
     "Putting the multi-year education and training plan into practice across partner organisations."),
    ("education-and-entry", "Pharmacy Council and Faculty", COLLAB, Format.BLENDED, "Quarterly", 6,
     "The pharmacy council and faculty: education and workforce development for pharmacy teams."),
    # Workforce Transformation and Strategic Planning (Reform and Transform)
    ("workforce-transformation", "Monthly, Quarterly and annual reporting of NHS Workforce", ICS, Format.ONLINE,
     "Monthly", 0, "System workforce reporting to the People and Culture Board and NHS England."),
    ("workforce-transformation", "Population health workforce modelling", ICS, Format.ONLINE, "4 workshops", 8,
     "Modelling the workforce our population will need, with partners across health and care."),
    ("workforce-transformation", "Out of hospital integrated neighbourhood teams Workforce redesign", ICS,
     Format.IN_PERSON, "Design workshops", 6,
     "Redesigning roles and teams for integrated neighbourhood working outside hospital."),
    ("workforce-transformation", "ICS Induction video (launch)", ICS, Format.ONLINE, "20 minutes", 0.5,
     "A shared induction to working in the LLR integrated care system."),
    ("workforce-transformation", "Multi Year Education and Training plan (METP)", ICS, Format.ONLINE, "Ongoing", 0,
     "The system's multi-year plan for education and training investment."),
    ("workforce-transformation", "Staff Portability (workforce sharing agreement)", ICS, Format.ONLINE, "Ongoing", 0,
     "A workforce sharing agreement so staff can move and work across organisations more easily."),
    ("workforce-transformation", "UEC pathway Workforce Transformation and triangulation", ICS, Format.IN_PERSON,
     "Workshops", 6, "Workforce transformation along the urgent and emergency care pathway."),
    ("workforce-transformation", "Collaboratives, partnerships, and workforce planning and, transformation programmes",
     COLLAB, Format.BLENDED, "Ongoing", 0, "Joint workforce planning and transformation through collaboratives."),
    ("workforce-transformation", "Productivity improvement", COLLAB, Format.BLENDED, "6 sessions", 12,
     "Practical productivity improvement methods for teams and services."),
    ("workforce-transformation", "Retention and people promise implementation", COLLAB, Format.BLENDED,
     "4 sessions", 8, "Putting the NHS People Promise into practice to help people stay."),
    ("workforce-transformation", "Routes to employment", COLLAB, Format.IN_PERSON, "Events through the year", 0,
     "Recruitment events and routes into work in health and care for local people."),
    ("workforce-transformation", "Health and Work Integrations – WorkWell – reports into ICP", COLLAB,
     Format.BLENDED, "Ongoing", 0, "WorkWell vanguard: joined-up work and health support, reporting to the ICP."),
    # Culture and Leadership (Retain)
    ("culture-and-leadership", "Messenger Pilot (Buddying)", ICS, Format.IN_PERSON, "3 months", 6,
     "A buddying pilot that pairs new starters with experienced colleagues across organisations."),
    ("culture-and-leadership", "Active Bystander", ICS, Format.IN_PERSON, "One half-day workshop", 3.5,
     "Recognise and safely challenge harassment, discrimination and incivility at work."),
    ("culture-and-leadership", "Reverse Mentoring", ICS, Format.BLENDED, "6 months of mentoring meetings", 12,
     "Senior leaders are mentored by colleagues from under-represented groups."),
    ("culture-and-leadership", "Culture and Leadership Competencies Pilot (design)", ICS, Format.BLENDED,
     "Design workshops", 6, "Designing the shared culture and leadership competencies for LLR."),
    ("culture-and-leadership", "Developing Diverse Leadership and Developing Diverse Senior Leadership", ICS,
     Format.BLENDED, "9 months, 6 modules", 36,
     "Leadership development for staff from ethnic minority backgrounds, at middle and senior levels."),
    ("culture-and-leadership", "Complex Discharge Pathway QI and leadership training", ICS, Format.IN_PERSON,
     "5 days over 3 months", 30, "Quality improvement and leadership skills for teams on complex discharge."),
    ("culture-and-leadership", "Sexual Safety Charter", ICS, Format.ONLINE, "90-minute webinar", 1.5,
     "What the sexual safety charter asks of every organisation, manager and colleague."),
    ("culture-and-leadership", "ICS Culture and Inclusion Dashboard", ICS, Format.ONLINE, "Ongoing", 0,
     "The culture and inclusion dashboard the People and Culture Board uses to track progress."),
    ("culture-and-leadership", "Health Equity Champions", ICS, Format.BLENDED, "4 sessions", 8,
     "Champions who help their teams reduce health inequalities."),
    ("culture-and-leadership", "Women in Leadership annual conference", ICS, Format.IN_PERSON, "One day", 6,
     "The LLR annual conference for women leaders and aspiring leaders in health and care."),
    ("culture-and-leadership", "Nursing, AHP and Midwifery Inclusion Strategy", COLLAB, Format.BLENDED,
     "Ongoing", 0, "An inclusion strategy for nursing, allied health and midwifery professions."),
    ("culture-and-leadership", "Cultural Competency community of practice", COLLAB, Format.ONLINE,
     "Monthly meetings", 12, "A community of practice on cultural competency in care and management."),
    ("culture-and-leadership", "Continuous Quality Improvement (Culture)", COLLAB, Format.BLENDED, "4 sessions", 8,
     "Quality improvement methods applied to team culture."),
    ("culture-and-leadership", "NHS Impact/WRES/DES/6HIA implementation", COLLAB, Format.ONLINE, "Ongoing", 0,
     "NHS Impact, the race and disability equality standards and the six high impact actions in practice."),
    ("culture-and-leadership", "Inclusive Decision-Making Framework Implementation", COLLAB, Format.ONLINE,
     "2 sessions", 3, "Using the inclusive decision-making framework in panels and service changes."),
    # Looking After Our People (Retain)
    ("looking-after-our-people", "HWB Festival and Events", ICS, Format.IN_PERSON, "One day", 0,
     "The health and wellbeing festival and events for staff across LLR."),
    ("looking-after-our-people", "MECC training delivery", ICS, Format.ONLINE, "2-hour online session", 2,
     "Making Every Contact Count: brief conversations that support healthier lives."),
    ("looking-after-our-people", "Staff fast track menopause pathway", ICS, Format.ONLINE, "Referral pathway", 0,
     "Fast-track access to menopause support for health and care staff."),
    ("looking-after-our-people", "Staff fast track Talking Therapies pathway", ICS, Format.ONLINE,
     "Referral pathway", 0, "Fast-track access to NHS Talking Therapies for health and care staff."),
    ("looking-after-our-people", "VCSE and care homes talking therapies outreach", ICS, Format.IN_PERSON,
     "Outreach sessions", 0, "Talking therapies outreach for voluntary sector and care home staff."),
    ("looking-after-our-people", "Trauma informed workforce training and learning", COLLAB, Format.BLENDED,
     "3 sessions", 6, "Trauma-informed practice for staff and managers."),
    ("looking-after-our-people", "NHS Leaders Wellbeing Programme", COLLAB, Format.ONLINE, "4 sessions", 6,
     "Wellbeing support for senior leaders in the NHS."),
]  # fmt: skip

# Fictional colleagues who fill the demo cohorts: (first, last, organisation code, staff group, band).
COLLEAGUES = [
    ("Aisha", "Khan", "uhl", "nursing", "band-6"),
    ("Ben", "Taylor", "lpt", "ahp", "band-6"),
    ("Chloe", "Evans", "emas", "support-clinical", "band-4"),
    ("Dev", "Mistry", "uhl", "medical", "medical"),
    ("Ellen", "Brown", "leicester-city", "social-work", "non-afc"),
    ("Farid", "Hussain", "care-providers", "social-care", "non-afc"),
    ("Grace", "Wilson", "lpt", "nursing", "band-5"),
    ("Harpreet", "Sandhu", "uhl", "admin", "band-3"),
    ("Isla", "Roberts", "rutland", "social-work", "non-afc"),
    ("Jamal", "Ahmed", "llr-icb", "managers", "band-8b"),
    ("Kate", "Green", "vcse", "social-care", "non-afc"),
    ("Liam", "Walker", "leicestershire", "social-care", "non-afc"),
    ("Maya", "Chauhan", "uhl", "nursing", "band-7"),
    ("Noah", "Smith", "emas", "support-clinical", "band-5"),
    ("Olivia", "Clarke", "lpt", "scientific", "band-6"),
    ("Priya", "Lad", "uhl", "ahp", "band-5"),
    ("Ravi", "Parmar", "lpt", "nursing", "band-6"),
    ("Sophie", "Hall", "care-providers", "social-care", "non-afc"),
]


def _colleagues() -> list[User]:
    people = []
    for first, last, org, group, band in COLLEAGUES:
        person, _ = User.objects.get_or_create(
            email=f"{first}.{last}.demo@example.org".lower(),
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": Organisation.objects.get(code=org),
                "staff_group": StaffGroup.objects.get(code=group),
                "band": Band.objects.get(code=band),
                "password": make_password(None),  # fictional colleagues cannot sign in
            },
        )
        people.append(person)
    return people


def working_day(day: datetime.date, *, today: datetime.date) -> datetime.date:
    """Demo sessions run Monday to Friday: a weekend date moves to the Monday after when it is still to
    come, or to the Friday before when it has passed, so a past session stays past and a future one future."""
    if day.weekday() < 5:
        return day
    if day > today:
        return day + datetime.timedelta(days=7 - day.weekday())
    return day - datetime.timedelta(days=day.weekday() - 4)


def _cohort(programme, name, *, starts_in, days=0, capacity, sessions=1, **fields) -> Cohort | None:
    """The cohort with its sessions when this run creates it; None when it is there already (perhaps changed
    by a lead since), so that the caller only enrols people in a cohort it has just made."""
    today = timezone.localdate()
    starts = working_day(today + datetime.timedelta(days=starts_in), today=today)
    step = max(1, days // max(1, sessions - 1)) if sessions > 1 else 0
    dates = [working_day(starts + datetime.timedelta(days=i * step), today=today) for i in range(sessions)]
    cohort, created = Cohort.objects.get_or_create(
        programme=programme,
        name=name,
        defaults={
            "starts_on": starts,
            "ends_on": max(starts + datetime.timedelta(days=days), *dates),
            "capacity": capacity,
        }
        | fields,
    )
    if not created:
        return None
    for i, date in enumerate(dates):
        Session.objects.create(
            cohort=cohort,
            title=f"Session {i + 1}" if sessions > 1 else "Workshop",
            date=date,
            starts_at=datetime.time(9, 30),
            ends_at=datetime.time(13, 0),
            place="",
        )
    return cohort


def _enrol(cohort, person, status, *, queue_number=None, approver=None, days_ago=10) -> Enrolment | None:
    """A live enrolment, written directly (no emails while seeding), in a cohort this run created: ``None``
    for one that was there already, whose places are the lead's to manage (one withdrawn stays withdrawn)."""
    if cohort is None:
        return None
    created = timezone.now() - datetime.timedelta(days=days_ago)
    return Enrolment.objects.create(
        cohort=cohort,
        person=person,
        status=status,
        queue_number=queue_number,
        approver=approver,
        created_at=created,
        confirmed_at=created if status == Enrolment.Status.CONFIRMED else None,
    )


# Who some programmes are for: title -> (in words, sectors, staff group codes, band codes).
AUDIENCES = {
    "Nursing Next Gen": (
        "Student nurses and nurses in their first two years after registration.",
        [],
        ["nursing"],
        [],
    ),
    "NHS Leaders Wellbeing Programme": (
        "Senior leaders in NHS organisations (Band 8a and above).",
        ["nhs"],
        [],
        ["band-8a", "band-8b", "band-8c", "band-8d", "band-9"],
    ),
    "VCSE and care homes talking therapies outreach": ("", ["vcse", "asc"], [], []),
}


def seed() -> dict[str, Programme]:
    workstreams = {}
    for order, (slug, name, _pillar, description) in enumerate(WORKSTREAMS):
        workstreams[slug], _ = Workstream.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    pillars = {slug: pillar for slug, _name, pillar, _d in WORKSTREAMS}
    lead = User.objects.filter(email="lead@example.org").first()
    programmes = {}
    for ws, title, ics, fmt, duration, cpd, summary in PROGRAMMES:
        slug = slugify(title)[:120]
        audience, sectors, groups, bands = AUDIENCES.get(title, ("", [], [], []))
        programme, created = Programme.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "description": (
                    "Delivered once at ICS level for every partner organisation."
                    if ics
                    else "Being collaborated on across partners, with some differences at organisational level."
                ),
                "workstream": workstreams[ws],
                "pillar": pillars[ws],
                "format": fmt,
                "duration": duration,
                "cpd_hours": cpd,
                "lead": lead,
                "status": Programme.Status.PUBLISHED,
                "delivered_at_system_level": ics,
                "audience": audience,
                "audience_sectors": sectors,
            },
        )
        # Only a new programme gets the demo's audience: one an admin has opened up stays open.
        if created and groups:
            programme.audience_staff_groups.set(StaffGroup.objects.filter(code__in=groups))
        if created and bands:
            programme.audience_bands.set(Band.objects.filter(code__in=bands))
        # Keyed by the demo's title, which an admin may since have changed.
        programmes[title] = programme
    _seed_cohorts(programmes, lead)
    return programmes


def _seed_cohorts(programmes: dict[str, Programme], lead: User | None) -> None:
    staff = User.objects.filter(email="staff@example.org").first()
    colleagues = _colleagues()
    P = programmes

    online = "https://meet.example.org/llr-academy"
    # Full, with a waiting list; the demo staff account is second in the queue.
    bystander = _cohort(
        P["Active Bystander"],
        "Spring cohort",
        starts_in=21,
        capacity=8,
        venue="Leicester General Hospital, Education Centre",
        promotion=Cohort.Promotion.OFFER,
        offer_hours=48,
    )
    for i, person in enumerate(colleagues[:8]):
        _enrol(bystander, person, Enrolment.Status.CONFIRMED, days_ago=30 - i)
    _enrol(bystander, colleagues[8], Enrolment.Status.WAITING, queue_number=1, days_ago=12)
    if staff:
        _enrol(bystander, staff, Enrolment.Status.WAITING, queue_number=2, days_ago=11)
    _enrol(bystander, colleagues[9], Enrolment.Status.WAITING, queue_number=3, days_ago=9)
    _cohort(
        P["Active Bystander"],
        "Summer cohort",
        starts_in=70,
        capacity=12,
        venue="Leicestershire County Council, County Hall",
    )

    # Needs approval; the staff account's request waits for their line manager (the demo lead).
    mentoring = _cohort(
        P["Reverse Mentoring"],
        "2026/27 cohort",
        starts_in=35,
        days=180,
        sessions=6,
        capacity=10,
        venue="Leicestershire Partnership NHS Trust, Bridge Park Plaza",
        online_link=online,
        approval_required=True,
    )
    for person in colleagues[10:13]:
        _enrol(mentoring, person, Enrolment.Status.CONFIRMED)
    if staff:
        _enrol(
            mentoring,
            staff,
            Enrolment.Status.AWAITING_APPROVAL,
            approver=staff.line_manager or lead,
            days_ago=2,
        )
    _enrol(mentoring, colleagues[13], Enrolment.Status.AWAITING_APPROVAL, approver=lead, days_ago=1)

    ddl = _cohort(
        P["Developing Diverse Leadership and Developing Diverse Senior Leadership"],
        "Cohort 5",
        starts_in=49,
        days=270,
        sessions=6,
        capacity=4,
        venue="Leicester Tigers Stadium",
        approval_required=True,
        promotion=Cohort.Promotion.DIRECT,
    )
    for person in colleagues[:4]:
        _enrol(ddl, person, Enrolment.Status.CONFIRMED)
    _enrol(ddl, colleagues[4], Enrolment.Status.WAITING, queue_number=1)

    _cohort(
        P["Complex Discharge Pathway QI and leadership training"],
        "Wave 3",
        starts_in=28,
        days=84,
        sessions=5,
        capacity=16,
        venue="Glenfield Hospital, Clinical Education Centre",
        approval_required=True,
    )

    # Past: the staff account completed a preceptorship cohort; the next one is open.
    past = _cohort(
        P["Preceptorship"],
        "Autumn 2025 cohort",
        starts_in=-400,
        days=330,
        sessions=8,
        capacity=30,
        venue="Leicester Royal Infirmary, Education Centre",
    )
    if staff:
        _enrol(past, staff, Enrolment.Status.CONFIRMED, days_ago=420)
    for person in colleagues[5:9]:
        _enrol(past, person, Enrolment.Status.CONFIRMED, days_ago=420)
    _cohort(
        P["Preceptorship"],
        "Spring 2027 cohort",
        starts_in=56,
        days=330,
        sessions=8,
        capacity=30,
        venue="Leicester Royal Infirmary, Education Centre",
    )
    _cohort(
        P["Messenger Pilot (Buddying)"],
        "Pilot group",
        starts_in=-120,
        days=90,
        sessions=3,
        capacity=20,
        venue="Various sites",
    )

    # Open, with places; the staff account has a confirmed place on MECC.
    mecc = _cohort(
        P["MECC training delivery"],
        "December online session",
        starts_in=14,
        capacity=40,
        online_link=online,
        promotion=Cohort.Promotion.DIRECT,
    )
    if staff:
        _enrol(mecc, staff, Enrolment.Status.CONFIRMED, days_ago=5)
    for person in colleagues[:6]:
        _enrol(mecc, person, Enrolment.Status.CONFIRMED)
    _cohort(
        P["MECC training delivery"], "February online session", starts_in=75, capacity=40, online_link=online
    )
    _cohort(
        P["Oliver McGowan Mandatory Training"],
        "Tier 1 webinar",
        starts_in=10,
        capacity=100,
        online_link=online,
    )
    _cohort(P["Sexual Safety Charter"], "Managers' webinar", starts_in=18, capacity=60, online_link=online)
    _cohort(
        P["Women in Leadership annual conference"],
        "2027 conference",
        starts_in=100,
        capacity=250,
        venue="Leicester Marriott Hotel",
        enrolment_opens_at=timezone.now() + datetime.timedelta(days=14),
    )
    _cohort(
        P["Health Equity Champions"],
        "Cohort 2",
        starts_in=42,
        days=63,
        sessions=4,
        capacity=24,
        venue="Leicester City Council, City Hall",
        online_link=online,
    )
    _cohort(
        P["Nursing Next Gen"],
        "2027 intake",
        starts_in=60,
        days=150,
        sessions=6,
        capacity=30,
        venue="De Montfort University, Leicester",
    )
    _cohort(
        P["NHS Leaders Wellbeing Programme"],
        "Winter group",
        starts_in=30,
        days=63,
        sessions=4,
        capacity=12,
        online_link=online,
    )
    _cohort(
        P["Trauma informed workforce training and learning"],
        "Foundation course",
        starts_in=45,
        days=14,
        sessions=3,
        capacity=25,
        venue="Leicestershire County Council, County Hall",
    )
    _cohort(
        P["HWB Festival and Events"],
        "Summer festival",
        starts_in=200,
        capacity=500,
        venue="Victoria Park, Leicester",
    )
