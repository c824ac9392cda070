"""Checks added in the audit of the enrolment journey (issue 3): the catalogue's list and pagination, "open
to me" agreeing with the programme page's eligibility, every denial on the lead's and approver's pages for
writes (not only reads), the calendar links on My learning, and withdrawal once a cohort has started."""

import datetime
import itertools

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import Cohort, Enrolment, Programme, Session
from programmes.selectors import (
    my_learning,
    programme_catalogue,
    programme_eligibility,
    programme_open_to_q,
)
from tests.factories import BandFactory, OrganisationFactory, StaffGroupFactory, UserFactory
from workforce.models import Sector
from workforce.roles import Role

from .factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


# --- catalogue ----------------------------------------------------------------------------------------


def test_catalogue_lists_places_left_and_the_next_start_date(client, staff_user):
    soon = timezone.localdate() + datetime.timedelta(days=12)
    programme = ProgrammeFactory(title="Reverse Mentoring")
    CohortFactory(programme=programme, starts_on=soon, capacity=4)
    later = CohortFactory(programme=programme, starts_on=soon + datetime.timedelta(days=60), capacity=3)
    EnrolmentFactory(cohort=later, status=Enrolment.Status.CONFIRMED)
    full = ProgrammeFactory(title="Active Bystander")
    full_cohort = CohortFactory(programme=full, capacity=1)
    EnrolmentFactory(cohort=full_cohort, status=Enrolment.Status.CONFIRMED)
    ProgrammeFactory(title="Sexual Safety Charter")  # no cohort planned

    client.force_login(staff_user)
    content = client.get(reverse("programmes:catalogue")).content.decode()
    mentoring = content[content.index("Reverse Mentoring") : content.index("Reverse Mentoring") + 2500]
    assert soon.strftime("%-d %B %Y") in mentoring  # the soonest cohort, not the later one
    assert ">6<" in mentoring.replace(" ", "")  # 4 + 3 places, one of them taken
    bystander = content[content.index("Active Bystander") : content.index("Active Bystander") + 2500]
    assert "Full: join a waiting list" in bystander
    charter = content[content.index("Sexual Safety Charter") : content.index("Sexual Safety Charter") + 2500]
    assert "No upcoming cohort" in charter and "None yet" in charter

    annotated = {p.title: p for p in programme_catalogue()}
    assert annotated["Reverse Mentoring"].places_left == 6
    assert annotated["Reverse Mentoring"].next_start == soon
    assert annotated["Active Bystander"].places_left == 0


def test_catalogue_is_paginated_and_the_page_links_keep_the_filters(client, staff_user):
    for n in range(23):
        ProgrammeFactory(title=f"Mentoring circle {n:02d}", pillar="retain")
    ProgrammeFactory(title="Workforce modelling", pillar="reform")
    client.force_login(staff_user)
    url = reverse("programmes:catalogue")

    first = client.get(url, {"q": "mentoring", "pillar": "retain"}).content.decode()
    assert "23 programmes found" in first
    assert first.count("Mentoring circle") == 20
    assert 'aria-label="Pagination"' in first
    # The link to page 2 keeps the search and the filter.
    link = next(part for part in first.split('href="') if "page=2" in part.split('"')[0]).split('"')[0]
    link = link.replace("&amp;", "&")
    assert "q=mentoring" in link and "pillar=retain" in link

    second = client.get(url, {"q": "mentoring", "pillar": "retain", "page": 2}).content.decode()
    assert second.count("Mentoring circle") == 3
    assert "Workforce modelling" not in first + second


def test_catalogue_empty_state(client, staff_user):
    ProgrammeFactory(title="Reverse Mentoring")
    client.force_login(staff_user)
    content = client.get(reverse("programmes:catalogue"), {"q": "no such programme"}).content.decode()
    assert "0 programmes found" in content and "No programmes match" in content


def test_open_to_me_agrees_with_the_programme_pages_eligibility():
    """The SQL filter and the Python check must give the same answer for every mix of audience rules."""
    nursing, medical = StaffGroupFactory(name="Nursing"), StaffGroupFactory(name="Medical")
    band5, band7 = BandFactory(name="Band 5"), BandFactory(name="Band 7")
    trust = OrganisationFactory(name="UHL", sector=Sector.NHS)
    council = OrganisationFactory(name="Rutland County Council", sector=Sector.LOCAL_AUTHORITY)

    rules = itertools.product(
        [[], [nursing]], [[], [band7]], [[], [council]], [[], [Sector.NHS], [Sector.LOCAL_AUTHORITY, "asc"]]
    )
    programmes = []
    for groups, bands, organisations, sectors in rules:
        programme = ProgrammeFactory(audience_sectors=sectors)
        programme.audience_staff_groups.set(groups)
        programme.audience_bands.set(bands)
        programme.audience_organisations.set(organisations)
        programmes.append(programme)
    people = [
        UserFactory(staff_group=nursing, band=band5, organisation=trust),
        UserFactory(staff_group=medical, band=band7, organisation=council),
        UserFactory(staff_group=nursing, band=band7, organisation=council),
        UserFactory(staff_group=None, band=None, organisation=None),
    ]
    for person in people:
        in_sql = set(
            Programme.objects.filter(
                programme_open_to_q(person), pk__in=[p.pk for p in programmes]
            ).values_list("pk", flat=True)
        )
        in_python = {p.pk for p in programmes if programme_eligibility(programme=p, person=person).ok}
        assert in_sql == in_python, person
        assert in_python  # every person is eligible for something (the open programme at least)


# --- programme page ---------------------------------------------------------------------------------


def test_programme_page_shows_purpose_audience_and_the_live_objectives_it_serves(client, staff_user):
    from tests.pledges.factories import ObjectiveFactory

    programme = ProgrammeFactory(
        title="Reverse Mentoring",
        summary="Senior leaders are mentored by colleagues from under-represented groups.",
        description="Six months of paired meetings.",
        audience="Senior leaders and colleagues from ethnic minority backgrounds.",
        audience_sectors=[Sector.NHS],
        cpd_hours=12,
    )
    programme.audience_bands.set([BandFactory(name="Band 8a")])
    ObjectiveFactory(title="Grow inclusive leadership", pillar="retain").programmes.add(programme)
    ObjectiveFactory(title="An objective set aside", is_archived=True).programmes.add(programme)
    ObjectiveFactory(title="Unrelated objective")
    client.force_login(staff_user)
    content = client.get(reverse("programmes:programme", args=[programme.slug])).content.decode()
    for text in (
        "Senior leaders are mentored",
        "Six months of paired meetings.",
        "Who it is for",
        "Senior leaders and colleagues from ethnic minority backgrounds.",
        "Band 8a",
        "All staff groups",
        "NHS",
        "The objectives it serves",
        "Grow inclusive leadership (Retain)",
        "No cohorts are planned at the moment.",
    ):
        assert text in content, text
    assert "An objective set aside" not in content and "Unrelated objective" not in content


def test_programme_page_without_objectives_has_no_empty_heading(client, staff_user):
    programme = ProgrammeFactory()
    client.force_login(staff_user)
    content = client.get(reverse("programmes:programme", args=[programme.slug])).content.decode()
    assert "The objectives it serves" not in content


def test_request_a_place_names_who_decides_and_warns_when_the_cohort_is_full(client, staff_user):
    lead = UserFactory(first_name="Lee", last_name="Lead")
    programme = ProgrammeFactory(slug="mentoring", lead=lead)
    cohort = CohortFactory(programme=programme, approval_required=True, capacity=1)
    url = reverse("programmes:programme", args=["mentoring"])
    staff_user.line_manager = None
    staff_user.save()
    client.force_login(staff_user)
    content = client.get(url).content.decode()
    assert "need approval from the programme lead." in content and "Request a place" in content
    assert "The cohort is full" not in content

    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CONFIRMED)
    staff_user.line_manager = UserFactory()
    staff_user.save()
    content = client.get(url).content.decode()
    assert "need approval from your line manager." in content
    assert "The cohort is full, so an approved request joins the waiting list." in content


def test_a_request_with_nobody_named_to_decide_goes_to_the_academy_admins(staff_user, mailoutbox):
    """No line manager and no programme lead: every academy admin is emailed, and the person is told the
    academy team decides."""
    admins = [UserFactory(roles=[Role.ACADEMY_ADMIN]) for _ in range(2)]
    UserFactory(roles=[Role.ACADEMY_ADMIN], is_active=False)  # left: not emailed
    cohort = CohortFactory(programme=ProgrammeFactory(lead=None), approval_required=True)
    staff_user.line_manager = None
    staff_user.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrolment = services.enrolment_create(cohort=cohort, person=staff_user)
    assert enrolment.status == Enrolment.Status.AWAITING_APPROVAL and enrolment.approver is None
    by_recipient = {tuple(m.to): m.body for m in mailoutbox}
    assert set(by_recipient) == {(staff_user.email,), *((a.email,) for a in admins)}
    assert "the academy team" in by_recipient[(staff_user.email,)]
    assert "To approve" in by_recipient[(admins[0].email,)]


# --- denials on writes ------------------------------------------------------------------------------


@pytest.fixture
def led_cohort(programme_lead):
    programme = ProgrammeFactory(title="Active Bystander", slug="active-bystander", lead=programme_lead)
    cohort = CohortFactory(programme=programme, capacity=3, name="Spring cohort")
    other = CohortFactory(programme=programme, capacity=3, name="Summer cohort")
    session = SessionFactory(cohort=cohort, starts_at=datetime.time(9), ends_at=datetime.time(12))
    enrolment = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CONFIRMED)
    return {"cohort": cohort, "other": other, "session": session, "enrolment": enrolment}


@pytest.mark.parametrize("role", [None, Role.BOARD_MEMBER, Role.PROGRAMME_LEAD])
def test_nobody_but_the_lead_or_an_admin_changes_a_cohort(client, led_cohort, role):
    """POSTs, not only page views, are refused for staff, board members and the lead of another
    programme, and nothing changes."""
    cohort, session, enrolment = led_cohort["cohort"], led_cohort["session"], led_cohort["enrolment"]
    client.force_login(UserFactory(roles=[role] if role else []))
    posts = [
        (
            reverse("programmes:cohort_edit", args=[cohort.pk]),
            {
                "name": "Renamed",
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "capacity": 99,
                "promotion": "direct",
                "offer_hours": 1,
            },
        ),
        (reverse("programmes:cohort_cancel", args=[cohort.pk]), {"reason": "Not yours"}),
        (reverse("programmes:move", args=[cohort.pk, enrolment.pk]), {"to_cohort": led_cohort["other"].pk}),
        (
            reverse("programmes:session_edit", args=[cohort.pk, session.pk]),
            {"title": "Moved", "date": session.date, "starts_at": "14:00", "ends_at": "16:00"},
        ),
        (
            reverse("programmes:session_create", args=[cohort.pk]),
            {"title": "Extra", "date": session.date, "starts_at": "14:00", "ends_at": "16:00"},
        ),
        (reverse("programmes:session_cancel", args=[cohort.pk, session.pk]), {}),
        (
            reverse("programmes:cohort_create", args=[cohort.programme.slug]),
            {
                "name": "New",
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "capacity": 5,
                "promotion": "direct",
                "offer_hours": 1,
            },
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("programmes:cohort_export", args=[cohort.pk])).status_code == 403
    cohort.refresh_from_db()
    session.refresh_from_db()
    enrolment.refresh_from_db()
    assert (cohort.name, cohort.capacity, cohort.status) == ("Spring cohort", 3, "scheduled")
    assert session.status == "scheduled" and session.starts_at == datetime.time(9)
    assert Session.objects.filter(cohort=cohort).count() == 1
    assert Cohort.objects.filter(programme=cohort.programme).count() == 2
    assert (enrolment.cohort_id, enrolment.status) == (cohort.pk, "confirmed")


def test_the_programme_lead_cannot_decide_for_someone_who_has_a_line_manager(client, programme_lead):
    """The programme lead decides only when no line manager is recorded; otherwise it is not their report."""
    manager = UserFactory()
    programme = ProgrammeFactory(lead=programme_lead)
    cohort = CohortFactory(programme=programme, approval_required=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = services.enrolment_create(cohort=cohort, person=UserFactory(line_manager=manager))
    assert request.approver == manager
    url = reverse("programmes:approval", args=[request.pk])
    client.force_login(programme_lead)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.post(url, {"decision": "decline", "reason": "No"}).status_code == 403
    assert "Decide" not in client.get(reverse("programmes:approvals")).content.decode()
    request.refresh_from_db()
    assert request.status == "awaiting_approval" and request.decided_by is None


def test_a_line_manager_declines_with_a_reason_and_the_person_is_told(client, mailoutbox):
    manager = UserFactory()
    person = UserFactory(line_manager=manager)
    cohort = CohortFactory(approval_required=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = services.enrolment_create(cohort=cohort, person=person)
    mailoutbox.clear()
    client.force_login(manager)
    url = reverse("programmes:approval", args=[request.pk])
    response = client.post(url, {"decision": "decline", "reason": "  "})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Error:" in content and "nhsuk-error-summary" in content and "Give a reason" in content
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"decision": "decline", "reason": "Ward staffing in March"}, follow=True)
    assert "You declined" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "declined" and request.decided_by == manager
    (message,) = mailoutbox
    assert message.to == [person.email] and "Ward staffing in March" in message.body
    # The page now says it is decided, and a replayed decline changes nothing.
    assert "already been decided" in client.get(url).content.decode()
    client.post(url, {"decision": "decline", "reason": "Ward staffing in March"})
    assert len(mail.outbox) == 1


def test_waiting_positions_move_up_when_someone_ahead_leaves_or_is_offered_the_place(client):
    cohort = CohortFactory(capacity=1, promotion=Cohort.Promotion.OFFER)
    with TestCase.captureOnCommitCallbacks(execute=True):
        holder, first, second, third = (
            services.enrolment_create(cohort=cohort, person=UserFactory()) for _ in range(4)
        )

    def position(enrolment):
        (mine,) = my_learning(person=enrolment.person).waiting
        return mine.position

    assert [position(e) for e in (first, second, third)] == [1, 2, 3]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.enrolment_withdraw(enrolment=second, withdrawn_by=second.person)
    assert [position(e) for e in (first, third)] == [1, 2]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.enrolment_withdraw(enrolment=holder, withdrawn_by=holder.person)
    first.refresh_from_db()
    assert first.status == "offered" and position(third) == 1
    client.force_login(third.person)
    content = client.get(reverse("programmes:programme", args=[cohort.programme.slug])).content.decode()
    assert "You are number 1 on the waiting list." in content


# --- My learning: calendar and withdrawal ------------------------------------------------------------


def test_my_learning_offers_the_calendar_only_for_a_confirmed_place(client, staff_user):
    confirmed = EnrolmentFactory(person=staff_user, status=Enrolment.Status.CONFIRMED)
    SessionFactory(cohort=confirmed.cohort)
    waiting = EnrolmentFactory(person=staff_user, status=Enrolment.Status.WAITING, queue_number=1)
    client.force_login(staff_user)
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert reverse("programmes:calendar", args=[confirmed.pk]) in content
    assert reverse("programmes:calendar", args=[waiting.pk]) not in content
    assert "Waiting list: number 1" in content

    response = client.get(reverse("programmes:calendar", args=[confirmed.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    response = client.get(reverse("programmes:calendar", args=[waiting.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programmes:my_learning")
    assert "Only a confirmed place has a calendar file" in response.content.decode()


def test_withdrawal_once_the_cohort_has_started_is_explained_not_offered(client, staff_user):
    today = timezone.localdate()
    cohort = CohortFactory(starts_on=today, ends_on=today + datetime.timedelta(days=5))
    mine = EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.CONFIRMED)
    client.force_login(staff_user)
    url = reverse("programmes:withdraw", args=[mine.pk])
    assert url not in client.get(reverse("programmes:my_learning")).content.decode()
    content = client.get(url).content.decode()
    assert "already started" in content
    assert 'type="submit">Withdraw<' not in content
    response = client.post(url, follow=True)
    assert "already started" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "confirmed"


def test_a_waiting_list_or_request_of_a_started_cohort_is_shown_as_closed(client, staff_user):
    today = timezone.localdate()
    started = CohortFactory(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=9)
    )
    upcoming = CohortFactory(programme=started.programme)
    EnrolmentFactory(cohort=started, person=staff_user, status=Enrolment.Status.WAITING, queue_number=1)
    later = EnrolmentFactory(
        cohort=upcoming, person=staff_user, status=Enrolment.Status.WAITING, queue_number=1
    )
    request = EnrolmentFactory(
        cohort=CohortFactory(starts_on=today, ends_on=today), person=staff_user, status="awaiting_approval"
    )
    learning = my_learning(person=staff_user)
    assert [e.pk for e in learning.waiting] == [later.pk]
    assert learning.awaiting_approval == []
    assert request.pk in {e.pk for e in learning.ended}

    client.force_login(staff_user)
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert "Waiting list closed: the cohort has started" in content
    assert "Not decided before the cohort started" in content
    assert "Waiting list: number 1" in content  # the upcoming cohort's list is still open
    assert "You have no requests waiting for approval." in content
    page = client.get(reverse("programmes:programme", args=[started.programme.slug])).content.decode()
    assert "This cohort has started, so its waiting list is closed." in page
    assert "You are number 1 on the waiting list." in page  # the upcoming cohort


def test_the_leads_cohort_page_runs_the_same_queries_for_a_short_or_long_waiting_list(client, programme_lead):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = CohortFactory(programme=ProgrammeFactory(lead=programme_lead), capacity=1)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CONFIRMED)
    client.force_login(programme_lead)
    url = reverse("programmes:cohort", args=[cohort.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING, queue_number=1)
    short = queries()
    for n in range(2, 12):
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING, queue_number=n)
    assert queries() == short


def test_a_new_venue_updates_every_calendar_event_once(staff_user, mailoutbox):
    """Events take their location and link from the cohort, so moving the cohort changes its sessions: same
    UIDs, higher SEQUENCE, one email per person with a place; saving again unchanged sends nothing."""
    import icalendar

    cohort = CohortFactory(venue="County Hall", capacity=1)
    sessions = [
        SessionFactory(cohort=cohort, place=""),
        SessionFactory(cohort=cohort, place="", date=cohort.starts_on + datetime.timedelta(days=7)),
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.enrolment_create(cohort=cohort, person=staff_user)
        services.enrolment_create(cohort=cohort, person=UserFactory())  # waiting: no invite to update

    def events(message):
        (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
        return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")}

    first = events(next(m for m in mailoutbox if m.to == [staff_user.email]))
    mailoutbox.clear()
    cohort.refresh_from_db()
    cohort.venue = "Leicester General Hospital, Education Centre"
    cohort.online_link = "https://meet.example.org/llr"
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cohort_save(cohort=cohort)
    (message,) = mailoutbox
    assert message.to == [staff_user.email]
    assert message.subject.startswith("Where your sessions meet has changed")
    assert "Leicester General Hospital" in message.body and "https://meet.example.org/llr" in message.body
    updated = events(message)
    assert set(updated) == set(first)
    for uid, event in updated.items():
        assert event["SEQUENCE"] > first[uid]["SEQUENCE"]
        assert "Leicester General Hospital" in str(event["LOCATION"])
        assert "https://meet.example.org/llr" in str(event["DESCRIPTION"])
    assert [s.sequence for s in Session.objects.filter(pk__in=[s.pk for s in sessions])] == [1, 1]

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cohort_save(cohort=cohort)  # nothing changed
    assert len(mailoutbox) == 1
