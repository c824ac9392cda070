import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from workforce.models import User

from .models import ExternalLearning, Programme, ProgrammeOutcome

# --- Learning done elsewhere --------------------------------------------------------------------------------


def _external_learning_check(*, completed_on: datetime.date, cpd_hours: Decimal) -> None:
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date completed must be today or in the past"})
    if cpd_hours < 0 or cpd_hours > 1000:
        raise ValidationError({"cpd_hours": "CPD hours must be between 0 and 1000"})


@transaction.atomic
def external_learning_create(
    *, person: User, title: str, completed_on: datetime.date, cpd_hours: Decimal, evidence_note: str = ""
) -> ExternalLearning:
    _external_learning_check(completed_on=completed_on, cpd_hours=cpd_hours)
    entry = ExternalLearning(
        person=person,
        title=title.strip(),
        completed_on=completed_on,
        cpd_hours=cpd_hours,
        evidence_note=evidence_note.strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def external_learning_update(
    *,
    entry: ExternalLearning,
    title: str,
    completed_on: datetime.date,
    cpd_hours: Decimal,
    evidence_note: str = "",
) -> ExternalLearning:
    _external_learning_check(completed_on=completed_on, cpd_hours=cpd_hours)
    entry.title = title.strip()
    entry.completed_on = completed_on
    entry.cpd_hours = cpd_hours
    entry.evidence_note = evidence_note.strip()
    entry.full_clean()
    entry.save()
    return entry


def external_learning_delete(*, entry: ExternalLearning) -> None:
    entry.delete()


# --- Programme outcomes ---------------------------------------------------------------------------------


@transaction.atomic
def programme_outcome_update(*, programme: Programme, updated_by: User, **elements: str) -> ProgrammeOutcome:
    """Save the five evaluation elements (challenge, approach, enablers, learning, results)."""
    unknown = set(elements) - set(ProgrammeOutcome.ELEMENTS)
    if unknown:
        raise ValidationError(f"Unknown outcome element: {', '.join(sorted(unknown))}.")
    outcome, _ = ProgrammeOutcome.objects.select_for_update().get_or_create(programme=programme)
    for name, value in elements.items():
        setattr(outcome, name, (value or "").strip())
    outcome.updated_by = updated_by
    outcome.full_clean()
    outcome.save()
    return outcome
