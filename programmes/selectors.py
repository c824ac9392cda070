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
