import csv
import io

import pytest
from openpyxl import load_workbook

from workforce.exports import csv_bytes, formula_safe, xlsx_bytes
from workforce.suppression import SUPPRESSED, suppress_count, suppress_rate


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),
        (1, "*"),
        (7, "*"),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (12.5, 15),
        (17, 15),
        (18, 20),
        (102, 100),
    ],
)
def test_counts_are_suppressed_and_rounded_at_the_boundaries(count, shown):
    assert suppress_count(count) == shown


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        suppress_count(-1)


def test_rates_from_suppressed_counts_are_not_shown():
    assert suppress_rate(5, 100) == SUPPRESSED
    assert suppress_rate(20, 7) == SUPPRESSED
    assert suppress_rate(0, 100) == 0
    assert suppress_rate(20, 80) == 0.25
    assert suppress_rate(20, 0) is None


def test_rates_come_from_the_shown_counts():
    """9 of 12 shown as 10 and 10 with 75% beside them would give both exact counts away."""
    assert suppress_rate(9, 12) == 1.0
    assert suppress_rate(13, 40) == 15 / 40


@pytest.mark.parametrize("text", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx", "\nx"])
def test_formula_like_text_is_prefixed(text):
    assert formula_safe(text) == "'" + text


def test_ordinary_values_pass_through():
    assert formula_safe("Leicester") == "Leicester"
    assert formula_safe(-2) == -2
    assert formula_safe(None) is None


def test_csv_and_xlsx_exports_are_formula_safe():
    rows = [['=HYPERLINK("x")', 3], ["UHL", None]]
    text = csv_bytes(["Organisation", "Count"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Organisation", "Count"],
        ['\'=HYPERLINK("x")', "3"],
        ["UHL", ""],
    ]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["Organisation", "Count"], rows))).active
    assert [c.value for c in sheet[2]] == ['\'=HYPERLINK("x")', 3]
    assert sheet["A2"].data_type == "s"
