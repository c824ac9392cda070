"""Restoring a cohort from its history keeps the enrolment rules an edit keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from programmes import services
from programmes.models import Cohort, Enrolment
from tests.factories import UserFactory
from workforce.roles import Role

from .factories import CohortFactory, SessionFactory

pytestmark = pytest.mark.django_db


def first_version(cohort: Cohort):
    return cohort.history.order_by("history_date", "history_id").first()


def test_restoring_fewer_places_than_are_held_is_refused_and_changes_nothing():
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    cohort = CohortFactory(capacity=1)
    version = first_version(cohort)
    cohort.capacity = 3
    services.cohort_save(cohort=cohort)
    for _ in range(3):
        services.enrolment_create(cohort=cohort, person=UserFactory())
    with pytest.raises(ValidationError, match="3 people already hold places"):
        services.cohort_restore(cohort=cohort, history_id=version.history_id, user=admin)
    cohort.refresh_from_db()
    assert cohort.capacity == 3
    assert Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.CONFIRMED).count() == 3


def test_restoring_more_places_offers_them_to_the_waiting_list():
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    cohort = CohortFactory(capacity=2)
    version = first_version(cohort)
    cohort.capacity = 1
    services.cohort_save(cohort=cohort)
    services.enrolment_create(cohort=cohort, person=UserFactory())
    waiting = services.enrolment_create(cohort=cohort, person=UserFactory())
    assert waiting.status == Enrolment.Status.WAITING
    services.cohort_restore(cohort=cohort, history_id=version.history_id, user=admin)
    waiting.refresh_from_db()
    assert waiting.status != Enrolment.Status.WAITING  # confirmed or offered, as the cohort is set up


def test_restoring_another_venue_updates_everyones_calendar(mailoutbox):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    cohort = CohortFactory(venue="County Hall", capacity=2)
    session = SessionFactory(cohort=cohort, place="")
    version = first_version(cohort)
    person = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.enrolment_create(cohort=cohort, person=person)
        cohort.venue = "Leicester General Hospital"
        services.cohort_save(cohort=cohort)
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cohort_restore(cohort=cohort, history_id=version.history_id, user=admin)
    (message,) = mailoutbox
    assert message.to == [person.email] and "County Hall" in message.body
    session.refresh_from_db()
    assert session.sequence == 2  # one rise for the move, one for the way back


def test_a_version_with_another_status_cannot_cancel_or_reopen_the_cohort():
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    cohort = CohortFactory()
    version = first_version(cohort)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.CANCELLED)
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot cancel or reopen"):
        services.cohort_restore(cohort=cohort, history_id=version.history_id, user=admin)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CANCELLED


def test_the_restore_page_shows_why_a_restore_is_refused(client):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    cohort = CohortFactory(capacity=1)
    version = first_version(cohort)
    cohort.capacity = 2
    services.cohort_save(cohort=cohort)
    for _ in range(2):
        services.enrolment_create(cohort=cohort, person=UserFactory())
    client.force_login(admin)
    url = reverse("programmes:cohort_restore", kwargs={"pk": cohort.pk, "history_id": version.history_id})
    response = client.post(url, follow=True)
    assert "2 people already hold places" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 2
