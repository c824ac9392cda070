"""Builders and fixtures for the attendance, completion, certificate and evaluation tests (issue 4)."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from programmes import services
from programmes.models import Attendance, Enrolment, Survey, SurveyQuestion

from .factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, SessionFactory

PRESENT, ABSENT, EXCUSED = Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"  # certificates
    return tmp_path / "media"


def past_cohort(*, sessions=2, lead=None, days_ago=10, length=7, programme=None, titles=None, **kwargs):
    """A cohort that started `days_ago` days ago, with `sessions` sessions on its first days."""
    today = timezone.localdate()
    programme = programme or ProgrammeFactory(lead=lead, **kwargs)
    starts = today - datetime.timedelta(days=days_ago)
    cohort = CohortFactory(
        programme=programme, starts_on=starts, ends_on=starts + datetime.timedelta(days=length)
    )
    for i in range(sessions):
        SessionFactory(
            cohort=cohort,
            title=(titles[i] if titles else f"Day {i + 1}"),
            date=starts + datetime.timedelta(days=i),
        )
    return cohort


def place(cohort, person=None, **kwargs):
    extra = {"person": person} if person else {}
    return EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.CONFIRMED, confirmed_at=timezone.now(), **extra, **kwargs
    )


def mark(cohort, enrolment, statuses, by):
    for session, status in zip(cohort.sessions.order_by("date"), statuses, strict=False):
        services.attendance_mark(session=session, marks={enrolment.pk: status}, marked_by=by)


def default_surveys(months=6):
    completion = Survey.objects.create(title="How was it?", kind=Survey.Kind.COMPLETION)
    SurveyQuestion.objects.create(
        survey=completion,
        order=1,
        text="Overall, how good was the programme?",
        kind="rating",
        required=True,
        is_overall_rating=True,
    )
    SurveyQuestion.objects.create(survey=completion, order=2, text="What could be better?", kind="text")
    follow_up = Survey.objects.create(
        title="What changed?", kind=Survey.Kind.FOLLOW_UP, send_after_months=months
    )
    SurveyQuestion.objects.create(
        survey=follow_up,
        order=1,
        text="How much has your practice changed?",
        kind="rating",
        required=True,
        is_overall_rating=True,
    )
    SurveyQuestion.objects.create(
        survey=follow_up, order=2, text="What changed in your practice?", kind="text"
    )
    return completion, follow_up


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)
