from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from workforce.models import User

from .models import ExternalLearning


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
