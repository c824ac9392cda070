"""Small-number suppression for any breakdown of people (screen, exports and PDFs alike).

A count from 1 to 7 is shown as "*", 0 stays 0, and every other count is rounded to the nearest 5, so a
suppressed cell cannot be worked back from the totals. A rate built from a suppressed count is not shown.
"""

from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "*"
SUPPRESSION_THRESHOLD = 7
ROUNDING_BASE = 5


def suppress_count(count: int | None) -> int | str | None:
    if count is None:
        return None
    if count < 0:
        raise ValueError(f"A count of people cannot be negative (got {count}).")
    if count == 0:
        return 0
    if count <= SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    # Round half up (e.g. 12.5 -> 15) rather than Python's round-half-to-even.
    return int((Decimal(count) / ROUNDING_BASE).quantize(Decimal(1), rounding=ROUND_HALF_UP) * ROUNDING_BASE)


def suppress_rate(numerator: int | None, denominator: int | None) -> float | str | None:
    """The rate of the counts as shown (each rounded to 5), or "*" when either count is suppressed.

    A rate from the exact counts next to rounded ones would give the exact figures away (9 of 12 shown as
    "10, 10, 75%" pins 9 and 12), and with them any suppressed cell beside them.
    """
    if numerator is None or not denominator:
        return None
    shown_numerator, shown_denominator = suppress_count(numerator), suppress_count(denominator)
    if shown_numerator == SUPPRESSED or shown_denominator == SUPPRESSED:
        return SUPPRESSED
    return shown_numerator / shown_denominator
