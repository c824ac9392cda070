import datetime
from decimal import Decimal

import factory

from pledges.models import MetricLink, Objective, Pledge, ProgressUpdate, Status
from programmes.models import Pillar, Programme, Workstream
from workforce.models import MetricDefinition, Observation

from ..factories import OrganisationFactory, UserFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n % 99 + 1)
    title = factory.Sequence(lambda n: f"Test pledge {n}")
    order = factory.SelfAttribute("number")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    pillar = Pillar.RETAIN
    title = factory.Sequence(lambda n: f"Test objective {n}")


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    name = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.Sequence(lambda n: f"workstream-{n}")
    order = factory.Sequence(lambda n: n)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "A test programme."
    workstream = factory.SubFactory(WorkstreamFactory)
    pillar = Pillar.RETAIN
    status = Programme.Status.PUBLISHED


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    pledge = factory.SubFactory(PledgeFactory)
    status = Status.ON_TRACK
    narrative = "Things are going to plan."
    period_start = datetime.date(2026, 9, 1)
    period_end = datetime.date(2026, 9, 30)
    published_on = datetime.date(2026, 10, 7)
    author = factory.SubFactory(UserFactory)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricDefinition

    code = factory.Sequence(lambda n: f"metric-{n}")
    name = factory.Sequence(lambda n: f"Metric {n}")
    unit = MetricDefinition.Unit.PERCENT
    aggregation = MetricDefinition.Aggregation.RATIO
    scale = Decimal("100")
    improvement_direction = MetricDefinition.Direction.DOWN


def add_series(metric, values, *, start=datetime.date(2025, 1, 1), organisations=None):
    """Monthly observations giving ``values`` (percentages) at system level, over two organisations."""
    organisations = organisations or [OrganisationFactory(), OrganisationFactory()]
    month = start
    for value in values:
        for org in organisations:
            # Each organisation has the same rate, so the system rate is the same whatever the split.
            Observation.objects.create(
                metric=metric,
                organisation=org,
                month=month,
                numerator=Decimal(str(value)),
                denominator=Decimal("100"),
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return organisations


# 15 months around 10% with small common-cause noise: process limits roughly 9.2% to 10.8%.
STEADY_TEN = [10.0, 10.2, 9.9, 10.1, 9.8, 10.0, 10.3, 9.9, 10.1, 10.0, 9.8, 10.2, 10.0, 9.9, 10.1]


def linked_metric(subject, *, target, values=STEADY_TEN, is_key=True):
    metric = MetricFactory()
    add_series(metric, values)
    key = {"pledge": subject} if isinstance(subject, Pledge) else {"objective": subject}
    MetricLink.objects.create(metric=metric, target=target, is_key=is_key, **key)
    return metric
