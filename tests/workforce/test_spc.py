"""Point-by-point checks of workforce.spc against hand-worked XmR series (no Django, no database)."""

import math

import pytest

from workforce.spc import SpcConfig, analyse, describe

# Base series used throughout: 14 points alternating 14, 10.
#   mean  = (7 x 14 + 7 x 10) / 14 = 168 / 14 = 12
#   MRs   = 13 x |14 - 10| = 13 x 4  -> MRbar = 52 / 13 = 4
#   limits = 12 +/- 2.66 x 4 = 12 +/- 10.64 -> upper 22.64, lower 1.36
#   two sigma = 12 +/- (2/3) x 10.64 = 12 +/- 7.09333 -> 19.09333, 4.90667
# Alternation means no run of more than 1 on one side of the mean and no trend longer than 2.
# With baseline_points=14 those limits are frozen, so points appended after it do not move them.
ALT = [14, 10] * 7
UPPER, LOWER = 22.64, 1.36
UPPER_2S, LOWER_2S = 12 + 10.64 * 2 / 3, 12 - 10.64 * 2 / 3


def flagged(result, rule):
    return [p.index for p in result.points if rule in p.rules]


def any_rules(result):
    return [p.index for p in result.points if p.rules]


def fixed(extra, **kwargs):
    """ALT as a fixed baseline (mean 12, limits 1.36 / 22.64) followed by ``extra``."""
    return analyse(ALT + list(extra), baseline_points=14, **kwargs)


# --- XmR arithmetic -------------------------------------------------------------------------------


def test_xmr_mean_moving_range_and_limits():
    result = analyse(ALT)
    assert result.is_run_chart is False
    assert result.mean == pytest.approx(12)
    assert result.mrbar == pytest.approx(4)
    assert result.upper == pytest.approx(UPPER)
    assert result.lower == pytest.approx(LOWER)
    first, second = result.points[0], result.points[1]
    assert first.moving_range is None
    assert second.moving_range == 4
    assert second.upper_two_sigma == pytest.approx(19.093333, abs=1e-6)
    assert second.lower_two_sigma == pytest.approx(4.906667, abs=1e-6)
    assert any_rules(result) == []
    assert result.variation_icon == "common_cause"


def test_spike_above_upper_limit_is_the_only_special_cause():
    # ALT with index 6 (a 14) replaced by 40:
    #   sum = 168 - 14 + 40 = 194 -> mean = 194 / 14 = 13.857143, so the 14s stay above it, 10s below
    #   MRs: 11 x 4 plus |40 - 10| = 30 (index 6) and |10 - 40| = 30 (index 7) -> (44 + 60) / 13 = 8
    #   upper = 13.857143 + 2.66 x 8 = 13.857143 + 21.28 = 35.137143 < 40; lower = -7.422857
    #   two sigma = 13.857143 +/- 14.186667 -> 28.043810 / -0.329524; windows holding 40 straddle the mean
    values = list(ALT)
    values[6] = 40
    result = analyse(values, direction="up")
    assert result.mean == pytest.approx(194 / 14)
    assert result.mrbar == pytest.approx(8)
    assert result.upper == pytest.approx(35.137143)
    assert result.lower == pytest.approx(-7.422857)
    assert flagged(result, "outside_limits") == [6]
    assert any_rules(result) == [6]
    assert result.points[6].variation == "improvement"
    # The latest point (index 13, a 10) is common cause, so the icon is too.
    assert result.variation_icon == "common_cause"


def test_point_exactly_on_limits_is_not_special_cause_but_just_beyond_is():
    # 12 + 2.66 x 4 evaluates to 22.64 and 12 - 10.64 to 1.3599999999999994 in floating point; the
    # module's REL_TOL treats both as exactly on the limit.
    result = fixed([22.64, 1.36, 22.65, 1.35])
    assert result.points[14].rules == frozenset()
    assert result.points[15].rules == frozenset()
    assert result.points[16].rules == frozenset({"outside_limits"})
    assert result.points[17].rules == frozenset({"outside_limits"})


# --- Shift ------------------------------------------------------------------------------------------


def test_shift_of_six_above_mean_is_flagged_without_baseline():
    # 14 points, mean = (14+7+14+7 + 13+15+13+15+13+15 + 7+14+7+14) / 14 = 168 / 14 = 12.
    # Indices 4..9 (13/15) are above, with index 3 and 10 (7) below: a run of exactly 6.
    # MRs: 7,7,7,6,2,2,2,2,2,8,7,7,7 = 66 -> MRbar 66/13 = 5.0769; two sigma upper 12 + 9.0031 = 21.0
    # and lower 2.997, so 15 and 7 trigger nothing else; 7 -> 13 -> 15 is only a 3-point rise.
    values = [14, 7, 14, 7, 13, 15, 13, 15, 13, 15, 7, 14, 7, 14]
    result = analyse(values)
    assert result.mean == pytest.approx(12)
    assert result.mrbar == pytest.approx(66 / 13)
    assert flagged(result, "shift") == [4, 5, 6, 7, 8, 9]
    assert any_rules(result) == [4, 5, 6, 7, 8, 9]


def test_run_of_six_is_flagged_in_full():
    # Index 13 of ALT is 10 (below 12), so the six 13s form a run of exactly 6 above the mean.
    result = fixed([13] * 6)
    assert flagged(result, "shift") == [14, 15, 16, 17, 18, 19]
    assert any_rules(result) == [14, 15, 16, 17, 18, 19]


def test_run_of_five_is_not_flagged():
    result = fixed([13] * 5 + [11])
    assert any_rules(result) == []


def test_shift_below_includes_earlier_points_on_same_side():
    # Index 13 (10) is also below 12, so the run is indices 13..19: 7 points, all flagged.
    result = fixed([11] * 6)
    assert flagged(result, "shift") == [13, 14, 15, 16, 17, 18, 19]


def test_point_exactly_on_mean_breaks_the_run():
    # 13,13,13 | 12 (on the mean) | 13,13,13: two runs of 3, no shift.
    assert flagged(fixed([13, 13, 13, 12, 13, 13, 13]), "shift") == []
    # Control: a point just above the mean keeps the run going (7 points).
    assert flagged(fixed([13, 13, 13, 12.5, 13, 13, 13]), "shift") == list(range(14, 21))


def test_point_on_mean_breaks_run_in_series_without_baseline():
    # The 6-run series above with index 4 -> 14 and index 6 -> 12 keeps the sum at 168 (mean 12),
    # so index 6 sits exactly on the mean and splits the run into 2 and 3 points.
    values = [14, 7, 14, 7, 14, 15, 12, 15, 13, 15, 7, 14, 7, 14]
    result = analyse(values)
    assert result.mean == pytest.approx(12)
    assert flagged(result, "shift") == []


def test_shift_length_seven_matches_older_nhsrplotthedots_default():
    config = SpcConfig(shift_length=7, trend_length=7)
    assert flagged(fixed([13] * 6, config=config), "shift") == []
    assert flagged(fixed([13] * 7, config=config), "shift") == list(range(14, 21))


# --- Trend ------------------------------------------------------------------------------------------


def test_trend_of_six_increasing_is_flagged():
    # 10 (index 13) -> 8 falls, then 8 < 10 < 11 < 13 < 14 < 15: six rising points, indices 14..19.
    # Sides of 12: 10,8,10,11 below (4), 13,14,15 above (3): no shift; all within two sigma.
    result = fixed([8, 10, 11, 13, 14, 15])
    assert flagged(result, "trend") == [14, 15, 16, 17, 18, 19]
    assert any_rules(result) == [14, 15, 16, 17, 18, 19]


def test_trend_of_five_is_not_flagged():
    assert any_rules(fixed([8, 10, 11, 13, 14])) == []


def test_equal_values_break_a_trend():
    # 8,10,11 rising (3 points), 11 == 11 breaks, then 11,13,14,15 rising (4 points).
    # Sides: 10,8,10,11,11 below (5) then 13,14,15 above: no shift either.
    assert any_rules(fixed([8, 10, 11, 11, 13, 14, 15])) == []


def test_trend_of_six_decreasing_is_flagged():
    # 10 -> 16 rises, then 16 > 15 > 14 > 11 > 10 > 9: six falling points, indices 14..19.
    result = fixed([16, 15, 14, 11, 10, 9])
    assert flagged(result, "trend") == [14, 15, 16, 17, 18, 19]
    assert flagged(result, "shift") == []


def test_trend_length_seven_needs_seven_points():
    config = SpcConfig(trend_length=7)
    assert flagged(fixed([8, 10, 11, 13, 14, 15], config=config), "trend") == []
    assert flagged(fixed([8, 10, 11, 13, 14, 15, 16], config=config), "trend") == list(range(14, 21))


# --- Two of three -----------------------------------------------------------------------------------


def test_two_of_three_beyond_upper_two_sigma_flags_only_those_points():
    # Window 14..16 = 20, 13, 20: all above 12; 20 > 19.0933 twice -> flag 14 and 16, not 15.
    # 20 < 22.64 so nothing is outside the limits.
    result = fixed([20, 13, 20])
    assert flagged(result, "two_of_three") == [14, 16]
    assert any_rules(result) == [14, 16]


def test_two_of_three_below_lower_two_sigma():
    # Window 13..15 = 10, 4, 11 has one point below 4.9067; window 14..16 = 4, 11, 4 has two.
    result = fixed([4, 11, 4], direction="up")
    assert flagged(result, "two_of_three") == [14, 16]
    assert result.points[14].variation == "concern"
    assert result.points[15].variation == "common_cause"


def test_one_of_three_beyond_two_sigma_is_not_flagged():
    # 13, 20, 13: all above 12 but only 20 > 19.0933.
    assert any_rules(fixed([13, 20, 13])) == []


def test_three_of_three_flags_all_three():
    assert flagged(fixed([20, 21, 20]), "two_of_three") == [14, 15, 16]


def test_two_of_three_not_flagged_when_third_point_is_other_side_of_mean():
    # 20, 11, 20: 11 is below the mean, so the window is not all on one side.
    assert any_rules(fixed([20, 11, 20])) == []


def test_two_sigma_points_on_opposite_sides_are_not_flagged():
    # 20 is beyond the upper two-sigma line and 4 beyond the lower one: never the same line.
    assert any_rules(fixed([13, 20, 4, 13])) == []


def test_points_exactly_on_the_two_sigma_line_are_not_beyond_it():
    # Upper two-sigma line 12 + (2/3) x 10.64 = 19.09333..., lower 4.90667...: points on the line are not
    # beyond it (the rule says "beyond"), just past it they are.
    assert any_rules(fixed([UPPER_2S, 13, UPPER_2S])) == []
    assert any_rules(fixed([LOWER_2S, 11, LOWER_2S])) == []
    assert flagged(fixed([UPPER_2S + 0.01, 13, UPPER_2S + 0.01]), "two_of_three") == [14, 16]
    assert flagged(fixed([LOWER_2S - 0.01, 11, LOWER_2S - 0.01]), "two_of_three") == [14, 16]
    # Two on the line and one beyond: only one point beyond, so no signal.
    assert any_rules(fixed([UPPER_2S, UPPER_2S + 0.01, UPPER_2S])) == []


def test_point_beyond_process_limit_counts_towards_two_of_three():
    # 23 > 22.64 (outside limits, and beyond two sigma), 13 above the mean, 20 > 19.0933.
    result = fixed([23, 13, 20])
    assert flagged(result, "outside_limits") == [14]
    assert flagged(result, "two_of_three") == [14, 16]


def test_two_of_three_can_be_switched_off():
    assert any_rules(fixed([20, 13, 20], config=SpcConfig(two_of_three=False))) == []


def test_zero_variation_series():
    # 13 x 5: mean 5, every MR 0 -> MRbar 0, so both limits and two-sigma lines sit on the mean.
    # Every point is exactly on the mean, which is never a shift; a later 6 is outside the limits.
    flat = analyse([5] * 13, direction="up", target=5)
    assert (flat.mean, flat.mrbar, flat.upper, flat.lower) == (5, 0, 5, 5)
    assert any_rules(flat) == []
    # Target on the (coincident) limits: the "pass" test is checked first.
    assert flat.assurance_icon == "pass"
    later = analyse([5] * 13 + [6], baseline_points=13, direction="up")
    assert flagged(later, "outside_limits") == [13]


# --- Run chart --------------------------------------------------------------------------------------


def test_under_thirteen_points_is_run_chart_without_limits():
    # 12 points: [0, 6] x 6 -> mean 3, MRbar 6, but no limits.
    result = analyse([0, 6] * 6, direction="up", target=1)
    assert result.is_run_chart is True
    assert result.mean == pytest.approx(3)
    assert result.mrbar == pytest.approx(6)
    assert result.upper is None and result.lower is None
    assert all(p.upper is None and p.lower_two_sigma is None for p in result.points)
    assert result.assurance_icon is None


def test_exactly_thirteen_points_has_limits():
    # [0, 6] x 6 + [3]: mean = 39 / 13 = 3; MRs 11 x 6 + |3 - 6| = 69 -> MRbar 69 / 12 = 5.75
    # upper = 3 + 2.66 x 5.75 = 3 + 15.295 = 18.295; lower = -12.295 (not clipped at zero)
    result = analyse([0, 6] * 6 + [3])
    assert result.is_run_chart is False
    assert result.mean == pytest.approx(3)
    assert result.mrbar == pytest.approx(5.75)
    assert result.upper == pytest.approx(18.295)
    assert result.lower == pytest.approx(-12.295)


def test_run_chart_ignores_limit_rules_but_evaluates_shift_around_mean():
    # 7 points: mean = (1 + 1 + 1 + 1 + 1 + 1 + 50) / 7 = 8. A 50 would be far outside XmR limits, but
    # a run chart has none. Points 0..5 are six in a row below the mean -> shift.
    result = analyse([1, 1, 1, 1, 1, 1, 50], direction="down")
    assert result.is_run_chart is True
    assert flagged(result, "outside_limits") == []
    assert flagged(result, "shift") == [0, 1, 2, 3, 4, 5]
    assert result.points[0].variation == "improvement"
    assert result.variation_icon == "common_cause"


def test_run_chart_evaluates_trend():
    result = analyse([1, 2, 3, 4, 5, 6], direction="up")
    assert result.is_run_chart is True
    assert flagged(result, "trend") == [0, 1, 2, 3, 4, 5]
    assert result.variation_icon == "improvement"


def test_min_points_for_limits_is_configurable():
    result = analyse([0, 6] * 6, config=SpcConfig(min_points_for_limits=12))
    assert result.is_run_chart is False
    # 3 + 2.66 x 6 = 18.96
    assert result.upper == pytest.approx(18.96)


# --- Assurance --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (1.0, "pass"),
        (1.36, "pass"),
        (1.37, "hit_or_miss"),
        (12, "hit_or_miss"),
        (22.64, "fail"),
        (30, "fail"),
    ],
)
def test_assurance_up_is_good(target, expected):
    # Limits 1.36 / 22.64: a target on the lower limit is always met by an "up" metric.
    assert analyse(ALT, direction="up", target=target).assurance_icon == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [(30, "pass"), (22.64, "pass"), (22.63, "hit_or_miss"), (12, "hit_or_miss"), (1.36, "fail"), (0, "fail")],
)
def test_assurance_down_is_good(target, expected):
    assert analyse(ALT, direction="down", target=target).assurance_icon == expected


def test_no_assurance_for_neither_direction_or_missing_target():
    assert analyse(ALT, direction="neither", target=12).assurance_icon is None
    assert analyse(ALT, direction="up").assurance_icon is None


# --- Baselines and recalculation -------------------------------------------------------------------


def test_baseline_fixes_limits_for_later_points():
    # Baseline: mean 12, MRbar 4, limits 1.36 / 22.64 applied to the two 40s as well.
    result = fixed([40, 40])
    assert result.mean == pytest.approx(12)
    assert result.mrbar == pytest.approx(4)
    assert all(p.mean == pytest.approx(12) and p.upper == pytest.approx(UPPER) for p in result.points)
    assert flagged(result, "outside_limits") == [14, 15]
    # Without the baseline the 40s pull the mean up: (168 + 80) / 16 = 15.5, and
    # MRbar = (13 x 4 + |40 - 10| + 0) / 15 = 82 / 15.
    unfixed = analyse(ALT + [40, 40])
    assert unfixed.mean == pytest.approx(15.5)
    assert unfixed.mrbar == pytest.approx(82 / 15)


def test_baseline_shorter_than_min_points_gives_run_chart():
    result = analyse(ALT + [40, 40], baseline_points=12)
    assert result.is_run_chart is True
    assert result.upper is None
    # Mean from the first 12 points only: 6 x 14 + 6 x 10 = 144 / 12 = 12.
    assert result.mean == pytest.approx(12)


def test_recalculation_gives_each_phase_its_own_limits():
    # Phase 0: ALT (mean 12, MRbar 4). Phase 1: [34, 30] x 7 (mean 32, MRbar 4, limits 21.36 / 42.64).
    # The 10 -> 34 jump at the break is not a moving range of either phase.
    values = ALT + [34, 30] * 7
    result = analyse(values, recalculate_at=[14])
    assert result.points[13].mean == pytest.approx(12)
    assert result.points[13].upper == pytest.approx(22.64)
    assert result.points[14].mean == pytest.approx(32)
    assert result.points[14].lower == pytest.approx(21.36)
    assert result.points[14].moving_range is None
    assert (result.points[13].phase, result.points[14].phase) == (0, 1)
    assert (result.mean, result.mrbar) == (pytest.approx(32), pytest.approx(4))
    assert result.upper == pytest.approx(42.64)
    assert any_rules(result) == []
    # One phase: mean (168 + 448) / 28 = 22, every point of each half on one side -> shift everywhere.
    assert flagged(analyse(values), "shift") == list(range(28))


def test_rules_do_not_run_across_a_recalculation_break():
    # Whole series mean = 48 / 14 = 3.428571; the six 4s (indices 4..9) are above it -> shift.
    # MRbar = (4+4+4+3+0+0+0+0+0+3+4+4+4) / 13 = 30 / 13; two sigma bounds 7.52 / -0.66: nothing else.
    values = [5, 1, 5, 1, 4, 4, 4, 4, 4, 4, 1, 5, 1, 5]
    assert flagged(analyse(values), "shift") == [4, 5, 6, 7, 8, 9]
    # Split at 7: each phase also has mean 24 / 7 but only three 4s, so no shift in either.
    split = analyse(values, recalculate_at=[7])
    assert split.points[6].mean == pytest.approx(24 / 7)
    assert split.points[7].mean == pytest.approx(24 / 7)
    assert any_rules(split) == []


def test_short_latest_phase_is_run_chart_while_earlier_phase_keeps_limits():
    result = analyse(ALT + [30, 31, 29], recalculate_at=[14], direction="up", target=12)
    assert result.points[0].upper == pytest.approx(UPPER)
    assert result.points[14].upper is None
    assert result.is_run_chart is True
    assert result.assurance_icon is None


def test_baseline_applies_within_each_phase():
    # Phase 1 = [34, 30] x 7 + [0]: baseline of its first 14 points -> mean 32, limits 21.36 / 42.64,
    # so the final 0 is below the lower limit (it would not be if it pulled the phase mean down).
    values = ALT + [34, 30] * 7 + [0]
    result = analyse(values, baseline_points=14, recalculate_at=[14], direction="up")
    assert result.mean == pytest.approx(32)
    assert result.lower == pytest.approx(21.36)
    assert flagged(result, "outside_limits") == [28]
    assert result.variation_icon == "concern"


# --- Variation classification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "high", "low"),
    [
        ("up", "improvement", "concern"),
        ("down", "concern", "improvement"),
        ("neither", "neither_high", "neither_low"),
    ],
)
def test_variation_for_each_direction(direction, high, low):
    result = fixed([30, 14, 10, 0], direction=direction)
    # 30 > 22.64 and 0 < 1.36 are outside the limits; 14 and 10 between them are common cause.
    assert [p.variation for p in result.points[14:]] == [high, "common_cause", "common_cause", low]
    assert result.variation_icon == low


def test_trend_is_classified_by_its_direction_not_side_of_mean():
    # Falling trend 16, 15, 14, 11, 10, 9 starts above the mean: every point is a low signal.
    up = fixed([16, 15, 14, 11, 10, 9], direction="up")
    assert {p.variation for p in up.points[14:]} == {"concern"}
    neither = fixed([16, 15, 14, 11, 10, 9], direction="neither")
    assert {p.variation for p in neither.points[14:]} == {"neither_low"}


def test_conflicting_signals_show_as_improvement_or_position_for_neither():
    # 16 > 15 > 14 > 13.5 > 13 > 12.5 all above 12: a falling trend (low) that is also a shift above
    # the mean (high). Up: improvement wins (NHS Single Chart tool). Neither: position (high) wins.
    extra = [16, 15, 14, 13.5, 13, 12.5]
    assert {p.variation for p in fixed(extra, direction="up").points[14:]} == {"improvement"}
    assert {p.variation for p in fixed(extra, direction="down").points[14:]} == {"improvement"}
    assert {p.variation for p in fixed(extra, direction="neither").points[14:]} == {"neither_high"}


def test_peak_shared_by_rising_and_falling_trends():
    # 6 < 8 < 10 < 13 < 15 < 17 (indices 14..19) then 17 > 15 > 13 > 10 > 8 > 6 (19..24).
    # Sides of 12: at most 5 in a row (13, 15, 17, 15, 13); nothing beyond two sigma.
    result = fixed([6, 8, 10, 13, 15, 17, 15, 13, 10, 8, 6], direction="neither")
    assert flagged(result, "trend") == list(range(14, 25))
    variations = [p.variation for p in result.points[14:]]
    assert variations == ["neither_high"] * 6 + ["neither_low"] * 5
    assert result.variation_icon == "neither_low"


# --- Input handling ---------------------------------------------------------------------------------


def test_empty_series():
    result = analyse([], direction="up", target=5)
    assert result.points == ()
    assert result.is_run_chart is True
    assert result.mean is None and result.upper is None
    assert result.variation_icon == "common_cause"
    assert result.assurance_icon is None
    assert describe(result, name="Turnover") == "Turnover has no data to analyse."


def test_single_point_has_mean_but_no_moving_range():
    result = analyse([7.5])
    assert result.mean == 7.5
    assert result.mrbar is None
    assert result.points[0].rules == frozenset()


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, "3"])
def test_invalid_values_are_rejected_with_index(bad):
    with pytest.raises(ValueError, match=r"values\[2\]"):
        analyse([1, 2, bad, 4])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": "sideways"},
        {"recalculate_at": [0]},
        {"recalculate_at": [4]},
        {"baseline_points": 0},
        {"target": math.nan},
    ],
)
def test_invalid_options_are_rejected(kwargs):
    with pytest.raises(ValueError):
        analyse([1, 2, 3, 4], **kwargs)


def test_invalid_config_is_rejected():
    with pytest.raises(ValueError, match="shift_length"):
        SpcConfig(shift_length=1)


# --- describe() -------------------------------------------------------------------------------------


def test_describe_shift_improvement():
    result = fixed([11] * 6, direction="down")
    assert (
        describe(result, name="Turnover")
        == "Turnover shows special cause improvement: 7 points below the mean."
    )


def test_describe_counts_in_the_period_noun_given():
    # Monthly series (the workforce selectors) say "months"; the default stays "points".
    shift = fixed([11] * 6, direction="down")
    assert describe(shift, name="Turnover", period="months") == (
        "Turnover shows special cause improvement: 7 months below the mean."
    )
    falling = fixed([16, 15, 14, 11, 10, 9], direction="down")
    assert describe(falling, name="Agency spend", period="months") == (
        "Agency spend shows special cause improvement: 6 consecutive decreasing months."
    )
    assert describe(fixed([20, 13, 20]), name="Vacancy rate", period="months") == (
        "Vacancy rate shows special cause variation (high): 2 of the last 3 months are above the upper "
        "two-sigma line."
    )


def test_describe_common_cause_with_hit_or_miss_target():
    # [5, 4] x 7: mean 4.5, MRbar 1, limits 4.5 +/- 2.66 -> 1.84 / 7.16; target 4.5 between them.
    result = analyse([5.0, 4.0] * 7, direction="down", target=4.5)
    assert result.assurance_icon == "hit_or_miss"
    assert (
        describe(result, name="Sickness absence", unit="%")
        == "Sickness absence shows common cause variation; the target of 4.5% is hit or miss."
    )


def test_describe_outside_limits_with_word_unit():
    result = fixed([30], direction="up")
    assert describe(result, name="Bank usage", unit="hours") == (
        "Bank usage shows special cause improvement: the latest point (30 hours) is above the upper "
        "process limit (22.64 hours)."
    )


def test_describe_two_of_three_for_neither_direction():
    result = fixed([20, 13, 20])
    assert describe(result, name="Vacancy rate") == (
        "Vacancy rate shows special cause variation (high): 2 of the last 3 points are above the upper "
        "two-sigma line."
    )


def test_describe_trend_and_combined_rules():
    falling = fixed([16, 15, 14, 11, 10, 9], direction="down")
    assert describe(falling, name="Agency spend") == (
        "Agency spend shows special cause improvement: 6 consecutive decreasing points."
    )
    both = fixed([16, 15, 14, 13.5, 13, 12.5], direction="up")
    assert describe(both, name="Retention") == (
        "Retention shows special cause improvement: 6 points above the mean and "
        "6 consecutive decreasing points."
    )


def test_describe_assurance_pass_and_fail():
    assert describe(analyse(ALT, direction="up", target=1), name="Compliance", unit="%") == (
        "Compliance shows common cause variation; the target of 1% is consistently met."
    )
    assert describe(analyse(ALT, direction="up", target=25), name="Compliance", unit="%") == (
        "Compliance shows common cause variation; the target of 25% is consistently missed."
    )


def test_describe_run_chart_with_target():
    result = analyse([0.04, 0.05] * 3, direction="down", target=0.045)
    assert describe(result, name="Turnover rate") == (
        "Turnover rate shows common cause variation (run chart: too few points for process limits); "
        "the target of 0.045 cannot be assessed until there are process limits."
    )
