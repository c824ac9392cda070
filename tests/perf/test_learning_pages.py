"""Issue 4 pages run a fixed number of queries however many people, sessions or responses there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import Attendance, Completion, Enrolment
from workforce.models import EqualityMonitoring

from ..factories import OrganisationFactory, UserFactory
from ..programmes.learning_helpers import default_surveys, past_cohort

pytestmark = pytest.mark.django_db


def grow(cohort, lead, n):
    """Add n people with a place, all marked present on every session (bulk, then one completion pass)."""
    org = OrganisationFactory()
    people = [UserFactory(organisation=org) for _ in range(n)]
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, person=p, status="confirmed", confirmed_at=timezone.now()) for p in people
    )
    EqualityMonitoring.objects.bulk_create(EqualityMonitoring(person=p, ethnicity="white") for p in people)
    Attendance.objects.bulk_create(
        Attendance(session=s, enrolment=e, status="present", marked_by=lead)
        for s in cohort.sessions.all()
        for e in enrolments
    )
    services.cohort_completions_refresh(cohort=cohort)
    for enrolment in enrolments:
        invitation = enrolment.survey_invitations.get(kind="completion")
        rating = invitation.survey.questions.get(order=1)
        services.survey_response_submit(invitation=invitation, answers={rating.pk: 4})
    return enrolments


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_issue_4_pages_have_constant_query_counts(client, settings, tmp_path, academy_admin):
    settings.MEDIA_ROOT = str(tmp_path)
    default_surveys()
    cohort = past_cohort(sessions=3, lead=academy_admin)
    participant = UserFactory()
    Enrolment.objects.create(
        cohort=cohort, person=participant, status="confirmed", confirmed_at=timezone.now()
    )
    grow(cohort, academy_admin, 6)
    services.cohort_completions_refresh(cohort=cohort)
    session = cohort.sessions.first()
    pages = {
        "attendance": (reverse("programmes:attendance", args=[session.pk]), None),
        "sessions": (reverse("programmes:sessions"), None),
        "cohort_completion": (reverse("programmes:cohort_completion", args=[cohort.pk]), None),
        "evaluation": (reverse("programmes:evaluation", args=[cohort.programme.slug]), None),
        "reach_org": (reverse("programmes:reach"), {"dimension": "organisation"}),
        "reach_ethnicity": (reverse("programmes:reach"), {"dimension": "ethnicity"}),
    }
    client.force_login(academy_admin)
    small = {name: queries_for(client, url, params) for name, (url, params) in pages.items()}
    client.force_login(participant)
    small_record = queries_for(client, reverse("programmes:learning_record"))

    grow(cohort, academy_admin, 30)
    for _ in range(3):
        past_cohort(sessions=2, programme=cohort.programme)
    client.force_login(academy_admin)
    large = {name: queries_for(client, url, params) for name, (url, params) in pages.items()}
    client.force_login(participant)
    assert queries_for(client, reverse("programmes:learning_record")) == small_record <= 12
    assert large == small, (small, large)
    assert max(large.values()) <= 40, large
    assert Completion.objects.filter(status="completed").count() == 36
