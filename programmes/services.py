"""Writes for cohorts, sessions and enrolments.

Every change to who holds a place in a cohort happens inside one transaction that first locks the cohort
row (`SELECT ... FOR UPDATE`), then counts and writes. So confirmed places never exceed capacity and the
waiting list keeps strict arrival order whatever the concurrency. The lock is a parameter (`lock=`) only so
that the concurrency test can show, with `cohort_fetch_unlocked`, the race the lock prevents.

Emails are `Notification` rows created here and sent by a Celery task after the transaction commits; the
row's unique key makes replays and re-runs send nothing twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from workforce.models import User

from .models import Cohort, Enrolment, Notification, Session, offer_deadline
from .selectors import programme_eligibility

Status = Enrolment.Status
Kind = Notification.Kind

CohortFetch = Callable[[int], Cohort]


def cohort_fetch_locked(cohort_pk: int) -> Cohort:
    """The cohort row, locked until the end of the transaction (the default for every service)."""
    return Cohort.objects.select_for_update(of=("self",)).select_related("programme").get(pk=cohort_pk)


def cohort_fetch_unlocked(cohort_pk: int) -> Cohort:
    """No lock. Only for the concurrency test's control run, which shows what the lock prevents."""
    return Cohort.objects.select_related("programme").get(pk=cohort_pk)


# --- helpers (call only with the cohort locked) ------------------------------------------------------


def _places_taken(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.PLACE_STATUSES).count()


def _next_queue_number(cohort: Cohort) -> int:
    current = Enrolment.objects.filter(cohort=cohort).aggregate(m=Max("queue_number"))["m"]
    return (current or 0) + 1


def _notify(
    enrolment: Enrolment,
    kind: str,
    *,
    recipient: User | None = None,
    session: Session | None = None,
    key: str | None = None,
) -> Notification | None:
    """Record an email to send after commit; nothing if the same (recipient, key) was recorded before."""
    from .tasks import notification_send

    recipient = recipient or enrolment.person
    key = key or f"{kind}:{enrolment.pk}"
    notification, created = Notification.objects.get_or_create(
        recipient=recipient, key=key, defaults={"enrolment": enrolment, "kind": kind, "session": session}
    )
    if not created:
        return None
    # robust: if the broker is down the request still succeeds; notifications_resend_unsent picks it up.
    transaction.on_commit(lambda: notification_send.delay(notification.pk), robust=True)
    return notification


def notifications_resend_unsent(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)) -> int:
    """Queue again the emails whose task never ran (a broker outage at commit time). Sending is idempotent,
    so a notification queued twice is still sent once."""
    from .tasks import notification_send

    cutoff = timezone.now() - older_than
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in pending:
        notification_send.delay(pk)
    return len(pending)


def _take_place_or_queue(
    cohort: Cohort, enrolment: Enrolment, *, now: datetime.datetime, notify: bool = True
) -> Enrolment:
    """Confirm the enrolment if a place is free and nobody is queueing, otherwise put it on the list."""
    queueing = Enrolment.objects.filter(cohort=cohort, status=Status.WAITING).exists()
    if not queueing and _places_taken(cohort) < cohort.capacity:
        enrolment.status = Status.CONFIRMED
        enrolment.confirmed_at = now
    else:
        enrolment.status = Status.WAITING
        enrolment.queue_number = _next_queue_number(cohort)
    enrolment.save()
    if notify:
        _notify(enrolment, Kind.CONFIRMED if enrolment.status == Status.CONFIRMED else Kind.WAITING)
    return enrolment


def _fill_places(cohort: Cohort, *, now: datetime.datetime) -> list[Enrolment]:
    """Give free places to the waiting list in queue order: confirmed directly or offered for a time."""
    promoted = []
    free = cohort.capacity - _places_taken(cohort)
    if free <= 0 or cohort.status != Cohort.Status.SCHEDULED or cohort.has_started(today=now.date()):
        return promoted
    waiting = Enrolment.objects.filter(cohort=cohort, status=Status.WAITING).order_by("queue_number")[:free]
    for enrolment in waiting:
        if cohort.promotion == Cohort.Promotion.DIRECT:
            enrolment.status = Status.CONFIRMED
            enrolment.confirmed_at = now
            enrolment.save()
            _notify(enrolment, Kind.PROMOTED)
        else:
            enrolment.status = Status.OFFERED
            enrolment.offer_expires_at = offer_deadline(cohort, now=now)
            enrolment.save()
            _notify(enrolment, Kind.OFFERED)
        promoted.append(enrolment)
    return promoted


def _check_can_enrol(cohort: Cohort, person: User, *, now: datetime.datetime) -> None:
    programme = cohort.programme
    if programme.status != programme.Status.PUBLISHED:
        raise ValidationError("This programme is not open for enrolment.")
    if cohort.status != Cohort.Status.SCHEDULED:
        raise ValidationError("This cohort has been cancelled; choose another cohort.")
    if cohort.has_started(today=timezone.localdate(now)):
        raise ValidationError("This cohort has already started; choose a later cohort.")
    if cohort.enrolment_opens_at and now < cohort.enrolment_opens_at:
        opens = timezone.localtime(cohort.enrolment_opens_at)
        raise ValidationError(f"Enrolment for this cohort opens on {opens:%-d %B %Y at %H:%M}.")
    if cohort.enrolment_closes_at and now >= cohort.enrolment_closes_at:
        raise ValidationError("Enrolment for this cohort has closed; choose a later cohort.")
    eligibility = programme_eligibility(programme=programme, person=person)
    if not eligibility.ok:
        raise ValidationError(eligibility.reason)


# --- enrolment ---------------------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    cohort: Cohort,
    person: User,
    now: datetime.datetime | None = None,
    lock: CohortFetch = cohort_fetch_locked,
    after_lock: Callable[[Cohort], None] | None = None,
) -> Enrolment:
    """Enrol a person in a cohort: a confirmed place if one is free, otherwise a waiting-list entry; or a
    request for approval when the cohort needs one. Idempotent: if the person already has a live enrolment
    in the cohort (a double click, a replayed form), that enrolment is returned and nothing is written.

    `lock` fetches the cohort row (locked by default); `after_lock` is called with it before anything is
    read, so tests can widen the window in which an unlocked run would race.
    """
    now = now or timezone.now()
    cohort = lock(cohort.pk)
    if after_lock is not None:
        after_lock(cohort)
    existing = Enrolment.objects.filter(cohort=cohort, person=person, status__in=Enrolment.LIVE_STATUSES)
    if existing_enrolment := existing.first():
        return existing_enrolment
    _check_can_enrol(cohort, person, now=now)

    enrolment = Enrolment(cohort=cohort, person=person, created_at=now)
    if cohort.approval_required:
        enrolment.status = Status.AWAITING_APPROVAL
        enrolment.approver = person.line_manager or cohort.programme.lead
        enrolment.save()
        _notify(enrolment, Kind.APPROVAL_REQUESTED)  # to the person: your request has gone to ...
        if enrolment.approver is not None:
            _notify(
                enrolment,
                Kind.APPROVAL_REQUESTED,
                recipient=enrolment.approver,
                key=f"approval_requested:{enrolment.pk}:approver",
            )
        return enrolment
    return _take_place_or_queue(cohort, enrolment, now=now)


def _locked_enrolment(enrolment: Enrolment, lock: CohortFetch = cohort_fetch_locked) -> Enrolment:
    """Lock the enrolment's cohort, then re-read the enrolment (its status may have changed meanwhile)."""
    cohort = lock(enrolment.cohort_id)
    fresh = Enrolment.objects.select_related("person").get(pk=enrolment.pk)
    fresh.cohort = cohort
    return fresh


@transaction.atomic
def enrolment_withdraw(
    *, enrolment: Enrolment, withdrawn_by: User, now: datetime.datetime | None = None, reason: str = ""
) -> Enrolment:
    """Give up a place, a waiting-list entry, an offer or a request. Allowed until the cohort starts.
    A freed place goes to the next person on the waiting list. Withdrawing twice changes nothing."""
    now = now or timezone.now()
    enrolment = _locked_enrolment(enrolment)
    cohort = enrolment.cohort
    if enrolment.status not in Enrolment.LIVE_STATUSES:
        return enrolment
    if cohort.has_started(today=timezone.localdate(now)):
        raise ValidationError(
            "This cohort has already started, so you can no longer withdraw here; contact the programme lead."
        )
    held_place = enrolment.status in Enrolment.PLACE_STATUSES
    enrolment.status = Status.WITHDRAWN
    enrolment.withdrawn_at = now
    enrolment.offer_expires_at = None
    if reason:
        enrolment.decision_reason = reason
    if withdrawn_by.pk != enrolment.person_id:
        enrolment.decided_by = withdrawn_by
    enrolment.save()
    _notify(enrolment, Kind.WITHDRAWN)
    if held_place:
        _fill_places(cohort, now=now)
    return enrolment


@transaction.atomic
def enrolment_accept_offer(*, enrolment: Enrolment, now: datetime.datetime | None = None) -> Enrolment:
    now = now or timezone.now()
    enrolment = _locked_enrolment(enrolment)
    if enrolment.status == Status.CONFIRMED:
        return enrolment
    if enrolment.status != Status.OFFERED or enrolment.offer_expires_at <= now:
        raise ValidationError("This offer is no longer open; the place has passed to the next person.")
    enrolment.status = Status.CONFIRMED
    enrolment.confirmed_at = now
    enrolment.offer_expires_at = None
    enrolment.save()
    _notify(enrolment, Kind.CONFIRMED)
    return enrolment


@transaction.atomic
def enrolment_decline_offer(*, enrolment: Enrolment, now: datetime.datetime | None = None) -> Enrolment:
    now = now or timezone.now()
    enrolment = _locked_enrolment(enrolment)
    if enrolment.status != Status.OFFERED:
        return enrolment
    enrolment.status = Status.WITHDRAWN
    enrolment.withdrawn_at = now
    enrolment.offer_expires_at = None
    enrolment.decision_reason = "Offer declined."
    enrolment.save()
    _fill_places(enrolment.cohort, now=now)
    return enrolment


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Lapse offers past their deadline and pass each place on (the beat task). Idempotent: an offer is
    expired once, under its cohort's lock, and a re-run finds nothing left to do."""
    now = now or timezone.now()
    cohort_ids = set(
        Enrolment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "cohort_id", flat=True
        )
    )
    expired = 0
    for cohort_id in sorted(cohort_ids):
        with transaction.atomic():
            cohort = cohort_fetch_locked(cohort_id)
            for enrolment in Enrolment.objects.filter(
                cohort=cohort, status=Status.OFFERED, offer_expires_at__lte=now
            ):
                enrolment.status = Status.EXPIRED
                enrolment.save()
                _notify(enrolment, Kind.OFFER_EXPIRED)
                expired += 1
            _fill_places(cohort, now=now)
    return expired


# --- approvals ---------------------------------------------------------------------------------------


def user_may_decide(*, user: User, enrolment: Enrolment) -> bool:
    """The person's approver (line manager, or the programme lead when none) decides; academy admins
    may decide any request."""
    if user.pk == enrolment.person_id:
        return False
    return enrolment.approver_id == user.pk or user.has_perm("programmes.manage_programmes")


@transaction.atomic
def enrolment_decide(
    *,
    enrolment: Enrolment,
    decided_by: User,
    approve: bool,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Enrolment:
    """Approve (a place or a waiting-list position at this moment) or decline with a reason.
    Replaying the same decision changes nothing; a different one after the fact is refused."""
    now = now or timezone.now()
    enrolment = _locked_enrolment(enrolment)
    if not user_may_decide(user=decided_by, enrolment=enrolment):
        raise ValidationError("Only the person's line manager or the programme lead can decide this request.")
    if enrolment.status != Status.AWAITING_APPROVAL:
        if enrolment.decided_at and (enrolment.status != Status.DECLINED) == approve:
            return enrolment
        raise ValidationError("This request has already been decided or withdrawn.")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Give a reason so the person knows why their request was declined."})
    if approve and enrolment.cohort.has_started(today=timezone.localdate(now)):
        raise ValidationError("This cohort has already started, so the place can no longer be approved.")
    enrolment.decided_by = decided_by
    enrolment.decided_at = now
    enrolment.decision_reason = reason
    _notify(enrolment, Kind.APPROVAL_DECIDED)
    if not approve:
        enrolment.status = Status.DECLINED
        enrolment.save()
        return enrolment
    # One email tells the person the decision and the outcome (with the calendar file if they have a place).
    return _take_place_or_queue(enrolment.cohort, enrolment, now=now, notify=False)


# --- leads: move people, edit cohorts and sessions ---------------------------------------------------


def user_may_manage_cohort(*, user: User, cohort: Cohort) -> bool:
    if user.has_perm("programmes.manage_programmes"):
        return True
    return user.has_perm("programmes.lead_programmes") and cohort.programme.lead_id == user.pk


@transaction.atomic
def enrolment_move(
    *, enrolment: Enrolment, to_cohort: Cohort, moved_by: User, now: datetime.datetime | None = None
) -> Enrolment:
    """Move a person to another cohort of the same programme: a place there if one is free, otherwise
    the end of its waiting list. Their old place goes to the next person in the old cohort."""
    now = now or timezone.now()
    if to_cohort.pk == enrolment.cohort_id:
        raise ValidationError("Choose a different cohort.")
    # Lock both cohorts in a fixed order so that two moves in opposite directions cannot deadlock.
    locked = {pk: cohort_fetch_locked(pk) for pk in sorted([enrolment.cohort_id, to_cohort.pk])}
    source, target = locked[enrolment.cohort_id], locked[to_cohort.pk]
    enrolment = Enrolment.objects.select_related("person").get(pk=enrolment.pk)
    if target.programme_id != source.programme_id:
        raise ValidationError("People can only be moved between cohorts of the same programme.")
    if enrolment.status not in Enrolment.LIVE_STATUSES:
        raise ValidationError("This person no longer holds a place or a waiting-list entry here.")
    if target.status != Cohort.Status.SCHEDULED or target.has_started(today=timezone.localdate(now)):
        raise ValidationError("The chosen cohort has started or been cancelled.")
    if Enrolment.objects.filter(
        cohort=target, person=enrolment.person_id, status__in=Enrolment.LIVE_STATUSES
    ):
        raise ValidationError(f"{enrolment.person.display_name} is already enrolled in {target.name}.")
    held_place = enrolment.status in Enrolment.PLACE_STATUSES
    enrolment.status = Status.WITHDRAWN
    enrolment.withdrawn_at = now
    enrolment.offer_expires_at = None
    enrolment.decided_by = moved_by
    enrolment.decision_reason = f"Moved to {target.name} by {moved_by.display_name}."
    enrolment.cohort = source
    enrolment.save()
    _notify(enrolment, Kind.WITHDRAWN)
    if held_place:
        _fill_places(source, now=now)
    moved = Enrolment(cohort=target, person=enrolment.person, created_at=now)
    return _take_place_or_queue(target, moved, now=now)


@transaction.atomic
def cohort_save(*, cohort: Cohort, now: datetime.datetime | None = None) -> Cohort:
    """Create or update a cohort (from a validated form). Capacity cannot drop below the places already
    held; extra capacity goes to the waiting list at once."""
    now = now or timezone.now()
    if cohort.pk:
        cohort_fetch_locked(cohort.pk)
        taken = _places_taken(cohort)
        if cohort.capacity < taken:
            raise ValidationError(
                {"capacity": f"{taken} people already hold places; capacity cannot be lower than that."}
            )
    cohort.full_clean()
    cohort.save()
    _fill_places(cohort, now=now)
    return cohort


def _confirmed(cohort: Cohort):
    return Enrolment.objects.filter(cohort=cohort, status=Status.CONFIRMED).select_related("person")


SESSION_CALENDAR_FIELDS = ("title", "date", "starts_at", "ends_at", "place")


@transaction.atomic
def session_save(*, session: Session) -> Session:
    """Create or change a session. A change to its time or place raises the calendar SEQUENCE and sends
    everyone with a place an updated invite (same UID)."""
    session.full_clean()
    if session.pk is None:
        session.save()
        changed = True
    else:
        before = Session.objects.select_for_update().get(pk=session.pk)
        changed = any(getattr(before, f) != getattr(session, f) for f in SESSION_CALENDAR_FIELDS)
        if changed:
            session.sequence = before.sequence + 1
        session.save()
    if changed and session.status == Session.Status.SCHEDULED:
        for enrolment in _confirmed(session.cohort):
            _notify(
                enrolment,
                Kind.SESSION_CHANGED,
                session=session,
                key=f"session_changed:{session.pk}:{session.sequence}:{enrolment.pk}",
            )
    return session


@transaction.atomic
def session_cancel(*, session: Session) -> Session:
    """Cancel a session: everyone with a place gets a METHOD:CANCEL for it. Cancelling twice sends once."""
    session = Session.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return session
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save()
    for enrolment in _confirmed(session.cohort):
        _notify(
            enrolment,
            Kind.SESSION_CANCELLED,
            session=session,
            key=f"session_cancelled:{session.pk}:{enrolment.pk}",
        )
    return session


@transaction.atomic
def cohort_cancel(
    *, cohort: Cohort, cancelled_by: User, reason: str, now: datetime.datetime | None = None
) -> Cohort:
    """Cancel a whole cohort: every live enrolment is withdrawn with the reason, and everyone who held a
    place gets METHOD:CANCEL for every session. Cancelling twice changes nothing."""
    now = now or timezone.now()
    cohort = cohort_fetch_locked(cohort.pk)
    if cohort.status == Cohort.Status.CANCELLED:
        return cohort
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason; everyone enrolled is told it."})
    cohort.status = Cohort.Status.CANCELLED
    cohort.save()
    for enrolment in Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.LIVE_STATUSES):
        enrolment.status = Status.WITHDRAWN
        enrolment.withdrawn_at = now
        enrolment.offer_expires_at = None
        enrolment.decided_by = cancelled_by
        enrolment.decision_reason = f"The cohort was cancelled: {reason}"
        enrolment.save()
        _notify(enrolment, Kind.WITHDRAWN)
    return cohort


def session_reminders_send(*, today: datetime.date | None = None) -> int:
    """Queue a reminder to everyone with a place for each session tomorrow (the beat task). Each reminder
    is recorded once per person, session and date, so running this again sends nothing twice."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    sessions = Session.objects.filter(
        date=tomorrow, status=Session.Status.SCHEDULED, cohort__status=Cohort.Status.SCHEDULED
    ).select_related("cohort")
    queued = 0
    for session in sessions:
        with transaction.atomic():
            for enrolment in _confirmed(session.cohort):
                key = f"reminder:{session.pk}:{session.date.isoformat()}:{enrolment.pk}"
                if _notify(enrolment, Kind.REMINDER, session=session, key=key):
                    queued += 1
    return queued
