import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes import services
from programmes.models import Attendance, Certificate, Completion, CompletionRule, Enrolment, Session

from ..factories import UserFactory
from .factories import SessionFactory
from .learning_helpers import (
    ABSENT,
    EXCUSED,
    PRESENT,
    default_surveys,
    mark,
    media,  # noqa: F401 (fixture used through usefixtures)
    past_cohort,
    pdf_reader,
    pdf_text,
    place,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
C = Completion.Status


@pytest.fixture
def lead():
    return UserFactory(roles=["Programme lead"])


def status_after(lead, statuses, *, sessions=None, rule=None, **cohort_kwargs):
    cohort = past_cohort(sessions=sessions or len(statuses), lead=lead, **cohort_kwargs)
    if rule:
        CompletionRule.objects.create(programme=cohort.programme, **rule)
    enrolment = place(cohort)
    mark(cohort, enrolment, statuses, lead)
    return Completion.objects.get(enrolment=enrolment)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([PRESENT, PRESENT, PRESENT, PRESENT], C.COMPLETED),
        ([PRESENT, PRESENT, PRESENT, ABSENT], C.COMPLETED),  # 75% is enough under the default rule
        ([PRESENT, PRESENT, ABSENT, ABSENT], C.NOT_COMPLETED),
        ([ABSENT, ABSENT, ABSENT, ABSENT], C.DID_NOT_ATTEND),
        ([PRESENT, PRESENT, PRESENT, EXCUSED], C.COMPLETED),  # excused sessions are not counted
        ([PRESENT, PRESENT, EXCUSED, ABSENT], C.NOT_COMPLETED),  # 2 of 3 counted < 75%
    ],
)
def test_completion_follows_attendance_and_the_default_rule(lead, statuses, expected):
    completion = status_after(lead, statuses)
    assert completion.status == completion.computed_status == expected


def test_completion_stays_in_progress_until_every_session_is_marked_or_the_cohort_ends(lead):
    completion = status_after(lead, [PRESENT], sessions=2, days_ago=3, length=10)
    assert completion.status == C.IN_PROGRESS
    assert (completion.sessions_attended, completion.sessions_counted) == (1, 2)
    # Once the cohort has ended, an unmarked session counts as not attended.
    later = timezone.localdate() + datetime.timedelta(days=30)
    completion = services.completion_recompute(enrolment=completion.enrolment, today=later)
    assert completion.status == C.NOT_COMPLETED


def test_named_sessions_are_required(lead):
    rule = {"min_attendance_percent": 50, "required_session_titles": "Day 3\nA session this cohort lacks"}
    assert status_after(lead, [PRESENT, PRESENT, ABSENT], rule=rule).status == C.NOT_COMPLETED
    assert status_after(lead, [ABSENT, PRESENT, PRESENT], rule=rule).status == C.COMPLETED


def test_cancelled_sessions_do_not_count(lead):
    cohort = past_cohort(sessions=2, lead=lead)
    cancelled = cohort.sessions.order_by("date").last()
    cancelled.status = Session.Status.CANCELLED
    cancelled.save()
    enrolment = place(cohort)
    services.attendance_mark(session=cohort.sessions.first(), marks={enrolment.pk: PRESENT}, marked_by=lead)
    assert Completion.objects.get(enrolment=enrolment).status == C.COMPLETED
    with pytest.raises(ValidationError, match="cancelled"):
        services.attendance_mark(session=cancelled, marks={enrolment.pk: PRESENT}, marked_by=lead)


def test_a_withdrawn_person_is_withdrawn(lead):
    cohort = past_cohort(sessions=1, lead=lead)
    enrolment = place(cohort)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    assert services.cohort_completions_refresh(cohort=cohort) == 1
    assert Completion.objects.get(enrolment=enrolment).status == C.WITHDRAWN


def test_a_future_session_or_a_stranger_cannot_be_marked(lead):
    cohort = past_cohort(sessions=1, lead=lead)
    future = SessionFactory(cohort=cohort, date=timezone.localdate() + datetime.timedelta(days=1))
    enrolment = place(cohort)
    with pytest.raises(ValidationError, match="You can mark attendance from that day"):
        services.attendance_mark(session=future, marks={enrolment.pk: PRESENT}, marked_by=lead)
    stranger = place(past_cohort(sessions=1))
    with pytest.raises(ValidationError, match="not in this cohort"):
        services.attendance_mark(
            session=cohort.sessions.first(), marks={stranger.pk: PRESENT}, marked_by=lead
        )
    with pytest.raises(ValidationError, match="Choose present, absent or excused"):
        services.attendance_mark(
            session=cohort.sessions.first(), marks={enrolment.pk: "late"}, marked_by=lead
        )
    assert not Attendance.objects.exists()


def test_all_present_marks_everyone_and_changing_a_mark_is_recorded(lead):
    cohort = past_cohort(sessions=1, lead=lead)
    people = [place(cohort) for _ in range(3)]
    session = cohort.sessions.get()
    assert services.attendance_mark_all_present(session=session, marked_by=lead) == 3
    assert services.attendance_mark_all_present(session=session, marked_by=lead) == 0  # nothing changed
    assert services.attendance_mark(session=session, marks={people[0].pk: ABSENT}, marked_by=lead) == 1
    record = Attendance.objects.get(session=session, enrolment=people[0])
    assert [h.status for h in record.history.order_by("history_date")] == [PRESENT, ABSENT]
    assert Completion.objects.get(enrolment=people[0]).status == C.DID_NOT_ATTEND
    assert Completion.objects.filter(status=C.COMPLETED).count() == 2
    # Marking everyone present again keeps the absence the lead recorded.
    assert services.attendance_mark_all_present(session=session, marked_by=lead) == 0
    assert Attendance.objects.get(session=session, enrolment=people[0]).status == ABSENT


def test_an_override_needs_a_reason_survives_recomputation_and_is_recorded(
    lead, django_capture_on_commit_callbacks
):
    completion = status_after(lead, [PRESENT, ABSENT])
    assert completion.status == C.NOT_COMPLETED
    with pytest.raises(ValidationError, match="Give a reason"):
        services.completion_override(
            completion=completion, status=C.COMPLETED, reason=" ", overridden_by=lead
        )
    with pytest.raises(ValidationError, match="Choose completed"):
        services.completion_override(
            completion=completion, status=C.IN_PROGRESS, reason="x", overridden_by=lead
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.completion_override(
            completion=completion, status=C.COMPLETED, reason="Attended the catch-up day", overridden_by=lead
        )
    completion = services.completion_recompute(enrolment=completion.enrolment)
    assert (completion.status, completion.computed_status) == (C.COMPLETED, C.NOT_COMPLETED)
    assert completion.override_reason == "Attended the catch-up day" and completion.overridden_by == lead
    assert completion.history.filter(history_change_reason__startswith="Override: Attended").exists()
    assert completion.certificate.status == Certificate.Status.ISSUED
    completion = services.completion_override_clear(completion=completion, cleared_by=lead)
    assert completion.status == C.NOT_COMPLETED
    completion.certificate.refresh_from_db()
    assert completion.certificate.status == Certificate.Status.REVOKED


def test_a_rule_change_rechecks_everyone(lead):
    completion = status_after(lead, [PRESENT, ABSENT])
    assert completion.status == C.NOT_COMPLETED
    programme = completion.enrolment.cohort.programme
    services.completion_rule_update(
        programme=programme, min_attendance_percent=50, required_session_titles=""
    )
    completion.refresh_from_db()
    assert completion.status == C.COMPLETED


# --- Certificates ---------------------------------------------------------------------------------------


def test_completing_issues_a_tagged_pdf_certificate_with_the_details(
    lead, django_capture_on_commit_callbacks
):
    person = UserFactory(first_name="Nia", last_name="Shah")
    cohort = past_cohort(sessions=2, lead=lead, title="Mary Seacole leadership", cpd_hours=12)
    enrolment = place(cohort, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        mark(cohort, enrolment, [PRESENT, PRESENT], lead)
    certificate = Certificate.objects.get(completion__enrolment=enrolment)
    assert certificate.status == Certificate.Status.ISSUED and certificate.is_current
    data = certificate.file.read()
    text = pdf_text(data)
    for expected in (
        "Certificate of completion",
        "Nia Shah",
        "Mary Seacole leadership",
        "12.0",
        certificate.code,
    ):
        assert expected in text
    assert f"{cohort.starts_on:%-d %B %Y}" in text
    root = pdf_reader(data).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # identifies itself as PDF/UA


def test_generation_is_idempotent_and_reissues_with_the_same_code_when_details_change(lead):
    completion = status_after(lead, [PRESENT, PRESENT])
    certificate = completion.certificate
    services.certificate_generate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.version == 1
    with mock.patch.object(services, "certificate_render") as render:
        services.certificate_generate(certificate_id=certificate.pk)
        services.certificate_request(completion=completion)
        services.certificate_generate(certificate_id=certificate.pk)
    render.assert_not_called()
    person = completion.enrolment.person
    person.last_name = "Renamed"
    person.save()
    assert services.certificates_refresh() == 1
    services.certificate_generate(certificate_id=certificate.pk)
    old_code = certificate.code
    certificate.refresh_from_db()
    assert (certificate.code, certificate.version, certificate.status) == (
        old_code,
        2,
        Certificate.Status.ISSUED,
    )
    assert "Renamed" in pdf_text(certificate.file.read())


def test_verification_shows_only_valid_codes(lead):
    completion = status_after(lead, [PRESENT, PRESENT])
    certificate = completion.certificate
    assert not services.certificate_verify(code=certificate.code).valid  # not issued yet
    services.certificate_generate(certificate_id=certificate.pk)
    check = services.certificate_verify(code=certificate.code.lower().replace("-", " "))
    assert check.valid
    assert check.name == completion.enrolment.person.get_full_name()
    assert check.completed_on == completion.completed_on
    assert not services.certificate_verify(code="AAAA-BBBB-CCCC").valid
    assert not services.certificate_verify(code="short").valid
    services.completion_override(
        completion=completion, status=C.NOT_COMPLETED, reason="Error", overridden_by=lead
    )
    assert not services.certificate_verify(code=certificate.code).valid


def test_codes_use_an_unambiguous_alphabet():
    codes = {services.certificate_code_new() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert not set(code.replace("-", "")) & set("01IO")


# --- Survey invitations ---------------------------------------------------------------------------------


def test_completion_invites_to_the_survey_now_and_the_follow_up_later(
    lead, django_capture_on_commit_callbacks
):
    default_surveys(months=3)
    cohort = past_cohort(sessions=1, lead=lead)
    enrolment = place(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        mark(cohort, enrolment, [PRESENT], lead)
    invitations = {i.kind: i for i in enrolment.survey_invitations.all()}
    completed_on = enrolment.completion.completed_on
    assert invitations["completion"].due_on == completed_on
    assert invitations["follow_up"].due_on == services.add_months(completed_on, 3)
    assert invitations["completion"].sent_at is not None and invitations["follow_up"].sent_at is None
    assert len(mail.outbox) == 1 and "How was" in mail.outbox[0].subject
    # The follow-up goes when it is due, once.
    later = services.add_months(completed_on, 3)
    assert services.survey_invitations_send_due(today=later) == 1
    assert services.survey_invitations_send_due(today=later) == 0
    assert "what has changed in your practice" in mail.outbox[1].subject


def test_add_months_keeps_to_the_end_of_short_months():
    assert services.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 2) == datetime.date(2027, 1, 15)


def test_a_programme_survey_replaces_the_default(lead):
    from programmes.models import Survey

    default_surveys()
    cohort = past_cohort(sessions=1, lead=lead)
    own = Survey.objects.create(title="Our own", kind="completion", programme=cohort.programme)
    enrolment = place(cohort)
    mark(cohort, enrolment, [PRESENT], lead)
    assert enrolment.survey_invitations.get(kind="completion").survey == own
    assert enrolment.survey_invitations.get(kind="follow_up").survey.programme is None


def test_a_name_change_reissues_the_certificate_at_once_with_the_same_code(
    lead, django_capture_on_commit_callbacks
):
    from workforce.services import user_update_profile

    with django_capture_on_commit_callbacks(execute=True):
        completion = status_after(lead, [PRESENT, PRESENT])
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.version == 1
    person = completion.enrolment.person
    # Signing in saves the user too, but only last_login: nothing is queued for that.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person.save(update_fields=["last_login"])
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(
            user=person,
            first_name="Nia",
            last_name="Renamed",
            organisation=person.organisation,
            staff_group=person.staff_group,
            band=person.band,
        )
    certificate.refresh_from_db()
    assert (certificate.version, certificate.status) == (2, Certificate.Status.ISSUED)
    assert certificate.details["name"] == "Nia Renamed"
    assert "Nia Renamed" in pdf_text(certificate.file.read())
    assert services.certificate_verify(code=certificate.code).name == "Nia Renamed"


def test_a_programme_or_cohort_change_reissues_its_certificates(lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        completion = status_after(lead, [PRESENT, PRESENT])
    other = status_after(lead, [PRESENT, PRESENT])  # another programme: untouched
    programme = completion.enrolment.cohort.programme
    programme.title, programme.cpd_hours = "Renamed programme", 7
    with django_capture_on_commit_callbacks(execute=True):
        services.programme_save(programme=programme, user=lead)
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.version == 2 and certificate.details["programme"] == "Renamed programme"
    assert certificate.details["cpd_hours"] == "7.0"
    cohort = completion.enrolment.cohort
    cohort.ends_on += datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_save(cohort=cohort)
    certificate.refresh_from_db()
    assert certificate.version == 3 and certificate.details["ends_on"] == cohort.ends_on.isoformat()
    assert Certificate.objects.get(completion=other).version == 0  # never generated: not its programme


def test_a_certificate_being_reissued_still_verifies(lead):
    completion = status_after(lead, [PRESENT, PRESENT])
    certificate = completion.certificate
    services.certificate_generate(certificate_id=certificate.pk)
    person = completion.enrolment.person
    person.last_name = "Renamed"
    person.save()
    assert services.certificates_refresh(person_id=person.pk) == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING
    assert services.certificate_verify(code=certificate.code).valid
    # A certificate never issued yet does not verify.
    fresh = status_after(lead, [PRESENT, PRESENT])
    assert not services.certificate_verify(code=fresh.certificate.code).valid


# --- Editing a survey (the service behind the edit page) ------------------------------------------------


def test_survey_update_saves_reorders_adds_and_removes_questions():
    from programmes.models import SurveyQuestion

    _, follow_up = default_surveys()
    first, second = follow_up.questions.order_by("order")
    survey = services.survey_update(
        survey=follow_up,
        title="  What changed for you?  ",
        send_after_months=4,
        questions=[
            {"pk": second.pk, "text": "What changed in your practice?", "kind": "text"},
            {"text": "Would you recommend it?", "kind": "rating"},
            {"pk": first.pk, "text": "Changed?", "kind": "rating", "is_overall_rating": True},
        ],
    )
    assert (survey.title, survey.send_after_months) == ("What changed for you?", 4)
    assert [(q.order, q.text, q.is_overall_rating) for q in survey.questions.all()] == [
        (1, "What changed in your practice?", False),
        (2, "Would you recommend it?", False),
        (3, "Changed?", True),
    ]
    services.survey_update(
        survey=survey,
        title=survey.title,
        send_after_months=4,
        questions=[
            {"pk": first.pk, "text": "Changed?", "kind": "rating", "is_overall_rating": True},
            {"pk": second.pk, "text": "x", "kind": "text", "delete": True},
        ],
    )
    # The new question was left out of the list: it is kept, after the others.
    assert list(survey.questions.values_list("text", flat=True)) == ["Changed?", "Would you recommend it?"]
    assert not SurveyQuestion.objects.filter(pk=second.pk).exists()


def test_survey_update_refuses_what_would_spoil_answers_or_the_rules(lead):
    completion_survey, follow_up = default_surveys()
    cohort = past_cohort(sessions=1, lead=lead)
    enrolment = place(cohort)
    mark(cohort, enrolment, [PRESENT], lead)
    rating, text = completion_survey.questions.order_by("order")
    services.survey_response_submit(
        invitation=enrolment.survey_invitations.get(kind="completion"), answers={rating.pk: 4}
    )
    keep_text = {"pk": text.pk, "text": text.text, "kind": "text"}
    with pytest.raises(ValidationError, match="already has answers, so it cannot be removed"):
        services.survey_update(
            survey=completion_survey,
            title="t",
            questions=[{"pk": rating.pk, "text": "x", "kind": "rating", "delete": True}, keep_text],
        )
    with pytest.raises(ValidationError, match="its type of answer cannot be changed"):
        services.survey_update(
            survey=completion_survey, title="t", questions=[{"pk": rating.pk, "text": "x", "kind": "text"}]
        )
    with pytest.raises(ValidationError, match="at least one question"):
        services.survey_update(
            survey=follow_up,
            title="t",
            send_after_months=6,
            questions=[{"pk": q.pk, "kind": q.kind, "delete": True} for q in follow_up.questions.all()],
        )
    with pytest.raises(ValidationError, match="not part of this survey"):
        services.survey_update(
            survey=completion_survey,
            title="t",
            questions=[{"pk": follow_up.questions.first().pk, "text": "x", "kind": "rating"}],
        )
    with pytest.raises(ValidationError, match="from 1 to 36"):
        services.survey_update(
            survey=follow_up, title="t", send_after_months=0, questions=[{"text": "x", "kind": "text"}]
        )
    # Rewording an answered question is allowed.
    services.survey_update(
        survey=completion_survey,
        title="How was it?",
        questions=[
            {"pk": rating.pk, "text": "Overall?", "kind": "rating", "is_overall_rating": True},
            keep_text,
        ],
    )
    rating.refresh_from_db()
    assert rating.text == "Overall?" and rating.answers.count() == 1
