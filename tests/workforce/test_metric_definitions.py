import pytest

from workforce.models import MetricDefinition

pytestmark = pytest.mark.django_db

REQUIRED = {
    "headcount": ("sum", "neither"),
    "wte": ("sum", "neither"),
    "establishment": ("sum", "neither"),
    "vacancies": ("sum", "down"),
    "vacancy-rate": ("ratio", "down"),
    "leavers": ("sum", "down"),
    "turnover-12m": ("ratio", "down"),
    "stability-index": ("ratio", "up"),
    "sickness-absence": ("ratio", "down"),
    "bank-wte": ("sum", "neither"),
    "agency-wte": ("sum", "down"),
    "agency-spend": ("sum", "down"),
    "bank-spend": ("sum", "down"),
}


def test_every_board_metric_is_defined_on_a_fresh_install():
    definitions = {m.code: m for m in MetricDefinition.objects.all()}
    assert set(REQUIRED) <= set(definitions)
    for code, (aggregation, direction) in REQUIRED.items():
        m = definitions[code]
        assert (m.aggregation, m.improvement_direction) == (aggregation, direction), code
        assert len(m.formula) > 40, code
        assert m.numerator_label, code


def test_ratio_metrics_are_percentages_of_named_counts():
    for m in MetricDefinition.objects.filter(aggregation="ratio"):
        assert m.unit == "percent"
        assert m.scale == 100
        assert m.denominator_label
    turnover = MetricDefinition.objects.get(code="turnover-12m")
    assert "average" in turnover.denominator_label.lower()
    assert turnover.counts_people is True


def test_targets_are_set_where_the_board_has_one():
    targets = dict(MetricDefinition.objects.exclude(target=None).values_list("code", "target"))
    assert {k: float(v) for k, v in targets.items()} == {
        "vacancy-rate": 8.0,
        "turnover-12m": 10.0,
        "stability-index": 85.0,
        "sickness-absence": 4.5,
    }


def test_rates_that_cannot_pass_100_percent_are_bounded_for_imports():
    bounded = set(
        MetricDefinition.objects.filter(numerator_at_most_denominator=True).values_list("code", flat=True)
    )
    assert bounded == {"stability-index", "sickness-absence", "vacancy-rate"}  # not turnover
