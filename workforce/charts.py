"""SPC charts and icons as SVG, rendered on the server: ONE code path for the web pages and the PDF.

Both put a chart in as ``<img src="{{ chart.data_url }}" alt="{{ chart.alt }}">`` (WeasyPrint gives an
inline ``<svg>`` no alternative text, and the portal's CSP allows ``data:`` images), with the data as a
table beside it (``chart.rows``). Colours follow NHS England's Making Data Count: special cause improvement
blue, special cause concern orange, common cause grey, special cause in a metric with no improvement direction
purple; the target is a red dashed line, the process limits grey dashed lines and the mean a solid line.

No Django and no database here: callers pass months, values and a :class:`workforce.spc.SpcResult`
(``series_chart`` takes a ``selectors.MetricSeries``), so other apps (the board overview, the board report)
draw their series the same way, and tests can check the SVG without a request.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from . import spc

BLUE = "#005eb8"  # improvement / assurance pass
ORANGE = "#ed8b00"  # concern / assurance fail
GREY = "#768692"  # common cause / hit or miss
PURPLE = "#330072"  # special cause in a metric with no improvement direction
RED = "#d5281b"  # target line
INK = "#212b32"  # text, axes and the mean
LINE_GREY = "#4c6272"  # process limits and the data line
WHITE = "#ffffff"
BLACK = "#000000"


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon: what it means in words, its colour and the letter drawn in it."""

    key: str
    label: str
    letter: str
    colour: str
    text_colour: str
    css_modifier: str  # app-spc--<modifier> in static/scss/main.scss

    @property
    def svg(self) -> str:
        return icon_svg(self)

    @property
    def data_url(self) -> str:
        return svg_data_url(self.svg)


def variation_icon(variation: str, direction: str) -> Icon:
    """The variation icon for a point's (or series') classification and the metric's direction.

    Letters: H (special cause high), L (special cause low), C (common cause).
    """
    high_is_good = direction == "up"
    if variation == spc.IMPROVEMENT:
        letter = "H" if high_is_good else "L"
        return Icon(
            variation, f"Special cause improvement ({_high_low(letter)})", letter, BLUE, WHITE, "improvement"
        )
    if variation == spc.CONCERN:
        letter = "L" if high_is_good else "H"
        return Icon(
            variation, f"Special cause concern ({_high_low(letter)})", letter, ORANGE, BLACK, "concern"
        )
    if variation == spc.NEITHER_HIGH:
        return Icon(variation, "Special cause variation (high)", "H", PURPLE, WHITE, "neither")
    if variation == spc.NEITHER_LOW:
        return Icon(variation, "Special cause variation (low)", "L", PURPLE, WHITE, "neither")
    return Icon(spc.COMMON_CAUSE, "Common cause variation", "C", GREY, BLACK, "common")


def _high_low(letter: str) -> str:
    return "high" if letter == "H" else "low"


ASSURANCE_ICONS = {
    spc.ASSURANCE_PASS: Icon(
        spc.ASSURANCE_PASS, "Consistently meets the target", "P", BLUE, WHITE, "improvement"
    ),
    spc.ASSURANCE_FAIL: Icon(
        spc.ASSURANCE_FAIL, "Consistently misses the target", "F", ORANGE, BLACK, "concern"
    ),
    spc.ASSURANCE_HIT_OR_MISS: Icon(
        spc.ASSURANCE_HIT_OR_MISS, "Hit or miss: the target may or may not be met", "?", GREY, BLACK, "common"
    ),
}


def assurance_icon(assurance: str | None) -> Icon | None:
    return ASSURANCE_ICONS.get(assurance) if assurance else None


def icon_svg(icon: Icon, *, size: int = 40) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(icon.label)}">{_icon_group(icon, size)}</svg>'
    )


def svg_data_url(svg: str) -> str:
    """A ``data:`` URL for ``<img src>``: the form WeasyPrint and the web page both use."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --- Numbers as people read them --------------------------------------------------------------------------


def format_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """9.8%, 71,911, 58,143.8 WTE-style numbers, £4.94m; ``signed`` adds + for a change."""
    if value is None:
        return "–"
    if isinstance(value, str):  # already suppressed ("*")
        return value
    magnitude = abs(value)
    if unit == "percent":
        text = f"{magnitude:,.1f}%"
    elif unit == "count":
        text = f"{magnitude:,.0f}"
    elif unit == "gbp":
        if magnitude >= 1_000_000:
            text = f"£{magnitude / 1_000_000:,.2f}m"
        elif magnitude >= 10_000:
            text = f"£{magnitude / 1000:,.0f}k"
        else:
            text = f"£{magnitude:,.0f}"
    elif unit == "ratio":
        text = f"{magnitude:,.2f}"
    else:
        text = f"{magnitude:,.1f}"
    # The sign follows the figure as shown: a change that rounds to zero has none ("0.0 points", not "−0.0").
    shows_zero = not any(digit in text for digit in "123456789")
    sign = "" if shows_zero else ("+" if signed and value > 0 else ("−" if value < 0 else ""))
    if signed and unit == "percent":
        text = text[:-1] + " points"
    return sign + text


# --- The SPC chart ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    """One month of the data table that goes beside the chart."""

    month: date
    value: str
    mean: str
    lower: str
    upper: str
    variation: str  # in words
    rules: str  # which rules flagged the point, in words

    @property
    def limits_text(self) -> str:
        """The centre line and limits in words. They are the same for every month of a phase, so a printed
        table can state them once per phase (consecutive rows with the same text) instead of on every row."""
        if self.lower == "–" and self.upper == "–":
            return f"Mean {self.mean} (too few months for process limits)"
        return f"Mean {self.mean}, process limits {self.lower} to {self.upper}"


@dataclass(frozen=True)
class SpcChart:
    title: str
    svg: str
    alt: str  # the text alternative: the conclusion first, then the latest figure, mean and limits
    conclusion: str
    rows: tuple[ChartRow, ...]
    variation: Icon
    assurance: Icon | None

    @property
    def data_url(self) -> str:
        return svg_data_url(self.svg)


RULE_WORDS = {
    "outside_limits": "beyond a process limit",
    "shift": "shift",
    "trend": "trend",
    "two_of_three": "two of three near a limit",
}

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 78, 20, 52, 72
LEGEND_Y = HEIGHT - 16


def _point_colour(variation: str) -> str:
    return {
        spc.IMPROVEMENT: BLUE,
        spc.CONCERN: ORANGE,
        spc.NEITHER_HIGH: PURPLE,
        spc.NEITHER_LOW: PURPLE,
    }.get(variation, GREY)


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def _axis_value(value: float, unit: str) -> str:
    if unit == "gbp":
        return format_value(value, unit)
    if unit == "percent":
        return f"{value:,.1f}%" if abs(value) < 10 else f"{value:,.0f}%"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def render_spc_chart(
    *,
    title: str,
    months: Sequence[date],
    values: Sequence[float],
    result: spc.SpcResult,
    unit: str,
    conclusion: str | None = None,
) -> SpcChart:
    """Draw ``result`` (the SPC of ``values``, one per month, oldest first) as an accessible SVG."""
    if len(months) != len(values) or len(values) != len(result.points):
        raise ValueError("months, values and the SPC result must have the same length")
    conclusion = conclusion or spc.describe(result, name=title, unit="%" if unit == "percent" else "")
    direction = result.direction
    variation = variation_icon(result.variation_icon, direction)
    assurance = assurance_icon(result.assurance_icon)
    points = result.points
    parts: list[str] = []

    # Vertical scale: data, limits and target all visible.
    candidates = list(values)
    for p in points:
        candidates += [v for v in (p.mean, p.upper, p.lower) if v is not None]
    if result.target is not None:
        candidates.append(result.target)
    low, high = (min(candidates), max(candidates)) if candidates else (0.0, 1.0)
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    y_min = math.floor(low / step) * step
    y_max = math.ceil(high / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(values)

    def x(i: float) -> float:
        return LEFT + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_min) / (y_max - y_min))

    font = 'font-family="Arial, sans-serif"'
    parts.append(f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="{WHITE}"/>')
    parts.append(
        f'<text x="{LEFT}" y="20" {font} font-size="16" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>"
    )

    # Gridlines and y axis labels.
    tick = y_min
    while tick <= y_max + step / 2:
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="#d8dde0"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty:.1f}" dy="0.32em" text-anchor="end" {font} font-size="12" '
            f'fill="{INK}">{escape(_axis_value(tick, unit))}</text>'
        )
        tick += step
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{INK}"/>'
    )
    # x axis: label each April (or every month for a short series).
    for i, month in enumerate(months):
        if n <= 15 or month.month == 4:
            label = f"{month:%b %Y}" if n > 15 or i % 2 == 0 else ""
            tx = x(i)
            parts.append(
                f'<line x1="{tx:.1f}" y1="{TOP + plot_h}" x2="{tx:.1f}" y2="{TOP + plot_h + 5}" '
                f'stroke="{INK}"/>'
            )
            if label:
                parts.append(
                    f'<text x="{tx:.1f}" y="{TOP + plot_h + 20}" text-anchor="middle" {font} font-size="12" '
                    f'fill="{INK}">{label}</text>'
                )

    # Mean and limits, drawn per phase so a recalculation shows as a step.
    phases: dict[int, list[spc.SpcPoint]] = {}
    for p in points:
        phases.setdefault(p.phase, []).append(p)
    for phase_points in phases.values():
        x1, x2 = x(phase_points[0].index), x(phase_points[-1].index)
        first = phase_points[0]
        if first.mean is not None:
            parts.append(
                f'<line class="spc-mean" x1="{x1:.1f}" y1="{y(first.mean):.1f}" x2="{x2:.1f}" '
                f'y2="{y(first.mean):.1f}" stroke="{INK}" stroke-width="1.5"/>'
            )
        for name, limit in (("spc-upper", first.upper), ("spc-lower", first.lower)):
            if limit is not None:
                parts.append(
                    f'<line class="{name}" x1="{x1:.1f}" y1="{y(limit):.1f}" x2="{x2:.1f}" '
                    f'y2="{y(limit):.1f}" '
                    f'stroke="{LINE_GREY}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                )
    if result.target is not None:
        ty = y(result.target)
        parts.append(
            f'<line class="spc-target" x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{RED}" stroke-width="2" stroke-dasharray="2 3"/>'
        )

    # The data line, then the points coloured by variation.
    if n:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE_GREY}" stroke-width="1.5"/>')
    for p, month in zip(points, months, strict=True):
        colour = _point_colour(p.variation)
        radius = 4.5 if p.variation != spc.COMMON_CAUSE else 3.5
        parts.append(
            f'<circle class="spc-point spc-point--{p.variation}" cx="{x(p.index):.1f}" cy="{y(p.value):.1f}" '
            f'r="{radius}" fill="{colour}" stroke="{INK if p.variation != spc.COMMON_CAUSE else colour}" '
            f'stroke-width="0.75"><title>{month:%B %Y}: {escape(format_value(p.value, unit))}</title>'
            "</circle>"
        )

    # Legend under the x axis, the icons top right.
    legend = [("line", INK, "Mean", None), ("dash", LINE_GREY, "Process limits", "6 4")]
    if result.is_run_chart:
        legend = [("line", INK, "Mean (run chart: too few points for limits)", None)]
    if result.target is not None:
        legend.append(("dash", RED, f"Target {format_value(result.target, unit)}", "2 3"))
    legend += [
        ("dot", BLUE, "Improvement", None),
        ("dot", ORANGE, "Concern", None),
        ("dot", GREY, "Common cause", None),
    ]
    lx = LEFT
    for kind, colour, label, dash in legend:
        if kind == "dot":
            parts.append(f'<circle cx="{lx + 5}" cy="{LEGEND_Y}" r="4.5" fill="{colour}"/>')
            lx += 14
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{lx}" y1="{LEGEND_Y}" x2="{lx + 20}" y2="{LEGEND_Y}" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
            lx += 26
        parts.append(
            f'<text x="{lx}" y="{LEGEND_Y}" dy="0.32em" {font} font-size="12" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        lx += 6.5 * len(label) + 16
    icon_x = WIDTH - RIGHT - 40
    for icon in (assurance, variation):
        if icon is None:
            continue
        parts.append(f'<g transform="translate({icon_x} 4)">{_icon_group(icon, 40)}</g>')
        icon_x -= 46

    alt = _alt_text(conclusion, months, values, result, unit)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(alt)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
    rows = tuple(
        ChartRow(
            month=month,
            value=format_value(p.value, unit),
            mean=format_value(p.mean, unit),
            lower=format_value(p.lower, unit) if p.lower is not None else "–",
            upper=format_value(p.upper, unit) if p.upper is not None else "–",
            variation=variation_icon(p.variation, direction).label,
            rules=", ".join(RULE_WORDS[r] for r in sorted(p.rules)) or "–",
        )
        for p, month in zip(points, months, strict=True)
    )
    return SpcChart(title, svg, alt, conclusion, rows, variation, assurance)


def _icon_group(icon: Icon, size: int) -> str:
    r = size / 2
    return (
        f'<g class="spc-icon spc-icon--{icon.key}"><title>{escape(icon.label)}</title>'
        f'<circle cx="{r}" cy="{r}" r="{r - 1.5}" fill="{icon.colour}" stroke="{INK}" stroke-width="1"/>'
        f'<text x="{r}" y="{r}" dy="0.35em" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-weight="bold" font-size="{size * 0.5:g}" fill="{icon.text_colour}">'
        f"{escape(icon.letter)}</text></g>"
    )


def _alt_text(conclusion: str, months, values, result: spc.SpcResult, unit: str) -> str:
    if not values:
        return conclusion
    parts = [conclusion]
    parts.append(
        f"{len(values)} months from {months[0]:%B %Y} to {months[-1]:%B %Y}; "
        f"latest {format_value(values[-1], unit)} in {months[-1]:%B %Y}."
    )
    if result.mean is not None:
        limits = ""
        if result.upper is not None and result.lower is not None:
            limits = (
                f", process limits {format_value(result.lower, unit)} to {format_value(result.upper, unit)}"
            )
        parts.append(f"Mean {format_value(result.mean, unit)}{limits}.")
    variation = variation_icon(result.variation_icon, result.direction)
    parts.append(f"Variation: {variation.label}.")
    assurance = assurance_icon(result.assurance_icon)
    if assurance:
        parts.append(f"Assurance: {assurance.label}.")
    return " ".join(parts)


def series_chart(series, *, title: str | None = None) -> SpcChart:
    """The chart for a :class:`workforce.selectors.MetricSeries` (its conclusion names the scope)."""
    metric = series.metric
    return render_spc_chart(
        title=title or f"{metric.name}, {series.scope}",
        months=series.months,
        values=series.values,
        result=series.spc,
        unit=metric.unit,
        conclusion=series.conclusion,
    )


def chart_data_url(series, *, title: str | None = None) -> str:
    """Shortcut for PDFs: ``<img src="{{ url }}" alt="...">`` (use ``series_chart(...).alt`` for the alt)."""
    return series_chart(series, title=title).data_url
