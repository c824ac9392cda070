import datetime

import pytest
from django.db import IntegrityError, transaction

from programmes.models import Enrolment

from .factories import CohortFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_capacity_cannot_be_negative():
    # The named constraint, not only the check PositiveIntegerField adds (PostgreSQL checks by name order).
    with pytest.raises(IntegrityError, match="cohort_capacity_gte_0"), transaction.atomic():
        CohortFactory(capacity=-1)


def test_cohort_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortFactory(starts_on=datetime.date(2027, 3, 2), ends_on=datetime.date(2027, 3, 1))


def test_session_must_end_after_it_starts():
    cohort = CohortFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(cohort=cohort, starts_at=datetime.time(10), ends_at=datetime.time(10))


def test_one_live_enrolment_per_person_per_cohort(staff_user):
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.WAITING, queue_number=1)


def test_withdrawn_rows_do_not_block_enrolling_again(staff_user):
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.WITHDRAWN)
    EnrolmentFactory(cohort=cohort, person=staff_user, status=Enrolment.Status.CONFIRMED)
    assert Enrolment.objects.filter(cohort=cohort, person=staff_user).count() == 3


def test_waiting_needs_a_queue_number_and_numbers_are_unique(staff_user):
    cohort = CohortFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING, queue_number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITING, queue_number=1)


def test_offer_needs_a_deadline():
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(status=Enrolment.Status.OFFERED)
