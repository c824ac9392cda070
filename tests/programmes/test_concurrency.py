"""Fifty people press "Enrol" at the same moment on a cohort of five, on real PostgreSQL connections.

With the cohort row locked (the service's default) exactly five get places and 45 queue in the order they
reached the lock. The control run passes the unlocked fetch and shows the race the lock prevents.
"""

import threading
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection

from programmes import services
from programmes.models import Enrolment
from tests.conftest import SERIALIZED_DB_CONTENTS
from tests.factories import UserFactory

from .factories import CohortFactory

THREADS = 50
CAPACITY = 5

pytestmark = [
    # serialized_rollback: the flush after each test leaves the migrations' rows (role groups) restorable for
    # the transactional tests that follow (the browser journeys).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgresql,  # needs PostgreSQL row locks
]


@pytest.fixture(autouse=True, scope="module")
def _restore_migration_rows(django_db_blocker):
    """After this module's flushes, put the migrations' rows (content types, permissions, role groups) back
    for whatever runs next, as a serialized-rollback test would at its own start."""
    yield
    with django_db_blocker.unblock():
        # The copy taken at set-up (tests/conftest.py): once the browser tests have started Playwright's
        # loop, this context's connection object is not the one pytest-django serialized on.
        contents = SERIALIZED_DB_CONTENTS.get(DEFAULT_DB_ALIAS)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


def _fire(cohort, people, *, lock, pause):
    """Start one thread per call, all released together; returns (arrival order, errors)."""
    barrier = threading.Barrier(len(people))
    arrivals: list[int] = []
    arrivals_guard = threading.Lock()
    errors: list[BaseException] = []

    def after_lock(_cohort):
        with arrivals_guard:
            arrivals.append(threading.get_ident())
        time.sleep(pause)  # widen the window between reading the counts and writing

    def run(person):
        try:
            barrier.wait(timeout=30)
            services.enrolment_create(cohort=cohort, person=person, lock=lock, after_lock=after_lock)
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [(person.pk, threading.Thread(target=run, args=(person,))) for person in people]
    for _pk, thread in threads:
        thread.start()
    for _pk, thread in threads:
        thread.join(timeout=120)
    ident_to_person = {thread.ident: pk for pk, thread in threads}
    return [ident_to_person[i] for i in arrivals], errors


def test_fifty_simultaneous_enrolments_fill_five_places_and_queue_the_rest_in_order():
    cohort = CohortFactory(capacity=CAPACITY)
    people = [UserFactory() for _ in range(THREADS)]

    order, errors = _fire(cohort, people, lock=services.cohort_fetch_locked, pause=0.005)

    assert errors == []
    enrolments = Enrolment.objects.filter(cohort=cohort)
    assert enrolments.count() == THREADS
    confirmed = set(enrolments.filter(status="confirmed").values_list("person_id", flat=True))
    waiting = list(enrolments.filter(status="waiting").order_by("queue_number"))
    assert len(confirmed) == CAPACITY
    assert len(waiting) == THREADS - CAPACITY
    # Arrival order is the order in which the requests obtained the cohort lock.
    assert confirmed == set(order[:CAPACITY])
    assert [e.person_id for e in waiting] == order[CAPACITY:]
    assert [e.queue_number for e in waiting] == list(range(1, THREADS - CAPACITY + 1))


def test_control_without_the_lock_overbooks_the_cohort():
    """The same requests with the unlocked fetch: every request reads "places free" before any writes."""
    cohort = CohortFactory(capacity=CAPACITY)
    people = [UserFactory() for _ in range(THREADS)]

    _order, errors = _fire(cohort, people, lock=services.cohort_fetch_unlocked, pause=0.2)

    # Late arrivals may also collide on the same waiting-list number (the unique constraint refuses them).
    assert all(isinstance(e, IntegrityError) for e in errors), errors
    confirmed = Enrolment.objects.filter(cohort=cohort, status="confirmed").count()
    assert confirmed > CAPACITY, "the control should show the race the lock prevents"


def test_double_clicks_from_one_person_create_one_enrolment():
    cohort = CohortFactory(capacity=CAPACITY)
    person = UserFactory()

    _order, errors = _fire(cohort, [person] * 10, lock=services.cohort_fetch_locked, pause=0.005)

    assert errors == []
    assert Enrolment.objects.filter(cohort=cohort, person=person).count() == 1
    assert Enrolment.objects.get(cohort=cohort, person=person).status == "confirmed"
