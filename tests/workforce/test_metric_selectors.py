"""Metric selectors on PostgreSQL: system figures from summed counts, scopes, SPC, suppression."""

from datetime import date

import pytest

from workforce import selectors, spc
from workforce.models import Sector, SpcRecalculation

from ..factories import OrganisationFactory, StaffGroupFactory
from .metric_factories import add_series, metric, month

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return {
        "nhs_big": OrganisationFactory(code="big", short_name="BIG", sector=Sector.NHS),
        "nhs_small": OrganisationFactory(code="small", short_name="SMALL", sector=Sector.NHS),
        "asc": OrganisationFactory(code="care", short_name="CARE", sector=Sector.ADULT_SOCIAL_CARE),
    }


def test_system_rate_is_sum_of_numerators_over_sum_of_denominators_not_an_average(orgs):
    # BIG: 10 leavers / 100 staff = 10%; SMALL: 90 / 300 = 30%. Average of rates 20%; system 100/400 = 25%.
    add_series("turnover-12m", orgs["nhs_big"], [(10, 100)])
    add_series("turnover-12m", orgs["nhs_small"], [(90, 300)])
    series = selectors.metric_series(metric="turnover-12m")
    assert series.values == [pytest.approx(25.0)]
    assert series.points[0].numerator == 100
    assert series.points[0].denominator == 400


def test_sum_metrics_add_up_across_organisations_and_ignore_staff_group_rows(orgs):
    nursing = StaffGroupFactory(code="nursing")
    add_series("headcount", orgs["nhs_big"], [1000, 1010])
    add_series("headcount", orgs["asc"], [500, 490])
    # A breakdown row must never be added to the organisation's total.
    add_series("headcount", orgs["nhs_big"], [400, 404], staff_group=nursing)
    assert selectors.metric_series(metric="headcount").values == [1500, 1500]
    # A staff group is a breakdown: its count of people is rounded to the nearest 5 (404 -> 405).
    assert selectors.metric_series(metric="headcount", staff_group=nursing).values == [400, 405]
    assert selectors.metric_series(metric="headcount", organisation=orgs["nhs_big"]).values == [1000, 1010]
    assert selectors.metric_series(metric="headcount", sector=Sector.ADULT_SOCIAL_CARE).values == [500, 490]


def test_scopes_sector_organisation_and_period(orgs):
    add_series("sickness-absence", orgs["nhs_big"], [(4, 100), (5, 100), (6, 100)])
    add_series("sickness-absence", orgs["nhs_small"], [(2, 100), (2, 100), (2, 100)])
    add_series("sickness-absence", orgs["asc"], [(10, 100), (10, 100), (10, 100)])
    assert selectors.metric_series(metric="sickness-absence", sector=Sector.NHS).values == [3.0, 3.5, 4.0]
    assert selectors.metric_series(metric="sickness-absence", organisation=orgs["asc"]).values == [10.0] * 3
    period = selectors.metric_series(metric="sickness-absence", start=month(1), end=month(1))
    assert period.months == [month(1)]
    assert period.values == [pytest.approx(17 / 3)]
    assert period.scope == "LLR system"
    assert selectors.metric_series(metric="sickness-absence", sector=Sector.NHS).scope == "NHS"


def test_ratio_month_without_denominator_is_left_out(orgs):
    add_series("vacancy-rate", orgs["nhs_big"], [(10, 100)])
    series = selectors.metric_series(metric="vacancy-rate", start=date(2030, 1, 1))
    assert series.points == ()
    assert series.spc.points == ()


def test_summaries_cover_every_metric_with_latest_value_changes_and_icons(orgs):
    # 20 months of sickness absence, steady then rising for the last 7: special cause concern.
    steady = [4.0, 4.2] * 6 + [4.1]
    rising = [4.3, 4.5, 4.7, 4.9, 5.1, 5.3, 5.5]
    add_series("sickness-absence", orgs["nhs_big"], [(v * 10, 1000) for v in steady + rising])
    summaries = selectors.metric_summaries()
    assert [s.code for s in summaries] == list(
        metric("headcount").__class__.objects.values_list("code", flat=True)
    )
    sickness = next(s for s in summaries if s.code == "sickness-absence")
    assert sickness.latest_month == month(19)
    assert sickness.latest_value == pytest.approx(5.5)
    assert sickness.change == pytest.approx(0.2)
    assert sickness.change_year == pytest.approx(5.5 - 4.2)
    assert sickness.variation == spc.CONCERN
    assert sickness.is_concern
    # The 4.5% target lies between the process limits: hit or miss.
    assert sickness.spc.lower < 4.5 < sickness.spc.upper
    assert sickness.assurance == spc.ASSURANCE_HIT_OR_MISS
    assert "special cause concern" in sickness.conclusion
    # A monthly series counts months, not points, in its sentence.
    assert "consecutive increasing months" in sickness.conclusion, sickness.conclusion
    empty = next(s for s in summaries if s.code == "agency-spend")
    assert empty.latest_value is None and empty.series.points == ()


def test_dashboard_gives_system_and_sectors_side_by_side_from_one_grouped_query(
    orgs, django_assert_num_queries
):
    add_series("turnover-12m", orgs["nhs_big"], [(122, 1000)] * 14)
    add_series("turnover-12m", orgs["asc"], [(320, 1000)] * 14)
    # definitions, their recalculation points, one grouped query over observations
    with django_assert_num_queries(3):
        dashboard = selectors.workforce_dashboard()
    assert [value for value, _ in dashboard.sectors] == ["nhs", "asc"]
    row = next(r for r in dashboard.rows if r.metric.code == "turnover-12m")
    nhs, asc = row.by_sector
    assert nhs.latest_value == pytest.approx(12.2)
    assert asc.latest_value == pytest.approx(32.0)
    assert row.system.latest_value == pytest.approx(442 / 20)
    assert dashboard.includes_synthetic is False
    assert dashboard.latest_month == month(13)


def test_dashboard_query_count_does_not_grow_with_data(orgs, django_assert_num_queries):
    for code in ("headcount", "leavers", "agency-spend"):
        for org in orgs.values():
            add_series(code, org, range(100, 140))
    with django_assert_num_queries(3):
        selectors.workforce_dashboard(sector=Sector.NHS)
    with django_assert_num_queries(3):
        selectors.metric_summaries(organisation=orgs["asc"])


def test_synthetic_rows_are_reported(orgs):
    add_series("headcount", orgs["nhs_big"], [10, 11], synthetic=True)
    assert selectors.metric_series(metric="headcount").includes_synthetic
    assert selectors.workforce_dashboard().includes_synthetic


def test_recalculation_points_and_fixed_baselines_reach_the_spc(orgs):
    add_series("headcount", orgs["nhs_big"], [100, 102] * 8 + [200, 202] * 8)
    headcount = metric("headcount")
    SpcRecalculation.objects.create(metric=headcount, month=month(16), reason="New counting rules")
    series = selectors.metric_series(metric="headcount")
    assert {p.phase for p in series.spc.points[:16]} == {0}
    assert {p.phase for p in series.spc.points[16:]} == {1}
    assert series.spc.mean == pytest.approx(201)
    SpcRecalculation.objects.all().delete()
    headcount.spc_baseline_points = 16
    headcount.save()
    fixed = selectors.metric_series(metric="headcount")
    # Limits from the first 16 months only (mean 101), so the later months are far above them.
    assert fixed.spc.mean == pytest.approx(101)
    assert "outside_limits" in fixed.spc.points[-1].rules


def test_breakdown_gives_each_organisations_latest_figures_and_icons(orgs):
    add_series("turnover-12m", orgs["nhs_big"], [(120, 1000), (110, 1000)])
    add_series("turnover-12m", orgs["asc"], [(300, 1000), (310, 1000)])
    figures = {f.organisation.short_name: f for f in selectors.metric_breakdown(metric="turnover-12m")}
    assert set(figures) == {"BIG", "CARE"}
    assert figures["BIG"].value == pytest.approx(11.0)
    assert figures["BIG"].change == pytest.approx(-1.0)
    assert figures["BIG"].display_numerator == 110
    assert figures["CARE"].display_value == pytest.approx(31.0)
    assert figures["BIG"].variation == spc.COMMON_CAUSE


def test_breakdown_suppresses_small_counts_of_people(orgs):
    add_series("headcount", orgs["nhs_big"], [1002, 1013])
    add_series("headcount", orgs["nhs_small"], [6, 5])
    add_series("turnover-12m", orgs["nhs_small"], [(3, 40), (3, 41)])
    add_series("wte", orgs["nhs_small"], [4.5, 4.2])  # not a count of people: shown as it is
    heads = {f.organisation.short_name: f for f in selectors.metric_breakdown(metric="headcount")}
    assert heads["SMALL"].display_value == "*"
    assert heads["SMALL"].display_change == "*"
    assert heads["SMALL"].suppressed
    assert heads["BIG"].display_value == 1015  # rounded to the nearest 5
    assert heads["BIG"].display_change == 15  # 1015 - 1000, from rounded counts
    turnover = selectors.metric_breakdown(metric="turnover-12m")[0]
    assert turnover.display_value == "*"  # a rate built from 3 leavers is not shown
    assert turnover.display_numerator == "*"
    assert turnover.display_denominator == 40
    add_series("leavers", orgs["asc"], [6, 12])
    leavers = selectors.metric_breakdown(metric="leavers")[0]
    assert leavers.display_value == 10  # 12 rounded to the nearest 5
    assert leavers.display_change == "*"  # 6 a month before: the change would give it away
    wte = selectors.metric_breakdown(metric="wte")[0]
    assert wte.display_value == pytest.approx(4.2)
    assert not wte.suppressed


# --- Months not every organisation has reported yet ---------------------------------------------------------


def test_a_latest_month_one_organisation_has_not_reported_is_left_out_of_system_figures(
    orgs, django_assert_num_queries
):
    # BIG and SMALL have imported May 2021 (month 13); CARE has not yet.
    add_series("headcount", orgs["nhs_big"], [1000] * 14)
    add_series("headcount", orgs["nhs_small"], [200] * 14)
    add_series("headcount", orgs["asc"], [500] * 13)
    note = "May 2021 is not shown: 2 of 3 organisations have reported so far."

    series = selectors.metric_series(metric="headcount")
    # Summed over two organisations May would fall to 1,200 and show as special cause concern.
    assert series.months[-1] == month(12)
    assert series.values == [1700] * 13
    assert len(series.spc.points) == 13
    assert series.spc.variation_icon == spc.COMMON_CAUSE
    assert series.incomplete == (selectors.IncompleteMonth(month(13), 2, 3),)
    assert series.incomplete_note == note

    summary = next(s for s in selectors.metric_summaries() if s.code == "headcount")
    assert (summary.latest_month, summary.latest_value, summary.change) == (month(12), 1700, 0)
    assert summary.incomplete_note == note

    with django_assert_num_queries(3):  # the same queries as before: the organisations are counted in SQL
        dashboard = selectors.workforce_dashboard()
    row = next(r for r in dashboard.rows if r.metric.code == "headcount")
    assert row.system.latest_month == month(12)
    assert dashboard.latest_month == month(12)
    assert dashboard.incomplete_notes == [(note, [row.metric])]
    # The NHS has reported May in full; adult social care's figures end in April with nothing left out.
    nhs, asc = row.by_sector
    assert (nhs.latest_month, nhs.latest_value, nhs.incomplete_note) == (month(13), 1200, "")
    assert (asc.latest_month, asc.incomplete_note) == (month(12), "")
    assert selectors.metric_series(metric="headcount", sector=Sector.NHS).months[-1] == month(13)

    # Per organisation nothing changes: each organisation's own latest month.
    latest = {
        f.organisation.short_name: f.latest_month for f in selectors.metric_breakdown(metric="headcount")
    }
    assert latest == {"BIG": month(13), "SMALL": month(13), "CARE": month(12)}


def test_several_trailing_months_can_be_incomplete_and_a_new_organisation_holds_nothing_back(orgs):
    add_series("leavers", orgs["nhs_big"], [30] * 6)
    add_series("leavers", orgs["nhs_small"], [20] * 5)
    add_series("leavers", orgs["asc"], [10] * 4)
    series = selectors.metric_series(metric="leavers")
    assert series.months == [month(i) for i in range(4)]
    assert series.incomplete_note == (
        "August 2020 and September 2020 are not shown: 2 of 3 and 1 of 3 organisations have reported so far."
    )
    # An organisation that starts reporting adds to the count; the month is complete once the others are in.
    add_series("leavers", orgs["nhs_small"], [20], start=month(5))
    add_series("leavers", orgs["asc"], [10, 10], start=month(4))
    add_series("leavers", OrganisationFactory(code="new", sector=Sector.VOLUNTARY), [5], start=month(5))
    series = selectors.metric_series(metric="leavers")
    assert series.months[-1] == month(5)
    assert series.values[-1] == 65
    assert series.incomplete == ()


def test_a_month_missed_in_the_middle_of_the_series_stays_in(orgs):
    # CARE missed month 5 but has reported since: only trailing months wait for organisations, so month 5
    # stays in (summed over those who reported it) and the breakdown shows CARE's gap.
    add_series("headcount", orgs["nhs_big"], [1000] * 14)
    add_series("headcount", orgs["asc"], [500] * 5)
    add_series("headcount", orgs["asc"], [500] * 8, start=month(6))
    series = selectors.metric_series(metric="headcount")
    assert series.months == [month(i) for i in range(14)]
    assert series.values[5] == 1000
    assert series.incomplete == ()


def test_an_organisation_that_stops_reporting_is_no_longer_waited_for_after_a_few_months(orgs):
    late = selectors.LATE_REPORTING_MONTHS
    add_series("headcount", orgs["nhs_big"], [1000] * 14)
    add_series("headcount", orgs["asc"], [500] * (14 - late - 1))  # its last month is month(13 - late - 1)
    # Up to LATE_REPORTING_MONTHS months later it is still expected: those months are held back.
    waiting = selectors.metric_series(metric="headcount", end=month(13 - 1))
    assert [i.month for i in waiting.incomplete] == [month(13 - late + i) for i in range(late)]
    assert waiting.months[-1] == month(13 - late - 1)
    # After that the figures go on without it.
    series = selectors.metric_series(metric="headcount")
    assert series.incomplete == ()
    assert series.months[-1] == month(13)
    assert series.values[-1] == 1000
