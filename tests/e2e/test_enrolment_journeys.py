"""Staff find a programme and get a place: search and filters, enrol, waiting list, withdrawal with the next
person promoted, approval by a line manager, and the calendar file. Every page is axe-checked."""

import datetime
import re

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from programmes.models import Cohort, Enrolment, Pillar, Programme
from tests.factories import StaffGroupFactory, UserFactory
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SessionFactory,
    WorkstreamFactory,
)
from workforce.models import StaffGroup
from workforce.roles import Role


def catalogue_world():
    nursing = StaffGroupFactory(name="Nursing and midwifery")
    culture = WorkstreamFactory(name="Culture and Leadership (Retain)", slug="culture")
    looking_after = WorkstreamFactory(name="Looking After Our People (Retain)", slug="looking-after")
    bystander = ProgrammeFactory(
        title="Active Bystander",
        slug="active-bystander",
        workstream=culture,
        pillar=Pillar.RETAIN,
        summary="Recognise and safely challenge harassment and incivility at work.",
    )
    ProgrammeFactory(title="MECC training delivery", slug="mecc", workstream=looking_after)
    medics = ProgrammeFactory(title="Medical leadership", slug="medical-leadership", workstream=culture)
    medics.audience_staff_groups.set([StaffGroupFactory(name="Medical and dental")])
    return nursing, bystander


def test_find_a_programme_by_filter_and_search_then_enrol_and_download_the_calendar(journey):
    nursing, bystander = catalogue_world()
    cohort = CohortFactory(programme=bystander, name="Spring cohort", capacity=10)
    SessionFactory(cohort=cohort, title="Workshop")
    staff = UserFactory(staff_group=nursing)
    page = journey.page
    journey.sign_in(staff.email)

    page.get_by_role("link", name="Programmes").first.click()
    journey.check_accessibility()
    page.get_by_label("Search programmes").fill("bystander")
    page.get_by_role("button", name="Apply filters").click()
    journey.check_accessibility()
    assert page.get_by_role("heading", name="1 programme found").is_visible()

    page.get_by_label("Search programmes").fill("")
    page.get_by_label("Workstream").select_option(label="Culture and Leadership (Retain)")
    page.get_by_label("Open to me").check()
    page.get_by_role("button", name="Apply filters").click()
    journey.check_accessibility()
    assert page.get_by_role("heading", name="1 programme found").is_visible()
    assert page.get_by_role("link", name="Medical leadership").count() == 0

    page.get_by_role("link", name="Active Bystander").click()
    journey.check_accessibility()
    assert page.get_by_text("10 of 10").is_visible()
    page.get_by_role("button", name="Enrol on Spring cohort").click()
    journey.check_accessibility()
    assert page.get_by_text("Your place on Spring cohort is confirmed").is_visible()
    assert Enrolment.objects.get(person=staff).status == "confirmed"

    with page.expect_download() as download_info:
        page.locator("a", has_text="Add to calendar").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as ics:
        content = ics.read()
    assert "BEGIN:VCALENDAR" in content and "BEGIN:VEVENT" in content and "Workshop" in content


def test_join_a_waiting_list_withdraw_and_see_the_next_person_promoted(journey):
    _nursing, bystander = catalogue_world()
    cohort = CohortFactory(
        programme=bystander, name="Spring cohort", capacity=1, promotion=Cohort.Promotion.DIRECT
    )
    holder = UserFactory(first_name="Hana", last_name="Holder")
    EnrolmentFactory(cohort=cohort, person=holder, status=Enrolment.Status.CONFIRMED)
    waiter = UserFactory(first_name="Wes", last_name="Waiting")
    page = journey.page

    journey.sign_in(waiter.email)
    journey.goto("/programmes/active-bystander/")
    page.get_by_role("button", name="Join the waiting list on Spring cohort").click()
    journey.check_accessibility()
    assert page.get_by_text("Waiting list: number 1").is_visible()

    journey.sign_in(holder.email)
    journey.goto("/my-learning/")
    page.get_by_role("link", name="Withdraw from Active Bystander").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Withdraw").click()
    journey.check_accessibility()
    assert page.get_by_text("You have withdrawn").is_visible()

    journey.sign_in(waiter.email)
    journey.goto("/my-learning/")
    upcoming = page.locator("h2:has-text('Upcoming') + .nhsuk-card")
    assert "Confirmed" in upcoming.inner_text()
    assert Enrolment.objects.get(person=waiter).status == "confirmed"


def test_an_offered_place_is_accepted_and_a_declined_request_shows_its_reason(journey):
    _nursing, bystander = catalogue_world()
    cohort = CohortFactory(programme=bystander, name="Spring cohort", capacity=1)
    other = CohortFactory(programme=bystander, name="Summer cohort", approval_required=True)
    staff = UserFactory(staff_group=StaffGroup.objects.get(name="Medical and dental"))
    EnrolmentFactory(
        cohort=cohort,
        person=staff,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    EnrolmentFactory(cohort=other, person=staff, status="declined", decision_reason="Ward staffing in March")
    # A second offer, on another programme, which the person turns down.
    mecc = CohortFactory(programme=Programme.objects.get(slug="mecc"), name="Winter cohort", capacity=1)
    unwanted = EnrolmentFactory(
        cohort=mecc,
        person=staff,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    page = journey.page
    journey.sign_in(staff.email)
    journey.goto("/my-learning/")
    assert page.get_by_text("Reason: Ward staffing in March").is_visible()
    page.get_by_role("button", name="Accept the place on Active Bystander").click()
    journey.check_accessibility()
    assert page.get_by_text("is confirmed").first.is_visible()
    # Declining asks first: the place is gone once declined.
    page.get_by_role("link", name="Decline the place on MECC training delivery").click()
    journey.check_accessibility()
    page.get_by_role("heading", name="Are you sure you want to decline the place?").wait_for()
    page.get_by_role("button", name="Decline the place").click()
    page.get_by_text("You have declined the place").wait_for()
    journey.check_accessibility()
    unwanted.refresh_from_db()
    assert unwanted.status == Enrolment.Status.WITHDRAWN
    journey.goto("/programmes/medical-leadership/")
    journey.goto("/programmes/?open_to_me=on&open_now=on&format=online&pillar=reform")
    assert page.get_by_text("No programmes match").is_visible()


def test_request_a_place_and_the_line_manager_approves_it(journey):
    _nursing, bystander = catalogue_world()
    cohort = CohortFactory(programme=bystander, name="Approval cohort", capacity=5, approval_required=True)
    manager = UserFactory(first_name="Mona", last_name="Manager")
    staff = UserFactory(first_name="Sam", last_name="Staff", line_manager=manager)
    page = journey.page

    journey.sign_in(staff.email)
    journey.goto("/programmes/active-bystander/")
    page.get_by_role("button", name="Request a place on Approval cohort").click()
    journey.check_accessibility()
    assert page.get_by_text("Your request has been sent for approval").is_visible()

    journey.sign_in(manager.email)
    page.get_by_role("link", name="To approve").first.click()
    journey.check_accessibility()
    page.get_by_role("link", name="Decide on Sam Staff's request").click()
    journey.check_accessibility()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    journey.check_accessibility()
    assert page.get_by_text("their place is confirmed").is_visible()
    assert Enrolment.objects.get(person=staff, cohort=cohort).status == "confirmed"


def lead_with_role():
    """A programme lead. The role group comes from a data migration; an earlier transactional test's flush
    may have removed it, so make sure it exists with its permission."""
    group, _ = Group.objects.get_or_create(name=Role.PROGRAMME_LEAD)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="programmes", codename="lead_programmes")
    )
    return UserFactory(first_name="Lee", last_name="Lead", roles=[Role.PROGRAMME_LEAD])


def test_the_lead_sees_the_cohort_page_and_my_learning_with_every_state(journey):
    programme_lead = lead_with_role()
    _nursing, bystander = catalogue_world()
    bystander.lead = programme_lead
    bystander.save()
    cohort = CohortFactory(programme=bystander, name="Spring cohort", capacity=1)
    SessionFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CONFIRMED)
    EnrolmentFactory(cohort=cohort, person=programme_lead, status=Enrolment.Status.WAITING, queue_number=1)
    past = CohortFactory(
        programme=bystander,
        name="Last year",
        starts_on=timezone.localdate() - datetime.timedelta(days=400),
        ends_on=timezone.localdate() - datetime.timedelta(days=390),
    )
    past_place = EnrolmentFactory(cohort=past, person=programme_lead)
    page = journey.page
    journey.sign_in(programme_lead.email)
    page.get_by_role("link", name="Your cohorts").first.click()
    journey.check_accessibility()
    page.get_by_role("link", name="Spring cohort").click()
    journey.check_accessibility()
    assert page.get_by_text("1 of 1 taken; 1 waiting").is_visible()
    journey.goto("/my-learning/")
    assert page.get_by_text("Waiting list: number 1").is_visible()
    # A cohort that has started: the withdrawal page explains instead of offering the button.
    journey.goto(f"/my-learning/{past_place.pk}/withdraw/")
    assert page.get_by_role("heading", name="You can no longer withdraw here").is_visible()
    assert page.get_by_role("button", name="Withdraw").count() == 0

    # Every form a lead uses, axe-checked, with its error state.
    other = CohortFactory(programme=bystander, name="Autumn cohort", capacity=5)
    holder = Enrolment.objects.get(cohort=cohort, status="confirmed")
    journey.goto(f"/cohorts/{cohort.pk}/people/{holder.pk}/move/")
    page.get_by_label("Move to cohort").select_option(
        label=f"Autumn cohort (starts {other.starts_on:%-d %B %Y})"
    )
    page.get_by_role("button", name="Move").click()
    journey.check_accessibility()
    assert "moved to Autumn cohort" in page.locator(".nhsuk-notification-banner__heading").inner_text()
    journey.goto(f"/cohorts/{cohort.pk}/edit/")
    page.get_by_label("Capacity").fill("-1")
    page.get_by_role("button", name="Save cohort").click()
    journey.check_accessibility()
    assert page.locator(".nhsuk-error-summary").is_visible()
    journey.goto(f"/cohorts/{cohort.pk}/sessions/new/")
    page.get_by_role("button", name="Save session").click()
    journey.check_accessibility()
    assert page.locator(".nhsuk-error-summary").is_visible()
    journey.goto(f"/programmes/{bystander.slug}/cohorts/new/")
    journey.goto(f"/cohorts/{other.pk}/cancel/")
    page.get_by_label("Why is the cohort cancelled?").fill("The trainer is unwell")
    page.get_by_role("button", name="Cancel the cohort").click()
    journey.check_accessibility()
    assert page.get_by_text("Autumn cohort is cancelled").is_visible()

    # One session cancelled, with a reason: the confirmation page, its error state, then the cohort page.
    journey.goto(f"/cohorts/{cohort.pk}/")
    page.get_by_role("link", name=re.compile("^Cancel session on ")).click()
    journey.check_accessibility()
    page.get_by_role("button", name="Cancel the session").click()
    page.locator(".nhsuk-error-summary").get_by_text("Give a reason").wait_for()
    journey.check_accessibility()
    page.get_by_label("Why is the session cancelled?").fill("The room is flooded")
    page.get_by_role("button", name="Cancel the session").click()
    page.get_by_text("People with places have been told").wait_for()
    journey.check_accessibility()
    assert cohort.sessions.get().status == "cancelled"
