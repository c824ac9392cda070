"""Writes for pledges, objectives, metric links, progress updates and board meetings.

Every change is kept by django-simple-history; services set the author (``_history_user``) and save once per
change so each edit is one version, with its many-to-many links captured in the same version.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction

from workforce.ordering import move_in_order

from .models import BoardMeeting, MetricLink, Objective, Pledge, ProgressUpdate
from .selectors import status_check


def _save_with_links(*, obj: models.Model, user, links: dict, reason: str = "") -> None:
    """Save ``obj`` and set its many-to-many ``links`` (None: leave as is) as a single recorded version."""
    obj.full_clean(exclude=list(links))
    creating = obj.pk is None
    obj.skip_history_when_saving = True
    try:
        if creating:
            obj.save()
        for name, values in links.items():
            if values is not None:
                getattr(obj, name).set(values)
    finally:
        del obj.skip_history_when_saving
    obj._history_user = user
    obj._change_reason = reason or None
    obj.save()
    if creating:
        # The one version written above is the creation, with the links in it.
        obj.history.filter(history_id=obj.history.latest().history_id).update(history_type="+")


def _clean_order(queryset, order: int | None) -> int:
    if order is not None:
        return order
    last = queryset.aggregate(m=models.Max("order"))["m"]
    return 0 if last is None else last + 1


# --- Pledges ---------------------------------------------------------------------------------------------

PLEDGE_FIELDS = ("number", "title", "description", "executive_lead", "is_placeholder_wording", "lead")


@transaction.atomic
def pledge_create(*, user, objectives=(), people_promise_elements=(), **fields) -> Pledge:
    pledge = Pledge(**{k: fields[k] for k in PLEDGE_FIELDS if k in fields})
    pledge.order = _clean_order(Pledge.objects.all(), fields.get("order"))
    _save_with_links(
        obj=pledge,
        user=user,
        links={"objectives": objectives, "people_promise_elements": people_promise_elements},
    )
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, user, objectives=None, people_promise_elements=None, **fields) -> Pledge:
    for name in PLEDGE_FIELDS:
        if name in fields:
            setattr(pledge, name, fields[name])
    _save_with_links(
        obj=pledge,
        user=user,
        links={"objectives": objectives, "people_promise_elements": people_promise_elements},
    )
    return pledge


def _set_archived(obj, *, user, archived: bool):
    if obj.is_archived == archived:
        return obj
    obj.is_archived = archived
    obj._history_user = user
    obj._change_reason = "Archived" if archived else "Brought back from the archive"
    obj.save()
    return obj


@transaction.atomic
def pledge_archive(*, pledge: Pledge, user) -> Pledge:
    """Archive, never delete: updates and history keep pointing at the pledge."""
    return _set_archived(pledge, user=user, archived=True)


@transaction.atomic
def pledge_unarchive(*, pledge: Pledge, user) -> Pledge:
    return _set_archived(pledge, user=user, archived=False)


@transaction.atomic
def pledge_move(*, pledge: Pledge, user, direction: str) -> Pledge:
    pledges = Pledge.objects.order_by("order", "number")
    return move_in_order(pledge, queryset=pledges, user=user, direction=direction)


# --- Objectives ------------------------------------------------------------------------------------------

OBJECTIVE_FIELDS = ("pillar", "title", "description", "lead")


@transaction.atomic
def objective_create(*, user, programmes=(), **fields) -> Objective:
    objective = Objective(**{k: fields[k] for k in OBJECTIVE_FIELDS if k in fields})
    objective.order = _clean_order(Objective.objects.filter(pillar=objective.pillar), fields.get("order"))
    _save_with_links(obj=objective, user=user, links={"programmes": programmes})
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, user, programmes=None, **fields) -> Objective:
    pillar_before = objective.pillar
    for name in OBJECTIVE_FIELDS:
        if name in fields:
            setattr(objective, name, fields[name])
    if objective.pillar != pillar_before:
        objective.order = _clean_order(Objective.objects.filter(pillar=objective.pillar), None)
    _save_with_links(obj=objective, user=user, links={"programmes": programmes})
    return objective


@transaction.atomic
def objective_archive(*, objective: Objective, user) -> Objective:
    return _set_archived(objective, user=user, archived=True)


@transaction.atomic
def objective_unarchive(*, objective: Objective, user) -> Objective:
    return _set_archived(objective, user=user, archived=False)


@transaction.atomic
def objective_move(*, objective: Objective, user, direction: str) -> Objective:
    return move_in_order(
        objective,
        queryset=Objective.objects.filter(pillar=objective.pillar).order_by("order", "title"),
        user=user,
        direction=direction,
    )


# --- Metric links ----------------------------------------------------------------------------------------


@transaction.atomic
def metric_link_set(
    *, subject: Pledge | Objective, metric, user, target=None, is_key: bool = False
) -> MetricLink:
    """Link a workforce metric to a pledge or objective (or update the link's target); one key metric each."""
    key = {"pledge": subject} if isinstance(subject, Pledge) else {"objective": subject}
    link = MetricLink.objects.filter(metric=metric, **key).first() or MetricLink(metric=metric, **key)
    link.target = target
    link.is_key = is_key
    link._history_user = user
    link.full_clean()
    link.save()
    if is_key:
        for other in MetricLink.objects.filter(is_key=True, **key).exclude(pk=link.pk):
            other.is_key = False
            other._history_user = user
            other.save()
    return link


@transaction.atomic
def metric_link_remove(*, link: MetricLink, user) -> None:
    """A link is not an official record in itself; removing it is kept in its history."""
    link._history_user = user
    link.delete()


# --- Progress updates ------------------------------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *,
    subject: Pledge | Objective,
    author,
    status: str,
    narrative: str,
    period_start: datetime.date,
    period_end: datetime.date,
    published_on: datetime.date,
    actions_agreed: str = "",
) -> ProgressUpdate:
    """Post an update; the status is checked against the linked metrics and any mismatch is kept with it."""
    if subject.is_archived:
        raise ValidationError(
            f"{subject} is archived. Bring it back from the archive before posting updates."
        )
    mismatches = status_check(subject=subject, status=status)
    update = ProgressUpdate(
        pledge=subject if isinstance(subject, Pledge) else None,
        objective=subject if isinstance(subject, Objective) else None,
        status=status,
        narrative=narrative,
        actions_agreed=actions_agreed,
        period_start=period_start,
        period_end=period_end,
        published_on=published_on,
        author=author,
        metric_check=" ".join(m.message for m in mismatches),
    )
    update.full_clean()
    update._history_user = author
    update.save()
    return update


@transaction.atomic
def progress_update_edit(*, update: ProgressUpdate, user, **fields) -> ProgressUpdate:
    for name in ("status", "narrative", "actions_agreed", "period_start", "period_end", "published_on"):
        if name in fields:
            setattr(update, name, fields[name])
    update.metric_check = " ".join(
        m.message for m in status_check(subject=update.subject, status=update.status)
    )
    update.full_clean()
    update._history_user = user
    update.save()
    return update


# --- Board meetings --------------------------------------------------------------------------------------


@transaction.atomic
def board_meeting_set(*, date: datetime.date, user, note: str = "") -> BoardMeeting:
    meeting, _ = BoardMeeting.objects.update_or_create(date=date, defaults={"note": note, "set_by": user})
    return meeting
