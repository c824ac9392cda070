"""Reads for the catalogue, programme pages, My learning, approvals and the lead's cohort pages.

Pages built from these run a fixed number of queries however many programmes, cohorts or enrolments there
are (tests/perf asserts it): counts and positions are annotated in SQL, related rows are prefetched.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
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

Status = Enrolment.Status


# --- eligibility -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str = ""


def _names(objects) -> str:
    names = [str(o) for o in objects]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def programme_eligibility(*, programme: Programme, person: User) -> Eligibility:
    """Whether the programme is open to this person, and if not, why (in words they can act on).
    Uses `.all()` on the audience relations so prefetched rows are reused."""
    checks = [
        ("staff_group", "staff group", list(programme.audience_staff_groups.all())),
        ("band", "band", list(programme.audience_bands.all())),
        ("organisation", "organisation", list(programme.audience_organisations.all())),
    ]
    for attr, label, allowed in checks:
        if not allowed:
            continue
        value_id = getattr(person, f"{attr}_id")
        if value_id is None:
            return Eligibility(
                False, f"This programme is for some staff only; add your {label} to your profile."
            )
        if value_id not in {o.pk for o in allowed}:
            return Eligibility(False, f"This programme is open to {_names(allowed)} only.")
    sectors = programme.audience_sectors or []
    if sectors:
        labels = [Sector(code).label for code in sectors if code in Sector.values]
        organisation = person.organisation
        if organisation is None:
            return Eligibility(
                False, "This programme is for some sectors only; add your organisation to your profile."
            )
        if organisation.sector not in sectors:
            return Eligibility(False, f"This programme is open to {_names(labels)} staff only.")
    return Eligibility(True)


def _audience_dimension(through, column: str, value) -> Q:
    restricted = Exists(through.objects.filter(programme=OuterRef("pk")))
    if value is None:
        return ~restricted
    return ~restricted | Exists(through.objects.filter(programme=OuterRef("pk"), **{column: value}))


def programme_open_to_q(person: User) -> Q:
    """The SQL form of `programme_eligibility`, for the catalogue's "open to me" filter."""
    q = _audience_dimension(Programme.audience_staff_groups.through, "staffgroup", person.staff_group_id)
    q &= _audience_dimension(Programme.audience_bands.through, "band", person.band_id)
    q &= _audience_dimension(Programme.audience_organisations.through, "organisation", person.organisation_id)
    sector_q = Q(audience_sectors=[])
    if person.organisation_id:
        sector_q |= Q(audience_sectors__icontains=f'"{person.organisation.sector}"')
    return q & sector_q


# --- catalogue ---------------------------------------------------------------------------------------


def _upcoming_cohorts(today: datetime.date) -> QuerySet[Cohort]:
    return Cohort.objects.filter(status=Cohort.Status.SCHEDULED, starts_on__gt=today)


def cohort_open_now_q(now: datetime.datetime, prefix: str = "") -> Q:
    p = prefix
    return (
        Q(**{f"{p}status": Cohort.Status.SCHEDULED, f"{p}starts_on__gt": timezone.localdate(now)})
        & (Q(**{f"{p}enrolment_opens_at__isnull": True}) | Q(**{f"{p}enrolment_opens_at__lte": now}))
        & (Q(**{f"{p}enrolment_closes_at__isnull": True}) | Q(**{f"{p}enrolment_closes_at__gt": now}))
    )


def programme_catalogue(*, now: datetime.datetime | None = None) -> QuerySet[Programme]:
    """Published programmes with their next start date and the places left in upcoming cohorts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    upcoming = _upcoming_cohorts(today).filter(programme=OuterRef("pk"))
    capacity = Subquery(
        upcoming.order_by().values("programme").annotate(total=Sum("capacity")).values("total"),
        output_field=IntegerField(),
    )
    taken = Subquery(
        Enrolment.objects.filter(
            cohort__programme=OuterRef("pk"),
            cohort__status=Cohort.Status.SCHEDULED,
            cohort__starts_on__gt=today,
            status__in=Enrolment.PLACE_STATUSES,
        )
        .order_by()
        .values("cohort__programme")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    open_now = Exists(Cohort.objects.filter(cohort_open_now_q(now), programme=OuterRef("pk")))
    return (
        Programme.objects.filter(status=Programme.Status.PUBLISHED)
        .select_related("workstream")
        .annotate(
            next_start=Subquery(upcoming.order_by("starts_on").values("starts_on")[:1]),
            upcoming_capacity=Coalesce(capacity, Value(0)),
            upcoming_taken=Coalesce(taken, Value(0)),
            places_left=F("upcoming_capacity") - F("upcoming_taken"),
            is_open_now=open_now,
        )
        # Soonest start first; programmes with no upcoming cohort after them, by title.
        .order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    )


# --- programme page ----------------------------------------------------------------------------------


def _waiting_position() -> Subquery:
    """Annotation for an enrolment queryset: its place among those still waiting in its cohort."""
    ahead = (
        Enrolment.objects.filter(
            cohort=OuterRef("cohort"), status=Status.WAITING, queue_number__lte=OuterRef("queue_number")
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def cohorts_with_places(queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    queryset = Cohort.objects.all() if queryset is None else queryset
    return queryset.annotate(
        places_taken=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.PLACE_STATUSES)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=Status.WAITING)),
        awaiting_count=Count("enrolments", filter=Q(enrolments__status=Status.AWAITING_APPROVAL)),
    ).annotate(places_left=F("capacity") - F("places_taken"))


@dataclass
class CohortOption:
    """A cohort on the programme page with the action this person can take on it."""

    cohort: Cohort
    action: str  # enrol, join_waiting_list, request_place, enrolled, waiting, offered, awaiting_approval,
    # not_eligible, closed
    message: str = ""
    enrolment: Enrolment | None = None

    @property
    def can_act(self) -> bool:
        return self.action in ("enrol", "join_waiting_list", "request_place")


@dataclass
class ProgrammePage:
    programme: Programme
    eligibility: Eligibility
    cohorts: list[CohortOption] = field(default_factory=list)
    objectives: list = field(default_factory=list)


def programme_objectives(*, programme: Programme) -> list:
    """The board objectives this programme serves, archived ones left out. The Objective model lives in
    the pledges app (a higher floor), which adds the reverse relation `programme.objectives`; programmes
    never imports it, and without that app there are none."""
    related = getattr(programme, "objectives", None)
    if related is None:
        return []
    return list(related.filter(is_archived=False))


def programme_detail_queryset() -> QuerySet[Programme]:
    return Programme.objects.select_related("workstream", "lead").prefetch_related(
        "audience_staff_groups", "audience_bands", "audience_organisations"
    )


def programme_visible_to(*, user: User) -> QuerySet[Programme]:
    """Published programmes for everyone; drafts and archived ones too for leads of them and admins."""
    qs = programme_detail_queryset()
    if user.has_perm("programmes.manage_programmes"):
        return qs
    return qs.filter(Q(status=Programme.Status.PUBLISHED) | Q(lead=user))


def programme_page(
    *, programme: Programme, person: User, now: datetime.datetime | None = None
) -> ProgrammePage:
    now = now or timezone.now()
    today = timezone.localdate(now)
    eligibility = programme_eligibility(programme=programme, person=person)
    cohorts = cohorts_with_places(
        programme.cohorts.filter(ends_on__gte=today).prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("date", "starts_at"))
        )
    )
    mine = {
        e.cohort_id: e
        for e in Enrolment.objects.filter(
            cohort__programme=programme, person=person, status__in=Enrolment.LIVE_STATUSES
        ).annotate(position=_waiting_position())
    }
    options = []
    for cohort in cohorts:
        if cohort.pk in mine:
            mine[cohort.pk].cohort = cohort  # the status tag reads it; no query per enrolment
        options.append(
            _cohort_option(cohort, mine.get(cohort.pk), eligibility, programme, now, person=person)
        )
    return ProgrammePage(
        programme=programme,
        eligibility=eligibility,
        cohorts=options,
        objectives=programme_objectives(programme=programme),
    )


def _cohort_option(cohort, enrolment, eligibility, programme, now, *, person=None) -> CohortOption:
    if enrolment is not None:
        messages = {
            Status.CONFIRMED: "You have a place on this cohort.",
            Status.WAITING: f"You are number {enrolment.position} on the waiting list.",
            Status.OFFERED: "A place has been offered to you: accept it on your My learning page by "
            f"{timezone.localtime(enrolment.offer_expires_at):%-d %B %Y at %H:%M}.",
            Status.AWAITING_APPROVAL: "Your request is waiting for approval.",
        }
        if cohort.has_started(today=timezone.localdate(now)):
            messages[Status.WAITING] = "This cohort has started, so its waiting list is closed."
            messages[Status.AWAITING_APPROVAL] = "This cohort started before your request was decided."
            messages[Status.OFFERED] = "This cohort started before you accepted the place offered to you."
        action = {Status.CONFIRMED: "enrolled"}.get(enrolment.status, enrolment.status)
        return CohortOption(cohort, action, messages.get(enrolment.status, ""), enrolment)
    if programme.status != Programme.Status.PUBLISHED:
        return CohortOption(cohort, "closed", "This programme is not open for enrolment.")
    if cohort.status == Cohort.Status.CANCELLED:
        return CohortOption(cohort, "closed", "This cohort has been cancelled.")
    if cohort.has_started(today=timezone.localdate(now)):
        return CohortOption(cohort, "closed", "This cohort has started.")
    if cohort.enrolment_opens_at and now < cohort.enrolment_opens_at:
        opens = timezone.localtime(cohort.enrolment_opens_at)
        return CohortOption(cohort, "closed", f"Enrolment opens on {opens:%-d %B %Y at %H:%M}.")
    if cohort.enrolment_closes_at and now >= cohort.enrolment_closes_at:
        return CohortOption(cohort, "closed", "Enrolment has closed.")
    if not eligibility.ok:
        return CohortOption(cohort, "not_eligible", eligibility.reason)
    if cohort.approval_required:
        # The same rule as enrolment_create: the line manager, or the programme lead when none is recorded.
        if person is not None and person.line_manager_id is None:
            approver = "the programme lead" if programme.lead_id else "the academy team"
        else:
            approver = "your line manager"
        message = f"Places on this cohort need approval from {approver}."
        if cohort.places_left <= 0 or cohort.waiting_count:
            message += " The cohort is full, so an approved request joins the waiting list."
        return CohortOption(cohort, "request_place", message)
    if cohort.places_left > 0 and cohort.waiting_count == 0:
        return CohortOption(cohort, "enrol")
    return CohortOption(
        cohort, "join_waiting_list", f"This cohort is full; {cohort.waiting_count} people are waiting."
    )


# --- My learning -------------------------------------------------------------------------------------


@dataclass
class MyLearning:
    offered: list[Enrolment]
    upcoming: list[Enrolment]
    waiting: list[Enrolment]
    awaiting_approval: list[Enrolment]
    past: list[Enrolment]
    # withdrawn, declined, expired; offered, waiting or undecided once the cohort started
    ended: list[Enrolment]


def enrolments_of(*, person: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person=person)
        .select_related("cohort__programme", "approver", "completion")
        .annotate(position=_waiting_position())
        .order_by("cohort__starts_on", "pk")
    )


def my_learning(*, person: User, today: datetime.date | None = None) -> MyLearning:
    today = today or timezone.localdate()
    result = MyLearning([], [], [], [], [], [])
    for enrolment in enrolments_of(person=person):
        status = enrolment.status
        if status == Status.CONFIRMED:
            (result.past if enrolment.cohort.ends_on < today else result.upcoming).append(enrolment)
        elif status == Status.OFFERED:
            # An offer cannot be accepted once the cohort has started (the beat task lapses it soon after).
            started = enrolment.cohort.starts_on <= today
            (result.ended if started else result.offered).append(enrolment)
        elif status == Status.WAITING:
            # Once the cohort has started its waiting list is closed: the entry is history, not a hope.
            started = enrolment.cohort.starts_on <= today
            (result.ended if started else result.waiting).append(enrolment)
        elif status == Status.AWAITING_APPROVAL:
            started = enrolment.cohort.starts_on <= today
            (result.ended if started else result.awaiting_approval).append(enrolment)
        else:
            result.ended.append(enrolment)
    result.ended.sort(key=lambda e: e.updated_at, reverse=True)
    return result


# --- approvals ---------------------------------------------------------------------------------------


def approvals_pending(*, user: User, today: datetime.date | None = None) -> QuerySet[Enrolment]:
    """Requests this user decides: those sent to them, and for academy admins every open request. A request
    for a cohort that has started can no longer be approved (enrolment_decide refuses it, and My learning
    shows it closed), so it is left out."""
    today = today or timezone.localdate()
    qs = Enrolment.objects.filter(
        status=Status.AWAITING_APPROVAL, cohort__starts_on__gt=today
    ).select_related(
        "person__organisation", "person__staff_group", "person__band", "cohort__programme", "approver"
    )
    if not user.has_perm("programmes.manage_programmes"):
        qs = qs.filter(approver=user)
    return qs.order_by("created_at", "pk")


# --- the lead's cohort pages -------------------------------------------------------------------------


def cohorts_managed_by(*, user: User) -> QuerySet[Cohort]:
    qs = cohorts_with_places(Cohort.objects.select_related("programme"))
    if user.has_perm("programmes.manage_programmes"):
        return qs.order_by("-starts_on", "pk")
    return qs.filter(programme__lead=user).order_by("-starts_on", "pk")


def cohort_people(*, cohort: Cohort) -> QuerySet[Enrolment]:
    """Everyone in a cohort, in the order a lead reads them: places, offers, requests, the waiting list
    in queue order, then those who left."""
    from django.db.models import Case, When

    order = Case(
        When(status=Status.CONFIRMED, then=0),
        When(status=Status.OFFERED, then=1),
        When(status=Status.AWAITING_APPROVAL, then=2),
        When(status=Status.WAITING, then=3),
        default=4,
    )
    return (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("cohort", "person__organisation", "person__staff_group", "person__band")
        .annotate(position=_waiting_position(), status_order=order)
        .order_by("status_order", "queue_number", "created_at", "pk")
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
        Enrolment.objects.filter(person=person, moved_to__isnull=True)
        .filter(
            Q(status=Enrolment.Status.CONFIRMED)
            | Q(status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False)
        )
        .exclude(cohort__status=Cohort.Status.CANCELLED)
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
    """The rate of the shown (rounded) counts; from the exact ones it would pin them (see suppress_rate)."""
    rate = suppress_rate(completed, enrolled)
    if rate is None:
        return ""
    if rate == SUPPRESSED:
        return SUPPRESSED
    return f"{Decimal(rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def reach_rows(counts: Iterable[tuple[str, int, int]]) -> list[ReachRow]:
    """Suppress (label, enrolled, completed) counts for showing on screen, in exports and in PDFs.

    The raw counts never leave this function: 1 to 7 becomes "*", 0 stays 0, anything else is rounded to
    the nearest 5, and a rate is only shown when neither of its counts is suppressed, and then from the
    rounded counts.
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
    distribution: list[tuple[int, int]]  # (rating, count) for 1..5; empty when not shown

    @property
    def shown(self) -> bool:
        # Questions can be left unanswered, so a cohort with enough responses can still have a question
        # that only one or two people rated: their ratings are not shown either.
        return self.answered >= MIN_RESPONSES


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


def _question_result(question: SurveyQuestion, dist: dict[int, int]) -> QuestionResult:
    """One question's ratings; the average and the counts only once MIN_RESPONSES people answered it."""
    answered = sum(dist.values())
    if answered < MIN_RESPONSES:
        return QuestionResult(question=question, answered=answered, mean=None, distribution=[])
    return QuestionResult(
        question=question,
        answered=answered,
        mean=_mean(sum(r * n for r, n in dist.items()), answered),
        distribution=[(r, dist.get(r, 0)) for r in range(1, 6)],
    )


def _question_results(dist_by_question: dict[int, dict[int, int]]) -> list[QuestionResult]:
    questions = SurveyQuestion.objects.filter(pk__in=dist_by_question).order_by("survey", "order", "pk")
    return [_question_result(question, dist_by_question[question.pk]) for question in questions]


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
        .order_by()
    )
    by_question: dict[int, dict[int, int]] = {}
    for row in answers:
        by_question.setdefault(row["question"], {})[row["rating"]] = row["n"]
    return SurveyResults(label=label, responses=count, questions=_question_results(by_question))


def programme_cohort_results(*, programme: Programme, kind: str) -> list[SurveyResults]:
    """Per-cohort results in a fixed number of queries; a cohort under MIN_RESPONSES shows nothing."""
    cohorts = list(programme.cohorts.order_by("-starts_on", "-pk"))
    counts = dict(
        SurveyResponse.objects.filter(
            invitation__enrolment__cohort__programme=programme, invitation__kind=kind
        )
        .values_list("invitation__enrolment__cohort")
        .annotate(n=Count("pk"))
        .order_by()
    )
    shown = [c.pk for c in cohorts if counts.get(c.pk, 0) >= MIN_RESPONSES]
    by_cohort: dict[int, dict[int, dict[int, int]]] = {}
    if shown:
        rows = (
            SurveyAnswer.objects.filter(
                response__invitation__enrolment__cohort__in=shown,
                response__invitation__kind=kind,
                rating__isnull=False,
            )
            .values("response__invitation__enrolment__cohort", "question", "rating")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            cohort_dist = by_cohort.setdefault(row["response__invitation__enrolment__cohort"], {})
            cohort_dist.setdefault(row["question"], {})[row["rating"]] = row["n"]
    all_questions = {q for dist in by_cohort.values() for q in dist}
    questions_by_pk = SurveyQuestion.objects.in_bulk(all_questions)
    out = []
    for cohort in cohorts:
        n = counts.get(cohort.pk, 0)
        questions = []
        if n >= MIN_RESPONSES:
            questions = [
                _question_result(questions_by_pk[pk], dist)
                for pk, dist in by_cohort.get(cohort.pk, {}).items()
            ]
            questions.sort(key=lambda r: (r.question.survey_id, r.question.order, r.question.pk))
        out.append(SurveyResults(label=cohort.name, responses=n, questions=questions))
    return out


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
    # Why a rating is not shown: too few responses, or responses but no overall rating to average.
    rating_note: str = ""
    follow_up_note: str = ""

    # What pages show: counts of people go through small-number suppression (a programme's totals sit beside
    # the suppressed reach breakdowns, so exact small totals would let a suppressed cell be worked back).
    @property
    def shown_enrolled(self) -> int | str:
        return suppress_count(self.enrolled)

    @property
    def shown_completed(self) -> int | str:
        return suppress_count(self.completed)

    @property
    def shown_decided(self) -> int | str:
        return suppress_count(self.decided)

    @property
    def shown_completion_rate(self) -> str:
        """Empty before anyone has finished, "*" when built from a suppressed count, else the percentage of
        the shown (rounded) counts, as in the reach tables: no exact rate for anyone, admins included."""
        return _rate_text(self.completed, self.decided)


def programme_figures(*, programme: Programme) -> ProgrammeFigures:
    """Live figures beside the case study, in two queries: whole-programme totals, and ratings (from the
    cohorts with at least MIN_RESPONSES responses each)."""
    held_place = Q(status=Enrolment.Status.CONFIRMED) | Q(
        status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False
    )
    totals = (
        Enrolment.objects.filter(cohort__programme=programme, moved_to__isnull=True)
        .exclude(cohort__status=Cohort.Status.CANCELLED)
        .aggregate(
            enrolled=Count("pk", filter=held_place),
            completed=Count("pk", filter=Q(completion__status=Completion.Status.COMPLETED)),
            decided=Count(
                "pk",
                filter=Q(completion__isnull=False) & ~Q(completion__status=Completion.Status.IN_PROGRESS),
            ),
        )
    )
    # Ratings come only from cohorts whose own results are shown (MIN_RESPONSES answers or more): a
    # programme figure that also took in a smaller cohort would let anyone who sees both work out what
    # those few people said.
    overall = Q(answers__question__is_overall_rating=True, answers__rating__isnull=False)
    per_cohort = (
        SurveyResponse.objects.filter(invitation__enrolment__cohort__programme=programme)
        .values("invitation__kind", "invitation__enrolment__cohort")
        .annotate(
            responses=Count("pk", distinct=True),
            total=Sum("answers__rating", filter=overall),
            answers=Count("answers", filter=overall),
        )
        .order_by()
    )
    sums = {kind: [0, 0, 0] for kind in ("completion", "follow_up")}
    shown_cohorts: dict[str, list[int]] = {kind: [] for kind in sums}
    for row in per_cohort:
        if row["responses"] >= MIN_RESPONSES and row["invitation__kind"] in sums:
            kind_sums = sums[row["invitation__kind"]]
            kind_sums[0] += row["responses"]
            kind_sums[1] += row["total"] or 0
            kind_sums[2] += row["answers"]
            shown_cohorts[row["invitation__kind"]].append(row["invitation__enrolment__cohort"])

    def rating(kind: str) -> Decimal | None:
        responses, total, answers = sums[kind]
        return _mean(total, answers) if responses >= MIN_RESPONSES and answers >= MIN_RESPONSES else None

    def note(kind: str) -> str:
        responses, _total, answers = sums[kind]
        if responses < MIN_RESPONSES:
            return f"Shown from {MIN_RESPONSES} responses"
        if answers >= MIN_RESPONSES:
            return ""
        if answers:
            return f"Shown once {MIN_RESPONSES} people have answered the overall rating question"
        # Enough responses but nothing to average: say which, rather than "shown from 5 responses". Only
        # asked in this case, so the page's query count does not grow with the data.
        asked = SurveyQuestion.objects.filter(
            is_overall_rating=True,
            survey__invitations__kind=kind,
            survey__invitations__enrolment__cohort__in=shown_cohorts[kind],
            survey__invitations__response__isnull=False,
        ).exists()
        return "No answers to the overall rating question yet" if asked else "No overall rating question"

    return ProgrammeFigures(
        enrolled=totals["enrolled"],
        completed=totals["completed"],
        decided=totals["decided"],
        average_rating=rating("completion"),
        rating_responses=sums["completion"][0],
        follow_up_responses=sums["follow_up"][0],
        follow_up_rating=rating("follow_up"),
        rating_note=note("completion"),
        follow_up_note=note("follow_up"),
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
    """Enrolments that held a place, by the programme's workstream and pillar and the cohort's start.

    A person a lead moved to another cohort counts once, in the cohort they were moved to.
    """
    qs = Enrolment.objects.filter(
        Q(status=Enrolment.Status.CONFIRMED)
        | Q(status=Enrolment.Status.WITHDRAWN, confirmed_at__isnull=False),
        moved_to__isnull=True,
    ).exclude(cohort__status=Cohort.Status.CANCELLED)
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


def reach_headlines() -> list[tuple[str, str]] | None:
    """The board's headline figures on who the programmes reach, as (label, value) pairs, suppressed; None
    until anyone has enrolled. Built on reach_enrolments, so the places and completions equal the reach
    page's "All" row (moved people once, cancelled cohorts left out). One query."""
    held = Q(pk__in=reach_enrolments().values("pk"))
    totals = Enrolment.objects.aggregate(
        any=Count("pk"),
        people=Count("person", filter=held, distinct=True),
        places=Count("pk", filter=held),
        completed=Count("pk", filter=held & Q(completion__status=Completion.Status.COMPLETED)),
        programmes=Count("cohort__programme", filter=held, distinct=True),
        waiting=Count("pk", filter=Q(status=Enrolment.Status.WAITING)),
    )
    if not totals["any"]:
        return None
    (total,) = reach_rows([("All", totals["places"], totals["completed"])])
    return [
        ("People who held a place", str(suppress_count(totals["people"]))),
        ("Places held (enrolled)", str(total.enrolled)),
        ("Completed", str(total.completed)),
        ("On waiting lists now", str(suppress_count(totals["waiting"]))),
        ("Programmes with people enrolled", str(totals["programmes"])),
    ]


def surveys_waiting_for(*, person: User, today: datetime.date | None = None) -> QuerySet[SurveyInvitation]:
    today = today or timezone.localdate()
    return SurveyInvitation.objects.filter(
        enrolment__person=person, responded_at__isnull=True, due_on__lte=today
    ).select_related("survey", "enrolment__cohort__programme")
