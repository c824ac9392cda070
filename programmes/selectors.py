"""Reads for the catalogue, programme pages, My learning, approvals and the lead's cohort pages.

Pages built from these run a fixed number of queries however many programmes, cohorts or enrolments there
are (tests/perf asserts it): counts and positions are annotated in SQL, related rows are prefetched.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
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
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from workforce.models import Sector, User

from .models import Cohort, Enrolment, Programme, Session

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
        options.append(_cohort_option(cohort, mine.get(cohort.pk), eligibility, programme, now))
    return ProgrammePage(programme=programme, eligibility=eligibility, cohorts=options)


def _cohort_option(cohort, enrolment, eligibility, programme, now) -> CohortOption:
    if enrolment is not None:
        messages = {
            Status.CONFIRMED: "You have a place on this cohort.",
            Status.WAITING: f"You are number {enrolment.position} on the waiting list.",
            Status.OFFERED: "A place has been offered to you: accept it on your My learning page by "
            f"{timezone.localtime(enrolment.offer_expires_at):%-d %B %Y at %H:%M}.",
            Status.AWAITING_APPROVAL: "Your request is waiting for approval.",
        }
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
        return CohortOption(
            cohort, "request_place", "Places on this cohort need approval from your line manager."
        )
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
    ended: list[Enrolment]  # withdrawn, declined, expired


def enrolments_of(*, person: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person=person)
        .select_related("cohort__programme", "approver")
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
            result.offered.append(enrolment)
        elif status == Status.WAITING:
            result.waiting.append(enrolment)
        elif status == Status.AWAITING_APPROVAL:
            result.awaiting_approval.append(enrolment)
        else:
            result.ended.append(enrolment)
    result.ended.sort(key=lambda e: e.updated_at, reverse=True)
    return result


# --- approvals ---------------------------------------------------------------------------------------


def approvals_pending(*, user: User) -> QuerySet[Enrolment]:
    """Requests this user decides: those sent to them, and for academy admins every open request."""
    qs = Enrolment.objects.filter(status=Status.AWAITING_APPROVAL).select_related(
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
        .select_related("person__organisation", "person__staff_group", "person__band")
        .annotate(position=_waiting_position(), status_order=order)
        .order_by("status_order", "queue_number", "created_at", "pk")
    )
