"""Writes for cohorts, sessions and enrolments.

Every change to who holds a place in a cohort happens inside one transaction that first locks the cohort
row (`SELECT ... FOR UPDATE`), then counts and writes. So confirmed places never exceed capacity and the
waiting list keeps strict arrival order whatever the concurrency. The lock is a parameter (`lock=`) only so
that the concurrency test can show, with `cohort_fetch_unlocked`, the race the lock prevents.

Emails are `Notification` rows created here and sent by a Celery task after the transaction commits; the
row's unique key makes replays and re-runs send nothing twice.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from workforce.history import history_restore
from workforce.models import User
from workforce.ordering import move_in_order
from workforce.pdf import render_pdf
from workforce.roles import Role

from .models import (
    Attendance,
    Certificate,
    Cohort,
    Completion,
    CompletionRule,
    Enrolment,
    ExternalLearning,
    Notification,
    Programme,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    offer_deadline,
)
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
        return _request_approval(cohort, enrolment)
    return _take_place_or_queue(cohort, enrolment, now=now)


def _request_approval(cohort: Cohort, enrolment: Enrolment) -> Enrolment:
    """Save the enrolment as a request for the person's line manager (else the programme lead) to decide,
    and tell both."""
    enrolment.status = Status.AWAITING_APPROVAL
    enrolment.approver = enrolment.person.line_manager or cohort.programme.lead
    enrolment.save()
    _notify(enrolment, Kind.APPROVAL_REQUESTED)  # to the person: your request has gone to ...
    # Nobody named to decide (no line manager, no programme lead): the academy admins, who see every
    # request on their To approve page, are told instead, so a request is never left unseen.
    deciders = [enrolment.approver] if enrolment.approver is not None else _academy_admins()
    for decider in deciders:
        _notify(
            enrolment,
            Kind.APPROVAL_REQUESTED,
            recipient=decider,
            key=f"approval_requested:{enrolment.pk}:approver:{decider.pk}",
        )
    return enrolment


def _academy_admins() -> list[User]:
    return list(User.objects.filter(groups__name=Role.ACADEMY_ADMIN, is_active=True).distinct())


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
    if enrolment.status == Status.OFFERED and enrolment.cohort.has_started(today=timezone.localdate(now)):
        # Offers made before the deadline was capped at the start may still run past it.
        raise ValidationError(
            "This cohort has already started, so the place offered to you can no longer be accepted."
        )
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
    _notify(enrolment, Kind.OFFER_DECLINED)
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
    the end of its waiting list. Their old place goes to the next person in the old cohort. A request
    still awaiting approval, or a move into a cohort that needs approval, becomes a request there: a move
    never skips the approval."""
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
    needs_approval = enrolment.status == Status.AWAITING_APPROVAL or target.approval_required
    enrolment.status = Status.WITHDRAWN
    enrolment.withdrawn_at = now
    enrolment.offer_expires_at = None
    enrolment.decided_by = moved_by
    enrolment.decision_reason = f"Moved to {target.name} by {moved_by.display_name}."
    enrolment.cohort = source
    enrolment.save()
    _notify(enrolment, Kind.MOVED)
    if held_place:
        _fill_places(source, now=now)
    moved = Enrolment(cohort=target, person=enrolment.person, created_at=now)
    if needs_approval:
        moved = _request_approval(target, moved)
    else:
        moved = _take_place_or_queue(target, moved, now=now)
    # The old row records the move, so reach and the figures count the person once (in the new cohort).
    enrolment.moved_to = moved
    enrolment.save(update_fields=["moved_to", "updated_at"])
    return moved


@transaction.atomic
def cohort_save(*, cohort: Cohort, now: datetime.datetime | None = None) -> Cohort:
    """Create or update a cohort (from a validated form). Capacity cannot drop below the places already
    held; extra capacity goes to the waiting list at once."""
    now = now or timezone.now()
    before = None
    if cohort.pk:
        before = cohort_fetch_locked(cohort.pk)
        taken = _places_taken(cohort)
        if cohort.capacity < taken:
            raise ValidationError(
                {"capacity": f"{taken} people already hold places; capacity cannot be lower than that."}
            )
    cohort.full_clean()
    cohort.save()
    if before is not None and (before.venue, before.online_link) != (cohort.venue, cohort.online_link):
        _cohort_place_changed(cohort, now=now)
    _fill_places(cohort, now=now)
    certificates_refresh_later(cohort_id=cohort.pk)  # its dates may have changed
    return cohort


@transaction.atomic
def cohort_restore(*, cohort: Cohort, history_id: int, user, now: datetime.datetime | None = None) -> Cohort:
    """Put a cohort back to an earlier version (from its history page) under the same rules as an edit:
    capacity never below the places held, extra capacity to the waiting list, a new venue or link sent to
    everyone's calendar. Cancelling stays a deliberate act of its own (people are told), so a version with
    another status is refused."""
    now = now or timezone.now()
    before = cohort_fetch_locked(cohort.pk)
    record = cohort.history.filter(history_id=history_id).first()
    if record is not None and record.status != before.status:
        raise ValidationError(
            f"That version is {record.get_status_display().lower()} and the cohort is now "
            f"{before.get_status_display().lower()}: restoring it cannot cancel or reopen the cohort."
        )
    restored = history_restore(obj=before, history_id=history_id, user=user)
    taken = _places_taken(restored)
    if restored.capacity < taken:
        raise ValidationError(
            f"That version has {restored.capacity} places, but {taken} people already hold places in the "
            "cohort. Change the capacity on the cohort's page instead."
        )
    if (before.venue, before.online_link) != (restored.venue, restored.online_link):
        _cohort_place_changed(restored, now=now)
    _fill_places(restored, now=now)
    certificates_refresh_later(cohort_id=restored.pk)
    return restored


def _cohort_place_changed(cohort: Cohort, *, now: datetime.datetime) -> None:
    """The cohort's venue or online link changed: every calendar event takes its location (when the session
    names no place of its own) and the link from the cohort, so each scheduled session's SEQUENCE rises and
    everyone with a place gets one updated invite (same UIDs) listing every session."""
    if cohort.ends_on < timezone.localdate(now):
        return
    sessions = list(cohort.sessions.filter(status=Session.Status.SCHEDULED))
    if not sessions:
        return
    for session in sessions:
        session.sequence += 1
        session.save(update_fields=["sequence"])
    change = max(s.sequence for s in sessions)
    for enrolment in _confirmed(cohort):
        _notify(
            enrolment,
            Kind.SESSION_CHANGED,
            key=f"cohort_place_changed:{cohort.pk}:{now.isoformat()}:{change}:{enrolment.pk}",
        )


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


def session_cancel_refusal(*, session: Session, today: datetime.date | None = None) -> str:
    """Why this session cannot be cancelled, or "" when it can. A session that has happened stays in the
    record (its attendance counts towards completion), so only today's and later sessions are cancelled."""
    today = today or timezone.localdate()
    if session.status == Session.Status.CANCELLED:
        return "This session is already cancelled."
    if session.date < today:
        return (
            f"This session was on {session.date:%-d %B %Y}, so it cannot be cancelled: "
            "only today's and later sessions can be."
        )
    return ""


@transaction.atomic
def session_cancel(*, session: Session, reason: str, today: datetime.date | None = None) -> Session:
    """Cancel a session: everyone with a place gets a METHOD:CANCEL for it, and an email with the reason.
    Cancelling twice sends once; a session whose date has passed is refused."""
    session = Session.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return session
    if refusal := session_cancel_refusal(session=session, today=today):
        raise ValidationError(refusal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason; everyone with a place is told it."})
    session.status = Session.Status.CANCELLED
    session.cancellation_reason = reason
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
        _notify(enrolment, Kind.COHORT_CANCELLED)
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


# --- Admin editing of workstreams and programmes ---------------------------------------------------
from django.db import transaction  # noqa: E402

from .models import Workstream  # noqa: E402


@transaction.atomic
def workstream_save(*, workstream: Workstream, user) -> Workstream:
    """Create or update a workstream from a validated form instance; new ones go to the end of the order."""
    if workstream.pk is None:
        last = Workstream.objects.aggregate(m=models.Max("order"))["m"]
        workstream.order = 0 if last is None else last + 1
    workstream._history_user = user
    workstream.full_clean()
    workstream.save()
    return workstream


@transaction.atomic
def workstream_set_archived(*, workstream: Workstream, user, archived: bool) -> Workstream:
    """Archive, never delete: its programmes keep pointing at it. A workstream with live programmes stays."""
    if archived and workstream.programmes.exclude(status=Programme.Status.ARCHIVED).exists():
        raise ValidationError(
            "This workstream still has programmes that are not archived. Move or archive them first."
        )
    workstream.is_archived = archived
    workstream._history_user = user
    workstream.save(update_fields=["is_archived"])
    return workstream


# Archiving a workstream has its own rule (no live programmes), so a restore leaves it as it is.
WORKSTREAM_RESTORE_KEEPS = ("is_archived",)


@transaction.atomic
def workstream_restore(*, workstream: Workstream, history_id: int, user) -> Workstream:
    """Put a workstream back to an earlier version (from its history page): its name, web name and
    description. Whether it is archived stays as it is (archive or bring it back with its own buttons), and
    so does its place in the order."""
    return history_restore(obj=workstream, history_id=history_id, user=user, keep=WORKSTREAM_RESTORE_KEEPS)


@transaction.atomic
def workstream_move(*, workstream: Workstream, user, direction: str) -> Workstream:
    return move_in_order(
        workstream, queryset=Workstream.objects.order_by("order", "name"), user=user, direction=direction
    )


def _next_programme_order(workstream_id: int) -> int:
    last = Programme.objects.filter(workstream_id=workstream_id).aggregate(m=models.Max("order"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def programme_save(*, programme: Programme, user, audience: dict | None = None) -> Programme:
    """Create or update a programme from a validated form instance; ``audience`` sets its many-to-many
    audience fields (staff groups, bands, organisations) by name. A new programme, or one moved to another
    workstream, goes to the end of its workstream's order."""
    if programme.pk is None:
        programme.order = _next_programme_order(programme.workstream_id)
    else:
        before = Programme.objects.filter(pk=programme.pk).values_list("workstream_id", flat=True).first()
        if before != programme.workstream_id:
            programme.order = _next_programme_order(programme.workstream_id)
    programme.full_clean()
    creating = programme.pk is None
    # Save and set the audience without a version each, then save once: one recorded version per change,
    # with the audience links in it.
    programme.skip_history_when_saving = True
    try:
        if creating:
            programme.save()
        for name, values in (audience or {}).items():
            getattr(programme, name).set(values)
    finally:
        del programme.skip_history_when_saving
    programme._history_user = user
    programme.save()
    if creating:
        latest = programme.history.latest()
        programme.history.filter(history_id=latest.history_id).update(history_type="+")
    certificates_refresh_later(programme_id=programme.pk)  # its title or CPD hours may have changed
    return programme


# Publishing, archiving and bringing back are deliberate steps of their own (an archived programme comes back
# as a draft, to be checked before it is published), so a restore leaves the status as it is.
PROGRAMME_RESTORE_KEEPS = ("status",)


@transaction.atomic
def programme_restore(*, programme: Programme, history_id: int, user) -> Programme:
    """Put a programme back to an earlier version (from its history page) under the rules of an edit: its
    status stays as it is; a version in another workstream goes to the end of that workstream's order, and
    never into an archived workstream unless the programme is archived too. Certificates are re-issued
    when the title or CPD hours change."""
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    record = current.history.filter(history_id=history_id).first()
    if record is not None and record.workstream_id != current.workstream_id:
        workstream = Workstream.objects.filter(pk=record.workstream_id).first()
        if workstream is None:
            raise ValidationError("That version's workstream no longer exists; choose a later version.")
        if workstream.is_archived and current.status != Programme.Status.ARCHIVED:
            raise ValidationError(
                f"That version is in the workstream {workstream.name}, which is archived. Bring the "
                "workstream back first, or move the programme on its edit page."
            )
        # Saved with the restore's own version: no version of its own.
        Programme.objects.filter(pk=current.pk).update(order=_next_programme_order(workstream.pk))
    restored = history_restore(obj=current, history_id=history_id, user=user, keep=PROGRAMME_RESTORE_KEEPS)
    certificates_refresh_later(programme_id=restored.pk)  # its title or CPD hours may have changed
    return restored


@transaction.atomic
def programme_move(*, programme: Programme, user, direction: str) -> Programme:
    """Move a programme up or down within its workstream."""
    siblings = Programme.objects.filter(workstream=programme.workstream_id).order_by("order", "title", "pk")
    return move_in_order(
        programme,
        queryset=siblings,
        user=user,
        direction=direction,
        update_fields=("order", "updated_at"),
    )


@transaction.atomic
def programme_set_archived(*, programme: Programme, user, archived: bool) -> Programme:
    """Archive (status "archived"), never delete: enrolments, objectives and history keep pointing at it.
    Bringing it back makes it a draft, so an admin checks it before it is published again."""
    programme.status = Programme.Status.ARCHIVED if archived else Programme.Status.DRAFT
    programme._history_user = user
    programme.save(update_fields=["status", "updated_at"])
    return programme


# --- Learning done elsewhere --------------------------------------------------------------------------------


def _external_learning_check(*, completed_on: datetime.date, cpd_hours: Decimal) -> None:
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date completed must be today or in the past"})
    if cpd_hours < 0 or cpd_hours > 1000:
        raise ValidationError({"cpd_hours": "CPD hours must be between 0 and 1000"})


@transaction.atomic
def external_learning_create(
    *, person: User, title: str, completed_on: datetime.date, cpd_hours: Decimal, evidence_note: str = ""
) -> ExternalLearning:
    _external_learning_check(completed_on=completed_on, cpd_hours=cpd_hours)
    entry = ExternalLearning(
        person=person,
        title=title.strip(),
        completed_on=completed_on,
        cpd_hours=cpd_hours,
        evidence_note=evidence_note.strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def external_learning_update(
    *,
    entry: ExternalLearning,
    title: str,
    completed_on: datetime.date,
    cpd_hours: Decimal,
    evidence_note: str = "",
) -> ExternalLearning:
    _external_learning_check(completed_on=completed_on, cpd_hours=cpd_hours)
    entry.title = title.strip()
    entry.completed_on = completed_on
    entry.cpd_hours = cpd_hours
    entry.evidence_note = evidence_note.strip()
    entry.full_clean()
    entry.save()
    return entry


def external_learning_delete(*, entry: ExternalLearning) -> None:
    entry.delete()


# --- Programme outcomes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_outcome_update(*, programme: Programme, updated_by: User, **elements: str) -> ProgrammeOutcome:
    """Save the five evaluation elements (challenge, approach, enablers, learning, results)."""
    unknown = set(elements) - set(ProgrammeOutcome.ELEMENTS)
    if unknown:
        raise ValidationError(f"Unknown outcome element: {', '.join(sorted(unknown))}.")
    outcome = ProgrammeOutcome.objects.select_for_update().filter(programme=programme).first()
    outcome = outcome or ProgrammeOutcome(programme=programme)
    for name, value in elements.items():
        setattr(outcome, name, (value or "").strip())
    outcome.updated_by = updated_by
    outcome.full_clean()
    outcome.save()
    return outcome


# --- Attendance and completion --------------------------------------------------------------------------

FINAL_STATUSES = (
    Completion.Status.COMPLETED,
    Completion.Status.NOT_COMPLETED,
    Completion.Status.DID_NOT_ATTEND,
    Completion.Status.WITHDRAWN,
)


def session_roster(*, session: Session) -> QuerySet[Enrolment]:
    """The people whose attendance the lead marks: everyone with a confirmed place in the cohort."""
    return (
        Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.CONFIRMED)
        .select_related("person", "person__organisation")
        .order_by("person__last_name", "person__first_name", "pk")
    )


@transaction.atomic
def attendance_mark(
    *, session: Session, marks: dict[int, str], marked_by: User, today: datetime.date | None = None
) -> int:
    """Record present / absent / excused for enrolments in the session's cohort; returns how many changed.

    Completion is recomputed for every person whose attendance changed.
    """
    today = today or timezone.localdate()
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled, so there is no attendance to mark.")
    if session.date > today:
        raise ValidationError(
            f"This session is on {session.date:%-d %B %Y}. You can mark attendance from that day."
        )
    valid = set(Attendance.Status.values)
    bad = sorted({status for status in marks.values() if status not in valid})
    if bad:
        raise ValidationError(f"Choose present, absent or excused (not {', '.join(bad)}).")
    roster = {e.pk: e for e in session_roster(session=session)}
    unknown = set(marks) - set(roster)
    if unknown:
        raise ValidationError("Some people are not in this cohort any more; reload the page and try again.")
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session, enrolment_id__in=marks)}
    changed = []
    now = timezone.now()
    for enrolment_id, status in marks.items():
        record = existing.get(enrolment_id)
        if record is None:
            Attendance.objects.create(
                session=session, enrolment_id=enrolment_id, status=status, marked_by=marked_by, marked_at=now
            )
        elif record.status != status:
            record.status, record.marked_by, record.marked_at = status, marked_by, now
            record.save(update_fields=["status", "marked_by", "marked_at"])
        else:
            continue
        changed.append(roster[enrolment_id])
    for enrolment in changed:
        completion_recompute(enrolment=enrolment, today=today)
    return len(changed)


@dataclass(frozen=True)
class MarkNotSaved:
    name: str
    reason: str


@dataclass(frozen=True)
class AttendancePageResult:
    changed: int
    not_saved: list[MarkNotSaved]


@transaction.atomic
def attendance_mark_from_page(
    *, session: Session, marks: dict[int, str], marked_by: User, today: datetime.date | None = None
) -> AttendancePageResult:
    """Save the marks the attendance page posted for the people still on the list.

    Someone moved or withdrawn after the page loaded is left out, with the reason, instead of the whole
    submission being refused: that would throw away every other mark the lead had just set.
    """
    on_list = set(session_roster(session=session).values_list("pk", flat=True))
    stale_ids = set(marks) - on_list
    not_saved = []
    stale = (
        Enrolment.objects.filter(pk__in=stale_ids, cohort_id=session.cohort_id)
        .select_related("person", "moved_to__cohort")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    for enrolment in stale:
        if enrolment.moved_to_id:
            reason = f"moved to {enrolment.moved_to.cohort.name}"
        elif enrolment.status == Enrolment.Status.WITHDRAWN:
            reason = "withdrawn from this cohort"
        else:
            reason = "no longer has a confirmed place in this cohort"
        not_saved.append(MarkNotSaved(name=enrolment.person.display_name, reason=reason))
    # Not this cohort's at all (the page never lists such a row): nothing about them to name.
    strangers = len(stale_ids) - len(not_saved)
    if strangers:
        not_saved.append(
            MarkNotSaved(
                name=f"{strangers} {'person' if strangers == 1 else 'people'}",
                reason="not in this cohort",
            )
        )
    kept = {pk: status for pk, status in marks.items() if pk in on_list}
    changed = attendance_mark(session=session, marks=kept, marked_by=marked_by, today=today)
    return AttendancePageResult(changed=changed, not_saved=not_saved)


def attendance_mark_all_present(
    *, session: Session, marked_by: User, today: datetime.date | None = None
) -> int:
    """Mark present everyone not yet marked for the session. A mark the lead has already given (absent,
    excused) is a decision, so it is kept; change it person by person."""
    marked = Attendance.objects.filter(session=session).values("enrolment_id")
    unmarked = session_roster(session=session).exclude(pk__in=marked)
    marks = {e.pk: Attendance.Status.PRESENT for e in unmarked}
    return attendance_mark(session=session, marks=marks, marked_by=marked_by, today=today)


def completion_rule_for(programme: Programme) -> CompletionRule:
    """The programme's rule, or the default (75% of sessions, none named) when it has none."""
    rule = CompletionRule.objects.filter(programme=programme).first()
    return rule or CompletionRule(programme=programme)


def completion_evaluate(
    *, enrolment: Enrolment, rule: CompletionRule, today: datetime.date
) -> tuple[str, int, int, datetime.date | None]:
    """What the rule says for this enrolment: (status, sessions attended, sessions counted, completed on)."""
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return Completion.Status.WITHDRAWN, 0, 0, None
    cohort = enrolment.cohort
    sessions = [s for s in cohort.sessions.all() if s.status != Session.Status.CANCELLED]
    marks = {a.session_id: a.status for a in enrolment.attendance.all()}
    present = [s for s in sessions if marks.get(s.pk) == Attendance.Status.PRESENT]
    excused = [s for s in sessions if marks.get(s.pk) == Attendance.Status.EXCUSED]
    counted = len(sessions) - len(excused)
    all_marked = bool(sessions) and all(s.pk in marks for s in sessions)
    if not (all_marked or cohort.ends_on < today) or not sessions:
        return Completion.Status.IN_PROGRESS, len(present), counted, None
    if not present:
        return Completion.Status.DID_NOT_ATTEND, 0, counted, None
    share_met = counted > 0 and len(present) * 100 >= rule.min_attendance_percent * counted
    present_titles = {s.title.strip() for s in present}
    cohort_titles = {s.title.strip() for s in sessions}
    # A named session this cohort does not have cannot be required of it.
    required_met = all(t in present_titles for t in rule.required_titles if t in cohort_titles)
    if share_met and required_met:
        return Completion.Status.COMPLETED, len(present), counted, max(s.date for s in present)
    return Completion.Status.NOT_COMPLETED, len(present), counted, None


@transaction.atomic
def completion_recompute(*, enrolment: Enrolment, today: datetime.date | None = None) -> Completion | None:
    """Work out the enrolment's completion from its attendance and the programme's rule, and act on a change.

    Only enrolments that held a place have a completion (confirmed, or withdrawn after being confirmed).
    """
    today = today or timezone.localdate()
    enrolment = (
        Enrolment.objects.select_related("cohort__programme", "person")
        .prefetch_related("cohort__sessions", "attendance")
        .get(pk=enrolment.pk)
    )
    held_place = enrolment.status == Enrolment.Status.CONFIRMED or (
        enrolment.status == Enrolment.Status.WITHDRAWN
        and enrolment.confirmed_at is not None
        and enrolment.moved_to_id is None  # moved to another cohort: the new enrolment has the completion
    )
    completion = Completion.objects.select_for_update().filter(enrolment=enrolment).first()
    if not held_place and completion is None:
        return None
    rule = completion_rule_for(enrolment.cohort.programme)
    status, attended, counted, completed_on = completion_evaluate(enrolment=enrolment, rule=rule, today=today)
    if completion is None:
        completion = Completion(enrolment=enrolment)
    previous = completion.status if completion.pk else None
    completion.computed_status = status
    completion.sessions_attended, completion.sessions_counted = attended, counted
    completion.status = completion.override_status or status
    if completion.status == Completion.Status.COMPLETED:
        completion.completed_on = completed_on or _last_session_date(enrolment)
    else:
        completion.completed_on = None
    completion.save()
    _completion_changed(completion=completion, previous=previous)
    return completion


def _last_session_date(enrolment: Enrolment) -> datetime.date:
    dates = [s.date for s in enrolment.cohort.sessions.all() if s.status != Session.Status.CANCELLED]
    return max(dates) if dates else enrolment.cohort.ends_on


def cohort_completions_refresh(*, cohort: Cohort, today: datetime.date | None = None) -> int:
    """Recompute every completion in a cohort (after a rule change, a withdrawal, or when the cohort ends)."""
    enrolments = Enrolment.objects.filter(
        cohort=cohort, status__in=[Enrolment.Status.CONFIRMED, Enrolment.Status.WITHDRAWN]
    )
    return sum(1 for e in enrolments if completion_recompute(enrolment=e, today=today) is not None)


@transaction.atomic
def completion_override(
    *, completion: Completion, status: str, reason: str, overridden_by: User
) -> Completion:
    """A lead's decision that replaces the computed status; the reason is kept with the change history."""
    if status not in FINAL_STATUSES:
        raise ValidationError({"status": "Choose completed, not completed, did not attend or withdrawn"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for changing the completion status"})
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    previous = completion.status
    completion.override_status = status
    completion.override_reason = reason
    completion.overridden_by = overridden_by
    completion.overridden_at = timezone.now()
    completion.status = status
    if status == Completion.Status.COMPLETED:
        completion.completed_on = completion.completed_on or _last_session_date(completion.enrolment)
    else:
        completion.completed_on = None
    completion._change_reason = f"Override: {reason}"[:100]
    completion.save()
    _completion_changed(completion=completion, previous=previous)
    return completion


@transaction.atomic
def completion_override_clear(*, completion: Completion, cleared_by: User) -> Completion:
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    completion.override_status = ""
    completion.override_reason = ""
    completion.overridden_by = cleared_by
    completion.overridden_at = timezone.now()
    completion._change_reason = "Override removed"
    completion.save()
    return completion_recompute(enrolment=completion.enrolment)


def _completion_changed(*, completion: Completion, previous: str | None) -> None:
    """Certificates and surveys follow the status that counts."""
    if completion.status == Completion.Status.COMPLETED:
        certificate_request(completion=completion)
        survey_invitations_create(completion=completion)
    elif previous == Completion.Status.COMPLETED:
        Certificate.objects.filter(completion=completion).update(status=Certificate.Status.REVOKED)
        SurveyInvitation.objects.filter(enrolment_id=completion.enrolment_id, sent_at__isnull=True).delete()


# --- Certificates ---------------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and retyped


def certificate_code_new() -> str:
    """A random code of 12 symbols (60 bits), shown as XXXX-XXXX-XXXX; too many to guess or enumerate."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificate_code_normalise(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificate_details(completion: Completion) -> dict:
    enrolment = completion.enrolment
    cohort, person = enrolment.cohort, enrolment.person
    programme = cohort.programme
    return {
        "name": person.get_full_name() or person.email,
        "programme": programme.title,
        "cohort": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "completed_on": completion.completed_on.isoformat() if completion.completed_on else "",
        "cpd_hours": str(programme.cpd_hours),
    }


def _details_hash(details: dict) -> str:
    return hashlib.sha256(json.dumps(details, sort_keys=True).encode()).hexdigest()


def certificate_request(*, completion: Completion) -> Certificate:
    """Make sure a completed enrolment has a current certificate; (re)generation runs in Celery on commit."""
    if completion.status != Completion.Status.COMPLETED:
        raise ValidationError("A certificate is only issued for a completed programme.")
    details = certificate_details(completion)
    digest = _details_hash(details)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(completion=completion).first()
        if certificate is None:
            certificate = Certificate(completion=completion, code=certificate_code_new())
        if certificate.details_hash == digest and certificate.status != Certificate.Status.REVOKED:
            return certificate
        certificate.details, certificate.details_hash = details, digest
        certificate.status = Certificate.Status.PENDING
        certificate.save()
        from .tasks import certificate_generate_task

        pk = certificate.pk
        transaction.on_commit(lambda: certificate_generate_task.delay(pk))
    return certificate


def certificate_render(*, certificate: Certificate) -> bytes:
    details = certificate.details
    html = render_to_string(
        "programmes/pdf/certificate.html",
        {
            "details": details,
            "code": certificate.code,
            "starts_on": datetime.date.fromisoformat(details["starts_on"]),
            "ends_on": datetime.date.fromisoformat(details["ends_on"]),
            "completed_on": datetime.date.fromisoformat(details["completed_on"])
            if details["completed_on"]
            else None,
            "verify_url": settings.LLR_PORTAL_URL.rstrip("/") + reverse("programmes:certificate_verify"),
        },
    )
    return render_pdf(html)


def certificate_generate(*, certificate_id: int) -> Certificate | None:
    """Render the PDF if (and only if) it is not current: safe to run twice or after a crash."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status == Certificate.Status.REVOKED or certificate.is_current:
            return certificate
        pdf = certificate_render(certificate=certificate)
        old_name = certificate.file.name if certificate.file else ""
        certificate.file.save(
            f"{certificate.code}-v{certificate.version + 1}.pdf", ContentFile(pdf), save=False
        )
        certificate.file_hash = certificate.details_hash
        certificate.status = Certificate.Status.ISSUED
        certificate.issued_at = timezone.now()
        certificate.version += 1
        certificate.save()
        if old_name and old_name != certificate.file.name:
            storage = certificate.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return certificate


def _completed(*, person_id=None, programme_id=None, cohort_id=None) -> QuerySet[Completion]:
    """Completed enrolments, narrowed to one person, programme or cohort where given."""
    completions = Completion.objects.filter(status=Completion.Status.COMPLETED)
    if person_id is not None:
        completions = completions.filter(enrolment__person_id=person_id)
    if programme_id is not None:
        completions = completions.filter(enrolment__cohort__programme_id=programme_id)
    if cohort_id is not None:
        completions = completions.filter(enrolment__cohort_id=cohort_id)
    return completions


def certificates_refresh(
    *,
    person_id: int | None = None,
    programme_id: int | None = None,
    cohort_id: int | None = None,
    today: datetime.date | None = None,
) -> int:
    """Re-issue (same code) the certificates whose details changed: a name, a programme title, CPD hours,
    the cohort's dates. Queued when a person, programme or cohort is saved (only theirs are checked) and
    run nightly for all as a safety net. Returns how many were queued for re-issue."""
    completions = _completed(person_id=person_id, programme_id=programme_id, cohort_id=cohort_id)
    refreshed = 0
    for completion in completions.select_related(
        "enrolment__person", "enrolment__cohort__programme", "certificate"
    ):
        before = getattr(completion, "certificate", None)
        before_hash = before.details_hash if before else None
        if certificate_request(completion=completion).details_hash != before_hash:
            refreshed += 1
    return refreshed


def certificates_refresh_later(
    *, person_id: int | None = None, programme_id: int | None = None, cohort_id: int | None = None
) -> None:
    """After the current transaction commits, check (in Celery) the certificates of one person, programme
    or cohort whose details may have changed. Nothing is queued when they have no completions."""
    completions = _completed(person_id=person_id, programme_id=programme_id, cohort_id=cohort_id)
    if not completions.exists():
        return
    from .tasks import certificates_refresh_task

    kwargs = {"person_id": person_id, "programme_id": programme_id, "cohort_id": cohort_id}
    transaction.on_commit(lambda: certificates_refresh_task.delay(**kwargs), robust=True)


@dataclass(frozen=True)
class CertificateCheck:
    valid: bool
    name: str = ""
    programme: str = ""
    completed_on: datetime.date | None = None


def certificate_verify(*, code: str) -> CertificateCheck:
    """What the public page may say about a code: name, programme and date, and only for a valid one."""
    normalised = certificate_code_normalise(code)
    # A certificate being re-issued (a changed name, say) stays valid meanwhile: it was issued before.
    issued = models.Q(status=Certificate.Status.ISSUED) | models.Q(
        status=Certificate.Status.PENDING, version__gte=1
    )
    certificate = (
        Certificate.objects.filter(issued, code=normalised).select_related("completion").first()
        if normalised
        else None
    )
    if certificate is None or certificate.completion.status != Completion.Status.COMPLETED:
        return CertificateCheck(valid=False)
    details = certificate.details
    return CertificateCheck(
        valid=True,
        name=details["name"],
        programme=details["programme"],
        completed_on=datetime.date.fromisoformat(details["completed_on"])
        if details["completed_on"]
        else None,
    )


# --- Evaluation surveys ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def survey_for(*, programme: Programme, kind: str) -> Survey | None:
    """The programme's own survey of this kind, else the shared default (None if neither exists)."""
    surveys = {
        s.programme_id: s
        for s in Survey.objects.filter(kind=kind).filter(
            models.Q(programme=programme) | models.Q(programme__isnull=True)
        )
    }
    return surveys.get(programme.pk) or surveys.get(None)


def survey_invitations_create(*, completion: Completion) -> list[SurveyInvitation]:
    """Invite a participant who completed to the end-of-programme survey now and the follow-up later."""
    enrolment = completion.enrolment
    completed_on = completion.completed_on or timezone.localdate()
    invitations = []
    for kind in Survey.Kind.values:
        survey = survey_for(programme=enrolment.cohort.programme, kind=kind)
        if survey is None:
            continue
        due_on = (
            add_months(completed_on, survey.send_after_months)
            if kind == Survey.Kind.FOLLOW_UP
            else completed_on
        )
        invitation, _ = SurveyInvitation.objects.get_or_create(
            enrolment=enrolment, kind=kind, defaults={"survey": survey, "due_on": due_on}
        )
        invitations.append(invitation)
    transaction.on_commit(_enqueue_due_invitations)
    return invitations


def _enqueue_due_invitations():
    from .tasks import survey_invitations_send_due_task

    survey_invitations_send_due_task.delay()


def survey_invitations_send_due(*, today: datetime.date | None = None) -> int:
    """Email every invitation that is due and not yet sent; each is claimed in its own transaction."""
    today = today or timezone.localdate()
    sent = 0
    due = SurveyInvitation.objects.filter(sent_at__isnull=True, responded_at__isnull=True, due_on__lte=today)
    for invitation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            invitation = (
                SurveyInvitation.objects.select_for_update(skip_locked=True)
                .filter(pk=invitation_id, sent_at__isnull=True)
                .select_related("survey", "enrolment__person", "enrolment__cohort__programme")
                .first()
            )
            if invitation is None:
                continue
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
            _send_survey_email(invitation)
            sent += 1
    return sent


def _send_survey_email(invitation: SurveyInvitation) -> None:
    person = invitation.enrolment.person
    context = {
        "person": person,
        "invitation": invitation,
        "programme": invitation.enrolment.cohort.programme,
        "url": settings.LLR_PORTAL_URL.rstrip("/")
        + reverse("programmes:survey_answer", args=[invitation.pk]),
    }
    template = "follow_up" if invitation.kind == Survey.Kind.FOLLOW_UP else "completion"
    send_mail(
        subject=render_to_string(f"programmes/email/survey_{template}_subject.txt", context).strip(),
        message=render_to_string(f"programmes/email/survey_{template}.txt", context),
        html_message=render_to_string(f"programmes/email/survey_{template}.html", context),
        from_email=None,
        recipient_list=[person.email],
    )


@transaction.atomic
def survey_response_submit(
    *, invitation: SurveyInvitation, answers: dict[int, int | str | None]
) -> SurveyResponse:
    """Save a participant's answers once. ``answers`` maps question pk to a rating (1-5) or text."""
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.responded_at is not None:
        raise ValidationError("You have already answered this survey. Thank you.")
    if invitation.due_on > timezone.localdate():
        raise ValidationError(f"This survey opens on {invitation.due_on:%-d %B %Y}.")
    questions = {q.pk: q for q in invitation.survey.questions.all()}
    errors = {}
    cleaned = []
    for pk, question in questions.items():
        value = answers.get(pk)
        if value in (None, ""):
            if question.required:
                errors[f"question_{pk}"] = "Answer this question"
            continue
        if question.kind == SurveyQuestion.Kind.RATING:
            if not isinstance(value, int) or not 1 <= value <= 5:
                errors[f"question_{pk}"] = "Choose a rating from 1 to 5"
                continue
            cleaned.append(SurveyAnswer(question=question, rating=value))
        else:
            cleaned.append(SurveyAnswer(question=question, text=str(value).strip()[:4000]))
    if errors:
        raise ValidationError(errors)
    response = SurveyResponse.objects.create(invitation=invitation)
    for answer in cleaned:
        answer.response = response
    SurveyAnswer.objects.bulk_create(cleaned)
    invitation.responded_at = response.submitted_at
    invitation.save(update_fields=["responded_at"])
    return response


def completions_refresh_ended_cohorts(*, today: datetime.date | None = None, days: int = 14) -> int:
    today = today or timezone.localdate()
    cohorts = Cohort.objects.filter(ends_on__lt=today, ends_on__gte=today - datetime.timedelta(days=days))
    return sum(cohort_completions_refresh(cohort=cohort, today=today) for cohort in cohorts)


@transaction.atomic
def completion_rule_update(
    *, programme: Programme, min_attendance_percent: int, required_session_titles: str
) -> int:
    """Save the programme's completion rule and recheck every completion; returns how many were rechecked."""
    if not 0 <= min_attendance_percent <= 100:
        raise ValidationError({"min_attendance_percent": "Enter the minimum attendance, from 0 to 100"})
    rule, _ = CompletionRule.objects.get_or_create(programme=programme)
    rule.min_attendance_percent = min_attendance_percent
    rule.required_session_titles = "\n".join(
        line.strip() for line in required_session_titles.splitlines() if line.strip()
    )
    rule.full_clean()
    rule.save()
    return sum(cohort_completions_refresh(cohort=cohort) for cohort in programme.cohorts.all())


@transaction.atomic
def survey_customise(*, programme: Programme, kind: str) -> Survey:
    """Give the programme its own survey of this kind, starting as a copy of the shared default."""
    if kind not in Survey.Kind.values:
        raise ValidationError("Unknown survey.")
    existing = Survey.objects.filter(programme=programme, kind=kind).first()
    if existing:
        return existing
    default = Survey.objects.filter(programme__isnull=True, kind=kind).first()
    survey = Survey.objects.create(
        programme=programme,
        kind=kind,
        title=default.title if default else Survey.Kind(kind).label,
        introduction=default.introduction if default else "",
        send_after_months=default.send_after_months
        if default
        else (6 if kind == Survey.Kind.FOLLOW_UP else 0),
    )
    if default:
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                order=q.order,
                text=q.text,
                kind=q.kind,
                required=q.required,
                is_overall_rating=q.is_overall_rating,
            )
            for q in default.questions.all()
        )
    return survey


@transaction.atomic
def survey_default_create(*, kind: str) -> Survey:
    """The shared default survey of this kind (created empty, with its title, if there is none yet)."""
    if kind not in Survey.Kind.values:
        raise ValidationError("Unknown survey.")
    survey, _ = Survey.objects.get_or_create(
        programme=None,
        kind=kind,
        defaults={
            "title": Survey.Kind(kind).label,
            "send_after_months": 6 if kind == Survey.Kind.FOLLOW_UP else 0,
        },
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    title: str,
    introduction: str = "",
    send_after_months: int | None = None,
    questions: list[dict],
) -> Survey:
    """Save a survey and its questions as the edit page submits them, in the order given.

    Each question is a dict of ``text``, ``kind``, ``required`` and ``is_overall_rating``, with ``pk`` for
    an existing question and ``delete`` to remove one; existing questions left out are kept, after the
    others. A question that already has answers keeps its type and cannot be removed (its answers would
    lose their meaning); its wording may change.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    existing = {q.pk: q for q in survey.questions.all()}
    if any(q.get("pk") is not None and q["pk"] not in existing for q in questions):
        raise ValidationError("A question on the page is not part of this survey any more; reload the page.")
    kept = [q for q in questions if not q.get("delete")]
    # Existing questions the list leaves out are kept as they are, after the others.
    mentioned = {q.get("pk") for q in questions}
    kept += [
        {
            "pk": pk,
            **{name: getattr(question, name) for name in ("text", "kind", "required", "is_overall_rating")},
        }
        for pk, question in sorted(existing.items(), key=lambda item: (item[1].order, item[0]))
        if pk not in mentioned
    ]
    survey_check_questions(questions=kept)
    answered = set(
        SurveyAnswer.objects.filter(question__survey=survey).values_list("question_id", flat=True).distinct()
    )
    for q in questions:
        question = existing.get(q.get("pk"))
        if question is None or question.pk not in answered:
            continue
        if q.get("delete"):
            raise ValidationError(
                f"“{question.text}” already has answers, so it cannot be removed; change its wording."
            )
        if q.get("kind") != question.kind:
            raise ValidationError(
                f"“{question.text}” already has answers, so its type of answer cannot be changed."
            )
    if survey.kind == Survey.Kind.FOLLOW_UP:
        if send_after_months is None or not 1 <= send_after_months <= 36:
            raise ValidationError({"send_after_months": "Enter a number of months from 1 to 36"})
        survey.send_after_months = send_after_months
    survey.title = (title or "").strip()
    survey.introduction = (introduction or "").strip()
    survey.full_clean()
    survey.save()
    removed = [q["pk"] for q in questions if q.get("delete") and q.get("pk") is not None]
    SurveyQuestion.objects.filter(survey=survey, pk__in=removed).delete()
    for order, q in enumerate(kept, start=1):
        question = existing.get(q.get("pk")) or SurveyQuestion(survey=survey)
        question.order = order
        question.text = (q.get("text") or "").strip()
        question.kind = q.get("kind")
        question.required = bool(q.get("required"))
        question.is_overall_rating = bool(q.get("is_overall_rating"))
        question.full_clean()
        question.save()
    return survey


def survey_check_questions(*, questions: list[dict]) -> None:
    """The rules for a survey's questions, as the edit page submits them (deleted ones left out)."""
    if not questions:
        raise ValidationError("A survey needs at least one question.")
    if sum(1 for q in questions if q.get("is_overall_rating")) > 1:
        raise ValidationError("Mark only one question as the overall rating.")
    for q in questions:
        if q.get("is_overall_rating") and q.get("kind") != SurveyQuestion.Kind.RATING:
            raise ValidationError("The overall rating must be a rating question.")
