from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from workforce.models import User
from workforce.suppression import SUPPRESSED, suppress_count, suppress_rate

from .models import ExternalLearning, Programme


def external_learning_for(*, person: User) -> QuerySet[ExternalLearning]:
    return ExternalLearning.objects.filter(person=person)


@dataclass
class LearningRecordRow:
    title: str
    provider: str
    start: object
    end: object
    status: str
    cpd_hours: Decimal
    certificate_code: str = ""
    external_id: int | None = None
    evidence_note: str = ""


@dataclass
class LearningRecord:
    person: User
    programmes: list[LearningRecordRow] = field(default_factory=list)
    elsewhere: list[LearningRecordRow] = field(default_factory=list)

    @property
    def programme_hours(self) -> Decimal:
        return sum((r.cpd_hours for r in self.programmes), Decimal(0))

    @property
    def elsewhere_hours(self) -> Decimal:
        return sum((r.cpd_hours for r in self.elsewhere), Decimal(0))

    @property
    def total_hours(self) -> Decimal:
        return self.programme_hours + self.elsewhere_hours


def learning_record(*, person: User) -> LearningRecord:
    """A person's programmes with the academy (CPD hours count once completed) and learning elsewhere."""
    record = LearningRecord(person=person)
    for entry in external_learning_for(person=person):
        record.elsewhere.append(
            LearningRecordRow(
                title=entry.title,
                provider="Elsewhere",
                start=entry.completed_on,
                end=entry.completed_on,
                status="Completed",
                cpd_hours=entry.cpd_hours,
                external_id=entry.pk,
                evidence_note=entry.evidence_note,
            )
        )
    return record


LEARNING_RECORD_HEADER = [
    "Kind",
    "Title",
    "Provider",
    "Start",
    "End",
    "Status",
    "CPD hours",
    "Certificate code",
]


def learning_record_rows(record: LearningRecord) -> list[list]:
    """The learning record as spreadsheet rows (exports make them formula-safe)."""
    rows = []
    for kind, entries in (
        ("LLR Academy programme", record.programmes),
        ("Learning done elsewhere", record.elsewhere),
    ):
        for r in entries:
            rows.append(
                [
                    kind,
                    r.title,
                    r.provider,
                    r.start.isoformat() if r.start else "",
                    r.end.isoformat() if r.end else "",
                    r.status,
                    float(r.cpd_hours),
                    r.certificate_code,
                ]
            )
    return rows


# --- Programme reach: small-number suppression ---------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    """One line of a reach breakdown, already suppressed: counts are ints (rounded to 5), 0, or "*"."""

    label: str
    enrolled: int | str
    completed: int | str
    completion_rate: str  # "80%", "*" (built from a suppressed count) or "" (nobody enrolled)


def _rate_text(completed: int, enrolled: int) -> str:
    rate = suppress_rate(completed, enrolled)
    if rate is None:
        return ""
    if rate == SUPPRESSED:
        return SUPPRESSED
    return f"{Decimal(rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def reach_rows(counts: Iterable[tuple[str, int, int]]) -> list[ReachRow]:
    """Suppress (label, enrolled, completed) counts for showing on screen, in exports and in PDFs.

    The raw counts never leave this function: 1 to 7 becomes "*", 0 stays 0, anything else is rounded to
    the nearest 5, and a rate is only shown when neither of its counts is suppressed.
    """
    return [
        ReachRow(
            label=label,
            enrolled=suppress_count(enrolled),
            completed=suppress_count(completed),
            completion_rate=_rate_text(completed, enrolled),
        )
        for label, enrolled, completed in counts
    ]


# --- Who may do what ------------------------------------------------------------------------------------


def user_can_lead_programme(user, programme: Programme) -> bool:
    """Academy admins lead every programme; a programme lead leads the programmes they are named on."""
    if not user.is_authenticated:
        return False
    if user.has_perm("programmes.manage_programmes"):
        return True
    return user.has_perm("programmes.lead_programmes") and programme.lead_id == user.pk
