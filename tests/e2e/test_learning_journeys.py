"""Issue 4 journeys: attendance to certificate to public verification, a survey answered, programme reach."""

import csv
import datetime
import importlib
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from programmes.models import ProgrammeOutcome, SurveyResponse
from programmes.services import enrolment_move, programme_outcome_update
from tests.factories import UserFactory
from tests.programmes.factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory
from tests.programmes.learning_helpers import default_surveys
from workforce.demo import seed_reference_data
from workforce.models import Organisation
from workforce.roles import Role


@pytest.fixture(autouse=True)
def role_permissions(journey):
    """Make sure the role groups hold their permissions, as the data migrations grant them.

    A transactional test elsewhere in the run (with no serialized rollback) can flush the groups' grants
    before a journey starts; granting again is idempotent.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for module in (
        "workforce.migrations.0002_roles",
        "programmes.migrations.0002_role_permissions",
        "programmes.migrations.0051_learning_permissions",
        "pledges.migrations.0002_role_permissions",
    ):
        for group_name, perms in getattr(importlib.import_module(module), "GRANTS", {}).items():
            group, _ = Group.objects.get_or_create(name=group_name)
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


def test_lead_marks_attendance_participant_completes_downloads_and_verifies_the_certificate(
    journey, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    seed_reference_data()
    default_surveys()
    lead = UserFactory(
        email="lee.lead@nhs.net", first_name="Lee", last_name="Lead", roles=[Role.PROGRAMME_LEAD]
    )
    participant = UserFactory(email="nia.shah@nhs.net", first_name="Nia", last_name="Shah")
    others = [UserFactory(first_name=f"Person{i}", last_name="Example") for i in range(3)]
    today = timezone.localdate()
    programme = ProgrammeFactory(title="Active Bystander", slug="active-bystander", lead=lead, cpd_hours=3)
    cohort = CohortFactory(programme=programme, name="November 2026", starts_on=today, ends_on=today)
    SessionFactory(cohort=cohort, title="Active Bystander workshop", date=today)
    places = [
        EnrolmentFactory(cohort=cohort, person=person, confirmed_at=timezone.now())
        for person in [participant, *others]
    ]
    later = CohortFactory(programme=programme, name="January 2027")
    page = journey.page

    # The lead marks attendance: everyone present, then one person absent, with the keyboard.
    journey.sign_in(lead.email)
    journey.goto("/sessions/")  # (the header may fold its links into "More" on a narrow window)
    page.get_by_role("link", name=re.compile("Mark attendance")).click()
    journey.check_accessibility()
    page.get_by_role("button", name="Mark everyone present").click()
    page.get_by_text("Attendance saved").wait_for()
    journey.check_accessibility()
    absent = page.get_by_role("group", name=re.compile("Person0 Example")).get_by_label("Absent")
    absent.focus()
    page.keyboard.press("Space")
    assert absent.is_checked()
    # Someone is moved to a later cohort while the page is open: their row's mark is not saved, and the
    # page says so next to the confirmation.
    enrolment_move(enrolment=places[-1], to_cohort=later, moved_by=lead)
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved").wait_for()
    page.get_by_text("Person2 Example (moved to January 2027)").wait_for()
    journey.check_accessibility()
    # On a phone: the same page, no sideways scrolling, still clean for axe.
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    journey.check_accessibility()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name="Completion for this cohort").click()
    journey.check_accessibility()
    row = page.get_by_role("row", name=re.compile("Nia Shah"))
    assert "Completed" in row.inner_text()
    assert "Did not attend" in page.get_by_role("row", name=re.compile("Person0 Example")).inner_text()

    # The participant finds the certificate in their learning record and downloads it.
    journey.sign_in(participant.email)
    journey.goto("/learning-record/")  # (the header may fold its links into "More" on a narrow window)
    assert "3 CPD hours in total" in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download certificate")).click()
    pdf = download_info.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Nia Shah" in text and "Active Bystander" in text and "CPD hours" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text).group(0)
    assert code in page.content()

    # Anyone can check the code on the public page, signed out.
    page.context.clear_cookies()
    journey.goto("/certificates/verify/")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check certificate").click()
    page.get_by_role("heading", name="This certificate is valid").wait_for()
    journey.check_accessibility()
    assert "Nia Shah" in page.content() and "Active Bystander" in page.content()
    assert "nia.shah@nhs.net" not in page.content()
    page.get_by_label("Verification code").fill("ABCD-EFGH-JK23")
    page.get_by_role("button", name="Check certificate").click()
    page.get_by_role("heading", name="No valid certificate found").wait_for()
    journey.check_accessibility()


def test_participant_answers_the_survey_and_adds_learning_done_elsewhere(journey):
    seed_reference_data()
    default_surveys()
    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    participant = UserFactory(email="sam.patel@nhs.net", first_name="Sam", last_name="Patel")
    today = timezone.localdate()
    programme = ProgrammeFactory(title="Reverse Mentoring", lead=lead)
    cohort = CohortFactory(programme=programme, starts_on=today - datetime.timedelta(days=20), ends_on=today)
    session = SessionFactory(cohort=cohort, date=today - datetime.timedelta(days=20))
    enrolment = EnrolmentFactory(cohort=cohort, person=participant, confirmed_at=timezone.now())
    from programmes.services import attendance_mark

    attendance_mark(session=session, marks={enrolment.pk: "present"}, marked_by=lead)
    page = journey.page
    journey.sign_in(participant.email)
    journey.goto("/learning-record/")
    page.get_by_role("link", name=re.compile("How was it\\?")).click()
    journey.check_accessibility()
    page.get_by_role("button", name="Send answers").click()
    page.locator(".nhsuk-error-summary").wait_for()
    journey.check_accessibility()
    page.get_by_role("group", name=re.compile("Overall, how good")).get_by_label("4").check()
    page.get_by_label(re.compile("What could be better")).fill("More time for practice")
    page.get_by_role("button", name="Send answers").click()
    page.get_by_text("Thank you: your answers have been saved.").wait_for()
    journey.check_accessibility()
    assert SurveyResponse.objects.filter(invitation__enrolment=enrolment).count() == 1

    page.get_by_role("link", name="Add learning done elsewhere").click()
    journey.check_accessibility()
    page.get_by_label("Title").fill("Safeguarding adults level 3")
    page.get_by_label("Date completed").fill("2026-06-01")
    page.get_by_label("CPD hours").fill("4")
    page.get_by_role("button", name="Add to my learning record").click()
    page.get_by_text("has been added to your learning record").wait_for()
    journey.check_accessibility()

    journey.goto("/you/equality-monitoring/")
    page.get_by_role("group", name=re.compile("Ethnic group")).get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Save answers").click()
    page.get_by_text("Your equality-monitoring answers have been saved.").wait_for()
    journey.check_accessibility()


def test_board_member_opens_programme_reach_and_exports_it(journey):
    seed_reference_data()
    uhl = Organisation.objects.get(code="uhl")
    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    programme = ProgrammeFactory(title="Preceptorship", lead=lead)
    programme_outcome_update(
        programme=programme, updated_by=lead, challenge="Newly qualified nurses leaving in year one."
    )
    cohort = CohortFactory(programme=programme, capacity=20)
    for _ in range(9):
        EnrolmentFactory(cohort=cohort, person=UserFactory(organisation=uhl), confirmed_at=timezone.now())
    EnrolmentFactory(cohort=cohort, person=UserFactory(organisation=Organisation.objects.get(code="rutland")))
    board = UserFactory(email="bea.board@nhs.net", roles=[Role.BOARD_MEMBER])
    page = journey.page
    journey.sign_in(board.email)
    journey.goto("/reach/")  # (the header may fold its links into "More" on a narrow window)
    uhl_row = page.get_by_role("row", name=re.compile("^UHL"))
    assert uhl_row.inner_text().split() == ["UHL", "10", "0", "0%"]
    assert page.get_by_role("row", name=re.compile("^Rutland")).inner_text().split() == [
        "Rutland",
        "*",
        "0",
        "*",
    ]
    page.get_by_label("Break down by").select_option(label="Sector")
    page.get_by_role("button", name="Show reach").click()
    page.get_by_role("heading", name="Enrolments and completions by sector").wait_for()
    journey.check_accessibility()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (CSV)").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Sector"
    assert ["NHS", "10", "0", "0%"] in rows and rows[-1] == ["All", "10", "0", "0%"]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (Excel)").click()
    assert download_info.value.path().read_bytes()[:2] == b"PK"
    assert ProgrammeOutcome.objects.count() == 1


def test_lead_and_admin_evaluation_pages(journey):
    seed_reference_data()
    default_surveys()
    lead = UserFactory(email="lee.lead@nhs.net", roles=[Role.PROGRAMME_LEAD])
    admin = UserFactory(email="alex.admin@nhs.net", roles=[Role.ACADEMY_ADMIN])
    today = timezone.localdate()
    programme = ProgrammeFactory(title="Reverse Mentoring", slug="reverse-mentoring", lead=lead)
    cohort = CohortFactory(
        programme=programme, name="Spring", starts_on=today - datetime.timedelta(days=9), ends_on=today
    )
    session = SessionFactory(cohort=cohort, title="Day 1", date=today - datetime.timedelta(days=9))
    from programmes.services import attendance_mark, survey_response_submit

    people = [UserFactory(first_name=f"P{i}", last_name="Example") for i in range(6)]
    enrolments = [EnrolmentFactory(cohort=cohort, person=p, confirmed_at=timezone.now()) for p in people]
    attendance_mark(session=session, marks={e.pk: "present" for e in enrolments}, marked_by=lead)
    for enrolment in enrolments[:5]:
        invitation = enrolment.survey_invitations.get(kind="completion")
        questions = list(invitation.survey.questions.order_by("order"))
        survey_response_submit(invitation=invitation, answers={questions[0].pk: 4, questions[1].pk: "Useful"})
    page = journey.page

    journey.sign_in(lead.email)
    journey.goto("/evaluations/")  # (the header may fold its links into "More" on a narrow window)
    page.get_by_role("link", name="Reverse Mentoring").click()
    journey.check_accessibility()
    assert "5 responses." in page.content() and "4.0 out of 5" in page.content()
    page.get_by_role("link", name="Edit the programme outcomes (case study)").click()
    journey.check_accessibility()
    page.get_by_label("Challenge").fill("Senior leaders rarely heard from junior staff.")
    page.get_by_role("button", name="Save outcomes").click()
    page.get_by_text("have been saved").wait_for()
    journey.check_accessibility()
    assert "Senior leaders rarely heard" in page.content()
    page.get_by_role("link", name="Change the completion rule").click()
    journey.check_accessibility()
    page.get_by_label("Minimum attendance (%)").fill("150")
    page.get_by_role("button", name="Save rule").click()
    page.locator(".nhsuk-error-summary").wait_for()
    journey.check_accessibility()
    page.get_by_label("Minimum attendance (%)").fill("80")
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text("completions rechecked").wait_for()
    journey.check_accessibility()
    page.get_by_role("link", name="follow-up survey").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Use our own survey").click()
    page.get_by_text("This programme now has its own survey").wait_for()
    journey.check_accessibility()
    page.get_by_label("Send how many months after completion").fill("3")
    page.get_by_role("group", name="Add a question (optional)").first.get_by_label(
        "Question", exact=True
    ).fill("Would you recommend it to a colleague?")
    page.get_by_role("button", name="Save survey").click()
    page.get_by_text("has been saved").wait_for()
    journey.check_accessibility()
    assert (
        page.get_by_role("group", name="Question 3")
        .get_by_label("Question", exact=True)
        .input_value()
        .startswith("Would")
    )
    journey.goto("/evaluations/programmes/reverse-mentoring/")
    page.get_by_role("link", name="Completion: Spring").click()
    journey.check_accessibility()
    page.get_by_role("link", name="Change the status of P0 Example").click()
    journey.check_accessibility()
    page.get_by_label("Not completed").check()
    page.get_by_role("button", name="Save status").click()
    page.locator(".nhsuk-error-summary").wait_for()
    journey.check_accessibility()
    page.get_by_label("Reason for the change").fill("Left after the first hour")
    page.get_by_role("button", name="Save status").click()
    page.get_by_text("Left after the first hour").wait_for()
    journey.check_accessibility()

    journey.sign_in(admin.email)
    journey.goto("/evaluations/programmes/reverse-mentoring/responses/")
    assert page.get_by_text("Useful").count() == 5
