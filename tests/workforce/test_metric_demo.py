"""Synthetic demo figures: shape, report end points, SPC signals, idempotence."""

from datetime import date

import pytest

from workforce import demo, selectors, spc
from workforce.models import MetricDefinition, Observation, Organisation

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture
def seeded():
    demo.seed_reference_data()
    count = demo.seed_workforce_figures(today=TODAY)
    return count


def test_monthly_series_from_april_2020_to_the_latest_complete_month(seeded):
    months = demo.demo_months(TODAY)
    assert months[0] == date(2020, 4, 1) and months[-1] == date(2026, 10, 1)
    assert demo.latest_complete_month(date(2027, 1, 5)) == date(2026, 12, 1)
    totals = Observation.objects.filter(staff_group__isnull=True)
    assert totals.count() == Organisation.objects.count() * MetricDefinition.objects.count() * len(months)
    assert Observation.objects.filter(is_synthetic=False).count() == 0
    assert Observation.objects.filter(staff_group__isnull=False).exists()


def test_turnover_end_points_match_the_scrutiny_report(seeded):
    for sector, first, last in (("asc", 32.0, 23.0), ("nhs", 12.2, 9.8)):
        series = selectors.metric_series(metric="turnover-12m", sector=sector)
        assert round(series.values[0], 1) == first
        assert round(series.values[-1], 1) == last


def test_series_show_each_spc_signal_and_one_clear_concern(seeded):
    dashboard = selectors.workforce_dashboard()
    rules = set()
    for row in dashboard.rows:
        for summary in [row.system, *row.by_sector]:
            if summary:
                for point in summary.spc.points:
                    rules |= point.rules
    assert rules == spc.RULES
    concerns = [row.metric.code for row in dashboard.rows if row.system.variation == spc.CONCERN]
    assert concerns == ["sickness-absence"]
    sickness = next(r.system for r in dashboard.rows if r.metric.code == "sickness-absence")
    assert {"trend", "shift"} <= sickness.spc.points[-1].rules
    bank = selectors.metric_series(metric="bank-spend")
    spike = bank.months.index(date(2022, 12, 1))
    assert "outside_limits" in bank.spc.points[spike].rules
    improving = {row.metric.code for row in dashboard.rows if row.system.variation == spc.IMPROVEMENT}
    assert {"turnover-12m", "agency-spend", "agency-wte"} <= improving


def test_seeding_again_gives_the_same_rows_and_keeps_real_figures(seeded):
    fields = ("metric_id", "organisation_id", "staff_group_id", "month", "numerator", "denominator")
    before = set(Observation.objects.values_list(*fields))
    real = Observation.objects.filter(staff_group__isnull=True).first()
    real_key = (real.metric_id, real.organisation_id, real.month)
    Observation.objects.filter(pk=real.pk).update(is_synthetic=False, numerator=123)
    assert demo.seed_workforce_figures(today=TODAY) == seeded
    after = set(Observation.objects.values_list(*fields))
    # The same figures again, except the one month a real import holds.
    assert before - after == {(*real_key[:2], None, real_key[2], real.numerator, real.denominator)}
    assert after - before == {(*real_key[:2], None, real_key[2], 123, real.denominator)}
    kept = Observation.objects.get(
        metric_id=real_key[0], organisation_id=real_key[1], month=real_key[2], staff_group=None
    )
    assert kept.numerator == 123 and kept.is_synthetic is False
    assert Observation.objects.filter(is_synthetic=False).count() == 1
