"""The SVG chart and icons: lines, colours, text alternative, data table (no database)."""

import base64
import io
import re
from datetime import date

import pytest

from workforce import charts, spc

MONTHS = [date(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(20)]
# Steady then a spike: the spike is beyond the upper limit.
STEADY = [10, 14] * 9 + [12, 40]


def chart(values=STEADY, *, direction="down", target=None, title="Sickness absence rate", unit="percent"):
    result = spc.analyse(values, direction=direction, target=target)
    return charts.render_spc_chart(
        title=title, months=MONTHS[: len(values)], values=values, result=result, unit=unit
    )


def line_y(svg, cls):
    match = re.search(rf'class="{cls}"[^>]*y1="([\d.]+)"', svg)
    return float(match.group(1)) if match else None


def test_chart_draws_mean_limits_and_target_in_order():
    c = chart(target=15)
    lines = ("spc-mean", "spc-upper", "spc-lower", "spc-target")
    mean, upper, lower, target = (line_y(c.svg, k) for k in lines)
    assert None not in (mean, upper, lower, target)
    # SVG y grows downwards: upper limit above the target above the mean above the lower limit.
    assert upper < target < mean < lower
    assert 'stroke="#d5281b"' in c.svg  # the target is red
    assert c.svg.count('stroke-dasharray="6 4"') >= 2  # both process limits dashed


def test_special_cause_points_are_coloured_by_meaning():
    concern = chart(direction="down")  # a spike up in a "lower is better" metric is a concern
    assert concern.svg.count("spc-point--concern") == 1
    assert re.search(r'spc-point--concern"[^>]*fill="#ed8b00"', concern.svg)
    assert re.search(r'spc-point--common_cause"[^>]*fill="#768692"', concern.svg)
    improvement = chart(direction="up")
    assert re.search(r'spc-point--improvement"[^>]*fill="#005eb8"', improvement.svg)
    neither = chart(direction="neither")
    assert re.search(r'spc-point--neither_high"[^>]*fill="#330072"', neither.svg)


def test_icons_appear_on_the_chart_and_in_words():
    c = chart(direction="down", target=15)
    assert c.variation.label == "Special cause concern (high)"
    assert c.variation.letter == "H" and c.variation.colour == charts.ORANGE
    assert c.assurance is not None
    assert 'class="spc-icon spc-icon--concern"' in c.svg
    assert f'class="spc-icon spc-icon--{c.assurance.key}"' in c.svg


def test_text_alternative_states_the_conclusion_first():
    c = chart(direction="down", target=15)
    assert c.alt.startswith("Sickness absence rate shows special cause concern")
    assert "latest 40.0% in" in c.alt
    assert "process limits" in c.alt
    assert "Variation: Special cause concern (high)." in c.alt
    assert f'<desc id="chart-desc">{c.alt}' in c.svg.replace("&#x27;", "'")
    assert 'role="img"' in c.svg


def test_data_table_rows_match_the_points():
    c = chart(direction="down")
    assert len(c.rows) == 20
    assert c.rows[-1].value == "40.0%"
    assert c.rows[-1].variation == "Special cause concern (high)"
    assert c.rows[-1].rules == "beyond a process limit"
    assert c.rows[0].rules == "–"


def test_run_chart_has_no_limits():
    c = chart(values=[1, 2, 3, 2, 1])
    assert "spc-upper" not in c.svg and "spc-lower" not in c.svg
    assert "spc-mean" in c.svg
    assert "run chart" in c.alt
    assert c.rows[0].upper == "–"


def test_data_url_is_the_same_svg_for_web_and_pdf():
    c = chart()
    prefix = "data:image/svg+xml;base64,"
    assert c.data_url.startswith(prefix)
    assert base64.b64decode(c.data_url[len(prefix) :]).decode() == c.svg


def test_titles_are_escaped():
    c = chart(title='<script>alert("x")</script>')
    assert "<script>" not in c.svg
    assert "&lt;script&gt;" in c.svg


def test_recalculated_limits_are_drawn_per_phase():
    values = [10, 12] * 8 + [30, 32] * 8
    result = spc.analyse(values, recalculate_at=[16])
    months = [date(2020 + i // 12, i % 12 + 1, 1) for i in range(32)]
    c = charts.render_spc_chart(title="WTE", months=months, values=values, result=result, unit="wte")
    assert c.svg.count('class="spc-mean"') == 2


@pytest.mark.parametrize(
    ("variation", "direction", "letter", "label"),
    [
        (spc.IMPROVEMENT, "up", "H", "Special cause improvement (high)"),
        (spc.IMPROVEMENT, "down", "L", "Special cause improvement (low)"),
        (spc.CONCERN, "up", "L", "Special cause concern (low)"),
        (spc.CONCERN, "down", "H", "Special cause concern (high)"),
        (spc.NEITHER_HIGH, "neither", "H", "Special cause variation (high)"),
        (spc.COMMON_CAUSE, "up", "C", "Common cause variation"),
    ],
)
def test_variation_icon_mapping(variation, direction, letter, label):
    icon = charts.variation_icon(variation, direction)
    assert (icon.letter, icon.label) == (letter, label)
    assert f'aria-label="{label}"' in icon.svg


def test_assurance_icon_mapping():
    assert charts.assurance_icon(spc.ASSURANCE_PASS).letter == "P"
    assert charts.assurance_icon(spc.ASSURANCE_FAIL).colour == charts.ORANGE
    assert charts.assurance_icon(spc.ASSURANCE_HIT_OR_MISS).letter == "?"
    assert charts.assurance_icon(None) is None


@pytest.mark.parametrize(
    ("value", "unit", "signed", "text"),
    [
        (9.8, "percent", False, "9.8%"),
        (-0.25, "percent", True, "−0.2 points"),
        (71911, "count", False, "71,911"),
        (4944321.46, "gbp", False, "£4.94m"),
        (-57000, "gbp", True, "−£57k"),
        (58143.78, "wte", False, "58,143.8"),
        (None, "wte", False, "–"),
        ("*", "count", False, "*"),
        # Rounded first, then signed: a change too small to show is zero, without a sign.
        (-0.04, "percent", True, "0.0 points"),
        (0.04, "percent", True, "0.0 points"),
        (-0.4, "count", True, "0"),
        (-0.004, "ratio", False, "0.00"),
        (-0.05, "wte", True, "−0.1"),
        (0.06, "percent", True, "+0.1 points"),
    ],
)
def test_format_value(value, unit, signed, text):
    assert charts.format_value(value, unit, signed=signed) == text


def test_series_chart_and_data_url_helper_take_a_metric_series():
    from types import SimpleNamespace

    values = [10, 14] * 7
    series = SimpleNamespace(
        metric=SimpleNamespace(name="Vacancy rate", unit="percent"),
        scope="NHS",
        months=MONTHS[:14],
        values=values,
        spc=spc.analyse(values, direction="down", target=12),
        conclusion="Vacancy rate (NHS) shows common cause variation.",
    )
    c = charts.series_chart(series)
    assert c.title == "Vacancy rate, NHS"
    assert c.alt.startswith("Vacancy rate (NHS) shows common cause variation.")
    assert charts.chart_data_url(series) == c.data_url


def test_the_same_chart_goes_into_a_tagged_pdf_as_an_image():
    from pypdf import PdfReader
    from weasyprint import HTML

    c = chart(target=15)
    html = (
        '<html lang="en-GB"><head><title>Chart</title></head><body>'
        f'<img src="{c.data_url}" alt="{c.alt}" style="width: 16cm"></body></html>'
    )
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    # The SVG is drawn as vector content (not dropped): its axis labels are in the page's text.
    text = reader.pages[0].extract_text()
    assert "Sickness absence rate" in text
    assert "Apr 2023" in text or "Apr 2024" in text
