"""SVG charts and icons for the board pack, embedded as ``data:`` URLs in ``<img alt>``.

WeasyPrint gives an inline ``<svg>`` no alternative text, so every chart is an image with ``alt``
(DESIGN.md, 5). Colours follow NHS England's Making Data Count: improvement blue, concern orange,
common cause grey. When the dashboards' renderer (``workforce/charts.py``) lands, the board pack should
use it so that screen and paper draw the same chart; this module is the stand-in until then.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from workforce import spc

COLOURS = {
    spc.IMPROVEMENT: "#005eb8",
    spc.CONCERN: "#ed8b00",
    spc.COMMON_CAUSE: "#768692",
    spc.NEITHER_HIGH: "#330072",
    spc.NEITHER_LOW: "#330072",
}
VARIATION_LABELS = {
    spc.IMPROVEMENT: "Special cause improvement",
    spc.CONCERN: "Special cause concern",
    spc.COMMON_CAUSE: "Common cause variation",
    spc.NEITHER_HIGH: "Special cause variation, higher",
    spc.NEITHER_LOW: "Special cause variation, lower",
}
ASSURANCE_LABELS = {
    spc.ASSURANCE_PASS: "The target is consistently met",
    spc.ASSURANCE_FAIL: "The target is consistently missed",
    spc.ASSURANCE_HIT_OR_MISS: "The target is hit or miss",
    None: "No assurance: no target or too few points",
}


def data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def spc_chart_svg(summary, *, width: int = 640, height: int = 250) -> str:
    """An XmR chart: points coloured by variation, mean, process limits and target."""
    points = summary.points
    result = summary.result
    left, right, top, bottom = 58, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points]
    lines = [v for v in (result.mean, result.upper, result.lower, result.target) if v is not None]
    low, high = min(values + lines), max(values + lines)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad

    def x(i: int) -> float:
        return left + (plot_w * i / max(len(points) - 1, 1))

    def y(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Arial, Helvetica, sans-serif" font-size="11">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    for k in range(5):
        v = low + (high - low) * k / 4
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(v))}" y2="{_fmt(y(v))}" stroke="#f0f4f5"/>'
            f'<text x="{left - 6}" y="{_fmt(y(v) + 4)}" text-anchor="end" fill="#4c6272">'
            f"{escape(summary.format_value(v))}</text>"
        )
    step = max(1, len(points) // 8)
    for i in range(0, len(points), step):
        out.append(
            f'<text x="{_fmt(x(i))}" y="{height - bottom + 16}" text-anchor="middle" fill="#4c6272">'
            f"{points[i].month:%b %y}</text>"
        )
    if result.mean is not None:
        out.append(_hline(result.mean, x(0), x(len(points) - 1), y, "#212b32", ""))
    if result.upper is not None and result.lower is not None:
        for limit in (result.upper, result.lower):
            out.append(_hline(limit, x(0), x(len(points) - 1), y, "#768692", 'stroke-dasharray="5 4"'))
    if result.target is not None:
        out.append(_hline(result.target, x(0), x(len(points) - 1), y, "#d5281b", 'stroke-dasharray="2 3"'))
    path = " ".join(f"{'M' if i == 0 else 'L'}{_fmt(x(i))},{_fmt(y(p.value))}" for i, p in enumerate(points))
    out.append(f'<path d="{path}" fill="none" stroke="#aeb7bd" stroke-width="1.5"/>')
    for i, point in enumerate(result.points):
        colour = COLOURS.get(point.variation, COLOURS[spc.COMMON_CAUSE])
        out.append(f'<circle cx="{_fmt(x(i))}" cy="{_fmt(y(point.value))}" r="3.2" fill="{colour}"/>')
    legend = "Mean (solid), process limits (dashed)" if not result.is_run_chart else "Mean (run chart)"
    if result.target is not None:
        legend += ", target (red dotted)"
    out.append(f'<text x="{left}" y="{height - 6}" fill="#4c6272">{escape(legend)}</text>')
    out.append("</svg>")
    return "".join(out)


def _hline(value, x1, x2, y, colour, extra) -> str:
    return (
        f'<line x1="{_fmt(x1)}" x2="{_fmt(x2)}" y1="{_fmt(y(value))}" y2="{_fmt(y(value))}" '
        f'stroke="{colour}" stroke-width="1.2" {extra}/>'
    )


def _icon(colour: str, letter: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
        f'<circle cx="20" cy="20" r="18" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f'<text x="20" y="26" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="16" font-weight="bold" fill="{colour}">{escape(letter)}</text></svg>'
    )


def variation_icon_svg(variation: str, direction: str) -> str:
    letter = {
        spc.IMPROVEMENT: "H" if direction == "up" else "L",
        spc.CONCERN: "L" if direction == "up" else "H",
        spc.NEITHER_HIGH: "H",
        spc.NEITHER_LOW: "L",
    }.get(variation, "~")
    return _icon(COLOURS.get(variation, COLOURS[spc.COMMON_CAUSE]), letter)


def assurance_icon_svg(assurance: str | None) -> str:
    colour, letter = {
        spc.ASSURANCE_PASS: ("#005eb8", "P"),
        spc.ASSURANCE_FAIL: ("#ed8b00", "F"),
        spc.ASSURANCE_HIT_OR_MISS: ("#768692", "?"),
    }.get(assurance, ("#aeb7bd", "–"))
    return _icon(colour, letter)
