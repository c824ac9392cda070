"""Calendar files (RFC 5545 / iTIP RFC 5546) for a person's place on a cohort.

One VEVENT per session. The UID is stable for a person's enrolment and a session, so a calendar app
replaces the event when it receives an update: SEQUENCE is the session's change counter, which rises with
every change of time or place. A withdrawal or a cancelled session sends METHOD:CANCEL with a higher
SEQUENCE still.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Enrolment, Session

PRODID = "-//LLR Academy//Programmes//EN"
UID_DOMAIN = "llr-academy"


def event_uid(enrolment: Enrolment, session: Session) -> str:
    return f"{session.uid}.{enrolment.uid}@{UID_DOMAIN}"


def enrolment_calendar(
    *, enrolment: Enrolment, method: str = "PUBLISH", sessions: Iterable[Session] | None = None
) -> bytes:
    """The .ics for an enrolment. `method` is PUBLISH (a download), REQUEST (an invite or an update) or
    CANCEL (withdrawal, or cancelled sessions). `sessions` defaults to all the cohort's sessions that are
    still scheduled (for CANCEL: all of them)."""
    cohort = enrolment.cohort
    programme = cohort.programme
    if sessions is None:
        sessions = cohort.sessions.all()
        if method != "CANCEL":
            sessions = [s for s in sessions if s.status == Session.Status.SCHEDULED]
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-calname", f"{programme.title}: {cohort.name}")
    organiser_email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    for session in sessions:
        cancelled = method == "CANCEL" or session.status == Session.Status.CANCELLED
        event = icalendar.Event()
        event.add("uid", event_uid(enrolment, session))
        # A cancellation must outrank the last invite, so it counts one more than the session's changes
        # unless the session itself was cancelled (its counter already rose).
        sequence = session.sequence
        if method == "CANCEL" and session.status != Session.Status.CANCELLED:
            sequence += 1
        event.add("sequence", sequence)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", timezone.localtime(session.start_datetime()))
        event.add("dtend", timezone.localtime(session.end_datetime()))
        title = f"{programme.title}: {session.title}" if session.title else programme.title
        event.add("summary", title)
        location = session.place or cohort.place
        if location:
            event.add("location", location)
        description = [f"{programme.title}, {cohort.name}.", programme.summary]
        if cohort.online_link:
            description.append(f"Join online: {cohort.online_link}")
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        organizer = icalendar.vCalAddress(f"mailto:{organiser_email}")
        organizer.params["cn"] = icalendar.vText("LLR Academy")
        event.add("organizer", organizer)
        attendee = icalendar.vCalAddress(f"mailto:{enrolment.person.email}")
        attendee.params["cn"] = icalendar.vText(enrolment.person.display_name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("ACCEPTED")
        event.add("attendee", attendee)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_filename(enrolment: Enrolment) -> str:
    return f"{enrolment.cohort.programme.slug}-{enrolment.cohort.pk}.ics"
