"""Gap flags and trends for WRES / WDES (pure rules), and the culture selector's suppression."""

from decimal import Decimal as D

import pytest

from workforce import culture, selectors
from workforce.suppression import SUPPRESSED

from ..factories import OrganisationFactory
from .import_factories import InclusionResultFactory, StaffSurveyScoreFactory

WRES2 = culture.INDICATORS["wres-2"]  # relative likelihood
WRES6 = culture.INDICATORS["wres-6"]  # harassment from staff: lower is better
WRES7 = culture.INDICATORS["wres-7"]  # equal opportunities: higher is better
WDES8 = culture.INDICATORS["wdes-8"]  # disabled staff only
WDES9 = culture.INDICATORS["wdes-9"]  # engagement score


def test_there_are_nine_wres_indicators_and_ten_wdes_metrics():
    assert [i.number for i in culture.WRES_INDICATORS] == [str(n) for n in range(1, 10)]
    assert [i.number for i in culture.WDES_METRICS] == [str(n) for n in range(1, 11)]


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("1.00", False),
        ("1.25", False),  # on the upper edge of the non-adverse range: not flagged
        ("1.251", True),
        ("0.80", False),  # on the lower edge: not flagged
        ("0.799", True),
        ("3.2", True),
    ],
)
def test_relative_likelihood_is_flagged_outside_0_80_to_1_25(value, flagged):
    assert culture.is_flagged(WRES2, D(value), None) is flagged


@pytest.mark.parametrize(
    ("indicator", "value", "comparison", "flagged"),
    [
        (WRES6, "30", "25", True),  # 5 points worse: flagged
        (WRES6, "29.9", "25", False),
        (WRES6, "20", "30", False),  # better off: never flagged
        (WRES7, "45", "50", True),  # higher is better: 5 points lower is flagged
        (WRES7, "45.1", "50", False),
        (WDES9, "6.5", "7.0", True),
        (WDES9, "6.6", "7.0", False),
        (WDES8, "10", None, False),  # one group only: trend, no flag
    ],
)
def test_two_group_gaps_are_flagged_when_the_group_is_worse_off_by_the_threshold(
    indicator, value, comparison, flagged
):
    assert culture.is_flagged(indicator, D(value), D(comparison) if comparison else None) is flagged


@pytest.mark.parametrize(
    ("indicator", "now", "before", "expected"),
    [
        (WRES2, ("1.20", None), ("1.40", None), "better"),
        (WRES2, ("0.90", None), ("0.70", None), "better"),  # closer to parity from below
        (WRES2, ("0.80", None), ("1.25", None), "same"),  # equally far from parity on a ratio scale
        (WRES2, ("1.50", None), ("1.20", None), "worse"),
        (WRES6, ("28", "25"), ("31", "25"), "better"),
        (WRES7, ("40", "50"), ("45", "50"), "worse"),
        (WRES7, ("40", "50"), None, ""),
    ],
)
def test_trend_says_whether_things_got_fairer(indicator, now, before, expected):
    def pair(values):
        return [None if v is None else D(v) for v in values] if values else [None, None]

    assert culture.trend(indicator, *pair(now), *pair(before)) == expected


@pytest.mark.django_db
def test_selector_suppresses_small_counts_and_the_figures_built_from_them():
    org = OrganisationFactory()
    InclusionResultFactory(organisation=org, year=2025, indicator="wres-2", value="1.5", group_count=7)
    InclusionResultFactory(organisation=org, year=2024, indicator="wres-2", value="1.6", group_count=8)
    InclusionResultFactory(
        organisation=org, year=2025, indicator="wres-9", standard="wres", value="20", comparison_value="30",
        group_count=0, comparison_count=12,
    )  # fmt: skip
    StaffSurveyScoreFactory(organisation=org, year=2025, respondents=6)
    dashboard = selectors.culture_dashboard(organisation=org, year=2025)
    wres = {row.indicator.code: row for row in dashboard.wres}
    assert (wres["wres-2"].value, wres["wres-2"].group_count) == (SUPPRESSED, SUPPRESSED)
    assert wres["wres-2"].flagged is False and wres["wres-2"].trend == ""
    assert wres["wres-2"].previous_value == D("1.6")  # last year's counts were big enough
    assert wres["wres-2"].comparison_count == 100
    # 0 stays 0 and is not suppressed; 12 rounds to 10; the gap (10 points) is flagged.
    assert (wres["wres-9"].group_count, wres["wres-9"].comparison_count, wres["wres-9"].flagged) == (
        0,
        10,
        True,
    )
    assert wres["wres-5"].missing
    themes = {row.theme: row for row in dashboard.themes}
    assert (themes["engagement"].score, themes["engagement"].respondents) == (SUPPRESSED, SUPPRESSED)
    assert themes["morale"].score is None
    assert dashboard.flagged_count == 1
    assert dashboard.history_years == [2024, 2025]
    history = {row.indicator.code: row.cells for row in dashboard.history}
    assert [c.headline for c in history["wres-2"]] == [D("1.6"), SUPPRESSED]
    assert [c.flagged for c in history["wres-2"]] == [True, False]
    assert [(c.headline, c.flagged) for c in history["wres-9"]] == [(None, False), (D("10"), True)]
    assert [(g.organisation, g.wres_flagged, g.reported) for g in dashboard.gaps_by_organisation] == [
        (org, 1, 2)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"indicator": "wres-10"},
            "indicator",
            "Unknown indicator: use wres-1 to wres-9 or wdes-1 to wdes-10.",
        ),
        ({"indicator": "wdes-2", "standard": "wres"}, "standard", "WDES 2 belongs to the WDES."),
        (
            {"indicator": "wres-6", "comparison_value": None},
            "comparison_value",
            "WRES 6 compares two groups: enter White staff.",
        ),
    ],
)
def test_inclusion_results_are_checked_against_the_indicator_list(fields, field, message):
    from django.core.exceptions import ValidationError

    from workforce.models import InclusionResult

    values = {"standard": "wres", "indicator": "wres-2", "year": 2025, "value": 1, "comparison_value": 1}
    result = InclusionResult(organisation=OrganisationFactory(), **{**values, **fields})
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.message_dict[field] == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "appointed", "suppressed"),
    [
        ("group_numerator", 7, True),
        ("group_numerator", 8, False),
        ("comparison_numerator", 7, True),
        ("comparison_numerator", 8, False),
        ("group_numerator", 0, False),  # 0 stays 0: nobody appointed is not a small number
    ],
)
def test_a_likelihood_built_from_1_to_7_applicants_appointed_is_suppressed(field, appointed, suppressed):
    # 100 shortlisted in each group, so only the number appointed can suppress the figure.
    org = OrganisationFactory()
    InclusionResultFactory(organisation=org, year=2024, indicator="wres-2", value="1.2", **{field: 40})
    InclusionResultFactory(organisation=org, year=2025, indicator="wres-2", value="1.5", **{field: appointed})
    dashboard = selectors.culture_dashboard(organisation=org, year=2025)
    row = dashboard.wres[1]
    assert row.indicator.code == "wres-2"
    assert row.suppressed is suppressed
    assert getattr(row, field) == (SUPPRESSED if suppressed else (10 if appointed == 8 else 0))
    if suppressed:
        assert (row.value, row.flagged, row.trend) == (SUPPRESSED, False, "")
        assert [c.headline for c in dashboard.history[1].cells] == [D("1.2"), SUPPRESSED]
        assert dashboard.gaps_by_organisation[0].wres_flagged == 0
        (by_org,) = selectors.culture_indicators_by_organisation(year=2025)
        assert by_org.rows[0].value == SUPPRESSED
    else:
        assert (row.value, row.flagged, row.trend) == (D("1.5"), True, "worse")
        assert dashboard.gaps_by_organisation[0].wres_flagged == 1
    # Last year's figure is suppressed by its own appointments too.
    InclusionResultFactory(organisation=org, year=2026, indicator="wres-2", value="1.0")
    row = selectors.culture_dashboard(organisation=org, year=2026).wres[1]
    assert row.previous_value == (SUPPRESSED if suppressed else D("1.5"))


@pytest.mark.django_db
def test_applicants_appointed_cannot_be_more_than_those_shortlisted():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from workforce.models import InclusionResult

    values = {"standard": "wres", "indicator": "wres-2", "year": 2025, "value": 1, "group_count": 20}
    result = InclusionResult(organisation=OrganisationFactory(), group_numerator=21, **values)
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.message_dict["group_numerator"] == ["Cannot be more than the people counted (20)."]
    result.group_numerator = 20
    result.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        InclusionResultFactory(comparison_count=10, comparison_numerator=11)


@pytest.mark.django_db
def test_demo_appointment_likelihoods_match_their_appointed_and_shortlisted_counts():
    from workforce.demo import seed_culture, seed_reference_data
    from workforce.models import InclusionResult

    seed_reference_data()
    seed_culture()
    results = InclusionResult.objects.filter(indicator__in=["wres-2", "wdes-2"])
    assert results.exists()
    for r in results:
        assert r.group_numerator <= r.group_count and r.comparison_numerator <= r.comparison_count
        expected = (D(r.group_numerator) / r.group_count) / (D(r.comparison_numerator) / r.comparison_count)
        assert abs(r.value - expected) < D("0.001"), r
    # Other indicators have no second count per group.
    assert not InclusionResult.objects.exclude(indicator__in=["wres-2", "wdes-2"]).filter(
        group_numerator__isnull=False
    )
