import calendar
import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from workforce.models import User
from workforce.pdf import render_pdf

from .models import (
    Attendance,
    Certificate,
    Cohort,
    Completion,
    CompletionRule,
    Enrolment,
    ExternalLearning,
    Programme,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

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


# --- Attendance and completion --------------------------------------------------------------------------

FINAL_STATUSES = (
    Completion.Status.COMPLETED,
    Completion.Status.NOT_COMPLETED,
    Completion.Status.DID_NOT_ATTEND,
    Completion.Status.WITHDRAWN,
)


def session_roster(*, session: Session) -> QuerySet[Enrolment]:
    """The people whose attendance the lead marks: everyone with a confirmed place in the cohort."""
    return (
        Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.CONFIRMED)
        .select_related("person", "person__organisation")
        .order_by("person__last_name", "person__first_name", "pk")
    )


@transaction.atomic
def attendance_mark(
    *, session: Session, marks: dict[int, str], marked_by: User, today: datetime.date | None = None
) -> int:
    """Record present / absent / excused for enrolments in the session's cohort; returns how many changed.

    Completion is recomputed for every person whose attendance changed.
    """
    today = today or timezone.localdate()
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session was cancelled, so there is no attendance to mark.")
    if session.date > today:
        raise ValidationError(
            f"This session is on {session.date:%-d %B %Y}. You can mark attendance from that day."
        )
    valid = set(Attendance.Status.values)
    bad = sorted({status for status in marks.values() if status not in valid})
    if bad:
        raise ValidationError(f"Choose present, absent or excused (not {', '.join(bad)}).")
    roster = {e.pk: e for e in session_roster(session=session)}
    unknown = set(marks) - set(roster)
    if unknown:
        raise ValidationError("Some people are not in this cohort any more; reload the page and try again.")
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session, enrolment_id__in=marks)}
    changed = []
    now = timezone.now()
    for enrolment_id, status in marks.items():
        record = existing.get(enrolment_id)
        if record is None:
            Attendance.objects.create(
                session=session, enrolment_id=enrolment_id, status=status, marked_by=marked_by, marked_at=now
            )
        elif record.status != status:
            record.status, record.marked_by, record.marked_at = status, marked_by, now
            record.save(update_fields=["status", "marked_by", "marked_at"])
        else:
            continue
        changed.append(roster[enrolment_id])
    for enrolment in changed:
        completion_recompute(enrolment=enrolment, today=today)
    return len(changed)


def attendance_mark_all_present(
    *, session: Session, marked_by: User, today: datetime.date | None = None
) -> int:
    marks = {e.pk: Attendance.Status.PRESENT for e in session_roster(session=session)}
    return attendance_mark(session=session, marks=marks, marked_by=marked_by, today=today)


def completion_rule_for(programme: Programme) -> CompletionRule:
    """The programme's rule, or the default (75% of sessions, none named) when it has none."""
    rule = CompletionRule.objects.filter(programme=programme).first()
    return rule or CompletionRule(programme=programme)


def completion_evaluate(
    *, enrolment: Enrolment, rule: CompletionRule, today: datetime.date
) -> tuple[str, int, int, datetime.date | None]:
    """What the rule says for this enrolment: (status, sessions attended, sessions counted, completed on)."""
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return Completion.Status.WITHDRAWN, 0, 0, None
    cohort = enrolment.cohort
    sessions = [s for s in cohort.sessions.all() if s.status != Session.Status.CANCELLED]
    marks = {a.session_id: a.status for a in enrolment.attendance.all()}
    present = [s for s in sessions if marks.get(s.pk) == Attendance.Status.PRESENT]
    excused = [s for s in sessions if marks.get(s.pk) == Attendance.Status.EXCUSED]
    counted = len(sessions) - len(excused)
    all_marked = bool(sessions) and all(s.pk in marks for s in sessions)
    if not (all_marked or cohort.ends_on < today) or not sessions:
        return Completion.Status.IN_PROGRESS, len(present), counted, None
    if not present:
        return Completion.Status.DID_NOT_ATTEND, 0, counted, None
    share_met = counted > 0 and len(present) * 100 >= rule.min_attendance_percent * counted
    present_titles = {s.title.strip() for s in present}
    cohort_titles = {s.title.strip() for s in sessions}
    # A named session this cohort does not have cannot be required of it.
    required_met = all(t in present_titles for t in rule.required_titles if t in cohort_titles)
    if share_met and required_met:
        return Completion.Status.COMPLETED, len(present), counted, max(s.date for s in present)
    return Completion.Status.NOT_COMPLETED, len(present), counted, None


@transaction.atomic
def completion_recompute(*, enrolment: Enrolment, today: datetime.date | None = None) -> Completion | None:
    """Work out the enrolment's completion from its attendance and the programme's rule, and act on a change.

    Only enrolments that held a place have a completion (confirmed, or withdrawn after being confirmed).
    """
    today = today or timezone.localdate()
    enrolment = (
        Enrolment.objects.select_related("cohort__programme", "person")
        .prefetch_related("cohort__sessions", "attendance")
        .get(pk=enrolment.pk)
    )
    held_place = enrolment.status == Enrolment.Status.CONFIRMED or (
        enrolment.status == Enrolment.Status.WITHDRAWN and enrolment.confirmed_at is not None
    )
    completion = Completion.objects.select_for_update().filter(enrolment=enrolment).first()
    if not held_place and completion is None:
        return None
    rule = completion_rule_for(enrolment.cohort.programme)
    status, attended, counted, completed_on = completion_evaluate(enrolment=enrolment, rule=rule, today=today)
    if completion is None:
        completion = Completion(enrolment=enrolment)
    previous = completion.status if completion.pk else None
    completion.computed_status = status
    completion.sessions_attended, completion.sessions_counted = attended, counted
    completion.status = completion.override_status or status
    if completion.status == Completion.Status.COMPLETED:
        completion.completed_on = completed_on or _last_session_date(enrolment)
    else:
        completion.completed_on = None
    completion.save()
    _completion_changed(completion=completion, previous=previous)
    return completion


def _last_session_date(enrolment: Enrolment) -> datetime.date:
    dates = [s.date for s in enrolment.cohort.sessions.all() if s.status != Session.Status.CANCELLED]
    return max(dates) if dates else enrolment.cohort.ends_on


def cohort_completions_refresh(*, cohort: Cohort, today: datetime.date | None = None) -> int:
    """Recompute every completion in a cohort (after a rule change, a withdrawal, or when the cohort ends)."""
    enrolments = Enrolment.objects.filter(
        cohort=cohort, status__in=[Enrolment.Status.CONFIRMED, Enrolment.Status.WITHDRAWN]
    )
    return sum(1 for e in enrolments if completion_recompute(enrolment=e, today=today) is not None)


@transaction.atomic
def completion_override(
    *, completion: Completion, status: str, reason: str, overridden_by: User
) -> Completion:
    """A lead's decision that replaces the computed status; the reason is kept with the change history."""
    if status not in FINAL_STATUSES:
        raise ValidationError({"status": "Choose completed, not completed, did not attend or withdrawn"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for changing the completion status"})
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    previous = completion.status
    completion.override_status = status
    completion.override_reason = reason
    completion.overridden_by = overridden_by
    completion.overridden_at = timezone.now()
    completion.status = status
    if status == Completion.Status.COMPLETED:
        completion.completed_on = completion.completed_on or _last_session_date(completion.enrolment)
    else:
        completion.completed_on = None
    completion._change_reason = f"Override: {reason}"[:100]
    completion.save()
    _completion_changed(completion=completion, previous=previous)
    return completion


@transaction.atomic
def completion_override_clear(*, completion: Completion, cleared_by: User) -> Completion:
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    completion.override_status = ""
    completion.override_reason = ""
    completion.overridden_by = cleared_by
    completion.overridden_at = timezone.now()
    completion._change_reason = "Override removed"
    completion.save()
    return completion_recompute(enrolment=completion.enrolment)


def _completion_changed(*, completion: Completion, previous: str | None) -> None:
    """Certificates and surveys follow the status that counts."""
    if completion.status == Completion.Status.COMPLETED:
        certificate_request(completion=completion)
        survey_invitations_create(completion=completion)
    elif previous == Completion.Status.COMPLETED:
        Certificate.objects.filter(completion=completion).update(status=Certificate.Status.REVOKED)
        SurveyInvitation.objects.filter(enrolment_id=completion.enrolment_id, sent_at__isnull=True).delete()


# --- Certificates ---------------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and retyped


def certificate_code_new() -> str:
    """A random code of 12 symbols (60 bits), shown as XXXX-XXXX-XXXX; too many to guess or enumerate."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificate_code_normalise(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificate_details(completion: Completion) -> dict:
    enrolment = completion.enrolment
    cohort, person = enrolment.cohort, enrolment.person
    programme = cohort.programme
    return {
        "name": person.get_full_name() or person.email,
        "programme": programme.title,
        "cohort": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "completed_on": completion.completed_on.isoformat() if completion.completed_on else "",
        "cpd_hours": str(programme.cpd_hours),
    }


def _details_hash(details: dict) -> str:
    return hashlib.sha256(json.dumps(details, sort_keys=True).encode()).hexdigest()


def certificate_request(*, completion: Completion) -> Certificate:
    """Make sure a completed enrolment has a current certificate; (re)generation runs in Celery on commit."""
    if completion.status != Completion.Status.COMPLETED:
        raise ValidationError("A certificate is only issued for a completed programme.")
    details = certificate_details(completion)
    digest = _details_hash(details)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(completion=completion).first()
        if certificate is None:
            certificate = Certificate(completion=completion, code=certificate_code_new())
        if certificate.details_hash == digest and certificate.status != Certificate.Status.REVOKED:
            return certificate
        certificate.details, certificate.details_hash = details, digest
        certificate.status = Certificate.Status.PENDING
        certificate.save()
        from .tasks import certificate_generate_task

        pk = certificate.pk
        transaction.on_commit(lambda: certificate_generate_task.delay(pk))
    return certificate


def certificate_render(*, certificate: Certificate) -> bytes:
    details = certificate.details
    html = render_to_string(
        "programmes/pdf/certificate.html",
        {
            "details": details,
            "code": certificate.code,
            "starts_on": datetime.date.fromisoformat(details["starts_on"]),
            "ends_on": datetime.date.fromisoformat(details["ends_on"]),
            "completed_on": datetime.date.fromisoformat(details["completed_on"])
            if details["completed_on"]
            else None,
            "verify_url": settings.LLR_PORTAL_URL.rstrip("/") + reverse("programmes:certificate_verify"),
        },
    )
    return render_pdf(html)


def certificate_generate(*, certificate_id: int) -> Certificate | None:
    """Render the PDF if (and only if) it is not current: safe to run twice or after a crash."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status == Certificate.Status.REVOKED or certificate.is_current:
            return certificate
        pdf = certificate_render(certificate=certificate)
        old_name = certificate.file.name if certificate.file else ""
        certificate.file.save(
            f"{certificate.code}-v{certificate.version + 1}.pdf", ContentFile(pdf), save=False
        )
        certificate.file_hash = certificate.details_hash
        certificate.status = Certificate.Status.ISSUED
        certificate.issued_at = timezone.now()
        certificate.version += 1
        certificate.save()
        if old_name and old_name != certificate.file.name:
            transaction.on_commit(lambda: default_storage.delete(old_name))
    return certificate


def certificates_refresh(*, today: datetime.date | None = None) -> int:
    """Nightly: re-issue certificates whose details changed (a name, a programme title, CPD hours)."""
    refreshed = 0
    for completion in Completion.objects.filter(status=Completion.Status.COMPLETED).select_related(
        "enrolment__person", "enrolment__cohort__programme", "certificate"
    ):
        before = getattr(completion, "certificate", None)
        before_hash = before.details_hash if before else None
        if certificate_request(completion=completion).details_hash != before_hash:
            refreshed += 1
    return refreshed


@dataclass(frozen=True)
class CertificateCheck:
    valid: bool
    name: str = ""
    programme: str = ""
    completed_on: datetime.date | None = None


def certificate_verify(*, code: str) -> CertificateCheck:
    """What the public page may say about a code: name, programme and date, and only for a valid one."""
    normalised = certificate_code_normalise(code)
    certificate = (
        Certificate.objects.filter(code=normalised, status=Certificate.Status.ISSUED)
        .select_related("completion")
        .first()
        if normalised
        else None
    )
    if certificate is None or certificate.completion.status != Completion.Status.COMPLETED:
        return CertificateCheck(valid=False)
    details = certificate.details
    return CertificateCheck(
        valid=True,
        name=details["name"],
        programme=details["programme"],
        completed_on=datetime.date.fromisoformat(details["completed_on"])
        if details["completed_on"]
        else None,
    )


# --- Evaluation surveys ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def survey_for(*, programme: Programme, kind: str) -> Survey | None:
    """The programme's own survey of this kind, else the shared default (None if neither exists)."""
    surveys = {
        s.programme_id: s
        for s in Survey.objects.filter(kind=kind).filter(
            models.Q(programme=programme) | models.Q(programme__isnull=True)
        )
    }
    return surveys.get(programme.pk) or surveys.get(None)


def survey_invitations_create(*, completion: Completion) -> list[SurveyInvitation]:
    """Invite a participant who completed to the end-of-programme survey now and the follow-up later."""
    enrolment = completion.enrolment
    completed_on = completion.completed_on or timezone.localdate()
    invitations = []
    for kind in Survey.Kind.values:
        survey = survey_for(programme=enrolment.cohort.programme, kind=kind)
        if survey is None:
            continue
        due_on = (
            add_months(completed_on, survey.send_after_months)
            if kind == Survey.Kind.FOLLOW_UP
            else completed_on
        )
        invitation, _ = SurveyInvitation.objects.get_or_create(
            enrolment=enrolment, kind=kind, defaults={"survey": survey, "due_on": due_on}
        )
        invitations.append(invitation)
    transaction.on_commit(_enqueue_due_invitations)
    return invitations


def _enqueue_due_invitations():
    from .tasks import survey_invitations_send_due_task

    survey_invitations_send_due_task.delay()


def survey_invitations_send_due(*, today: datetime.date | None = None) -> int:
    """Email every invitation that is due and not yet sent; each is claimed in its own transaction."""
    today = today or timezone.localdate()
    sent = 0
    due = SurveyInvitation.objects.filter(sent_at__isnull=True, responded_at__isnull=True, due_on__lte=today)
    for invitation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            invitation = (
                SurveyInvitation.objects.select_for_update(skip_locked=True)
                .filter(pk=invitation_id, sent_at__isnull=True)
                .select_related("survey", "enrolment__person", "enrolment__cohort__programme")
                .first()
            )
            if invitation is None:
                continue
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
            _send_survey_email(invitation)
            sent += 1
    return sent


def _send_survey_email(invitation: SurveyInvitation) -> None:
    person = invitation.enrolment.person
    context = {
        "person": person,
        "invitation": invitation,
        "programme": invitation.enrolment.cohort.programme,
        "url": settings.LLR_PORTAL_URL.rstrip("/")
        + reverse("programmes:survey_answer", args=[invitation.pk]),
    }
    template = "follow_up" if invitation.kind == Survey.Kind.FOLLOW_UP else "completion"
    send_mail(
        subject=render_to_string(f"programmes/email/survey_{template}_subject.txt", context).strip(),
        message=render_to_string(f"programmes/email/survey_{template}.txt", context),
        html_message=render_to_string(f"programmes/email/survey_{template}.html", context),
        from_email=None,
        recipient_list=[person.email],
    )


@transaction.atomic
def survey_response_submit(
    *, invitation: SurveyInvitation, answers: dict[int, int | str | None]
) -> SurveyResponse:
    """Save a participant's answers once. ``answers`` maps question pk to a rating (1-5) or text."""
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.responded_at is not None:
        raise ValidationError("You have already answered this survey. Thank you.")
    if invitation.due_on > timezone.localdate():
        raise ValidationError(f"This survey opens on {invitation.due_on:%-d %B %Y}.")
    questions = {q.pk: q for q in invitation.survey.questions.all()}
    errors = {}
    cleaned = []
    for pk, question in questions.items():
        value = answers.get(pk)
        if value in (None, ""):
            if question.required:
                errors[f"question_{pk}"] = "Answer this question"
            continue
        if question.kind == SurveyQuestion.Kind.RATING:
            if not isinstance(value, int) or not 1 <= value <= 5:
                errors[f"question_{pk}"] = "Choose a rating from 1 to 5"
                continue
            cleaned.append(SurveyAnswer(question=question, rating=value))
        else:
            cleaned.append(SurveyAnswer(question=question, text=str(value).strip()[:4000]))
    if errors:
        raise ValidationError(errors)
    response = SurveyResponse.objects.create(invitation=invitation)
    for answer in cleaned:
        answer.response = response
    SurveyAnswer.objects.bulk_create(cleaned)
    invitation.responded_at = response.submitted_at
    invitation.save(update_fields=["responded_at"])
    return response


def completions_refresh_ended_cohorts(*, today: datetime.date | None = None, days: int = 14) -> int:
    today = today or timezone.localdate()
    cohorts = Cohort.objects.filter(ends_on__lt=today, ends_on__gte=today - datetime.timedelta(days=days))
    return sum(cohort_completions_refresh(cohort=cohort, today=today) for cohort in cohorts)


@transaction.atomic
def completion_rule_update(
    *, programme: Programme, min_attendance_percent: int, required_session_titles: str
) -> int:
    """Save the programme's completion rule and recheck every completion; returns how many were rechecked."""
    if not 0 <= min_attendance_percent <= 100:
        raise ValidationError({"min_attendance_percent": "Enter the minimum attendance, from 0 to 100"})
    rule, _ = CompletionRule.objects.get_or_create(programme=programme)
    rule.min_attendance_percent = min_attendance_percent
    rule.required_session_titles = "\n".join(
        line.strip() for line in required_session_titles.splitlines() if line.strip()
    )
    rule.full_clean()
    rule.save()
    return sum(cohort_completions_refresh(cohort=cohort) for cohort in programme.cohorts.all())
