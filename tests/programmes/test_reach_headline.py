"""The board overview's programme reach headline counts what the programme reach page counts."""

import pytest
from django.urls import reverse

from programmes import services
from programmes.models import Completion, Enrolment
from tests.factories import UserFactory

from .factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def enrol(cohort, count: int) -> list[Enrolment]:
    return [services.enrolment_create(cohort=cohort, person=UserFactory()) for _ in range(count)]


def test_the_board_overview_headline_equals_the_reach_page_total(client, board_member, academy_admin):
    programme = ProgrammeFactory()
    main, later, cancelled = (CohortFactory(programme=programme, capacity=20) for _ in range(3))
    people = enrol(main, 14)
    for enrolment in people[:3]:  # they held a place, so reach counts them
        services.enrolment_withdraw(enrolment=enrolment, withdrawn_by=enrolment.person)
    # Moved: counted once, in the cohort they were moved to.
    services.enrolment_move(enrolment=people[3], to_cohort=later, moved_by=academy_admin)
    for enrolment in people[4:12]:
        Completion.objects.create(
            enrolment=enrolment,
            status=Completion.Status.COMPLETED,
            computed_status=Completion.Status.COMPLETED,
        )
    enrol(cancelled, 5)
    services.cohort_cancel(cohort=cancelled, cancelled_by=academy_admin, reason="Trainer unwell")
    client.force_login(board_member)
    total = client.get(reverse("programmes:reach")).context["reach"].total
    headline = dict(client.get(reverse("pledges:board")).context["reach"])
    assert headline["Places held (enrolled)"] == str(total.enrolled) == "15"  # 10 + 3 withdrawn + 1 moved
    assert headline["Completed"] == str(total.completed) == "10"  # 8
    assert headline["People who held a place"] == "15"
    assert headline["Programmes with people enrolled"] == "1"
