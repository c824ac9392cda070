import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, When
from django.utils import timezone

from workforce.models import (
    PREFER_NOT_TO_SAY,
    Band,
    EqualityMonitoring,
    Organisation,
    Sector,
    StaffGroup,
    User,
)
from workforce.suppression import SUPPRESSED, suppress_count, suppress_rate

from .models import (
    Attendance,
    Cohort,
    Completion,
    Enrolment,
    ExternalLearning,
    Programme,
    Session,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    Workstream,
)


def external_learning_for(*, person: User) -> QuerySet[ExternalLearning]:
    return ExternalLearning.objects.filter(person=person)


@dataclass
class LearningRecordRow:
    title: str
    provider: str
    start: object
    end: object
    status: str
    cpd_hours: Decimal
    certificate_code: str = ""
    certificate_pending: bool = False
    external_id: int | None = None
    evidence_note: str = ""


@dataclass
class LearningRecord:
    person: User
    programmes: list[LearningRecordRow] = field(default_factory=list)
    elsewhere: list[LearningRecordRow] = field(default_factory=list)

    @property
    def programme_hours(self) -> Decimal:
        return sum((r.cpd_hours for r in self.programmes), Decimal(0))

    @property
    def elsewhere_hours(self) -> Decimal:
        return sum((r.cpd_hours for r in self.elsewhere), Decimal(0))

    @property
    def total_hours(self) -> Decimal:
        return self.programme_hours + self.elsewhere_hours


def learning_record(*, person: User) -> LearningRecord:
    """A person's programmes with the academy (CPD hours count once completed) and learning elsewhere."""
    record = LearningRecord(person=person)
    enrolments = (
        Enrolment.objects.filter(person=person)
        .filter(
            Q(status=Enrolment.Status.CONFIRMED)
            | Q(status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False)
        )
        .select_related("cohort__programme", "completion__certificate")
        .order_by("-cohort__starts_on", "-pk")
    )
    for enrolment in enrolments:
        cohort = enrolment.cohort
        completion = getattr(enrolment, "completion", None)
        status = completion.get_status_display() if completion else "Booked"
        if enrolment.status == Enrolment.Status.WITHDRAWN:
            status = Completion.Status.WITHDRAWN.label
        completed = completion is not None and completion.status == Completion.Status.COMPLETED
        certificate = getattr(completion, "certificate", None) if completed else None
        record.programmes.append(
            LearningRecordRow(
                title=cohort.programme.title,
                provider=f"LLR Academy, {cohort.name}",
                start=cohort.starts_on,
                end=completion.completed_on if completed and completion.completed_on else cohort.ends_on,
                status=status,
                cpd_hours=cohort.programme.cpd_hours if completed else Decimal(0),
                certificate_code=certificate.code if certificate and certificate.is_current else "",
                certificate_pending=bool(certificate and not certificate.is_current),
            )
        )
    for entry in external_learning_for(person=person):
        record.elsewhere.append(
            LearningRecordRow(
                title=entry.title,
                provider="Elsewhere",
                start=entry.completed_on,
                end=entry.completed_on,
                status="Completed",
                cpd_hours=entry.cpd_hours,
                external_id=entry.pk,
                evidence_note=entry.evidence_note,
            )
        )
    return record


LEARNING_RECORD_HEADER = [
    "Kind",
    "Title",
    "Provider",
    "Start",
    "End",
    "Status",
    "CPD hours",
    "Certificate code",
]


def learning_record_rows(record: LearningRecord) -> list[list]:
    """The learning record as spreadsheet rows (exports make them formula-safe)."""
    rows = []
    for kind, entries in (
        ("LLR Academy programme", record.programmes),
        ("Learning done elsewhere", record.elsewhere),
    ):
        for r in entries:
            rows.append(
                [
                    kind,
                    r.title,
                    r.provider,
                    r.start.isoformat() if r.start else "",
                    r.end.isoformat() if r.end else "",
                    r.status,
                    float(r.cpd_hours),
                    r.certificate_code,
                ]
            )
    return rows


# --- Programme reach: small-number suppression ---------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    """One line of a reach breakdown, already suppressed: counts are ints (rounded to 5), 0, or "*"."""

    label: str
    enrolled: int | str
    completed: int | str
    completion_rate: str  # "80%", "*" (built from a suppressed count) or "" (nobody enrolled)


def _rate_text(completed: int, enrolled: int) -> str:
    rate = suppress_rate(completed, enrolled)
    if rate is None:
        return ""
    if rate == SUPPRESSED:
        return SUPPRESSED
    return f"{Decimal(rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def reach_rows(counts: Iterable[tuple[str, int, int]]) -> list[ReachRow]:
    """Suppress (label, enrolled, completed) counts for showing on screen, in exports and in PDFs.

    The raw counts never leave this function: 1 to 7 becomes "*", 0 stays 0, anything else is rounded to
    the nearest 5, and a rate is only shown when neither of its counts is suppressed.
    """
    return [
        ReachRow(
            label=label,
            enrolled=suppress_count(enrolled),
            completed=suppress_count(completed),
            completion_rate=_rate_text(completed, enrolled),
        )
        for label, enrolled, completed in counts
    ]


# --- Who may do what ------------------------------------------------------------------------------------


def user_can_lead_programme(user, programme: Programme) -> bool:
    """Academy admins lead every programme; a programme lead leads the programmes they are named on."""
    if not user.is_authenticated:
        return False
    if user.has_perm("programmes.manage_programmes"):
        return True
    return user.has_perm("programmes.lead_programmes") and programme.lead_id == user.pk


def programmes_led_by(user) -> QuerySet[Programme]:
    if user.has_perm("programmes.manage_programmes"):
        return Programme.objects.all()
    if user.has_perm("programmes.lead_programmes"):
        return Programme.objects.filter(lead=user)
    return Programme.objects.none()


# --- Attendance -----------------------------------------------------------------------------------------


def sessions_to_mark(*, user, today: datetime.date | None = None) -> QuerySet[Session]:
    """Sessions of the cohorts this user leads, most recent first, up to today (marking opens on the day)."""
    today = today or timezone.localdate()
    return (
        Session.objects.filter(cohort__programme__in=programmes_led_by(user), date__lte=today)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("cohort__programme")
        .annotate(
            places=Count(
                "cohort__enrolments",
                filter=Q(cohort__enrolments__status=Enrolment.Status.CONFIRMED),
                distinct=True,
            ),
            marked=Count(
                "attendance",
                filter=Q(attendance__enrolment__status=Enrolment.Status.CONFIRMED),
                distinct=True,
            ),
        )
        .order_by("-date", "-starts_at")
    )


@dataclass
class AttendanceRow:
    enrolment: Enrolment
    status: str  # "" when not marked yet
    completion: Completion | None


def session_attendance(*, session: Session) -> list[AttendanceRow]:
    enrolments = (
        Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.CONFIRMED)
        .select_related("person", "person__organisation", "completion")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    marks = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    return [
        AttendanceRow(enrolment=e, status=marks.get(e.pk, ""), completion=getattr(e, "completion", None))
        for e in enrolments
    ]


def cohort_completions(*, cohort: Cohort) -> QuerySet[Completion]:
    return (
        Completion.objects.filter(enrolment__cohort=cohort)
        .select_related("enrolment__person", "overridden_by")
        .order_by("enrolment__person__last_name", "enrolment__person__first_name")
    )


# --- Evaluation results (never individual, except for admins) -----------------------------------------

MIN_RESPONSES = 5


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    mean: Decimal | None
    distribution: list[tuple[int, int]]  # (rating, count) for 1..5


@dataclass
class SurveyResults:
    label: str
    responses: int
    questions: list[QuestionResult]

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_RESPONSES


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def survey_results(*, label: str, responses: QuerySet[SurveyResponse], kind: str) -> SurveyResults:
    """Totals for rating questions; under MIN_RESPONSES responses nothing but the fact is returned."""
    responses = responses.filter(invitation__kind=kind)
    count = responses.count()
    if count < MIN_RESPONSES:
        return SurveyResults(label=label, responses=count, questions=[])
    answers = (
        SurveyAnswer.objects.filter(response__in=responses, rating__isnull=False)
        .values("question", "rating")
        .annotate(n=Count("pk"))
    )
    by_question: dict[int, dict[int, int]] = {}
    for row in answers:
        by_question.setdefault(row["question"], {})[row["rating"]] = row["n"]
    questions = SurveyQuestion.objects.filter(pk__in=by_question).order_by("survey", "order", "pk")
    results = []
    for question in questions:
        dist = by_question[question.pk]
        answered = sum(dist.values())
        results.append(
            QuestionResult(
                question=question,
                answered=answered,
                mean=_mean(sum(r * n for r, n in dist.items()), answered),
                distribution=[(r, dist.get(r, 0)) for r in range(1, 6)],
            )
        )
    return SurveyResults(label=label, responses=count, questions=results)


def programme_cohort_results(*, programme: Programme, kind: str) -> list[SurveyResults]:
    return [
        survey_results(
            label=cohort.name,
            responses=SurveyResponse.objects.filter(invitation__enrolment__cohort=cohort),
            kind=kind,
        )
        for cohort in programme.cohorts.order_by("-starts_on")
    ]


def programme_responses(*, programme: Programme) -> QuerySet[SurveyResponse]:
    """Individual responses: for academy admins only (programmes.view_individual_responses)."""
    return (
        SurveyResponse.objects.filter(invitation__enrolment__cohort__programme=programme)
        .select_related(
            "invitation__enrolment__cohort", "invitation__enrolment__person", "invitation__survey"
        )
        .prefetch_related("answers__question")
        .order_by("-submitted_at")
    )


@dataclass
class ProgrammeFigures:
    enrolled: int
    completed: int
    decided: int
    average_rating: Decimal | None
    rating_responses: int
    follow_up_responses: int
    follow_up_rating: Decimal | None

    @property
    def completion_rate(self) -> str:
        if not self.decided:
            return ""
        rate = Decimal(self.completed * 100) / Decimal(self.decided)
        return f"{rate.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _overall_rating(responses: QuerySet[SurveyResponse]) -> tuple[int, Decimal | None]:
    count = responses.count()
    if count < MIN_RESPONSES:
        return count, None
    agg = SurveyAnswer.objects.filter(
        response__in=responses, question__is_overall_rating=True, rating__isnull=False
    ).aggregate(total=Sum("rating"), n=Count("pk"))
    return count, _mean(agg["total"] or 0, agg["n"] or 0)


def programme_figures(*, programme: Programme) -> ProgrammeFigures:
    """Live figures beside the case study: whole-programme totals, ratings only from 5 or more responses."""
    held_place = Q(status=Enrolment.Status.CONFIRMED) | Q(
        status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False
    )
    enrolled = Enrolment.objects.filter(held_place, cohort__programme=programme).count()
    completions = Completion.objects.filter(enrolment__cohort__programme=programme).aggregate(
        completed=Count("pk", filter=Q(status=Completion.Status.COMPLETED)),
        decided=Count("pk", filter=~Q(status=Completion.Status.IN_PROGRESS)),
    )
    responses = SurveyResponse.objects.filter(invitation__enrolment__cohort__programme=programme)
    n_rating, rating = _overall_rating(responses.filter(invitation__kind="completion"))
    n_follow, follow = _overall_rating(responses.filter(invitation__kind="follow_up"))
    return ProgrammeFigures(
        enrolled=enrolled,
        completed=completions["completed"],
        decided=completions["decided"],
        average_rating=rating,
        rating_responses=n_rating,
        follow_up_responses=n_follow,
        follow_up_rating=follow,
    )


# --- Programme reach ------------------------------------------------------------------------------------

REACH_DIMENSIONS = {
    "organisation": "Organisation",
    "sector": "Sector",
    "staff_group": "Staff group",
    "band": "Band",
    "age_band": "Age",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "religion": "Religion or belief",
}
NOT_SHARED = "Not shared"
NOT_RECORDED = "Not recorded"


@dataclass
class Reach:
    dimension: str
    dimension_label: str
    rows: list[ReachRow]
    total: ReachRow


def reach_enrolments(
    *,
    workstream: Workstream | None = None,
    pillar: str = "",
    starts_from: datetime.date | None = None,
    starts_to: datetime.date | None = None,
) -> QuerySet[Enrolment]:
    """Enrolments that held a place, by the programme's workstream and pillar and the cohort's start."""
    qs = Enrolment.objects.filter(
        Q(status=Enrolment.Status.CONFIRMED)
        | Q(status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False)
    )
    if workstream is not None:
        qs = qs.filter(cohort__programme__workstream=workstream)
    if pillar:
        qs = qs.filter(cohort__programme__pillar=pillar)
    if starts_from:
        qs = qs.filter(cohort__starts_on__gte=starts_from)
    if starts_to:
        qs = qs.filter(cohort__starts_on__lte=starts_to)
    return qs


def programme_reach(*, dimension: str, enrolments: QuerySet[Enrolment]) -> Reach:
    """Enrolments and completions by one characteristic of the people, suppressed (see reach_rows)."""
    if dimension not in REACH_DIMENSIONS:
        raise ValueError(f"Unknown reach dimension {dimension!r}.")
    counted = enrolments.annotate(
        done=Case(
            When(completion__status=Completion.Status.COMPLETED, then=1),
            default=0,
            output_field=IntegerField(),
        )
    )
    if dimension in EqualityMonitoring.CHARACTERISTICS:
        key = f"person__equality_monitoring__{dimension}"
        choices = dict(EqualityMonitoring._meta.get_field(dimension).choices)
        raw = counted.values(key).annotate(n=Count("pk"), c=Sum("done"))
        merged: dict[str, list[int]] = {}
        for row in raw:
            value = row[key]
            label = choices[value] if value and value != PREFER_NOT_TO_SAY else NOT_SHARED
            merged.setdefault(label, [0, 0])
            merged[label][0] += row["n"]
            merged[label][1] += row["c"] or 0
        order = [label for value, label in choices.items() if value != PREFER_NOT_TO_SAY] + [NOT_SHARED]
        counts = [(label, *merged.get(label, (0, 0))) for label in order]
    else:
        if dimension == "sector":
            key = "person__organisation__sector"
            labels = dict(Sector.choices)
            order = list(labels.values())
        else:
            model = {"organisation": Organisation, "staff_group": StaffGroup, "band": Band}[dimension]
            key = f"person__{dimension}"
            objects = model.objects.all()
            labels = {o.pk: (o.short_name if dimension == "organisation" else o.name) for o in objects}
            order = list(labels.values())
        raw = {
            row[key]: (row["n"], row["c"] or 0)
            for row in counted.values(key).annotate(n=Count("pk"), c=Sum("done"))
        }
        counts = [(labels[k], *raw.get(k, (0, 0))) for k in labels]
        counts = sorted(counts, key=lambda r: order.index(r[0]))
        if None in raw:
            counts.append((NOT_RECORDED, *raw[None]))
    total_enrolled = sum(r[1] for r in counts)
    total_completed = sum(r[2] for r in counts)
    (total,) = reach_rows([("All", total_enrolled, total_completed)])
    return Reach(
        dimension=dimension, dimension_label=REACH_DIMENSIONS[dimension], rows=reach_rows(counts), total=total
    )


def reach_export_rows(reach: Reach) -> tuple[list[str], list[list]]:
    header = [reach.dimension_label, "Enrolled", "Completed", "Completion rate"]
    rows = [[r.label, r.enrolled, r.completed, r.completion_rate] for r in [*reach.rows, reach.total]]
    return header, rows


def surveys_waiting_for(*, person: User, today: datetime.date | None = None) -> QuerySet[SurveyInvitation]:
    today = today or timezone.localdate()
    return SurveyInvitation.objects.filter(
        enrolment__person=person, responded_at__isnull=True, due_on__lte=today
    ).select_related("survey", "enrolment__cohort__programme")
