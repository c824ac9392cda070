import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programmes import selectors, services
from programmes.models import Attendance, Completion, ProgrammeOutcome, SurveyQuestion, SurveyResponse
from workforce.models import EqualityMonitoring
from workforce.roles import Role

from ..factories import OrganisationFactory, StaffGroupFactory, UserFactory
from .factories import SessionFactory
from .learning_helpers import (
    ABSENT,
    PRESENT,
    default_surveys,
    mark,
    media,  # noqa: F401 (fixture used through usefixtures)
    past_cohort,
    place,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def world(programme_lead):
    """A lead's cohort with one completed participant (and their certificate and survey invitation)."""
    default_surveys()
    cohort = past_cohort(sessions=2, lead=programme_lead, slug="mary-seacole", title="Mary Seacole")
    participant = UserFactory(first_name="Nia", last_name="Shah", email="nia@nhs.net")
    enrolment = place(cohort, person=participant)
    mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
    completion = Completion.objects.get(enrolment=enrolment)
    services.certificate_generate(certificate_id=completion.certificate.pk)
    completion.certificate.refresh_from_db()
    return {
        "cohort": cohort,
        "programme": cohort.programme,
        "session": cohort.sessions.order_by("date").first(),
        "participant": participant,
        "enrolment": enrolment,
        "completion": completion,
        "certificate": completion.certificate,
        "invitation": enrolment.survey_invitations.get(kind="completion"),
    }


def urls(w):
    slug = w["programme"].slug
    return {
        "sessions": reverse("programmes:sessions"),
        "attendance": reverse("programmes:attendance", args=[w["session"].pk]),
        "cohort_completion": reverse("programmes:cohort_completion", args=[w["cohort"].pk]),
        "completion_override": reverse("programmes:completion_override", args=[w["completion"].pk]),
        "certificate_download": reverse("programmes:certificate_download", args=[w["certificate"].code]),
        "evaluations": reverse("programmes:evaluations"),
        "survey_answer": reverse("programmes:survey_answer", args=[w["invitation"].pk]),
        "evaluation": reverse("programmes:evaluation", args=[slug]),
        "outcome_edit": reverse("programmes:outcome_edit", args=[slug]),
        "completion_rule_edit": reverse("programmes:completion_rule_edit", args=[slug]),
        "responses": reverse("programmes:responses", args=[slug]),
        "reach": reverse("programmes:reach"),
        "reach_csv": reverse("programmes:reach_export", args=["csv"]),
        "reach_xlsx": reverse("programmes:reach_export", args=["xlsx"]),
    }


def test_every_page_sends_anonymous_people_to_sign_in(client, world):
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"] == f"{reverse('account_login')}?next={url}", name


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [
        (
            None,
            [
                "sessions",
                "evaluations",
                "reach",
                "reach_csv",
                "reach_xlsx",
                "responses",
                "attendance",
                "cohort_completion",
                "completion_override",
                "evaluation",
                "outcome_edit",
                "completion_rule_edit",
            ],
        ),
        (
            Role.BOARD_MEMBER,
            [
                "sessions",
                "evaluations",
                "responses",
                "attendance",
                "cohort_completion",
                "completion_override",
                "evaluation",
                "outcome_edit",
                "completion_rule_edit",
            ],
        ),
        # A lead of another programme: their own lists open, this programme's pages do not.
        (
            Role.PROGRAMME_LEAD,
            [
                "reach",
                "reach_csv",
                "reach_xlsx",
                "responses",
                "attendance",
                "cohort_completion",
                "completion_override",
                "evaluation",
                "outcome_edit",
                "completion_rule_edit",
            ],
        ),
    ],
)
def test_wrong_roles_and_other_leads_are_forbidden(client, world, role, forbidden):
    client.force_login(UserFactory(roles=[role] if role else []))
    all_urls = urls(world)
    for name in forbidden:
        assert client.get(all_urls[name]).status_code == 403, name
    assert client.post(all_urls["attendance"], {"all_present": "1"}).status_code == 403
    assert (
        client.post(all_urls["completion_override"], {"status": "not_completed", "reason": "x"}).status_code
        == 403
    )
    assert Attendance.objects.filter(status=PRESENT).count() == 2
    world["completion"].refresh_from_db()
    assert world["completion"].status == Completion.Status.COMPLETED


@pytest.mark.parametrize("who", ["stranger", "board"])
def test_someone_elses_certificate_and_survey_are_not_found(client, world, who, board_member):
    client.force_login(board_member if who == "board" else UserFactory())
    all_urls = urls(world)
    assert client.get(all_urls["certificate_download"]).status_code == 404
    assert client.get(all_urls["survey_answer"]).status_code == 404
    assert client.post(all_urls["survey_answer"], {}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_participant_and_the_lead_download_the_certificate(client, world, programme_lead):
    for user in (world["participant"], programme_lead):
        client.force_login(user)
        response = client.get(urls(world)["certificate_download"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_learning_record_lists_the_completed_programme_with_cpd_hours(client, world):
    client.force_login(world["participant"])
    page = client.get(reverse("programmes:learning_record")).content.decode()
    assert "Mary Seacole" in page
    assert "6 CPD hours in total: 6 with the LLR Academy" in page
    assert world["certificate"].code in page
    assert "How was it?" in page  # the survey waiting for them


def test_the_lead_marks_attendance_on_one_page(client, world, programme_lead):
    cohort = world["cohort"]
    others = [place(cohort) for _ in range(2)]
    session = world["session"]
    client.force_login(programme_lead)
    page = client.get(urls(world)["attendance"]).content.decode()
    assert page.count('type="radio"') == 3 * 3
    assert f'name="attendance-{world["enrolment"].pk}" type="radio" value="present" checked' in page
    response = client.post(urls(world)["attendance"], {f"attendance-{others[0].pk}": ABSENT})
    assert response.status_code == 302
    assert "Attendance saved" in client.get(response["Location"]).content.decode()
    assert Attendance.objects.get(session=session, enrolment=others[0]).status == ABSENT
    assert "Mark everyone else present" in client.get(urls(world)["attendance"]).content.decode()
    client.post(urls(world)["attendance"], {"all_present": "1"})
    # The others are marked present; the absence already recorded is kept.
    assert Attendance.objects.filter(session=session, status=PRESENT).count() == 2
    assert Attendance.objects.get(session=session, enrolment=others[0]).status == ABSENT
    assert "Mark everyone" not in client.get(urls(world)["attendance"]).content.decode()


def test_marks_for_people_still_on_the_list_are_saved_when_someone_left_after_the_page_loaded(
    client, world, programme_lead
):
    """A stale row used to refuse the whole submission, losing every mark the lead had just set."""
    from programmes.models import Enrolment

    from .factories import CohortFactory

    cohort, session = world["cohort"], world["session"]
    staying = place(cohort, person=UserFactory(first_name="Ada", last_name="Okafor"))
    leaving = place(cohort, person=UserFactory(first_name="Ben", last_name="Hale"))
    moving = place(cohort, person=UserFactory(first_name="Cai", last_name="Moss"))
    client.force_login(programme_lead)
    page = client.get(urls(world)["attendance"]).content.decode()
    assert "Ben Hale" in page and "Cai Moss" in page
    # After the page loaded: Ben withdraws and Cai is moved to another cohort.
    Enrolment.objects.filter(pk=leaving.pk).update(status=Enrolment.Status.WITHDRAWN)
    spring = CohortFactory(programme=cohort.programme, name="Spring cohort", capacity=10)
    services.enrolment_move(enrolment=moving, to_cohort=spring, moved_by=programme_lead)
    response = client.post(
        urls(world)["attendance"],
        {
            f"attendance-{world['enrolment'].pk}": ABSENT,
            f"attendance-{staying.pk}": PRESENT,
            f"attendance-{leaving.pk}": PRESENT,
            f"attendance-{moving.pk}": PRESENT,
        },
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status")) == {
        world["enrolment"].pk: ABSENT,
        staying.pk: PRESENT,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Attendance saved" in page and "2 changes" in page
    assert (
        "Not saved, as the list changed after the page loaded: Ben Hale (withdrawn from this cohort); "
        "Cai Moss (moved to Spring cohort)."
    ) in page


def test_a_mark_for_someone_never_in_the_cohort_is_not_saved_and_not_named(world, programme_lead):
    stranger = place(past_cohort(sessions=1), person=UserFactory(first_name="Dee", last_name="Far"))
    result = services.attendance_mark_from_page(
        session=world["session"],
        marks={stranger.pk: PRESENT, world["enrolment"].pk: ABSENT},
        marked_by=programme_lead,
    )
    assert result.changed == 1
    assert [(m.name, m.reason) for m in result.not_saved] == [("1 person", "not in this cohort")]
    assert not Attendance.objects.filter(enrolment=stranger).exists()


def test_a_future_session_cannot_be_marked_yet(client, world, programme_lead):
    future = SessionFactory(cohort=world["cohort"], date=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(programme_lead)
    url = reverse("programmes:attendance", args=[future.pk])
    assert "This session has not happened yet" in client.get(url).content.decode()
    response = client.post(url, {"all_present": "1"})
    assert response.status_code == 400
    assert not Attendance.objects.filter(session=future).exists()


def test_the_lead_overrides_a_completion_with_a_reason(client, world, programme_lead):
    client.force_login(programme_lead)
    url = urls(world)["completion_override"]
    response = client.post(url, {"status": "not_completed", "reason": ""})
    assert "Give a reason for changing the completion status" in response.content.decode()
    response = client.post(url, {"status": "not_completed", "reason": "Left early on both days"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Left early on both days" in page
    world["completion"].refresh_from_db()
    assert world["completion"].status == Completion.Status.NOT_COMPLETED
    assert world["completion"].overridden_by == programme_lead


def test_the_public_page_verifies_a_code_without_sign_in(client, world):
    url = reverse("programmes:certificate_verify")
    page = client.get(url, {"code": world["certificate"].code.lower()}).content.decode()
    assert "This certificate is valid" in page
    assert "Nia Shah" in page and "Mary Seacole" in page
    assert "nia@nhs.net" not in page and world["cohort"].name not in page
    page = client.get(url, {"code": "ABCD-EFGH-JK23"}).content.decode()
    assert "No valid certificate found" in page and "Nia Shah" not in page
    assert "Enter the 12 letters" in client.get(url, {"code": "x"}).content.decode()


def test_the_verify_page_is_rate_limited(client, world):
    url = reverse("programmes:certificate_verify")
    for _ in range(20):
        assert client.get(url, {"code": "ABCD-EFGH-JK23"}).status_code == 200
    response = client.get(url, {"code": world["certificate"].code})
    assert response.status_code == 429
    assert "Nia Shah" not in response.content.decode()


def test_a_participant_answers_their_survey_once(client, world):
    client.force_login(world["participant"])
    url = urls(world)["survey_answer"]
    page = client.get(url).content.decode()
    assert "Overall, how good was the programme?" in page
    question = world["invitation"].survey.questions.get(order=1)
    response = client.post(url, {})
    assert "Choose a rating from 1 to 5" in response.content.decode()
    response = client.post(url, {f"question_{question.pk}": "4"})
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1
    response = client.get(url)
    assert response.status_code == 302
    client.post(url, {f"question_{question.pk}": "1"})
    assert SurveyResponse.objects.count() == 1


def answer(invitation, rating, text=""):
    questions = {q.order: q for q in invitation.survey.questions.all()}
    services.survey_response_submit(
        invitation=invitation, answers={questions[1].pk: rating, questions[2].pk: text}
    )


def test_survey_results_are_hidden_under_five_responses(client, world, programme_lead, academy_admin):
    cohort = world["cohort"]
    answer(world["invitation"], 5, "Loved the coaching day")
    for rating in (4, 4, 3):
        enrolment = place(cohort)
        mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
        answer(enrolment.survey_invitations.get(kind="completion"), rating)
    client.force_login(programme_lead)
    page = client.get(urls(world)["evaluation"]).content.decode()
    assert "Results are shown once at least 5 people have answered." in page
    assert "Shown from 5 responses" in page
    assert "Loved the coaching day" not in page
    # Nothing of the four ratings leaks: no average (4.0 here), no table of counts.
    assert "out of 5" not in page and "4.0" not in page and "Average (1 to 5)" not in page
    enrolment = place(cohort)
    mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
    answer(enrolment.survey_invitations.get(kind="completion"), 1)
    page = client.get(urls(world)["evaluation"]).content.decode()
    assert "5 responses." in page
    assert "3.4 out of 5" in page  # (5 + 4 + 4 + 3 + 1) / 5
    assert "Average (1 to 5)" in page
    assert "Loved the coaching day" not in page  # free text is individual: admins only
    assert client.get(urls(world)["responses"]).status_code == 403
    client.force_login(academy_admin)
    assert "Loved the coaching day" in client.get(urls(world)["responses"]).content.decode()


def test_a_question_fewer_than_five_people_rated_is_not_shown(client, world, programme_lead):
    """Five responses show the cohort's results, but an optional question two of them rated stays hidden."""
    cohort = world["cohort"]
    survey = world["invitation"].survey
    optional = SurveyQuestion.objects.create(
        survey=survey, order=3, text="How useful was the reading list?", kind="rating", required=False
    )
    invitations = [world["invitation"]]
    for _ in range(4):
        enrolment = place(cohort)
        mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
        invitations.append(enrolment.survey_invitations.get(kind="completion"))
    questions = {q.order: q for q in survey.questions.all()}
    for number, invitation in enumerate(invitations):
        answers = {questions[1].pk: 4, questions[2].pk: ""}
        if number < 2:
            answers[optional.pk] = 1
        services.survey_response_submit(invitation=invitation, answers=answers)

    results = selectors.programme_cohort_results(programme=world["programme"], kind="completion")
    by_text = {q.question.text: q for q in results[0].questions}
    assert by_text["Overall, how good was the programme?"].mean == Decimal("4.0")
    hidden = by_text["How useful was the reading list?"]
    assert (hidden.shown, hidden.mean, hidden.distribution) == (False, None, [])

    client.force_login(programme_lead)
    page = client.get(urls(world)["evaluation"]).content.decode()
    assert "4.0 out of 5" in page
    assert "How useful was the reading list?" in page
    assert "Shown once at least 5 people have answered this question" in page
    assert "1.0" not in page


def test_the_lead_edits_the_outcomes_shown_as_the_case_study(client, world, programme_lead):
    client.force_login(programme_lead)
    response = client.post(
        urls(world)["outcome_edit"],
        {
            "challenge": "Too few nurse leaders from ethnic minorities",
            "approach": "A year-long cohort",
            "enablers": "",
            "learning": "",
            "results": "Eight promotions",
        },
    )
    assert response.status_code == 302
    outcome = ProgrammeOutcome.objects.get(programme=world["programme"])
    assert outcome.updated_by == programme_lead and outcome.history.count() == 1
    page = client.get(urls(world)["evaluation"]).content.decode()
    assert "Too few nurse leaders" in page and "Eight promotions" in page
    assert "Completion rate" in page and "100%" not in page  # one person: suppressed


def test_an_academy_admin_edits_any_programmes_outcomes(client, world, academy_admin):
    client.force_login(academy_admin)
    fields = {
        "challenge": "Retention of new starters",
        "approach": "",
        "enablers": "",
        "learning": "",
        "results": "",
    }
    assert client.post(urls(world)["outcome_edit"], fields).status_code == 302
    outcome = ProgrammeOutcome.objects.get(programme=world["programme"])
    assert (outcome.challenge, outcome.updated_by) == ("Retention of new starters", academy_admin)
    assert "Retention of new starters" in client.get(urls(world)["evaluation"]).content.decode()


def test_the_lead_changes_the_completion_rule(client, world, programme_lead):
    client.force_login(programme_lead)
    response = client.post(urls(world)["completion_rule_edit"], {"min_attendance_percent": "101"})
    assert "Enter the minimum attendance, from 0 to 100" in response.content.decode()
    response = client.post(
        urls(world)["completion_rule_edit"],
        {"min_attendance_percent": "100", "required_session_titles": "Day 2"},
    )
    assert response.status_code == 302
    assert world["programme"].completion_rule.required_titles == ["Day 2"]


def test_a_board_member_sees_suppressed_reach_and_exports_it(client, world, board_member, programme_lead):
    big = OrganisationFactory(short_name="UHL", name="University Hospitals of Leicester")
    cohort = world["cohort"]
    for i in range(8):
        person = UserFactory(organisation=big)
        EqualityMonitoring.objects.create(person=person, ethnicity="asian" if i < 8 else "")
        enrolment = place(cohort, person=person)
        mark(cohort, enrolment, [PRESENT, PRESENT] if i < 5 else [ABSENT, ABSENT], programme_lead)
    # A name that a spreadsheet would run as a formula.
    OrganisationFactory(short_name="=SUM(A1)", name="Formula org")
    client.force_login(board_member)
    page = client.get(urls(world)["reach"], {"dimension": "organisation"}).content.decode()
    cells = re.findall(r'<th scope="row" class="nhsuk-table__cell">UHL</th>((?:<td[^>]*>[^<]*</td>)+)', page)
    assert re.findall(r">([^<]*)</td>", cells[0]) == ["10", "*", "*"]
    # 8 enrolled -> 10; 5 completed -> *; the rate from a suppressed count is hidden.
    response = client.get(urls(world)["reach_csv"], {"dimension": "organisation"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Organisation", "Enrolled", "Completed", "Completion rate"]
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["UHL"] == ["10", "*", "*"]
    assert by_label["'=SUM(A1)"] == ["0", "0", ""]
    assert by_label["All"] == ["10", "*", "*"]  # 9 enrolled in all, 6 completed
    response = client.get(urls(world)["reach_xlsx"], {"dimension": "ethnicity"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Asian or Asian British"] == (10, "*", "*")
    assert values["Not shared"] == ("*", "*", "*")
    assert "Nia Shah" not in response.content.decode("latin-1")


def test_reach_by_staff_group_is_suppressed_and_its_excel_export_formula_safe(
    client, world, board_member, programme_lead
):
    nursing = StaffGroupFactory(name="Nursing and midwifery")
    formula = StaffGroupFactory(name="=HYPERLINK(1)")
    cohort = world["cohort"]
    for i in range(9):  # 9 places, 8 completed: shown as 10 and 10, so the rate is 100%
        enrolment = place(cohort, person=UserFactory(staff_group=nursing))
        mark(cohort, enrolment, [PRESENT, PRESENT] if i < 8 else [ABSENT, ABSENT], programme_lead)
    place(cohort, person=UserFactory(staff_group=formula))
    client.force_login(board_member)
    response = client.get(urls(world)["reach_xlsx"], {"dimension": "staff_group"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Nursing and midwifery"] == (10, 10, "100%")
    assert values["'=HYPERLINK(1)"] == ("*", 0, "*")  # text, never a formula; no rate from a *
    assert "=HYPERLINK(1)" not in values


def test_reach_filters_by_workstream_pillar_and_period(client, world, board_member):
    client.force_login(board_member)
    other = past_cohort(sessions=1, pillar="recruit")
    for _ in range(8):
        place(other)
    response = client.get(urls(world)["reach_csv"], {"dimension": "sector", "pillar": "recruit"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1] == ["All", "10", "0", "0%"]
    response = client.get(
        urls(world)["reach_csv"], {"dimension": "sector", "workstream": world["programme"].workstream_id}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1][:2] == ["All", "*"]
    start = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.get(urls(world)["reach_csv"], {"dimension": "band", "starts_from": start})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1] == ["All", "0", "0", ""]
    page = client.get(urls(world)["reach"], {"dimension": "band", "starts_from": start}).content.decode()
    assert "Nobody has held a place on a programme that matches these filters yet" in page
    assert "Nobody has held a place" not in client.get(urls(world)["reach"]).content.decode()
    page = client.get(
        urls(world)["reach"], {"starts_from": "2027-01-01", "starts_to": "2026-01-01"}
    ).content.decode()
    assert "The end of the period must be on or after its start" in page
    bad = {"starts_from": "2027-01-01", "starts_to": "2026-01-01"}
    assert client.get(urls(world)["reach_csv"], bad).status_code == 400
    assert client.get(reverse("programmes:reach_export", args=["pdf"])).status_code == 404


def test_the_programme_page_shows_the_case_study_with_live_figures(client, world, staff_user, programme_lead):
    services.programme_outcome_update(
        programme=world["programme"], updated_by=programme_lead, results="Eight promotions in a year"
    )
    client.force_login(staff_user)
    page = client.get(reverse("programmes:programme", args=[world["programme"].slug])).content.decode()
    assert "Case study and results" in page and "Eight promotions in a year" in page
    figures = re.search(r"Live figures(.*?)</dl>", page, re.S).group(1)
    # One person: suppressed (small-number rule), and so is the rate built from that count.
    assert re.search(r"Enrolled</dt><dd[^>]*>\*</dd>", figures)
    assert re.search(r"Completion rate</dt><dd[^>]*>\* ", figures) and "100%" not in figures
    assert "Shown from 5 responses" in figures
    assert "Evaluation, outcomes and completion rule" not in page  # staff cannot manage it


def formset_data(survey, questions, **extra):
    """POST data for the survey edit page: questions are dicts of text, kind, required, is_overall_rating."""
    existing = list(survey.questions.order_by("order"))
    data = {
        "title": survey.title,
        "introduction": "",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(existing)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, q in enumerate(questions):
        if i < len(existing):
            data[f"questions-{i}-id"] = str(existing[i].pk)
        data[f"questions-{i}-survey"] = str(survey.pk)
        for key, value in q.items():
            if value is True:
                data[f"questions-{i}-{key}"] = "on"
            elif value not in (False, None):
                data[f"questions-{i}-{key}"] = value
    return data


def test_survey_pages_are_for_the_programmes_lead_and_admins(client, world, board_member):
    slug = world["programme"].slug
    own = reverse("programmes:survey_edit", args=[slug, "completion"])
    default = reverse("programmes:survey_default_edit", args=["follow-up"])
    for url in (own, default):
        assert client.get(url)["Location"] == f"{reverse('account_login')}?next={url}"
    for user in (UserFactory(), board_member, UserFactory(roles=[Role.PROGRAMME_LEAD])):
        client.force_login(user)
        assert client.get(own).status_code == 403
        assert client.post(own).status_code == 403
        assert client.get(default).status_code == 403
    client.force_login(world["programme"].lead)
    assert client.get(default).status_code == 403  # the shared default is for academy admins
    assert client.get(reverse("programmes:survey_edit", args=[slug, "exit"])).status_code == 404
    assert not world["programme"].surveys.exists()


def test_a_lead_gives_the_programme_its_own_survey_and_edits_it(client, world, programme_lead):
    from programmes.models import Survey

    client.force_login(programme_lead)
    url = reverse("programmes:survey_edit", args=[world["programme"].slug, "follow-up"])
    assert "uses the shared default survey" in client.get(url).content.decode()
    client.post(url)
    survey = Survey.objects.get(programme=world["programme"], kind="follow_up")
    assert [q.text for q in survey.questions.all()] == [
        "How much has your practice changed?",
        "What changed in your practice?",
    ]
    questions = [
        {
            "text": "How much has your practice changed?",
            "kind": "rating",
            "required": True,
            "is_overall_rating": True,
        },
        {"text": "What do you do differently now?", "kind": "text"},
        {"text": "Would you recommend it?", "kind": "rating"},
    ]
    response = client.post(url, formset_data(survey, questions, send_after_months="40"))
    assert "Enter a number of months from 1 to 36" in response.content.decode()
    two_overall = [dict(q, is_overall_rating=True, kind="rating") for q in questions]
    response = client.post(url, formset_data(survey, two_overall, send_after_months="3"))
    assert "Mark only one question as the overall rating." in response.content.decode()
    response = client.post(url, formset_data(survey, questions, send_after_months="3"))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.send_after_months == 3
    assert [(q.order, q.text) for q in survey.questions.all()] == [
        (1, "How much has your practice changed?"),
        (2, "What do you do differently now?"),
        (3, "Would you recommend it?"),
    ]
    # A new completion is invited to the programme's own follow-up, 3 months on.
    enrolment = place(world["cohort"])
    mark(world["cohort"], enrolment, [PRESENT, PRESENT], programme_lead)
    invitation = enrolment.survey_invitations.get(kind="follow_up")
    assert invitation.survey == survey
    assert invitation.due_on == services.add_months(enrolment.completion.completed_on, 3)


def test_a_question_with_answers_cannot_be_removed(client, world, programme_lead, academy_admin):
    survey = world["invitation"].survey  # the shared default end-of-programme survey
    answer(world["invitation"], 5, "Great")
    client.force_login(academy_admin)
    url = reverse("programmes:survey_default_edit", args=["completion"])
    questions = [
        {"text": q.text, "kind": q.kind, "required": q.required, "is_overall_rating": q.is_overall_rating}
        for q in survey.questions.order_by("order")
    ]
    questions[0]["DELETE"] = True
    response = client.post(url, formset_data(survey, questions))
    assert "already has answers, so it cannot be removed" in response.content.decode()
    assert survey.questions.count() == 2


def test_a_cancelled_cohort_counts_neither_in_reach_nor_in_the_figures(client, world, board_member):
    from programmes.models import Cohort

    cancelled = past_cohort(sessions=1, programme=world["programme"])
    for _ in range(8):
        place(cancelled)
    Cohort.objects.filter(pk=cancelled.pk).update(status=Cohort.Status.CANCELLED)
    client.force_login(board_member)
    rows = list(csv.reader(io.StringIO(client.get(urls(world)["reach_csv"]).content.decode("utf-8-sig"))))
    assert rows[-1][:2] == ["All", "*"]  # only the one person in the live cohort
    from programmes.selectors import programme_figures

    assert programme_figures(programme=world["programme"]).enrolled == 1


def test_a_person_moved_between_cohorts_counts_once(client, world, board_member, programme_lead):
    from programmes.models import Enrolment
    from programmes.selectors import learning_record, programme_figures

    from .factories import CohortFactory

    programme = world["programme"]
    source = CohortFactory(programme=programme, capacity=10)
    target = CohortFactory(programme=programme, capacity=10)
    people = [place(source) for _ in range(8)]
    for enrolment in people:
        services.enrolment_move(enrolment=enrolment, to_cohort=target, moved_by=programme_lead)
    old = Enrolment.objects.get(pk=people[0].pk)
    assert old.status == Enrolment.Status.WITHDRAWN and old.moved_to.cohort == target
    client.force_login(board_member)
    rows = list(csv.reader(io.StringIO(client.get(urls(world)["reach_csv"]).content.decode("utf-8-sig"))))
    assert rows[-1][:2] == ["All", "10"]  # 1 + 8 people = 9, rounded; counted twice it would be 17 -> 15
    assert programme_figures(programme=programme).enrolled == 9
    assert services.cohort_completions_refresh(cohort=source) == 0  # the move is not a withdrawal
    assert not Completion.objects.filter(enrolment__cohort=source).exists()
    record = learning_record(person=old.person)
    assert [(r.provider, r.status) for r in record.programmes] == [(f"LLR Academy, {target.name}", "Booked")]


def test_every_change_is_refused_to_other_roles(client, world, board_member):
    """The pages' POSTs, not only their GETs, are refused to anyone who does not lead the programme."""
    from programmes.models import CompletionRule, Survey

    slug = world["programme"].slug
    posts = {
        "outcome_edit": (urls(world)["outcome_edit"], {"challenge": "Hijacked"}),
        "completion_rule_edit": (urls(world)["completion_rule_edit"], {"min_attendance_percent": "0"}),
        "cohort_completion": (urls(world)["cohort_completion"], {}),
        "survey_edit": (reverse("programmes:survey_edit", args=[slug, "completion"]), {}),
        "survey_default_edit": (reverse("programmes:survey_default_edit", args=["completion"]), {}),
    }
    for user in (UserFactory(), board_member, UserFactory(roles=[Role.PROGRAMME_LEAD])):
        client.force_login(user)
        for name, (url, data) in posts.items():
            assert client.post(url, data).status_code == 403, (user, name)
        assert client.get(urls(world)["certificate_download"]).status_code == 404
    # The programme's own lead may not change the shared default survey either.
    client.force_login(world["programme"].lead)
    assert client.post(posts["survey_default_edit"][0], {}).status_code == 403
    assert not ProgrammeOutcome.objects.exists()
    assert not CompletionRule.objects.exists()
    assert Survey.objects.filter(programme=world["programme"]).count() == 0
    assert [q.text for q in Survey.objects.get(programme=None, kind="completion").questions.all()] == [
        "Overall, how good was the programme?",
        "What could be better?",
    ]


def test_another_lead_cannot_download_a_certificate(client, world):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_LEAD]))
    assert client.get(urls(world)["certificate_download"]).status_code == 404


def test_an_admin_creates_the_shared_default_survey_when_there_is_none(client, academy_admin):
    from programmes.models import Survey

    client.force_login(academy_admin)
    url = reverse("programmes:survey_default_edit", args=["follow-up"])
    assert Survey.objects.filter(programme=None, kind="follow_up").count() == 0
    response = client.post(url)
    assert response.status_code == 302
    assert "The shared default survey has been created" in client.get(url).content.decode()
    survey = Survey.objects.get(programme=None, kind="follow_up")
    assert survey.send_after_months == 6
    client.post(url)  # a second click changes nothing
    assert Survey.objects.filter(programme=None, kind="follow_up").count() == 1


def test_the_programme_rating_leaves_out_cohorts_under_five_responses(world, programme_lead):
    """Otherwise the one answer of a small cohort could be worked out from the programme and cohort
    figures a lead sees side by side."""
    from programmes.selectors import programme_cohort_results, programme_figures

    cohort = world["cohort"]
    answer(world["invitation"], 4)
    for _ in range(4):
        enrolment = place(cohort)
        mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
        answer(enrolment.survey_invitations.get(kind="completion"), 4)
    small = past_cohort(sessions=1, programme=world["programme"])
    lone = place(small)
    mark(small, lone, [PRESENT], programme_lead)
    answer(lone.survey_invitations.get(kind="completion"), 1)
    figures = programme_figures(programme=world["programme"])
    assert (figures.average_rating, figures.rating_responses) == (Decimal("4.0"), 5)  # not 3.5 from 6
    by_cohort = {
        r.label: r for r in programme_cohort_results(programme=world["programme"], kind="completion")
    }
    assert by_cohort[small.name].responses == 1 and by_cohort[small.name].questions == []
    assert figures.follow_up_rating is None and figures.follow_up_responses == 0


def test_the_case_study_says_why_there_is_no_rating_when_there_are_enough_responses(
    client, world, programme_lead
):
    """Enough responses but no question marked as the overall rating: "Shown from 5 responses" is wrong."""
    from programmes.models import SurveyQuestion

    cohort = world["cohort"]
    overall = SurveyQuestion.objects.get(survey=world["invitation"].survey, is_overall_rating=True)
    SurveyQuestion.objects.filter(pk=overall.pk).update(required=False)
    invitations = [world["invitation"]]
    for _ in range(4):
        enrolment = place(cohort)
        mark(cohort, enrolment, [PRESENT, PRESENT], programme_lead)
        invitations.append(enrolment.survey_invitations.get(kind="completion"))
    for invitation in invitations:  # the overall rating is left unanswered
        services.survey_response_submit(invitation=invitation, answers={overall.pk: None})
    client.force_login(programme_lead)
    url = reverse("programmes:programme", args=[world["programme"].slug])

    def figures(page):
        return re.sub(r"<[^>]+>", " ", page[page.index("Live figures") :])

    page = figures(client.get(url).content.decode())
    assert re.search(r"Average rating\s+No answers to the overall rating question yet", page)
    assert re.search(r"Follow-up\s+Shown from 5 responses", page)  # no follow-up responses at all
    SurveyQuestion.objects.filter(pk=overall.pk).update(is_overall_rating=False)
    page = figures(client.get(url).content.decode())
    assert re.search(r"Average rating\s+No overall rating question", page)
    assert "Shown from 5 responses" in page.split("Follow-up")[1]
    assert "Shown from 5 responses" not in page.split("Follow-up")[0]


def test_an_answered_question_keeps_its_type_on_the_edit_page(client, world, academy_admin):
    survey = world["invitation"].survey  # the shared default end-of-programme survey
    answer(world["invitation"], 5, "Great")
    client.force_login(academy_admin)
    url = reverse("programmes:survey_default_edit", args=["completion"])
    questions = [
        {"text": q.text, "kind": q.kind, "required": q.required, "is_overall_rating": False}
        for q in survey.questions.order_by("order")
    ]
    questions[0]["kind"] = "text"
    response = client.post(url, formset_data(survey, questions))
    page = response.content.decode()
    assert "already has answers, so its type of answer cannot be changed" in page
    assert "<title>Error:" in page
    assert survey.questions.get(order=1).kind == "rating"


def test_my_learning_shows_how_a_past_programme_ended_without_a_calendar_link(client, world):
    client.force_login(world["participant"])
    page = client.get(reverse("programmes:my_learning")).content.decode()
    past = page.split("<h2>Past</h2>", 1)[1]
    assert "Mary Seacole" in past
    assert "Outcome: completed." in past and reverse("programmes:learning_record") in past
    assert reverse("programmes:calendar", args=[world["enrolment"].pk]) not in page
