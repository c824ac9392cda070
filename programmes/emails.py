"""Emails about enrolments: plain text and HTML from templates/programmes/email/, with a calendar file
where the person's calendar should change."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .calendar import calendar_filename, enrolment_calendar
from .models import Enrolment, Notification, Session

Kind = Notification.Kind

SUBJECTS = {
    Kind.CONFIRMED: "Your place is confirmed: {programme}",
    Kind.WAITING: "You are on the waiting list: {programme}",
    Kind.OFFERED: "A place is offered to you: {programme}",
    Kind.PROMOTED: "You have a place from the waiting list: {programme}",
    Kind.OFFER_EXPIRED: "Your offer of a place has lapsed: {programme}",
    Kind.APPROVAL_REQUESTED: "Request for a place: {programme}",
    Kind.APPROVAL_DECIDED: "Your request has been decided: {programme}",
    Kind.WITHDRAWN: "You have withdrawn: {programme}",
    Kind.OFFER_DECLINED: "You have declined the place: {programme}",
    Kind.MOVED: "Your place has been moved to another cohort: {programme}",
    Kind.COHORT_CANCELLED: "Your cohort has been cancelled: {programme}",
    Kind.SESSION_CHANGED: "A session has changed: {programme}",
    Kind.SESSION_CANCELLED: "A session is cancelled: {programme}",
    Kind.REMINDER: "Reminder: {programme} tomorrow",
}


def portal_url(path: str) -> str:
    return getattr(settings, "LLR_PORTAL_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _calendar(notification: Notification) -> tuple[str, bytes] | None:
    """The calendar change this email carries, if any: (METHOD, ics bytes)."""
    enrolment = notification.enrolment
    kind = notification.kind
    confirmed = enrolment.status == Enrolment.Status.CONFIRMED
    if kind in (Kind.CONFIRMED, Kind.PROMOTED, Kind.SESSION_CHANGED) and confirmed:
        return "REQUEST", enrolment_calendar(enrolment=enrolment, method="REQUEST")
    if kind == Kind.APPROVAL_DECIDED and confirmed:
        return "REQUEST", enrolment_calendar(enrolment=enrolment, method="REQUEST")
    if kind in (Kind.WITHDRAWN, Kind.MOVED, Kind.COHORT_CANCELLED) and enrolment.confirmed_at:
        return "CANCEL", enrolment_calendar(enrolment=enrolment, method="CANCEL")
    if kind == Kind.SESSION_CANCELLED and notification.session:
        return "CANCEL", enrolment_calendar(
            enrolment=enrolment, method="CANCEL", sessions=[notification.session]
        )
    return None


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    enrolment = notification.enrolment
    cohort = enrolment.cohort
    programme = cohort.programme
    position = None
    if enrolment.status == Enrolment.Status.WAITING:
        position = Enrolment.objects.filter(
            cohort=cohort, status=Enrolment.Status.WAITING, queue_number__lte=enrolment.queue_number
        ).count()
    context = {
        "notification": notification,
        "kind": notification.kind,
        "recipient": notification.recipient,
        "to_person": notification.recipient_id == enrolment.person_id,
        "enrolment": enrolment,
        "person": enrolment.person,
        "cohort": cohort,
        "programme": programme,
        "session": notification.session,
        "sessions": cohort.sessions.filter(status=Session.Status.SCHEDULED).order_by("date", "starts_at"),
        "position": position,
        "offer_expires_at": timezone.localtime(enrolment.offer_expires_at)
        if enrolment.offer_expires_at
        else None,
        "my_learning_url": portal_url(reverse("programmes:my_learning")),
        "programme_url": portal_url(reverse("programmes:programme", args=[programme.slug])),
        "approvals_url": portal_url(reverse("programmes:approvals")),
    }
    if notification.kind == Kind.MOVED:
        context["moved_to"] = enrolment.moved_to  # set in the same transaction, before this is sent
    if notification.kind == Kind.COHORT_CANCELLED:
        # cohort_cancel records the lead's reason behind this prefix on each withdrawn enrolment.
        context["cancel_reason"] = enrolment.decision_reason.removeprefix("The cohort was cancelled: ")
    if notification.kind == Kind.OFFER_EXPIRED and enrolment.offer_expires_at:
        # An offer capped at the cohort's start lapses as the cohort starts: the list is closed then.
        context["closed_by_start"] = enrolment.offer_expires_at >= cohort.start_datetime()
    template = f"programmes/email/{notification.kind}"
    subject = SUBJECTS[notification.kind].format(programme=programme.title)
    if notification.kind == Kind.SESSION_CHANGED and notification.session_id is None:
        subject = f"Where your sessions meet has changed: {programme.title}"  # the cohort's venue or link
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if calendar := _calendar(notification):
        method, ics = calendar
        message.attach(calendar_filename(enrolment), ics, f"text/calendar; charset=utf-8; method={method}")
    return message
