import datetime

import factory
from django.utils import timezone

from programmes.models import Cohort, Enrolment, Pillar, Programme, Session, Workstream
from tests.factories import UserFactory


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.Sequence(lambda n: f"workstream-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "A development programme for health and care staff."
    workstream = factory.SubFactory(WorkstreamFactory)
    pillar = Pillar.RETAIN
    status = Programme.Status.PUBLISHED
    cpd_hours = 6


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=14))
    venue = "Leicester General Hospital, Education Centre"
    capacity = 5


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    date = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(12, 30)
    place = "Room 2"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(UserFactory)
    status = Enrolment.Status.CONFIRMED
