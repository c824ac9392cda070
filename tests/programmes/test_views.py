import csv
import datetime
import io

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Cohort, Enrolment, Pillar, Programme
from tests.factories import StaffGroupFactory, UserFactory
from workforce.roles import Role

from .factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme_lead):
    """A published programme led by `programme_lead`, with one cohort, a session and an enrolment."""
    programme = ProgrammeFactory(title="Active Bystander", slug="active-bystander", lead=programme_lead)
    cohort = CohortFactory(programme=programme, capacity=3)
    session = SessionFactory(cohort=cohort)
    enrolment = EnrolmentFactory(cohort=cohort, person=UserFactory(), status=Enrolment.Status.CONFIRMED)
    return {"programme": programme, "cohort": cohort, "session": session, "enrolment": enrolment}


def urls_for(world):
    c, e, s, p = world["cohort"], world["enrolment"], world["session"], world["programme"]
    return {
        "catalogue": ("get", reverse("programmes:catalogue")),
        "programme": ("get", reverse("programmes:programme", args=[p.slug])),
        "enrol": ("post", reverse("programmes:enrol", args=[c.pk])),
        "my_learning": ("get", reverse("programmes:my_learning")),
        "withdraw": ("get", reverse("programmes:withdraw", args=[e.pk])),
        "accept": ("post", reverse("programmes:accept_offer", args=[e.pk])),
        "decline": ("post", reverse("programmes:decline_offer", args=[e.pk])),
        "decline_confirm": ("get", reverse("programmes:decline_offer", args=[e.pk])),
        "calendar": ("get", reverse("programmes:calendar", args=[e.pk])),
        "approvals": ("get", reverse("programmes:approvals")),
        "approval": ("get", reverse("programmes:approval", args=[e.pk])),
        "cohorts": ("get", reverse("programmes:cohorts")),
        "cohort": ("get", reverse("programmes:cohort", args=[c.pk])),
        "cohort_edit": ("get", reverse("programmes:cohort_edit", args=[c.pk])),
        "cohort_create": ("get", reverse("programmes:cohort_create", args=[p.slug])),
        "cohort_cancel": ("get", reverse("programmes:cohort_cancel", args=[c.pk])),
        "cohort_export": ("get", reverse("programmes:cohort_export", args=[c.pk])),
        "move": ("get", reverse("programmes:move", args=[c.pk, e.pk])),
        "session_create": ("get", reverse("programmes:session_create", args=[c.pk])),
        "session_edit": ("get", reverse("programmes:session_edit", args=[c.pk, s.pk])),
        "session_cancel": ("get", reverse("programmes:session_cancel", args=[c.pk, s.pk])),
        "session_cancel_post": ("post", reverse("programmes:session_cancel", args=[c.pk, s.pk])),
    }


ALL_PAGES = [
    "catalogue", "programme", "enrol", "my_learning", "withdraw", "accept", "decline", "decline_confirm",
    "calendar",
    "approvals", "approval", "cohorts", "cohort", "cohort_edit", "cohort_create", "cohort_export", "move",
    "session_create", "session_edit", "session_cancel", "session_cancel_post", "cohort_cancel",
]  # fmt: skip
LEAD_PAGES = [
    "cohorts", "cohort", "cohort_edit", "cohort_create", "cohort_export", "move", "session_create",
    "session_edit", "session_cancel", "session_cancel_post", "cohort_cancel",
]  # fmt: skip
OWN_ENROLMENT_PAGES = ["withdraw", "accept", "decline", "decline_confirm", "calendar"]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    method, url = urls_for(world)[page]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("page", LEAD_PAGES)
@pytest.mark.parametrize("role", [None, Role.BOARD_MEMBER])
def test_people_without_the_lead_role_cannot_manage_cohorts(client, world, page, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    method, url = urls_for(world)[page]
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("page", [p for p in LEAD_PAGES if p != "cohorts"])
def test_a_lead_cannot_manage_another_leads_cohorts(client, world, page):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_LEAD]))
    method, url = urls_for(world)[page]
    assert getattr(client, method)(url).status_code == 403
    world["session"].refresh_from_db()
    assert world["session"].status == "scheduled"


@pytest.mark.parametrize("page", [p for p in LEAD_PAGES if p != "session_cancel_post"])
@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_programme_lead_and_admins_manage_the_cohort(
    client, world, page, who, programme_lead, academy_admin
):
    client.force_login(programme_lead if who == "lead" else academy_admin)
    method, url = urls_for(world)[page]
    assert getattr(client, method)(url).status_code == 200


def test_another_lead_sees_only_their_own_cohorts_in_the_list(client, world):
    other_lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    client.force_login(other_lead)
    response = client.get(reverse("programmes:cohorts"))
    assert response.status_code == 200
    assert world["cohort"].name not in response.content.decode()


@pytest.mark.parametrize("page", OWN_ENROLMENT_PAGES)
@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.ACADEMY_ADMIN])
def test_nobody_sees_or_acts_on_another_persons_enrolment(client, world, page, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    method, url = urls_for(world)[page]
    assert getattr(client, method)(url).status_code == 404
    world["enrolment"].refresh_from_db()
    assert world["enrolment"].status == "confirmed"


def test_my_learning_lists_only_my_own_enrolments(client, world, staff_user):
    mine = EnrolmentFactory(person=staff_user, cohort=CohortFactory(programme=ProgrammeFactory(title="Mine")))
    client.force_login(staff_user)
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert mine.cohort.programme.title in content
    assert "Active Bystander" not in content


def test_staff_cannot_approve_for_someone_who_is_not_their_report(client, staff_user):
    manager = UserFactory()
    request = EnrolmentFactory(
        person=UserFactory(line_manager=manager), approver=manager, status=Enrolment.Status.AWAITING_APPROVAL
    )
    url = reverse("programmes:approval", args=[request.pk])
    for intruder in (staff_user, UserFactory(roles=[Role.PROGRAMME_LEAD]), request.person):
        client.force_login(intruder)
        assert client.get(url).status_code == 403
        assert client.post(url, {"decision": "approve"}).status_code == 403
        assert url not in client.get(reverse("programmes:approvals")).content.decode()
    request.refresh_from_db()
    assert request.status == "awaiting_approval"


def test_a_line_manager_approves_from_the_to_approve_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    manager = UserFactory()
    person = UserFactory(line_manager=manager)
    request = EnrolmentFactory(
        person=person,
        approver=manager,
        status=Enrolment.Status.AWAITING_APPROVAL,
        cohort=CohortFactory(capacity=2),
    )
    client.force_login(manager)
    listing = client.get(reverse("programmes:approvals")).content.decode()
    assert person.display_name in listing
    url = reverse("programmes:approval", args=[request.pk])
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 200 and "Give a reason" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "reason": ""}, follow=True)
    assert "their place is confirmed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "confirmed"
    assert mailoutbox[-1].to == [person.email]


def test_drafts_are_hidden_from_staff_but_not_their_lead(client, staff_user, programme_lead):
    draft = ProgrammeFactory(status=Programme.Status.DRAFT, lead=programme_lead)
    url = reverse("programmes:programme", args=[draft.slug])
    client.force_login(staff_user)
    assert client.get(url).status_code == 404
    client.force_login(programme_lead)
    assert client.get(url).status_code == 200


def test_catalogue_searches_and_filters(client, staff_user):
    nursing = StaffGroupFactory(name="Nursing")
    staff_user.staff_group = nursing
    staff_user.save()
    retain = WorkstreamFactory(name="Culture and Leadership")
    reform = WorkstreamFactory(name="Workforce Transformation")
    mentoring = ProgrammeFactory(title="Reverse Mentoring", workstream=retain, pillar=Pillar.RETAIN)
    ProgrammeFactory(
        title="Population health workforce modelling",
        workstream=reform,
        pillar=Pillar.REFORM,
        format=Programme.Format.ONLINE,
    )
    closed = ProgrammeFactory(title="Medical leadership", workstream=retain)
    closed.audience_staff_groups.set([StaffGroupFactory(name="Medical")])
    CohortFactory(programme=mentoring)
    ProgrammeFactory(title="Hidden draft", status=Programme.Status.DRAFT)
    client.force_login(staff_user)

    def titles(**params):
        content = client.get(reverse("programmes:catalogue"), params).content.decode()
        return {
            t
            for t in ("Reverse Mentoring", "Population health", "Medical leadership", "Hidden draft")
            if t in content
        }

    assert titles() == {"Reverse Mentoring", "Population health", "Medical leadership"}
    assert titles(q="mentoring") == {"Reverse Mentoring"}
    assert titles(workstream=reform.pk) == {"Population health"}
    assert titles(pillar="retain") == {"Reverse Mentoring", "Medical leadership"}
    assert titles(format="online") == {"Population health"}
    assert titles(q="workforce modelling", pillar="retain") == set()
    assert titles(open_now="on") == {"Reverse Mentoring"}
    assert titles(open_to_me="on") == {"Reverse Mentoring", "Population health"}


def test_programme_page_shows_places_sessions_and_the_right_action(client, world, staff_user):
    client.force_login(staff_user)
    url = reverse("programmes:programme", args=["active-bystander"])
    content = client.get(url).content.decode()
    enrol_button = (
        f'type="submit">Enrol<span class="nhsuk-u-visually-hidden"> on {world["cohort"].name}</span>'
    )
    assert "2 of 3" in content and enrol_button in content
    assert world["session"].title in content
    client.post(reverse("programmes:enrol", args=[world["cohort"].pk]))
    content = client.get(url).content.decode()
    assert "You have a place on this cohort." in content and "Add to calendar" in content
    assert enrol_button not in content
    mine = Enrolment.objects.get(person=staff_user)
    assert reverse("programmes:calendar", args=[mine.pk]) in content


def test_a_full_cohort_offers_the_waiting_list_and_shows_the_position(client, world, staff_user):
    Cohort.objects.filter(pk=world["cohort"].pk).update(capacity=1)
    client.force_login(staff_user)
    url = reverse("programmes:programme", args=["active-bystander"])
    assert "Join the waiting list" in client.get(url).content.decode()
    response = client.post(reverse("programmes:enrol", args=[world["cohort"].pk]), follow=True)
    assert "joined its waiting list" in response.content.decode()
    assert "Waiting list: number 1" in response.content.decode()
    # A replayed POST creates nothing new.
    client.post(reverse("programmes:enrol", args=[world["cohort"].pk]))
    assert Enrolment.objects.filter(person=staff_user).count() == 1


def test_not_eligible_is_explained_and_enrolling_anyway_is_refused(client, world, staff_user):
    world["programme"].audience_staff_groups.set([StaffGroupFactory(name="Pharmacy")])
    client.force_login(staff_user)
    content = client.get(reverse("programmes:programme", args=["active-bystander"])).content.decode()
    assert "add your staff group to your profile" in content
    response = client.post(reverse("programmes:enrol", args=[world["cohort"].pk]), follow=True)
    assert "add your staff group" in response.content.decode()
    assert not Enrolment.objects.filter(person=staff_user).exists()


def test_withdraw_and_calendar_for_my_own_place(client, world, staff_user):
    mine = EnrolmentFactory(cohort=world["cohort"], person=staff_user)
    client.force_login(staff_user)
    response = client.get(reverse("programmes:calendar", args=[mine.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert len(cal.walk("VEVENT")) == 1
    assert client.get(reverse("programmes:withdraw", args=[mine.pk])).status_code == 200
    response = client.post(reverse("programmes:withdraw", args=[mine.pk]), follow=True)
    assert "You have withdrawn" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "withdrawn"


def test_cohort_export_is_formula_safe(client, world, programme_lead):
    EnrolmentFactory(cohort=world["cohort"], person=UserFactory(first_name="=HYPERLINK(1)", last_name="x"))
    client.force_login(programme_lead)
    response = client.get(reverse("programmes:cohort_export", args=[world["cohort"].pk]))
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1) x" in body
    assert "\n=" not in body and ",=" not in body


def test_the_lead_moves_a_person_and_edits_a_session(client, world, programme_lead, mailoutbox):
    target = CohortFactory(programme=world["programme"], capacity=2)
    client.force_login(programme_lead)
    url = reverse("programmes:move", args=[world["cohort"].pk, world["enrolment"].pk])
    response = client.post(url, {"to_cohort": target.pk}, follow=True)
    assert "moved to" in response.content.decode()
    assert Enrolment.objects.get(person=world["enrolment"].person, status="confirmed").cohort == target
    session = world["session"]
    url = reverse("programmes:session_edit", args=[world["cohort"].pk, session.pk])
    data = {
        "title": session.title,
        "date": session.date,
        "starts_at": "14:00",
        "ends_at": "13:00",
        "place": "x",
    }
    response = client.post(url, data)
    assert "must end after it starts" in response.content.decode()
    data["ends_at"] = "16:00"
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == datetime.time(14) and session.sequence == 1


def test_cohort_capacity_cannot_drop_below_places_held(client, world, programme_lead):
    client.force_login(programme_lead)
    cohort = world["cohort"]
    data = {
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "venue": "Room",
        "online_link": "",
        "capacity": 0,
        "approval_required": "",
        "promotion": "offer",
        "offer_hours": 48,
    }
    response = client.post(reverse("programmes:cohort_edit", args=[cohort.pk]), data)
    assert "1 people already hold places" in response.content.decode()
    data["capacity"] = 10
    data["starts_on"] = timezone.localdate() + datetime.timedelta(days=40)
    data["ends_on"] = data["starts_on"] + datetime.timedelta(days=1)
    assert client.post(reverse("programmes:cohort_edit", args=[cohort.pk]), data).status_code == 302
    cohort.refresh_from_db()
    assert cohort.capacity == 10


def test_the_lead_cancels_a_cohort_and_everyone_is_withdrawn(client, world, programme_lead):
    client.force_login(programme_lead)
    url = reverse("programmes:cohort_cancel", args=[world["cohort"].pk])
    assert "Give a reason" not in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    response = client.post(url, {"reason": "The trainer is unwell"}, follow=True)
    assert "is cancelled" in response.content.decode()
    world["enrolment"].refresh_from_db()
    assert world["enrolment"].status == "withdrawn"
    assert "The trainer is unwell" in world["enrolment"].decision_reason


def test_cancelling_a_session_is_confirmed_on_its_own_page_with_a_reason(
    client, world, programme_lead, mailoutbox, django_capture_on_commit_callbacks
):
    session, cohort = world["session"], world["cohort"]
    url = reverse("programmes:session_cancel", args=[cohort.pk, session.pk])
    client.force_login(programme_lead)
    cohort_page = client.get(reverse("programmes:cohort", args=[cohort.pk])).content.decode()
    assert f'href="{url}"' in cohort_page  # a link to the confirmation page, not a one-click button
    page = client.get(url).content.decode()
    assert "Why is the session cancelled?" in page and "Cancel the session" in page
    session.refresh_from_db()
    assert session.status == "scheduled"  # the page alone changes nothing
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason; everyone with a place is told it." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The room is closed for repairs"}, follow=True)
    assert "cancelled. People with places have been told." in response.content.decode()
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason) == ("cancelled", "The room is closed for repairs")
    (message,) = mailoutbox
    assert "The reason: The room is closed for repairs" in message.body
    assert "This session is already cancelled." in client.get(url).content.decode()


def test_a_session_whose_date_has_passed_cannot_be_cancelled(client, world, programme_lead):
    past = SessionFactory(cohort=world["cohort"], date=timezone.localdate() - datetime.timedelta(days=1))
    url = reverse("programmes:session_cancel", args=[world["cohort"].pk, past.pk])
    client.force_login(programme_lead)
    assert url not in client.get(reverse("programmes:cohort", args=[world["cohort"].pk])).content.decode()
    page = client.get(url).content.decode()
    assert "so it cannot be cancelled: only today&#x27;s and later sessions can be." in page
    assert "Cancel the session" not in page
    response = client.post(url, {"reason": "Too late"})
    assert "so it cannot be cancelled" in response.content.decode()
    past.refresh_from_db()
    assert past.status == "scheduled"


@pytest.mark.parametrize("method", ["get", "post"])
def test_session_cancel_denials(client, world, method):
    session, cohort = world["session"], world["cohort"]
    url = reverse("programmes:session_cancel", args=[cohort.pk, session.pk])
    data = {"reason": "Not mine to cancel"}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    client.force_login(UserFactory(roles=[Role.PROGRAMME_LEAD]))  # another programme's lead
    assert getattr(client, method)(url, data if method == "post" else None).status_code == 403
    # A session of another cohort under this cohort's address is not found.
    other = SessionFactory()
    client.force_login(world["programme"].lead)
    stray = reverse("programmes:session_cancel", args=[cohort.pk, other.pk])
    assert getattr(client, method)(stray, data if method == "post" else None).status_code == 404
    session.refresh_from_db()
    other.refresh_from_db()
    assert session.status == other.status == "scheduled"


def test_accept_an_offered_place_from_my_learning(client, staff_user):
    cohort = CohortFactory(capacity=1)
    offer = EnrolmentFactory(
        cohort=cohort,
        person=staff_user,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
    )
    client.force_login(staff_user)
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert "Places offered to you" in content and "Accept the place" in content
    response = client.post(reverse("programmes:accept_offer", args=[offer.pk]), follow=True)
    assert "is confirmed" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "confirmed"


def test_the_lead_adds_a_cohort_and_a_session(client, world, programme_lead):
    client.force_login(programme_lead)
    starts = timezone.localdate() + datetime.timedelta(days=60)
    data = {
        "name": "Autumn cohort",
        "starts_on": starts,
        "ends_on": starts + datetime.timedelta(days=7),
        "venue": "County Hall",
        "online_link": "",
        "capacity": 15,
        "promotion": "direct",
        "offer_hours": 24,
    }
    response = client.post(reverse("programmes:cohort_create", args=["active-bystander"]), data)
    cohort = Cohort.objects.get(name="Autumn cohort")
    assert response["Location"] == reverse("programmes:cohort", args=[cohort.pk])
    assert cohort.programme == world["programme"] and cohort.capacity == 15
    url = reverse("programmes:session_create", args=[cohort.pk])
    response = client.post(url, {"title": "Day 1", "date": starts, "starts_at": "09:00", "ends_at": "12:00"})
    assert response.status_code == 302
    assert cohort.sessions.get().title == "Day 1"


def _offer(person, **cohort_fields):
    cohort = CohortFactory(capacity=1, **cohort_fields)
    return EnrolmentFactory(
        cohort=cohort,
        person=person,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
    )


def test_declining_an_offer_asks_to_confirm_then_declines_and_emails(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    offer = _offer(staff_user)
    client.force_login(staff_user)
    url = reverse("programmes:decline_offer", args=[offer.pk])
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert f'href="{url}"' in content  # a link to the confirmation page, not a one-click form
    assert f'action="{url}"' not in content
    page = client.get(url)
    assert page.status_code == 200
    assert "Are you sure you want to decline the place?" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == "offered"  # looking at the page changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "You have declined the place" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    (message,) = mailoutbox
    assert message.to == [staff_user.email] and message.subject.startswith("You have declined the place")
    # Afterwards the page says the offer is closed and a second POST changes nothing.
    assert "no longer open" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "no longer open" in response.content.decode()


def test_another_persons_offer_cannot_be_declined(client, staff_user):
    offer = _offer(UserFactory())
    client.force_login(staff_user)
    url = reverse("programmes:decline_offer", args=[offer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "offered"


def test_an_offer_for_a_cohort_that_has_started_shows_as_ended_without_accept(client, staff_user):
    today = timezone.localdate()
    offer = _offer(staff_user, starts_on=today, ends_on=today + datetime.timedelta(days=2))
    client.force_login(staff_user)
    content = client.get(reverse("programmes:my_learning")).content.decode()
    assert "Places offered to you" not in content
    assert "Offer closed: the cohort has started" in content
    assert "Accept the place" not in content
    response = client.post(reverse("programmes:accept_offer", args=[offer.pk]), follow=True)
    assert "already started" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "offered"


def test_the_to_approve_page_leaves_out_requests_for_cohorts_that_have_started(client):
    manager = UserFactory()
    today = timezone.localdate()
    late = UserFactory(line_manager=manager, first_name="Late", last_name="Request")
    timely = UserFactory(line_manager=manager, first_name="Timely", last_name="Request")
    for person, starts in ((late, today), (timely, today + datetime.timedelta(days=9))):
        EnrolmentFactory(
            person=person,
            approver=manager,
            status=Enrolment.Status.AWAITING_APPROVAL,
            cohort=CohortFactory(starts_on=starts, ends_on=starts),
        )
    client.force_login(manager)
    listing = client.get(reverse("programmes:approvals")).content.decode()
    assert timely.display_name in listing
    assert late.display_name not in listing


def test_the_lead_sees_and_exports_places_then_the_waiting_list_in_queue_order(client, world, programme_lead):
    """The cohort page and its CSV list the people with places, then the waiting list by position; a person
    who withdrew from the list moves those behind them up and is listed apart."""
    from programmes import services

    cohort = world["cohort"]
    people = [UserFactory(first_name=name, last_name="Test") for name in ("Ada", "Ben", "Cai", "Dee", "Eve")]
    enrolments = [services.enrolment_create(cohort=cohort, person=person) for person in people]
    assert [e.status for e in enrolments] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    services.enrolment_withdraw(enrolment=enrolments[2], withdrawn_by=people[2])  # Cai leaves the list

    client.force_login(programme_lead)
    page = client.get(reverse("programmes:cohort", args=[cohort.pk])).content.decode()
    table = page[page.index("<h2>People</h2>") : page.index("<h2>Sessions</h2>")]
    live, left = table.split("Withdrawn, declined or expired")
    order = [name for name in ("Ada", "Ben", "Dee", "Eve") if f"{name} Test" in live]
    assert order == ["Ada", "Ben", "Dee", "Eve"]
    assert [live.index(f"{n} Test") for n in order] == sorted(live.index(f"{n} Test") for n in order)
    assert live.index("Dee Test") < live.index("Waiting list: number 1") < live.index("Eve Test")
    assert "Waiting list: number 2" in live and "Cai Test" not in live
    assert "Cai Test: withdrawn" in left

    response = client.get(reverse("programmes:cohort_export", args=[cohort.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Name",
        "Email",
        "Organisation",
        "Staff group",
        "Band",
        "Status",
        "Waiting position",
    ]
    by_name = [(r[0], r[5], r[6]) for r in rows[1:]]
    assert by_name == [
        (world["enrolment"].person.display_name, "Confirmed", ""),
        ("Ada Test", "Confirmed", ""),
        ("Ben Test", "Confirmed", ""),
        ("Dee Test", "On the waiting list", "1"),
        ("Eve Test", "On the waiting list", "2"),
        ("Cai Test", "Withdrawn", ""),
    ]
