"""Board pack test data: pledges and synthetic (clearly labelled) monthly workforce observations."""

import datetime as dt
import math
from decimal import Decimal

from pledges.models import BoardReport, Pledge
from workforce.demo import seed_reference_data
from workforce.models import MetricDefinition, Observation, Organisation

# (code, name, unit, aggregation, scale, direction, target, base rate, drift per month)
METRICS = [
    ("turnover", "Turnover (12 months)", "percent", "ratio", 100, "down", 10, 12.2, -0.07),
    ("vacancy-rate", "Vacancy rate", "percent", "ratio", 100, "down", 7, 9.0, -0.05),
    ("sickness", "Sickness absence rate", "percent", "ratio", 100, "down", 4.5, 5.1, 0.0),
    ("stability", "Stability index", "percent", "ratio", 100, "up", 85, 84.0, 0.03),
    ("agency-wte", "Agency staff (WTE)", "wte", "sum", 1, "down", None, 60.0, -0.8),
    ("bank-wte", "Bank staff (WTE)", "wte", "sum", 1, "down", None, 400.0, 0.5),
    ("staff-in-post", "Staff in post (headcount)", "count", "sum", 1, "neither", None, 4000.0, 6.0),
    ("asc-turnover", "Adult social care turnover", "percent", "ratio", 100, "down", 25, 32.0, -0.25),
]


def month_list(end: dt.date, months: int) -> list[dt.date]:
    result = [end.replace(day=1)]
    while len(result) < months:
        result.insert(0, (result[0] - dt.timedelta(days=1)).replace(day=1))
    return result


def seed_metrics(*, end: dt.date, months: int = 30, metrics=METRICS) -> list[MetricDefinition]:
    seed_reference_data()
    orgs = list(Organisation.objects.filter(code__in=["uhl", "lpt", "emas"]))
    definitions = []
    rows = []
    for order, (code, name, unit, aggregation, scale, direction, target, base, drift) in enumerate(metrics):
        metric, _ = MetricDefinition.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "aggregation": aggregation,
                "scale": scale,
                "improvement_direction": direction,
                "target": target,
                "order": order,
                "formula": "Synthetic demo figures for tests.",
            },
        )
        definitions.append(metric)
        Observation.objects.filter(metric=metric).delete()
        for i, month in enumerate(month_list(end, months)):
            for k, org in enumerate(orgs):
                wobble = math.sin(i * 1.7 + k) * 0.3
                value = base + drift * i + wobble
                if aggregation == "ratio":
                    denominator = Decimal(1000 + 100 * k)
                    numerator = Decimal(str(round(value / scale * float(denominator), 4)))
                else:
                    numerator, denominator = Decimal(str(round(value / len(orgs), 4))), None
                rows.append(
                    Observation(
                        metric=metric,
                        organisation=org,
                        month=month,
                        numerator=numerator,
                        denominator=denominator,
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
