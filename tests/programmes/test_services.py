import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from programmes import selectors, services
from programmes.models import Cohort, Enrolment, Notification, Programme, offer_deadline
from tests.factories import BandFactory, OrganisationFactory, StaffGroupFactory, UserFactory
from workforce.models import Sector

from .factories import CohortFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def committed(service, **kwargs):
    """Call a service and then run what it queued with transaction.on_commit (the emails), as the commit
    of a real request would; inside a test's transaction nothing commits otherwise."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def enrol(cohort, person=None, **kwargs):
    return committed(services.enrolment_create, cohort=cohort, person=person or UserFactory(), **kwargs)


def calendar_of(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return icalendar.Calendar.from_ical(attachment[1]), attachment[2]


# --- enrolment --------------------------------------------------------------------------------------


def test_places_are_confirmed_until_full_then_people_queue_with_visible_positions(mailoutbox):
    cohort = CohortFactory(capacity=2)
    first, second, third, fourth = (enrol(cohort) for _ in range(4))
    assert [first.status, second.status] == ["confirmed", "confirmed"]
    assert [third.status, fourth.status] == ["waiting", "waiting"]
    assert [third.queue_number, fourth.queue_number] == [1, 2]
    subjects = [m.subject for m in mailoutbox]
    assert subjects.count(f"Your place is confirmed: {cohort.programme.title}") == 2
    assert subjects.count(f"You are on the waiting list: {cohort.programme.title}") == 2
    assert "at number 2" in mailoutbox[-1].body


def test_enrolling_twice_returns_the_same_enrolment_and_sends_nothing_more(staff_user, mailoutbox):
    cohort = CohortFactory()
    first = enrol(cohort, staff_user)
    again = enrol(cohort, staff_user)
    assert again.pk == first.pk
    assert Enrolment.objects.filter(cohort=cohort, person=staff_user).count() == 1
    assert len(mailoutbox) == 1


def test_confirmation_email_has_plain_text_html_and_a_calendar_with_every_session(staff_user, mailoutbox):
    cohort = CohortFactory()
    days = (datetime.timedelta(days=0), datetime.timedelta(days=7))
    sessions = [SessionFactory(cohort=cohort, date=cohort.starts_on + d) for d in days]
    enrolment = enrol(cohort, staff_user)
    (message,) = mailoutbox
    assert message.to == [staff_user.email]
    assert cohort.programme.title in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<p>" in html
    cal, mimetype = calendar_of(message)
    assert "method=REQUEST" in mimetype
    assert cal["METHOD"] == "REQUEST"
    events = cal.walk("VEVENT")
    assert len(events) == 2
    assert {str(e["UID"]) for e in events} == {f"{s.uid}.{enrolment.uid}@llr-academy" for s in sessions}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Programme.Status.DRAFT}, "not open for enrolment"),
        ({"starts_on": -1}, "already started"),
        ({"enrolment_closes_at": -1}, "has closed"),
        ({"enrolment_opens_at": +1}, "opens on"),
        ({"cohort_status": Cohort.Status.CANCELLED}, "cancelled"),
    ],
)
def test_enrolment_refused_outside_the_window(change, message, staff_user):
    now = timezone.now()
    programme = ProgrammeFactory(status=change.get("status", Programme.Status.PUBLISHED))
    starts = timezone.localdate() + datetime.timedelta(days=change.get("starts_on", 10))
    cohort = CohortFactory(
        programme=programme,
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=20),
        status=change.get("cohort_status", Cohort.Status.SCHEDULED),
        enrolment_opens_at=now + datetime.timedelta(days=1) if "enrolment_opens_at" in change else None,
        enrolment_closes_at=now - datetime.timedelta(hours=1) if "enrolment_closes_at" in change else None,
    )
    with pytest.raises(ValidationError, match=message):
        enrol(cohort, staff_user)
    assert not Enrolment.objects.exists()


def test_eligibility_by_staff_group_band_organisation_and_sector():
    nursing, medical = StaffGroupFactory(name="Nursing"), StaffGroupFactory(name="Medical")
    band5 = BandFactory(name="Band 5")
    council = OrganisationFactory(name="Rutland County Council", sector=Sector.LOCAL_AUTHORITY)
    programme = ProgrammeFactory()
    programme.audience_staff_groups.set([nursing])
    cohort = CohortFactory(programme=programme)
    with pytest.raises(ValidationError, match="open to Nursing only"):
        enrol(cohort, UserFactory(staff_group=medical))
    with pytest.raises(ValidationError, match="add your staff group"):
        enrol(cohort, UserFactory(staff_group=None))
    assert enrol(cohort, UserFactory(staff_group=nursing)).status == "confirmed"

    programme.audience_bands.set([band5])
    with pytest.raises(ValidationError, match="open to Band 5 only"):
        enrol(cohort, UserFactory(staff_group=nursing, band=BandFactory(name="Band 7")))

    programme.audience_bands.clear()
    programme.audience_staff_groups.clear()
    programme.audience_sectors = [Sector.NHS]
    programme.save()
    with pytest.raises(ValidationError, match="open to NHS staff only"):
        enrol(cohort, UserFactory(organisation=council))


# --- withdrawal and the waiting list ----------------------------------------------------------------


def test_withdrawal_offers_the_place_to_the_next_person_for_the_cohorts_hours(mailoutbox):
    cohort = CohortFactory(capacity=1, promotion=Cohort.Promotion.OFFER, offer_hours=24)
    holder, next_in_line, after = enrol(cohort), enrol(cohort), enrol(cohort)
    now = timezone.now()
    mailoutbox.clear()
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person, now=now)
    next_in_line.refresh_from_db()
    after.refresh_from_db()
    assert next_in_line.status == "offered"
    assert next_in_line.offer_expires_at == now + datetime.timedelta(hours=24)
    assert after.status == "waiting"
    kinds = dict(Notification.objects.filter(sent_at__isnull=False).values_list("enrolment_id", "kind"))
    assert kinds[holder.pk] == "withdrawn" and kinds[next_in_line.pk] == "offered"
    withdrawn_mail = next(m for m in mailoutbox if m.to == [holder.person.email])
    cal, mimetype = calendar_of(withdrawn_mail)
    assert cal["METHOD"] == "CANCEL" and "method=CANCEL" in mimetype
    offer_mail = next(m for m in mailoutbox if m.to == [next_in_line.person.email])
    assert "Accept it on My learning by" in offer_mail.body


def test_direct_promotion_confirms_the_next_person_at_once(mailoutbox):
    cohort = CohortFactory(capacity=1, promotion=Cohort.Promotion.DIRECT)
    holder, next_in_line = enrol(cohort), enrol(cohort)
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person)
    next_in_line.refresh_from_db()
    assert next_in_line.status == "confirmed"
    promoted_mail = next(m for m in mailoutbox if m.subject.startswith("You have a place from the waiting"))
    cal, _ = calendar_of(promoted_mail)
    assert cal["METHOD"] == "REQUEST"


def test_withdrawing_twice_changes_nothing_and_is_refused_once_the_cohort_has_started():
    cohort = CohortFactory(capacity=1)
    holder = enrol(cohort)
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person)
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person)
    assert Notification.objects.filter(kind="withdrawn").count() == 1
    other = enrol(cohort)
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=timezone.localdate())
    with pytest.raises(ValidationError, match="already started"):
        committed(services.enrolment_withdraw, enrolment=other, withdrawn_by=other.person)


def test_expired_offers_pass_to_the_next_person_and_a_rerun_does_nothing():
    cohort = CohortFactory(capacity=1, offer_hours=2)
    holder, second, third = enrol(cohort), enrol(cohort), enrol(cohort)
    start = timezone.now()
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person, now=start)
    assert committed(services.offers_expire, now=start + datetime.timedelta(hours=1)) == 0
    later = start + datetime.timedelta(hours=3)
    assert committed(services.offers_expire, now=later) == 1
    assert committed(services.offers_expire, now=later) == 0
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "expired"
    assert third.status == "offered"
    with pytest.raises(ValidationError, match="no longer open"):
        committed(services.enrolment_accept_offer, enrolment=second, now=later)
    committed(services.enrolment_accept_offer, enrolment=third, now=later)
    third.refresh_from_db()
    assert third.status == "confirmed"
    assert Enrolment.objects.filter(cohort=cohort, status__in=["confirmed", "offered"]).count() == 1


def test_declining_an_offer_passes_it_on():
    cohort = CohortFactory(capacity=1)
    holder, second, third = enrol(cohort), enrol(cohort), enrol(cohort)
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person)
    committed(services.enrolment_decline_offer, enrolment=second)
    third.refresh_from_db()
    assert third.status == "offered"


def test_raising_capacity_promotes_the_waiting_list_and_lowering_below_places_is_refused():
    cohort = CohortFactory(capacity=1, promotion=Cohort.Promotion.DIRECT)
    enrol(cohort)
    waiting = [enrol(cohort) for _ in range(3)]
    cohort.capacity = 3
    committed(services.cohort_save, cohort=cohort)
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in waiting]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    cohort.capacity = 2
    with pytest.raises(ValidationError, match="3 people already hold places"):
        committed(services.cohort_save, cohort=cohort)


# --- approval ---------------------------------------------------------------------------------------


def test_approval_request_goes_to_the_line_manager_who_approves_a_place(mailoutbox):
    manager = UserFactory()
    person = UserFactory(line_manager=manager)
    cohort = CohortFactory(approval_required=True, capacity=1)
    request = enrol(cohort, person)
    assert request.status == "awaiting_approval" and request.approver == manager
    assert {tuple(m.to) for m in mailoutbox} == {(person.email,), (manager.email,)}
    assert any("Approve or decline it" in m.body for m in mailoutbox if m.to == [manager.email])
    mailoutbox.clear()
    decided = committed(services.enrolment_decide, enrolment=request, decided_by=manager, approve=True)
    assert decided.status == "confirmed"
    (decision_mail,) = mailoutbox
    assert decision_mail.to == [person.email] and "approved and your place is confirmed" in decision_mail.body
    cal, _ = calendar_of(decision_mail)
    assert cal["METHOD"] == "REQUEST"
    # A replay of the same decision changes nothing.
    again = committed(services.enrolment_decide, enrolment=request, decided_by=manager, approve=True)
    assert again.status == "confirmed"
    with pytest.raises(ValidationError, match="already been decided"):
        committed(
            services.enrolment_decide, enrolment=request, decided_by=manager, approve=False, reason="No"
        )


def test_approval_takes_a_waiting_position_when_the_cohort_filled_meanwhile():
    lead = UserFactory()
    cohort = CohortFactory(approval_required=True, capacity=1, programme=ProgrammeFactory(lead=lead))
    early, late = enrol(cohort), enrol(cohort)
    assert early.approver == lead  # no line manager recorded: the programme lead decides
    committed(services.enrolment_decide, enrolment=late, decided_by=lead, approve=True)
    early = committed(services.enrolment_decide, enrolment=early, decided_by=lead, approve=True)
    assert early.status == "waiting" and early.queue_number == 1


def test_decline_needs_a_reason_and_only_the_approver_or_an_admin_decides(academy_admin, programme_lead):
    manager = UserFactory()
    cohort = CohortFactory(approval_required=True)
    request = enrol(cohort, UserFactory(line_manager=manager))
    with pytest.raises(ValidationError, match="Give a reason"):
        committed(services.enrolment_decide, enrolment=request, decided_by=manager, approve=False)
    with pytest.raises(ValidationError, match="Only the person's line manager"):
        committed(services.enrolment_decide, enrolment=request, decided_by=programme_lead, approve=True)
    with pytest.raises(ValidationError, match="Only the person's line manager"):
        committed(services.enrolment_decide, enrolment=request, decided_by=request.person, approve=True)
    declined = committed(
        services.enrolment_decide,
        enrolment=request,
        decided_by=academy_admin,
        approve=False,
        reason="Ward staffing in March",
    )
    assert declined.status == "declined" and declined.decision_reason == "Ward staffing in March"


# --- moving people ----------------------------------------------------------------------------------


def test_a_lead_moves_someone_to_another_cohort_and_their_place_passes_on(programme_lead):
    programme = ProgrammeFactory(lead=programme_lead)
    source = CohortFactory(programme=programme, capacity=1, promotion=Cohort.Promotion.DIRECT)
    target = CohortFactory(programme=programme, capacity=1)
    holder, waiting = enrol(source), enrol(source)
    moved = committed(services.enrolment_move, enrolment=holder, to_cohort=target, moved_by=programme_lead)
    assert moved.cohort == target and moved.status == "confirmed"
    waiting.refresh_from_db()
    holder.refresh_from_db()
    assert waiting.status == "confirmed"
    assert holder.status == "withdrawn" and "Moved to" in holder.decision_reason
    with pytest.raises(ValidationError, match="same programme"):
        other = CohortFactory()
        committed(services.enrolment_move, enrolment=moved, to_cohort=other, moved_by=programme_lead)


# --- sessions: updates, cancellations and reminders -------------------------------------------------


def test_a_session_change_sends_the_same_uid_with_a_higher_sequence(staff_user, mailoutbox):
    cohort = CohortFactory()
    session = SessionFactory(cohort=cohort)
    enrol(cohort, staff_user)
    first_cal, _ = calendar_of(mailoutbox[0])
    (first_event,) = first_cal.walk("VEVENT")
    mailoutbox.clear()

    session.starts_at = datetime.time(13, 0)
    session.ends_at = datetime.time(16, 0)
    committed(services.session_save, session=session)
    (message,) = mailoutbox
    cal, _ = calendar_of(message)
    (event,) = cal.walk("VEVENT")
    assert event["UID"] == first_event["UID"]
    assert event["SEQUENCE"] > first_event["SEQUENCE"]
    assert event.decoded("DTSTART").hour == 13

    # Saving without a change sends nothing.
    committed(services.session_save, session=session)
    assert len(mailoutbox) == 1


def test_a_cancelled_session_sends_method_cancel_once(staff_user, mailoutbox):
    cohort = CohortFactory()
    session = SessionFactory(cohort=cohort)
    enrol(cohort, staff_user)
    mailoutbox.clear()
    committed(services.session_cancel, session=session, reason="The trainer's train was cancelled")
    committed(services.session_cancel, session=session, reason="Again")
    (message,) = mailoutbox
    cal, _ = calendar_of(message)
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    # The email says why (the first reason; cancelling again changes nothing), in text and in HTML.
    assert "The reason: The trainer's train was cancelled" in message.body
    assert "The reason: The trainer&#x27;s train was cancelled" in message.alternatives[0][0]


def test_a_session_is_cancelled_only_with_a_reason_and_not_after_its_date(staff_user, mailoutbox):
    today = timezone.localdate()
    cohort = CohortFactory()
    enrol(cohort, staff_user)
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=today - datetime.timedelta(days=3))
    past = SessionFactory(cohort=cohort, date=today - datetime.timedelta(days=1))
    todays = SessionFactory(cohort=cohort, date=today)
    mailoutbox.clear()
    with pytest.raises(ValidationError, match="Give a reason"):
        committed(services.session_cancel, session=todays, reason="  ")
    with pytest.raises(ValidationError, match="so it cannot be cancelled"):
        committed(services.session_cancel, session=past, reason="Too late")
    past.refresh_from_db()
    assert past.status == "scheduled" and not mailoutbox
    committed(services.session_cancel, session=todays, reason="Room flooded")
    todays.refresh_from_db()
    assert (todays.status, todays.cancellation_reason) == ("cancelled", "Room flooded")


def test_reminders_go_the_day_before_to_people_with_places_once_each(mailoutbox):
    today = timezone.localdate()
    cohort = CohortFactory(starts_on=today + datetime.timedelta(days=1))
    SessionFactory(cohort=cohort, date=today + datetime.timedelta(days=1))
    SessionFactory(cohort=cohort, date=today + datetime.timedelta(days=8))
    holders = [enrol(cohort) for _ in range(2)]
    Cohort.objects.filter(pk=cohort.pk).update(capacity=2)
    enrol(cohort)  # waiting: no reminder
    mailoutbox.clear()
    assert committed(services.session_reminders_send, today=today) == 2
    assert committed(services.session_reminders_send, today=today) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(h.person.email for h in holders)
    assert all("meets tomorrow" in m.body for m in mailoutbox)


def test_notification_task_sends_each_row_once(staff_user, mailoutbox):
    from programmes.tasks import notification_send

    enrol(CohortFactory(), staff_user)
    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert notification_send(notification.pk) is False
    assert len(mailoutbox) == 1


def test_emails_wait_for_the_commit(staff_user, mailoutbox):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.enrolment_create(cohort=CohortFactory(), person=staff_user)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_beat_runs_the_offer_expiry_and_reminder_tasks(settings):
    from llr_academy.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"programmes.tasks.offers_expire", "programmes.tasks.session_reminders_send"} <= scheduled
    assert scheduled <= set(app.tasks)


def test_cancelling_a_cohort_withdraws_everyone_and_cancels_their_calendars(
    staff_user, academy_admin, mailoutbox
):
    cohort = CohortFactory(capacity=1)
    SessionFactory(cohort=cohort)
    holder = enrol(cohort, staff_user)
    waiting = enrol(cohort)
    (invite,) = calendar_of(next(m for m in mailoutbox if m.to == [holder.person.email]))[0].walk("VEVENT")
    mailoutbox.clear()
    with pytest.raises(ValidationError, match="Give a reason"):
        committed(services.cohort_cancel, cohort=cohort, cancelled_by=academy_admin, reason=" ")
    committed(services.cohort_cancel, cohort=cohort, cancelled_by=academy_admin, reason="Venue closed")
    committed(services.cohort_cancel, cohort=cohort, cancelled_by=academy_admin, reason="Venue closed")
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("status", flat=True)) == {"withdrawn"}
    assert len(mailoutbox) == 2
    holder_mail = next(m for m in mailoutbox if m.to == [holder.person.email])
    assert "Venue closed" in holder_mail.body
    cal, _ = calendar_of(holder_mail)
    assert cal["METHOD"] == "CANCEL"
    # The same event as the invitation, at a higher SEQUENCE, so calendars take the cancellation.
    (cancelled,) = cal.walk("VEVENT")
    assert cancelled["UID"] == invite["UID"] and cancelled["SEQUENCE"] > invite["SEQUENCE"]
    waiting_mail = next(m for m in mailoutbox if m.to == [waiting.person.email])
    assert not [a for a in waiting_mail.attachments if a[0].endswith(".ics")]


def test_unsent_notifications_are_queued_again_and_sent_once(staff_user, mailoutbox):
    with TestCase.captureOnCommitCallbacks(execute=False):  # the broker "lost" the task
        services.enrolment_create(cohort=CohortFactory(), person=staff_user)
    assert services.notifications_resend_unsent(older_than=datetime.timedelta(minutes=10)) == 0
    assert services.notifications_resend_unsent(older_than=datetime.timedelta(0)) == 1
    assert services.notifications_resend_unsent(older_than=datetime.timedelta(0)) == 0
    assert len(mailoutbox) == 1


# --- moves keep the approval, offers close at the start, the right email for each ending -----------


def test_moving_a_request_awaiting_approval_keeps_it_a_request_for_the_same_approver(
    programme_lead, mailoutbox
):
    manager = UserFactory()
    person = UserFactory(line_manager=manager)
    programme = ProgrammeFactory(lead=programme_lead)
    source = CohortFactory(programme=programme, approval_required=True)
    target = CohortFactory(programme=programme, approval_required=False, capacity=5)
    request = enrol(source, person)
    mailoutbox.clear()
    moved = committed(services.enrolment_move, enrolment=request, to_cohort=target, moved_by=programme_lead)
    assert moved.cohort == target
    assert moved.status == "awaiting_approval" and moved.confirmed_at is None
    assert moved.approver == manager
    subjects = {(m.to[0], m.subject) for m in mailoutbox}
    title = programme.title
    assert (person.email, f"Request for a place: {title}") in subjects
    assert (manager.email, f"Request for a place: {title}") in subjects
    assert not any(s.startswith("Your place is confirmed") for _, s in subjects)
    # The approval still works on the new request.
    decided = committed(services.enrolment_decide, enrolment=moved, decided_by=manager, approve=True)
    assert decided.status == "confirmed"


def test_moving_a_place_into_a_cohort_that_needs_approval_asks_the_programme_lead(programme_lead, mailoutbox):
    person = UserFactory(line_manager=None)
    programme = ProgrammeFactory(lead=programme_lead)
    source = CohortFactory(programme=programme, capacity=1)
    target = CohortFactory(programme=programme, approval_required=True, capacity=5)
    holder = enrol(source, person)
    assert holder.status == "confirmed"
    mailoutbox.clear()
    moved = committed(services.enrolment_move, enrolment=holder, to_cohort=target, moved_by=programme_lead)
    assert moved.status == "awaiting_approval" and moved.approver == programme_lead
    lead_mail = next(m for m in mailoutbox if m.to == [programme_lead.email])
    assert lead_mail.subject == f"Request for a place: {programme.title}"
    assert "Approve or decline it" in lead_mail.body


def test_a_moved_person_is_told_where_they_were_moved_not_that_they_withdrew(programme_lead, mailoutbox):
    programme = ProgrammeFactory(lead=programme_lead)
    start = timezone.localdate() + datetime.timedelta(days=20)
    source = CohortFactory(
        programme=programme, name="Spring", starts_on=start, ends_on=start + datetime.timedelta(days=7)
    )
    later = start + datetime.timedelta(days=60)
    target = CohortFactory(programme=programme, name="Summer", starts_on=later, ends_on=later)
    SessionFactory(cohort=source)
    holder = enrol(source)
    mailoutbox.clear()
    committed(services.enrolment_move, enrolment=holder, to_cohort=target, moved_by=programme_lead)
    mine = [m for m in mailoutbox if m.to == [holder.person.email]]
    subjects = [m.subject for m in mine]
    assert f"Your place has been moved to another cohort: {programme.title}" in subjects
    assert not any(s.startswith("You have withdrawn") for s in subjects)
    moved_mail = next(m for m in mine if m.subject.startswith("Your place has been moved"))
    assert (
        f"From: Spring, {start:%-d %B %Y} to {start + datetime.timedelta(days=7):%-d %B %Y}"
        in moved_mail.body
    )
    assert f"To: Summer, {later:%-d %B %Y}," in moved_mail.body
    assert programme_lead.display_name in moved_mail.body
    assert "Your place in Summer is confirmed" in moved_mail.body
    assert "From: Spring" in moved_mail.alternatives[0][0]
    cal, _ = calendar_of(moved_mail)  # the old cohort's sessions leave the calendar
    assert cal["METHOD"] == "CANCEL"
    assert Notification.objects.filter(enrolment=holder, kind="moved").count() == 1


def test_people_in_a_cancelled_cohort_are_told_it_was_cancelled_and_why(academy_admin, mailoutbox):
    cohort = CohortFactory(capacity=1)
    holder, waiting = enrol(cohort), enrol(cohort)
    mailoutbox.clear()
    committed(services.cohort_cancel, cohort=cohort, cancelled_by=academy_admin, reason="Trainer unwell")
    assert {m.subject for m in mailoutbox} == {f"Your cohort has been cancelled: {cohort.programme.title}"}
    for message in mailoutbox:
        assert "has been cancelled" in message.body
        assert "Reason: Trainer unwell" in message.body
        assert "You have withdrawn" not in message.body
        assert "Reason: Trainer unwell" in message.alternatives[0][0]
    holder_mail = next(m for m in mailoutbox if m.to == [holder.person.email])
    assert "your place there has ended" in holder_mail.body
    assert Notification.objects.filter(enrolment=waiting, kind="cohort_cancelled").exists()


def test_an_offer_closes_when_the_cohort_starts_if_that_comes_before_its_hours_run_out(mailoutbox):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cohort = CohortFactory(capacity=1, offer_hours=72, starts_on=tomorrow, ends_on=tomorrow)
    holder, second, third = enrol(cohort), enrol(cohort), enrol(cohort)
    now = timezone.now()
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person, now=now)
    second.refresh_from_db()
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))  # local midnight
    assert start < now + datetime.timedelta(hours=72)
    assert second.status == "offered" and second.offer_expires_at == start
    offer_mail = next(m for m in mailoutbox if m.to == [second.person.email] and "offered" in m.subject)
    assert f"{timezone.localtime(start):%H:%M}" in offer_mail.body
    # Once the cohort has started the offer cannot be accepted...
    with pytest.raises(ValidationError, match="already started"):
        committed(services.enrolment_accept_offer, enrolment=second, now=start)
    # ... and the beat task lapses it without passing the place on: the list is closed once it starts.
    mailoutbox.clear()
    assert committed(services.offers_expire, now=start + datetime.timedelta(minutes=5)) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "expired" and third.status == "waiting"
    (lapsed,) = mailoutbox
    assert "not accepted before the cohort started" in lapsed.body
    assert "passed to the next person" not in lapsed.body


def test_an_offer_made_before_the_cap_cannot_be_accepted_once_the_cohort_has_started(staff_user):
    today = timezone.localdate()
    cohort = CohortFactory(capacity=1, starts_on=today, ends_on=today + datetime.timedelta(days=3))
    offer = Enrolment.objects.create(
        cohort=cohort,
        person=staff_user,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
    )
    with pytest.raises(ValidationError, match="already started"):
        committed(services.enrolment_accept_offer, enrolment=offer)
    offer.refresh_from_db()
    assert offer.status == "offered"


def test_the_offer_deadline_keeps_its_hours_when_the_cohort_starts_later():
    cohort = CohortFactory(offer_hours=48)
    now = timezone.now()
    assert offer_deadline(cohort, now=now) == now + datetime.timedelta(hours=48)


def test_declining_an_offer_sends_a_confirmation_email(mailoutbox):
    cohort = CohortFactory(capacity=1)
    holder, second = enrol(cohort), enrol(cohort)
    committed(services.enrolment_withdraw, enrolment=holder, withdrawn_by=holder.person)
    mailoutbox.clear()
    committed(services.enrolment_decline_offer, enrolment=second)
    committed(services.enrolment_decline_offer, enrolment=second)  # a replay sends nothing more
    (message,) = mailoutbox
    assert message.to == [second.person.email]
    assert message.subject == f"You have declined the place: {cohort.programme.title}"
    assert "You have declined the place offered to you" in message.body


def test_requests_for_cohorts_that_have_started_are_not_left_to_approve(academy_admin):
    manager = UserFactory()
    started = CohortFactory(approval_required=True)
    upcoming = CohortFactory(approval_required=True)
    stale = enrol(started, UserFactory(line_manager=manager))
    fresh = enrol(upcoming, UserFactory(line_manager=manager))
    Cohort.objects.filter(pk=started.pk).update(starts_on=timezone.localdate())
    assert list(selectors.approvals_pending(user=manager)) == [fresh]
    assert list(selectors.approvals_pending(user=academy_admin)) == [fresh]
    assert stale in selectors.my_learning(person=stale.person).ended
