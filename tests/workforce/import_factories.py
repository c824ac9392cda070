"""Factories for the import and culture tests (kept apart from tests/factories.py to ease merging)."""

import factory

from workforce.models import InclusionResult, MetricDefinition, StaffSurveyScore, SurveyTheme

from ..factories import OrganisationFactory


class MetricDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricDefinition
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"metric-{n}")
    name = factory.Sequence(lambda n: f"Metric {n}")
    unit = MetricDefinition.Unit.COUNT
    aggregation = MetricDefinition.Aggregation.SUM
    numerator_label = "People"


class RatioMetricFactory(MetricDefinitionFactory):
    unit = MetricDefinition.Unit.PERCENT
    aggregation = MetricDefinition.Aggregation.RATIO
    numerator_label = "Leavers (WTE)"
    denominator_label = "Average staff in post (WTE)"
    scale = 100


class InclusionResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InclusionResult

    standard = "wres"
    indicator = "wres-2"
    organisation = factory.SubFactory(OrganisationFactory)
    year = 2025
    value = 1
    group_count = 100
    comparison_count = 100


class StaffSurveyScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffSurveyScore

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2025
    theme = SurveyTheme.ENGAGEMENT
    score = 7
    respondents = 500
