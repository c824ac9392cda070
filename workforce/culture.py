"""WRES indicators and WDES metrics: what each one measures and when a gap is flagged (pure Python).

Rules the dashboard applies (stated on the page too):
- Relative likelihoods: 1.0 is parity. A figure outside 0.80 to 1.25 (NHS England's "non-adverse" range,
  the four-fifths rule) is flagged; exactly 0.80 or 1.25 is within the range.
- Percentages compared between two groups (e.g. BME and White staff): flagged when the group the standard is
  about is worse off by 5 percentage points or more.
- Scores out of 10 compared between two groups: flagged when the group is worse off by 0.5 or more.
- A percentage reported for one group only (WDES 8, reasonable adjustments): never flagged; trend only.
"""

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from .models import InclusionStandard

RL_LOWER = Decimal("0.80")
RL_UPPER = Decimal("1.25")
PERCENTAGE_GAP_FLAG = Decimal("5")
SCORE_GAP_FLAG = Decimal("0.5")


class Kind(StrEnum):
    RELATIVE_LIKELIHOOD = "relative_likelihood"
    PERCENTAGE = "percentage"  # the group's % with the comparison group's %
    SINGLE_PERCENTAGE = "single_percentage"
    SCORE = "score"


class Better(StrEnum):
    PARITY = "parity"
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Indicator:
    code: str
    standard: str
    number: str
    title: str
    kind: Kind
    better: Better
    group: str  # who the figure is about
    comparison: str = ""  # whom they are compared with
    counts_label: str = ""  # what group_count / comparison_count count
    # Who group_count and comparison_count count, where that differs from `group` / `comparison`.
    count_labels: tuple[str, str] | None = None
    # Who group_numerator and comparison_numerator count, for figures built from two counts per group.
    numerator_labels: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        return f"{self.standard.upper()} {self.number}"

    @property
    def group_count_label(self) -> str:
        return self.count_labels[0] if self.count_labels else self.group

    @property
    def comparison_count_label(self) -> str:
        return self.count_labels[1] if self.count_labels else self.comparison

    @property
    def group_numerator_label(self) -> str:
        return self.numerator_labels[0] if self.numerator_labels else f"{self.group}: numerator"

    @property
    def comparison_numerator_label(self) -> str:
        return self.numerator_labels[1] if self.numerator_labels else f"{self.comparison}: numerator"


RL = Kind.RELATIVE_LIKELIHOOD
PCT = Kind.PERCENTAGE
BME, WHITE, DIS, NONDIS = "BME staff", "White staff", "Disabled staff", "Non-disabled staff"

WRES_INDICATORS = [
    Indicator(
        "wres-1",
        InclusionStandard.WRES,
        "1",
        "BME staff in senior roles (band 8a and above) compared with the whole workforce",
        PCT,
        Better.HIGHER,
        "BME share of band 8a and above",
        "BME share of the workforce",
        "BME staff",
    ),
    Indicator(
        "wres-2",
        InclusionStandard.WRES,
        "2",
        "Relative likelihood of White applicants being appointed from shortlisting compared with BME "
        "applicants",
        RL,
        Better.PARITY,
        "White applicants",
        "BME applicants",
        "Applicants shortlisted",
    ),
    Indicator(
        "wres-3",
        InclusionStandard.WRES,
        "3",
        "Relative likelihood of BME staff entering the formal disciplinary process compared with White staff",
        RL,
        Better.PARITY,
        BME,
        WHITE,
        "Staff entering the disciplinary process",
    ),
    Indicator(
        "wres-4",
        InclusionStandard.WRES,
        "4",
        "Relative likelihood of White staff accessing non-mandatory training and CPD compared with BME staff",
        RL,
        Better.PARITY,
        WHITE,
        BME,
        "Staff accessing non-mandatory training",
    ),
    Indicator(
        "wres-5",
        InclusionStandard.WRES,
        "5",
        "Staff experiencing harassment, bullying or abuse from patients, relatives or the public (%)",
        PCT,
        Better.LOWER,
        BME,
        WHITE,
        "Survey respondents",
    ),
    Indicator(
        "wres-6",
        InclusionStandard.WRES,
        "6",
        "Staff experiencing harassment, bullying or abuse from staff (%)",
        PCT,
        Better.LOWER,
        BME,
        WHITE,
        "Survey respondents",
    ),
    Indicator(
        "wres-7",
        InclusionStandard.WRES,
        "7",
        "Staff believing the organisation provides equal opportunities for career progression (%)",
        PCT,
        Better.HIGHER,
        BME,
        WHITE,
        "Survey respondents",
    ),
    Indicator(
        "wres-8",
        InclusionStandard.WRES,
        "8",
        "Staff experiencing discrimination at work from a manager, team leader or colleague (%)",
        PCT,
        Better.LOWER,
        BME,
        WHITE,
        "Survey respondents",
    ),
    Indicator(
        "wres-9",
        InclusionStandard.WRES,
        "9",
        "Board representation: BME share of board voting members compared with the workforce",
        PCT,
        Better.HIGHER,
        "BME share of the board",
        "BME share of the workforce",
        "Board voting members",
    ),
]

WDES_METRICS = [
    Indicator(
        "wdes-1", InclusionStandard.WDES, "1",
        "Disabled staff in senior roles (band 8a and above) compared with the whole workforce",
        PCT, Better.HIGHER, "Disabled share of band 8a and above", "Disabled share of the workforce",
        "Disabled staff",
    ),
    Indicator(
        "wdes-2", InclusionStandard.WDES, "2",
        "Relative likelihood of non-disabled applicants being appointed from shortlisting compared with "
        "disabled applicants",
        RL, Better.PARITY, "Non-disabled applicants", "Disabled applicants", "Applicants shortlisted",
    ),
    Indicator(
        "wdes-3", InclusionStandard.WDES, "3",
        "Relative likelihood of disabled staff entering the formal capability process compared with "
        "non-disabled staff",
        RL, Better.PARITY, DIS, NONDIS, "Staff entering the capability process",
    ),
    Indicator(
        "wdes-4", InclusionStandard.WDES, "4",
        "Staff experiencing harassment, bullying or abuse from patients, the public, managers or "
        "colleagues (%)",
        PCT, Better.LOWER, DIS, NONDIS, "Survey respondents",
    ),
    Indicator(
        "wdes-5", InclusionStandard.WDES, "5",
        "Staff believing the organisation provides equal opportunities for career progression (%)",
        PCT, Better.HIGHER, DIS, NONDIS, "Survey respondents",
    ),
    Indicator(
        "wdes-6", InclusionStandard.WDES, "6",
        "Staff who felt pressure from their manager to come to work when not well enough (%)",
        PCT, Better.LOWER, DIS, NONDIS, "Survey respondents",
    ),
    Indicator(
        "wdes-7", InclusionStandard.WDES, "7",
        "Staff satisfied with the extent to which the organisation values their work (%)",
        PCT, Better.HIGHER, DIS, NONDIS, "Survey respondents",
    ),
    Indicator(
        "wdes-8", InclusionStandard.WDES, "8",
        "Disabled staff saying their employer has made adequate reasonable adjustments (%)",
        Kind.SINGLE_PERCENTAGE, Better.HIGHER, DIS, "", "Survey respondents",
    ),
    Indicator(
        "wdes-9", InclusionStandard.WDES, "9",
        "Staff engagement score (0 to 10)",
        Kind.SCORE, Better.HIGHER, DIS, NONDIS, "Survey respondents",
    ),
    Indicator(
        "wdes-10", InclusionStandard.WDES, "10",
        "Board representation: disabled share of board voting members compared with the workforce",
        PCT, Better.HIGHER, "Disabled share of the board", "Disabled share of the workforce",
        "Board voting members",
    ),
]  # fmt: skip

# Representation indicators compare shares; their counts are of people in the senior bands or on the board.
COUNT_LABELS = {
    "wres-1": ("BME staff in band 8a and above", "Other staff in band 8a and above"),
    "wres-9": ("BME board voting members", "Other board voting members"),
    "wdes-1": ("Disabled staff in band 8a and above", "Other staff in band 8a and above"),
    "wdes-10": ("Disabled board voting members", "Other board voting members"),
}
# Appointment likelihoods: appointed out of shortlisted. Both counts are kept so that either can suppress.
NUMERATOR_LABELS = {
    "wres-2": ("White applicants appointed", "BME applicants appointed"),
    "wdes-2": ("Non-disabled applicants appointed", "Disabled applicants appointed"),
}
WRES_INDICATORS = [
    replace(i, count_labels=COUNT_LABELS.get(i.code), numerator_labels=NUMERATOR_LABELS.get(i.code))
    for i in WRES_INDICATORS
]
WDES_METRICS = [
    replace(i, count_labels=COUNT_LABELS.get(i.code), numerator_labels=NUMERATOR_LABELS.get(i.code))
    for i in WDES_METRICS
]
INDICATORS = {i.code: i for i in WRES_INDICATORS + WDES_METRICS}


def gap(indicator: Indicator, value: Decimal, comparison: Decimal | None) -> Decimal | None:
    """How far the group is from the comparison group, positive when the group is worse off.

    None for relative likelihoods (the likelihood itself is the gap) and single-group figures.
    """
    if indicator.kind in (Kind.RELATIVE_LIKELIHOOD, Kind.SINGLE_PERCENTAGE) or comparison is None:
        return None
    if indicator.better == Better.HIGHER:
        return comparison - value
    return value - comparison


def is_flagged(indicator: Indicator, value: Decimal, comparison: Decimal | None) -> bool:
    if indicator.kind == Kind.RELATIVE_LIKELIHOOD:
        return value < RL_LOWER or value > RL_UPPER
    adverse = gap(indicator, value, comparison)
    if adverse is None:
        return False
    threshold = SCORE_GAP_FLAG if indicator.kind == Kind.SCORE else PERCENTAGE_GAP_FLAG
    return adverse >= threshold


def distance_from_fair(indicator: Indicator, value: Decimal, comparison: Decimal | None) -> Decimal | None:
    """A single figure that falls as things get fairer, for year-on-year trend.

    Relative likelihoods: distance from parity on a ratio scale (1.25 and 0.8 are equally far).
    Two-group figures: the adverse gap. Single-group figures: the shortfall from 100%.
    """
    if indicator.kind == Kind.RELATIVE_LIKELIHOOD:
        if value <= 0:
            return None
        return max(value, 1 / value) - 1
    if indicator.kind == Kind.SINGLE_PERCENTAGE:
        return 100 - value
    return gap(indicator, value, comparison)


def trend(
    indicator: Indicator,
    value: Decimal,
    comparison: Decimal | None,
    previous_value: Decimal | None,
    previous_comparison: Decimal | None,
) -> str:
    """ "better", "worse", "same" or "" (no previous year) compared with last year."""
    if previous_value is None:
        return ""
    now = distance_from_fair(indicator, value, comparison)
    before = distance_from_fair(indicator, previous_value, previous_comparison)
    if now is None or before is None:
        return ""
    # Changes smaller than the precision people read (0.01 / 0.1 pp) are "no change".
    tolerance = Decimal("0.005") if indicator.kind == Kind.RELATIVE_LIKELIHOOD else Decimal("0.05")
    if abs(now - before) < tolerance:
        return "same"
    return "better" if now < before else "worse"
