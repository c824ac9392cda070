"""Board pack test data: pledges and synthetic (clearly labelled) monthly workforce observations."""

import datetime as dt
import math
from decimal import Decimal

from pledges.models import BoardReport, Pledge
from workforce.demo import seed_reference_data
from workforce.models import MetricDefinition, Observation, Organisation

# Plausible levels and monthly drift per unit, for the metric definitions the workforce migration creates.
BASE = {"percent": (12.0, -0.06), "wte": (400.0, 0.9), "count": (4000.0, 6.0), "gbp": (250000.0, -900.0)}
ALL_METRICS = None  # every definition


def month_list(end: dt.date, months: int) -> list[dt.date]:
    result = [end.replace(day=1)]
    while len(result) < months:
        result.insert(0, (result[0] - dt.timedelta(days=1)).replace(day=1))
    return result


def seed_metrics(*, end: dt.date, months: int = 30, codes: list[str] | None = ALL_METRICS) -> list:
    """Synthetic monthly observations (flagged is_synthetic) for the existing metric definitions."""
    seed_reference_data()
    orgs = list(Organisation.objects.filter(code__in=["uhl", "lpt", "emas"]))
    definitions = list(MetricDefinition.objects.order_by("order", "name"))
    if codes is not None:
        definitions = [m for m in definitions if m.code in codes]
    Observation.objects.filter(metric__in=definitions).delete()
    rows = []
    for number, metric in enumerate(definitions):
        base, drift = BASE.get(metric.unit, (10.0, 0.0))
        if number % 3 == 1:
            drift = 0.0  # some metrics stay level: common cause variation
        for i, month in enumerate(month_list(end, months)):
            for k, org in enumerate(orgs):
                value = base + drift * i + math.sin(i * 1.7 + k + number) * abs(base) * 0.01
                if metric.aggregation == "ratio":
                    denominator = Decimal(1000 + 100 * k)
                    numerator = Decimal(str(round(value / float(metric.scale) * float(denominator), 4)))
                else:
                    numerator, denominator = Decimal(str(round(value / len(orgs), 4))), None
                rows.append(
                    Observation(
                        metric=metric,
                        organisation=org,
                        month=month,
                        numerator=numerator,
                        denominator=denominator,
                        is_synthetic=True,
                    )
                )
    Observation.objects.bulk_create(rows)
    return definitions


def seed_pledges(count: int = 13) -> list[Pledge]:
    return [
        Pledge.objects.update_or_create(
            number=n, defaults={"title": f"Pledge {n} title", "executive_lead": "Chief People Officer"}
        )[0]
        for n in range(1, count + 1)
    ]


def make_report(user, **overrides) -> BoardReport:
    fields = {
        "requested_by": user,
        "meeting_date": dt.date(2027, 3, 12),
        "period_start": dt.date(2024, 9, 1),
        "period_end": dt.date(2027, 2, 1),
        "title": "LLR People Plan: board report",
    }
    fields.update(overrides)
    return BoardReport.objects.create(**fields)
