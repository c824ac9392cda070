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
        (20, 8, 10, "50%"),  # the shown 10 of 20
        (7, 0, 0, "*"),  # nor one from a suppressed enrolment count
        (40, 13, 15, "38%"),  # from the shown 15 of 40 (37.5%, rounded half up), not 13 of 40
        (12, 9, 10, "100%"),  # shown 10 of 10; 75% from the exact counts would pin them
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

    # Nor can the rates next to rounded counts give the exact counts away: 89% of "10" can only be 8 of 9
    # and 75% only 9 of 12, which would leave Band 6 exactly 3 and 1. Rates come from the shown counts.
    rows = reach_rows([("Band 5", 9, 8), ("Band 6", 3, 1), ("All", 12, 9)])
    assert [(r.enrolled, r.completed, r.completion_rate) for r in rows] == [
        (10, 10, "100%"),
        ("*", "*", "*"),
        (10, 10, "100%"),
    ]


def test_the_programme_figures_rate_comes_from_the_shown_counts_too():
    from programmes.selectors import ProgrammeFigures

    def figures(completed, decided):
        return ProgrammeFigures(
            enrolled=decided,
            completed=completed,
            decided=decided,
            average_rating=None,
            rating_responses=0,
            follow_up_responses=0,
            follow_up_rating=None,
        )

    assert (figures(9, 12).shown_completed, figures(9, 12).shown_decided) == (10, 10)
    assert figures(9, 12).shown_completion_rate == "100%"  # not 75%
    assert figures(13, 40).shown_completion_rate == "38%"  # 15 of 40, not 33% from 13 of 40
    assert figures(5, 20).shown_completion_rate == "*"
    assert figures(0, 0).shown_completion_rate == ""
