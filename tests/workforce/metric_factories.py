"""Factories and helpers for workforce figures (metric definitions come from the data migration)."""

from datetime import date
from decimal import Decimal

import factory

from workforce.models import MetricDefinition, Observation

from ..factories import OrganisationFactory


def metric(code: str) -> MetricDefinition:
    return MetricDefinition.objects.get(code=code)


def month(index: int, start: date = date(2020, 4, 1)) -> date:
    """The index-th month after start (0 is start itself)."""
    total = start.year * 12 + start.month - 1 + index
    return date(total // 12, total % 12 + 1, 1)


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    metric = factory.LazyFunction(lambda: metric("headcount"))
    organisation = factory.SubFactory(OrganisationFactory)
    staff_group = None
    month = date(2024, 4, 1)
    numerator = Decimal("100")
    denominator = None


def add_series(
    metric_code, organisation, values, *, start=date(2020, 4, 1), staff_group=None, synthetic=False
):
    """values: numbers (sum metrics) or (numerator, denominator) pairs (ratio metrics), one per month."""
    definition = metric(metric_code)
    rows = []
    for i, value in enumerate(values):
        num, den = value if isinstance(value, tuple) else (value, None)
        rows.append(
            Observation(
                metric=definition,
                organisation=organisation,
                staff_group=staff_group,
                month=month(i, start),
                numerator=Decimal(str(num)),
                denominator=None if den is None else Decimal(str(den)),
                is_synthetic=synthetic,
            )
        )
    return Observation.objects.bulk_create(rows)
