"""Programme reach never shows a small number: the boundaries of workforce.suppression, applied to reach."""

import pytest

from programmes.selectors import reach_rows


@pytest.mark.parametrize(
    ("enrolled", "shown"),
    [
        (0, 0),
        (1, "*"),
        (2, "*"),
        (7, "*"),
        (8, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (22, 20),
        (23, 25),
    ],
)
def test_enrolment_counts_are_suppressed_and_rounded_at_the_boundaries(enrolled, shown):
    (row,) = reach_rows([("UHL", enrolled, 0)])
    assert row.enrolled == shown


@pytest.mark.parametrize(
    ("enrolled", "completed", "completed_shown", "rate"),
    [
        (0, 0, 0, ""),  # nobody enrolled: no rate at all
        (1, 1, "*", "*"),
        (7, 7, "*", "*"),
        (8, 8, 10, "100%"),
        (20, 0, 0, "0%"),
        (20, 7, "*", "*"),  # a rate from a suppressed completion count is not shown
        (20, 8, 10, "40%"),
        (7, 0, 0, "*"),  # nor one from a suppressed enrolment count
        (40, 13, 15, "33%"),  # 32.5% rounds half up
        (200, 125, 125, "63%"),  # 62.5% rounds half up, not to even
    ],
)
def test_completions_and_rates_are_suppressed_too(enrolled, completed, completed_shown, rate):
    (row,) = reach_rows([("Nursing", enrolled, completed)])
    assert row.completed == completed_shown
    assert row.completion_rate == rate


def test_suppressed_cells_cannot_be_worked_back_from_the_total():
    rows = reach_rows([("Band 5", 12, 9), ("Band 6", 3, 1), ("Total", 15, 10)])
    assert [(r.enrolled, r.completed) for r in rows] == [(10, 10), ("*", "*"), (15, 10)]
    # 15 - 10 = 5 is not the hidden figure (3): rounding hides it.
