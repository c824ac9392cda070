"""Demo data for learning: past cohorts with attendance, completions, certificates, evaluation responses,
programme outcomes, learning done elsewhere and equality-monitoring answers, so that the learning record,
attendance, evaluation and reach pages show real-looking (synthetic) numbers.

Idempotent and create-only: rows are looked up by natural keys (emails, programme slugs, cohort names) and
written only when missing. Attendance, completions, certificates and survey answers are only given to cohorts
that this seed run created (the programmes' own demo cohorts included), through the same services the portal
uses, so seeding again (``make run`` seeds every time) never marks, recomputes or answers anything in a cohort
a lead has been running since. Call ``seed_learning()`` after the programmes' own demo data.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from workforce.models import Band, EqualityMonitoring, Organisation, StaffGroup, User

from . import services
from .demo import working_day
from .models import (
    Attendance,
    Cohort,
    Enrolment,
    ExternalLearning,
    Pillar,
    Programme,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyQuestion,
    Workstream,
)

PARTICIPANTS = 40

FALLBACK_PROGRAMMES = [
    # (slug, title, workstream slug, workstream name, pillar, cpd hours)
    (
        "reverse-mentoring",
        "Reverse Mentoring",
        "culture-and-leadership",
        "Culture and Leadership (Retain)",
        Pillar.RETAIN,
        12,
    ),
    (
        "active-bystander",
        "Active Bystander",
        "culture-and-leadership",
        "Culture and Leadership (Retain)",
        Pillar.RETAIN,
        3,
    ),
    (
        "preceptorship",
        "Preceptorship",
        "education-and-entry",
        "Education and Entry (Train)",
        Pillar.RECRUIT,
        18,
    ),
]

OUTCOMES = {
    "challenge": (
        "Staff from ethnic minority backgrounds, disabled staff and newly qualified colleagues told us their "
        "experience was not heard by senior leaders, and the Culture Dashboard showed gaps in progression."
    ),
    "approach": (
        "A system-wide programme done once for all LLR partners: cohorts mixing NHS, local authority, care "
        "provider and voluntary sector staff, with facilitated sessions and paired work between them."
    ),
    "enablers": (
        "Protected time agreed by every partner's chief people officer; facilitators from two trusts; one "
        "booking portal; sessions at sites across Leicester, Leicestershire and Rutland and online."
    ),
    "learning": (
        "Evening and online sessions reached social care staff who could not leave shifts; follow-up contact "
        "at six months kept commitments alive. Cohorts of more than 20 were too large for paired work."
    ),
    "results": (
        "Most participants completed and rated the programme highly; at follow-up most reported a concrete "
        "change in how they lead or work. See the live figures beside this case study."
    ),
}

COMPLETION_QUESTIONS = [
    ("Overall, how good was the programme?", SurveyQuestion.Kind.RATING, True, True),
    ("How useful will it be in your day-to-day work?", SurveyQuestion.Kind.RATING, True, False),
    ("How well was it organised?", SurveyQuestion.Kind.RATING, False, False),
    ("What was most valuable, and what could be better?", SurveyQuestion.Kind.TEXT, False, False),
]
FOLLOW_UP_QUESTIONS = [
    ("How much has your practice changed because of the programme?", SurveyQuestion.Kind.RATING, True, True),
    ("What have you done differently since?", SurveyQuestion.Kind.TEXT, False, False),
]
COMMENTS = [
    "Hearing from colleagues in social care changed how I think about discharge.",
    "The paired sessions were the best part; more time for them, please.",
    "Practical and well run. The online session had sound problems.",
    "I now speak up in team meetings when something is not right.",
    "",
]


def seed_default_surveys() -> tuple[Survey, Survey]:
    """The default surveys, with their questions when the seed creates them: an admin's rewording stays."""
    completion, completion_created = Survey.objects.get_or_create(
        programme=None,
        kind=Survey.Kind.COMPLETION,
        defaults={
            "title": "How was the programme?",
            "introduction": "Four short questions; about two minutes.",
            "send_after_months": 0,
        },
    )
    follow_up, follow_up_created = Survey.objects.get_or_create(
        programme=None,
        kind=Survey.Kind.FOLLOW_UP,
        defaults={
            "title": "What has changed in your practice?",
            "introduction": "Six months on: two questions about what you do differently.",
            "send_after_months": 6,
        },
    )
    new = [(completion, COMPLETION_QUESTIONS)] if completion_created else []
    new += [(follow_up, FOLLOW_UP_QUESTIONS)] if follow_up_created else []
    for survey, questions in new:
        for order, (text, kind, required, overall) in enumerate(questions, start=1):
            SurveyQuestion.objects.create(
                survey=survey, order=order, text=text, kind=kind, required=required, is_overall_rating=overall
            )
    return completion, follow_up


def _demo_programmes(lead: User | None) -> list[Programme]:
    """Programmes from programmes.demo (Table 2) when they are there; otherwise made here."""
    programmes = []
    for slug, title, ws_slug, ws_name, pillar, hours in FALLBACK_PROGRAMMES:
        workstream, _ = Workstream.objects.get_or_create(slug=ws_slug, defaults={"name": ws_name})
        programme, _ = Programme.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": f"{title}: a system-wide programme for health and care staff in LLR.",
                "workstream": workstream,
                "pillar": pillar,
                "cpd_hours": hours,
                "status": Programme.Status.PUBLISHED,
                "lead": lead,
            },
        )
        programmes.append(programme)
    return programmes


def _participants() -> list[User]:
    rng = random.Random(4)  # noqa: S311 (demo data)
    orgs = list(Organisation.objects.order_by("code"))
    groups = list(StaffGroup.objects.order_by("order"))
    bands = list(Band.objects.order_by("order"))
    people = []
    first_names = ["Amara", "Ben", "Chen", "Dev", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jas"]
    last_names = ["Ahmed", "Brown", "Clarke", "Desai", "Evans", "Green", "Hill", "Iqbal", "Jones", "Khan"]
    # Weighted so that some organisations clear the suppression threshold and others do not.
    org_weights = [6 if o.code in ("uhl", "lpt", "care-providers") else 1 for o in orgs]
    password = make_password(None)  # fictional colleagues cannot sign in
    for i in range(PARTICIPANTS):
        email = f"learner.{i + 1:02d}.demo@example.org"
        defaults = {
            "first_name": first_names[i % 10],
            "last_name": last_names[(i * 3) % 10],
            "organisation": rng.choices(orgs, weights=org_weights)[0] if orgs else None,
            "staff_group": rng.choice(groups) if groups else None,
            "band": rng.choice(bands[1:7]) if len(bands) > 7 else None,
        }
        person, _ = User.objects.get_or_create(email=email, defaults={**defaults, "password": password})
        if i % 3 != 2:  # two in three chose to answer the equality-monitoring questions
            EqualityMonitoring.objects.get_or_create(
                person=person,
                defaults={
                    "age_band": rng.choice(["under_25", "25_34", "35_44", "45_54", "55_64"]),
                    "sex": rng.choice(["female", "female", "female", "male", "prefer_not_to_say"]),
                    "ethnicity": rng.choice(
                        ["white", "white", "asian", "asian", "black", "mixed", "prefer_not_to_say"]
                    ),
                    "disability": rng.choice(["no", "no", "no", "yes", "prefer_not_to_say"]),
                },
            )
        people.append(person)
    return people


def _cohort(programme: Programme, name: str, starts: datetime.date, sessions: int) -> Cohort | None:
    """The cohort with its sessions when this run creates it; None when it is there already."""
    cohort, created = Cohort.objects.get_or_create(
        programme=programme,
        name=name,
        defaults={
            "starts_on": starts,
            "ends_on": starts + datetime.timedelta(days=7 * (sessions - 1)),
            "venue": "Leicester General Hospital, Education Centre",
            "capacity": 24,
        },
    )
    if not created:
        return None
    for n in range(sessions):
        Session.objects.create(
            cohort=cohort,
            title=f"Session {n + 1}",
            date=cohort.starts_on + datetime.timedelta(days=7 * n),
            starts_at=datetime.time(9, 30),
            ends_at=datetime.time(12, 30),
            place="Room 2" if n % 2 == 0 else "Online",
        )
    return cohort


def _enrol(cohort: Cohort, person: User) -> Enrolment:
    return Enrolment.objects.create(
        cohort=cohort,
        person=person,
        status=Enrolment.Status.CONFIRMED,
        created_at=timezone.make_aware(datetime.datetime.combine(cohort.starts_on, datetime.time(9)))
        - datetime.timedelta(days=30),
        confirmed_at=timezone.now(),
    )


def _mark(cohort: Cohort, enrolments: list[Enrolment], marker: User, rng: random.Random, today) -> int:
    """Attendance as a lead would have marked it, written in bulk, for a cohort this run created (so nobody
    has marked it yet); completion is refreshed once afterwards."""
    rows = []
    for session in cohort.sessions.filter(date__lte=today).order_by("date"):
        for enrolment in enrolments:
            roll = 0.0 if enrolment.person.email == "staff@example.org" else rng.random()
            status = (
                Attendance.Status.PRESENT
                if roll < 0.82
                else Attendance.Status.EXCUSED
                if roll < 0.9
                else Attendance.Status.ABSENT
            )
            rows.append(Attendance(session=session, enrolment=enrolment, status=status, marked_by=marker))
    Attendance.objects.bulk_create(rows)
    return len(rows)


def _answer(enrolment: Enrolment, today) -> None:
    for invitation in enrolment.survey_invitations.filter(responded_at__isnull=True, due_on__lte=today):
        # The same people answer (or not) every time the seed runs.
        rng = random.Random(f"{enrolment.person.email}:{invitation.kind}")  # noqa: S311 (demo data)
        if rng.random() > 0.75:
            continue  # not everyone answers
        answers = {}
        for question in invitation.survey.questions.all():
            if question.kind == SurveyQuestion.Kind.RATING:
                answers[question.pk] = rng.choices([5, 4, 3, 2], weights=[5, 6, 2, 1])[0]
            else:
                answers[question.pk] = rng.choice(COMMENTS)
        services.survey_response_submit(invitation=invitation, answers=answers)


def cohort_mark() -> int:
    """The newest cohort history row: take it before any seeding; cohorts created after it are this run's."""
    return Cohort.history.aggregate(m=Max("history_id"))["m"] or 0


def seed_learning(*, since: int | None = None) -> dict[str, int]:
    """``since``: cohort_mark() from before the programmes' seed in this run; by default, from now."""
    since = cohort_mark() if since is None else since
    today = timezone.localdate()
    lead = User.objects.filter(email="lead@example.org").first()
    staff = User.objects.filter(email="staff@example.org").first()
    marker = lead or User.objects.filter(email="admin@example.org").first()
    seed_default_surveys()
    programmes = _demo_programmes(lead)
    people = _participants()
    rng = random.Random(2026)  # noqa: S311 (demo data)
    plans = [
        # (programme index, cohort name, days before today it started, sessions, participants slice)
        (0, "Spring 2026 (demo)", 240, 4, slice(0, 18)),
        (0, "Autumn 2026 (demo)", 40, 4, slice(14, 34)),
        (1, "Summer 2026 (demo)", 150, 3, slice(6, 26)),
        (2, "Current cohort (demo)", 8, 4, slice(20, 40)),
    ]
    staff_has_past_place = (
        staff is not None
        and Enrolment.objects.filter(
            person=staff, status=Enrolment.Status.CONFIRMED, cohort__starts_on__lt=today
        ).exists()
    )
    for index, name, days_ago, sessions, who in plans:
        programme = programmes[index % len(programmes)]
        starts = working_day(today - datetime.timedelta(days=days_ago), today=today)
        cohort = _cohort(programme, name, starts, sessions)
        if cohort is None:
            continue  # there already: its places are the lead's to manage
        members = people[who]
        if staff is not None and not staff_has_past_place and days_ago == 40:
            members = [staff, *members]
        for person in members:
            _enrol(cohort, person)
    # Every started cohort this run created (ours and programmes.demo's) gets attendance, completions and
    # answers. One from an earlier run is left to its lead: their marks and overrides are not redone.
    created = Cohort.history.filter(history_type="+", history_id__gt=since).values("id")
    started = Cohort.objects.filter(
        pk__in=created, starts_on__lte=today, status=Cohort.Status.SCHEDULED
    ).order_by("starts_on", "pk")
    for cohort in started:
        enrolments = list(
            Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.CONFIRMED).select_related(
                "person"
            )
        )
        if not enrolments:
            continue
        _mark(cohort, enrolments, marker, rng, today)
        services.cohort_completions_refresh(cohort=cohort, today=today)
        for enrolment in enrolments:
            if enrolment.person != staff:  # leave the demo staff member's survey for them to answer
                _answer(enrolment, today)
    for programme in programmes[:2]:
        if not ProgrammeOutcome.objects.filter(programme=programme).exists():
            services.programme_outcome_update(programme=programme, updated_by=marker, **OUTCOMES)
    if staff is not None:
        for title, days_ago, hours, note in [
            ("Safeguarding adults level 3 (e-learning)", 60, Decimal("4"), "Certificate in my e-portfolio"),
            ("Moving and handling refresher", 200, Decimal("2.5"), "Signed attendance sheet from the ward"),
        ]:
            ExternalLearning.objects.get_or_create(
                person=staff,
                title=title,
                defaults={
                    "completed_on": today - datetime.timedelta(days=days_ago),
                    "cpd_hours": hours,
                    "evidence_note": note,
                },
            )
    # The demo as it stands, this run's cohorts and earlier runs': confirmed places in started cohorts.
    places = Enrolment.objects.filter(
        status=Enrolment.Status.CONFIRMED,
        cohort__starts_on__lte=today,
        cohort__status=Cohort.Status.SCHEDULED,
    )
    return {"cohorts": places.order_by().values("cohort").distinct().count(), "enrolments": places.count()}
