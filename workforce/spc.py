"""NHS England "Making Data Count" XmR statistical process control (SPC).

Pure standard-library Python so it can run anywhere (views, Celery tasks, exports, tests) without Django.

Method (per phase of the series):

* centre line = mean of the calculation points (the whole phase, or its first ``baseline_points``);
* moving range MR(i) = |x(i) - x(i-1)| within those points; MRbar = mean of the MRs;
* process limits = mean +/- 2.66 x MRbar; "two sigma" lines = mean +/- (2/3) x 2.66 x MRbar.
  Limits are not clipped at zero: callers plotting a non-negative metric may clip for display.

Special-cause rules (all evaluated within a phase, never across a recalculation break):

* ``outside_limits``: a point strictly above the upper / strictly below the lower process limit;
* ``shift``: ``shift_length`` or more consecutive points strictly on one side of the mean; a point on
  the mean breaks the run; every point of the run is flagged;
* ``trend``: ``trend_length`` or more consecutive points each strictly higher (or each strictly lower)
  than the one before; an equal value breaks the run; every point of the run is flagged;
* ``two_of_three``: in any 3 consecutive points that are all strictly on the same side of the mean,
  2 or 3 lie strictly beyond that side's two-sigma line (a point beyond the process limit counts).
  Only the points beyond the two-sigma line are flagged, as in the NHS England Single Chart tool; the
  third point stays common cause unless another rule catches it.

"Exactly on" a line is decided with :data:`REL_TOL` / :data:`ABS_TOL` (see :func:`_compare`) so that a
value a caller reads off a chart as being on a limit is not flipped to special cause by float rounding.

Run charts: a phase whose calculation points number fewer than ``min_points_for_limits`` gets no
process or two-sigma lines, so the limit-based rules and assurance do not apply. Its mean is still
reported, and the shift rule is evaluated around that mean (not the median) and the trend rule as usual,
so the centre line drawn on the chart is the one the shift was judged against.

Classification: rules give each flagged point a side. Position rules (outside limits, shift,
two-of-three) use the point's side of the mean; trend uses the trend's direction (rising = high), as
in the NHS England tool. For an "up" metric high is improvement and low is concern ("down" mirrors);
for "neither" the point is ``neither_high`` / ``neither_low``. A point with both high and low signals
(e.g. the last point of a falling trend that starts a shift above the mean) is shown as improvement,
matching the NHS England Single Chart tool; for "neither" the position rules win, and a point that is
only the peak (trough) shared by a rising and a falling trend is high (low).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "ABS_TOL",
    "ASSURANCE_FAIL",
    "ASSURANCE_HIT_OR_MISS",
    "ASSURANCE_PASS",
    "COMMON_CAUSE",
    "CONCERN",
    "DIRECTIONS",
    "E2",
    "IMPROVEMENT",
    "NEITHER_HIGH",
    "NEITHER_LOW",
    "REL_TOL",
    "RULES",
    "SpcConfig",
    "SpcPoint",
    "SpcResult",
    "analyse",
    "describe",
]

# XmR scaling constant: 3 / d2 with d2 = 1.128 for moving ranges of two points.
E2 = 2.66
# Two-sigma distance as a fraction of the three-sigma (process limit) distance.
TWO_SIGMA_FRACTION = 2 / 3

# Values within this tolerance of a line count as "on" it (not beyond it), and equal values within it
# break a trend. Relative, so it scales with the metric; the absolute floor covers values near zero.
REL_TOL = 1e-9
ABS_TOL = 1e-12

DIRECTIONS = ("up", "down", "neither")
RULE_OUTSIDE_LIMITS = "outside_limits"
RULE_SHIFT = "shift"
RULE_TREND = "trend"
RULE_TWO_OF_THREE = "two_of_three"
RULES = frozenset({RULE_OUTSIDE_LIMITS, RULE_SHIFT, RULE_TREND, RULE_TWO_OF_THREE})

IMPROVEMENT = "improvement"
CONCERN = "concern"
COMMON_CAUSE = "common_cause"
NEITHER_HIGH = "neither_high"
NEITHER_LOW = "neither_low"

ASSURANCE_PASS = "pass"
ASSURANCE_FAIL = "fail"
ASSURANCE_HIT_OR_MISS = "hit_or_miss"

_HIGH = 1
_LOW = -1


@dataclass(frozen=True)
class SpcConfig:
    """Rule settings. Defaults are the current NHS England Making Data Count ones.

    The older NHSRplotthedots default is ``SpcConfig(shift_length=7, trend_length=7)``.
    """

    shift_length: int = 6
    trend_length: int = 6
    min_points_for_limits: int = 13
    two_of_three: bool = True

    def __post_init__(self) -> None:
        for name in ("shift_length", "trend_length", "min_points_for_limits"):
            value = getattr(self, name)
            # bool is an int subclass; True as a run length is a caller bug, not 1.
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise ValueError(f"SpcConfig.{name} must be an integer of at least 2, got {value!r}")


@dataclass(frozen=True)
class SpcPoint:
    index: int
    value: float
    mean: float | None
    upper: float | None
    lower: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    rules: frozenset[str]
    variation: str
    # Extras for charting: which phase the point belongs to (0-based) and its moving range
    # (None for the first point of a phase, since MRs never span a recalculation break).
    phase: int = 0
    moving_range: float | None = None


@dataclass(frozen=True)
class SpcResult:
    points: tuple[SpcPoint, ...]
    is_run_chart: bool
    mean: float | None
    mrbar: float | None
    upper: float | None
    lower: float | None
    variation_icon: str
    assurance_icon: str | None
    direction: str
    target: float | None


@dataclass(frozen=True)
class _Phase:
    start: int
    stop: int
    mean: float | None
    mrbar: float | None
    upper: float | None
    lower: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None

    @property
    def has_limits(self) -> bool:
        return self.upper is not None


def _compare(a: float, b: float) -> int:
    """-1, 0 or 1 as a is below, on (within tolerance) or above b."""
    if math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL):
        return 0
    return 1 if a > b else -1


def _validate_values(values: Sequence[float]) -> list[float]:
    if isinstance(values, str | bytes):
        raise TypeError("values must be a sequence of numbers, not a string")
    cleaned: list[float] = []
    for i, value in enumerate(values):
        if value is None:
            raise ValueError(
                f"values[{i}] is None: SPC needs a value for every period; drop or fill missing periods first"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"values[{i}] must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"values[{i}] must be finite, got {value!r}")
        cleaned.append(number)
    return cleaned


def _phase_bounds(n: int, recalculate_at: Sequence[int]) -> list[tuple[int, int]]:
    starts = set()
    for index in recalculate_at:
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(f"recalculate_at entries must be integers, got {index!r}")
        # Index 0 would be an empty first phase; >= n would be a phase with no points.
        if not 0 < index < n:
            raise ValueError(f"recalculate_at index {index} must be between 1 and {n - 1} for {n} values")
        starts.add(index)
    edges = [0, *sorted(starts), n]
    return [(edges[k], edges[k + 1]) for k in range(len(edges) - 1)]


def _fit_phase(
    values: list[float], start: int, stop: int, baseline_points: int | None, config: SpcConfig
) -> _Phase:
    stop_calc = stop if baseline_points is None else min(stop, start + baseline_points)
    calc = values[start:stop_calc]
    mean = math.fsum(calc) / len(calc)
    ranges = [abs(calc[i] - calc[i - 1]) for i in range(1, len(calc))]
    mrbar = math.fsum(ranges) / len(ranges) if ranges else None
    # Limits need enough calculation points to be trustworthy; below that it is a run chart.
    if mrbar is None or len(calc) < config.min_points_for_limits:
        return _Phase(start, stop, mean, mrbar, None, None, None, None)
    spread = E2 * mrbar
    two_sigma = spread * TWO_SIGMA_FRACTION
    return _Phase(start, stop, mean, mrbar, mean + spread, mean - spread, mean + two_sigma, mean - two_sigma)


def _flag_runs(
    signs: list[int], offset: int, min_points: int, rule: str, rules: list[set[str]], sides: list[set[int]]
) -> None:
    """Flag every maximal run of equal non-zero signs at least ``min_points`` long.

    ``signs[k]`` belongs to point ``offset + k``; the side recorded is the sign itself.
    """
    k = 0
    while k < len(signs):
        sign = signs[k]
        end = k
        while end + 1 < len(signs) and signs[end + 1] == sign:
            end += 1
        if sign != 0 and end - k + 1 >= min_points:
            for j in range(offset + k, offset + end + 1):
                rules[j].add(rule)
                sides[j].add(sign)
        k = end + 1


def _apply_rules(
    values: list[float],
    phase: _Phase,
    config: SpcConfig,
    rules: list[set[str]],
    sides: list[set[int]],
    position_sides: list[set[int]],
) -> None:
    """Evaluate the rules within one phase, adding rule names and high/low sides per point."""
    start, stop = phase.start, phase.stop
    assert phase.mean is not None  # every phase has at least one point
    mean = phase.mean
    relative = [_compare(values[i], mean) for i in range(start, stop)]

    shift_rules: list[set[str]] = [set() for _ in values]
    shift_sides: list[set[int]] = [set() for _ in values]
    _flag_runs(relative, start, config.shift_length, RULE_SHIFT, shift_rules, shift_sides)

    # Trend on steps: step k compares point start+k+1 with start+k, so a run of s equal steps spans
    # s + 1 points starting at point start+k.
    steps = [_compare(values[i], values[i - 1]) for i in range(start + 1, stop)]
    trend_rules: list[set[str]] = [set() for _ in values]
    trend_sides: list[set[int]] = [set() for _ in values]
    k = 0
    while k < len(steps):
        sign = steps[k]
        end = k
        while end + 1 < len(steps) and steps[end + 1] == sign:
            end += 1
        if sign != 0 and (end - k + 1) + 1 >= config.trend_length:
            for j in range(start + k, start + end + 2):
                trend_rules[j].add(RULE_TREND)
                trend_sides[j].add(sign)
        k = end + 1

    for i in range(start, stop):
        rules[i] |= shift_rules[i] | trend_rules[i]
        sides[i] |= shift_sides[i] | trend_sides[i]
        position_sides[i] |= shift_sides[i]

    if not phase.has_limits:
        return
    assert phase.upper is not None and phase.lower is not None
    assert phase.upper_two_sigma is not None and phase.lower_two_sigma is not None

    for i in range(start, stop):
        if _compare(values[i], phase.upper) > 0:
            side = _HIGH
        elif _compare(values[i], phase.lower) < 0:
            side = _LOW
        else:
            continue
        rules[i].add(RULE_OUTSIDE_LIMITS)
        sides[i].add(side)
        position_sides[i].add(side)

    if config.two_of_three:
        for first in range(start, stop - 2):
            window = range(first, first + 3)
            side = relative[first - start]
            if side == 0 or any(relative[i - start] != side for i in window):
                continue
            line = phase.upper_two_sigma if side == _HIGH else phase.lower_two_sigma
            beyond = [i for i in window if _compare(values[i], line) == side]
            if len(beyond) >= 2:
                for i in beyond:
                    rules[i].add(RULE_TWO_OF_THREE)
                    sides[i].add(side)
                    position_sides[i].add(side)


def _classify(sides: set[int], position: set[int], is_peak: bool | None, direction: str) -> str:
    if not sides:
        return COMMON_CAUSE
    if direction == "neither":
        if len(sides) == 1:
            side = next(iter(sides))
        elif position:
            # Position rules can only ever point one way for a given point.
            side = next(iter(position))
        else:
            side = _HIGH if is_peak else _LOW
        return NEITHER_HIGH if side == _HIGH else NEITHER_LOW
    good = _HIGH if direction == "up" else _LOW
    # Conflicting signals show as improvement, as the NHS England Single Chart tool does.
    return IMPROVEMENT if good in sides else CONCERN


def _assurance(phase: _Phase, direction: str, target: float | None) -> str | None:
    if target is None or direction == "neither" or not phase.has_limits:
        return None
    assert phase.upper is not None and phase.lower is not None
    at_or_below_lower = _compare(target, phase.lower) <= 0
    at_or_above_upper = _compare(target, phase.upper) >= 0
    # With zero variation the limits coincide; the "pass" test wins so a target met exactly passes.
    if direction == "up":
        if at_or_below_lower:
            return ASSURANCE_PASS
        if at_or_above_upper:
            return ASSURANCE_FAIL
    else:
        if at_or_above_upper:
            return ASSURANCE_PASS
        if at_or_below_lower:
            return ASSURANCE_FAIL
    return ASSURANCE_HIT_OR_MISS


def analyse(
    values: Sequence[float],
    *,
    direction: str = "neither",
    target: float | None = None,
    config: SpcConfig = SpcConfig(),  # noqa: B008 - frozen, so a shared default is safe
    baseline_points: int | None = None,
    recalculate_at: Sequence[int] = (),
) -> SpcResult:
    """Run XmR SPC over ``values`` (oldest first).

    ``direction``: "up" (higher is better), "down" (lower is better) or "neither".
    ``target``: optional target for the assurance icon (needs a direction and process limits).
    ``baseline_points``: compute each phase's mean and limits from its first N points only and apply
    them to the rest of that phase.
    ``recalculate_at``: indices where a new phase starts; each phase has its own centre line and
    limits, and no rule or moving range spans the break.

    Raises ``ValueError`` for missing (None) or non-finite values and invalid options.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float) or not math.isfinite(target):
            raise ValueError(f"target must be a finite number or None, got {target!r}")
        target = float(target)
    if baseline_points is not None and (
        isinstance(baseline_points, bool) or not isinstance(baseline_points, int) or baseline_points < 1
    ):
        raise ValueError(f"baseline_points must be a positive integer or None, got {baseline_points!r}")
    data = _validate_values(values)
    bounds = _phase_bounds(len(data), recalculate_at)

    if not data:
        return SpcResult(
            points=(),
            is_run_chart=True,
            mean=None,
            mrbar=None,
            upper=None,
            lower=None,
            variation_icon=COMMON_CAUSE,
            assurance_icon=None,
            direction=direction,
            target=target,
        )

    phases = [_fit_phase(data, start, stop, baseline_points, config) for start, stop in bounds]
    rules: list[set[str]] = [set() for _ in data]
    sides: list[set[int]] = [set() for _ in data]
    position_sides: list[set[int]] = [set() for _ in data]
    for phase in phases:
        _apply_rules(data, phase, config, rules, sides, position_sides)

    points: list[SpcPoint] = []
    for number, phase in enumerate(phases):
        for i in range(phase.start, phase.stop):
            # Only a peak/trough shared by a rising and a falling trend has both sides without a
            # position rule; it is a peak if it is higher than the point before it.
            is_peak = i > phase.start and data[i] > data[i - 1]
            points.append(
                SpcPoint(
                    index=i,
                    value=data[i],
                    mean=phase.mean,
                    upper=phase.upper,
                    lower=phase.lower,
                    upper_two_sigma=phase.upper_two_sigma,
                    lower_two_sigma=phase.lower_two_sigma,
                    rules=frozenset(rules[i]),
                    variation=_classify(sides[i], position_sides[i], is_peak, direction),
                    phase=number,
                    moving_range=abs(data[i] - data[i - 1]) if i > phase.start else None,
                )
            )

    latest = phases[-1]
    return SpcResult(
        points=tuple(points),
        is_run_chart=not latest.has_limits,
        mean=latest.mean,
        mrbar=latest.mrbar,
        upper=latest.upper,
        lower=latest.lower,
        variation_icon=points[-1].variation,
        assurance_icon=_assurance(latest, direction, target),
        direction=direction,
        target=target,
    )


# --- Plain-English summary -------------------------------------------------------------------------

_VARIATION_PHRASES = {
    IMPROVEMENT: "shows special cause improvement",
    CONCERN: "shows special cause concern",
    NEITHER_HIGH: "shows special cause variation (high)",
    NEITHER_LOW: "shows special cause variation (low)",
}
_ASSURANCE_PHRASES = {
    ASSURANCE_PASS: "is consistently met",
    ASSURANCE_FAIL: "is consistently missed",
    ASSURANCE_HIT_OR_MISS: "is hit or miss",
}


def _format_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _format_value(value: float, unit: str) -> str:
    text = _format_number(value)
    if not unit:
        return text
    # Symbols such as "%" attach directly; words such as "days" take a space.
    return f"{text}{unit}" if not unit[0].isalnum() else f"{text} {unit}"


def _trailing_run(points: Sequence[SpcPoint], same: Callable[[SpcPoint, SpcPoint], bool]) -> int:
    """Length of the run ending at the latest point for which ``same(previous, current)`` holds."""
    count = 1
    for k in range(len(points) - 1, 0, -1):
        previous, current = points[k - 1], points[k]
        if previous.phase != current.phase or not same(previous, current):
            break
        count += 1
    return count


def _reasons(points: Sequence[SpcPoint], unit: str, period: str) -> list[str]:
    latest = points[-1]
    reasons = []
    if RULE_OUTSIDE_LIMITS in latest.rules:
        assert latest.upper is not None and latest.lower is not None
        if _compare(latest.value, latest.upper) > 0:
            where, limit = "above the upper", latest.upper
        else:
            where, limit = "below the lower", latest.lower
        reasons.append(
            f"the latest point ({_format_value(latest.value, unit)}) is {where} process limit "
            f"({_format_value(limit, unit)})"
        )
    if RULE_TWO_OF_THREE in latest.rules:
        assert latest.upper_two_sigma is not None and latest.lower_two_sigma is not None
        assert latest.mean is not None
        high = _compare(latest.value, latest.mean) > 0
        line = latest.upper_two_sigma if high else latest.lower_two_sigma
        side = _HIGH if high else _LOW
        beyond = sum(1 for p in points[-3:] if _compare(p.value, line) == side)
        where = "above the upper" if high else "below the lower"
        reasons.append(f"{beyond} of the last 3 {period} are {where} two-sigma line")
    if RULE_SHIFT in latest.rules:
        assert latest.mean is not None
        side = _compare(latest.value, latest.mean)
        length = _trailing_run(points, lambda prev, cur: _compare(prev.value, prev.mean) == side)
        reasons.append(f"{length} {period} {'above' if side > 0 else 'below'} the mean")
    if RULE_TREND in latest.rules:
        step = _compare(latest.value, points[-2].value)
        length = _trailing_run(points, lambda prev, cur: _compare(cur.value, prev.value) == step)
        reasons.append(f"{length} consecutive {'increasing' if step > 0 else 'decreasing'} {period}")
    return reasons


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def describe(result: SpcResult, *, name: str, unit: str = "", period: str = "points") -> str:
    """One factual sentence summarising ``result`` for a metric called ``name``.

    e.g. "Turnover shows special cause improvement: 7 points below the mean." or
    "Sickness absence shows common cause variation; the target of 4.5% is hit or miss."
    ``period`` is the plural noun for the points in the rule counts: "months" for a monthly series gives
    "7 months below the mean", as board papers say.
    """
    if not result.points:
        return f"{name} has no data to analyse."
    points = result.points
    if result.variation_icon == COMMON_CAUSE:
        sentence = f"{name} shows common cause variation"
        if result.is_run_chart:
            sentence += " (run chart: too few points for process limits)"
    else:
        sentence = f"{name} {_VARIATION_PHRASES[result.variation_icon]}"
        reasons = _reasons(points, unit, period)
        if reasons:
            sentence += ": " + _join(reasons)
    if result.target is not None:
        target_text = _format_value(result.target, unit)
        if result.assurance_icon is not None:
            sentence += f"; the target of {target_text} {_ASSURANCE_PHRASES[result.assurance_icon]}"
        elif result.is_run_chart and result.direction != "neither":
            sentence += f"; the target of {target_text} cannot be assessed until there are process limits"
    return sentence + "."
