"""Readable history and restore for any model with django-simple-history's ``history = HistoricalRecords()``.

Reads: :func:`history_entries` lists who changed what, when, with each field's value before and after.
Writes: :func:`history_restore` puts an object back to an earlier version; the restore is itself a recorded
change. Views: :class:`HistoryViewMixin` and :class:`HistoryRestoreViewMixin` give any app a history page and
a restore confirmation page for its own models (the app sets the model, permission and breadcrumbs).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.timezone import localtime
from simple_history.utils import get_m2m_reverse_field_name

EMPTY = "(empty)"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    history_id: int
    when: datetime.datetime
    who: str
    action: str  # "Created", "Changed" or "Deleted"
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    is_current: bool = False


def _tracked_fields(record) -> list[models.Field]:
    return [f for f in record.instance_type._meta.fields if f.editable and not f.primary_key]


# A restore never puts back an item's place in a hand-ordered list: moving renumbers the whole list
# (workforce/ordering.py), so an old number would clash with the number another item holds now.
NEVER_RESTORED = frozenset({"order"})


def _restored_fields(record, keep: Iterable[str] = ()) -> list[models.Field]:
    """The fields a restore puts back: every tracked one except ``order`` and those the caller ``keep``s."""
    kept = NEVER_RESTORED | set(keep)
    return [f for f in _tracked_fields(record) if f.name not in kept]


def _m2m_fields(record) -> list[models.Field]:
    return list(getattr(record, "_history_m2m_fields", []))


def _display(model_field: models.Field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return f"{value:%d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d %B %Y}"
    return str(value)


def _field_value(record, model_field: models.Field) -> str:
    if isinstance(model_field, models.ForeignKey):
        pk = getattr(record, model_field.attname)
        if pk is None:
            return EMPTY
        related = model_field.related_model._default_manager.filter(pk=pk).first()
        return str(related) if related is not None else f"(deleted, id {pk})"
    return _display(model_field, getattr(record, model_field.attname))


def _m2m_ids(record, m2m_field: models.Field) -> list:
    target = get_m2m_reverse_field_name(m2m_field)
    return list(getattr(record, m2m_field.name).values_list(f"{target}_id", flat=True))


def _m2m_value(record, m2m_field: models.Field) -> str:
    ids = _m2m_ids(record, m2m_field)
    if not ids:
        return EMPTY
    related = m2m_field.related_model._default_manager.filter(pk__in=ids)
    return "; ".join(sorted(str(obj) for obj in related))


def _label(model_field: models.Field) -> str:
    label = str(model_field.verbose_name)
    return label[:1].upper() + label[1:]


def _changes(
    record, previous, fields: list[models.Field] | None = None, *, m2m: bool = True
) -> list[FieldChange]:
    changes = []
    for model_field in _tracked_fields(record) if fields is None else fields:
        after = _field_value(record, model_field)
        before = _field_value(previous, model_field) if previous is not None else EMPTY
        if before != after:
            changes.append(FieldChange(_label(model_field), before, after))
    for m2m_field in _m2m_fields(record) if m2m else []:
        after = _m2m_value(record, m2m_field)
        before = _m2m_value(previous, m2m_field) if previous is not None else EMPTY
        if before != after:
            changes.append(FieldChange(_label(m2m_field), before, after))
    return changes


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "The system"
    return getattr(user, "display_name", None) or str(user)


def history_entries(obj: models.Model) -> list[HistoryEntry]:
    """Every recorded version of ``obj``, newest first, each with its changes against the version before."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        entries.append(
            HistoryEntry(
                history_id=record.history_id,
                when=record.history_date,
                who=_who(record),
                action=_ACTIONS.get(record.history_type, "Changed"),
                reason=record.history_change_reason or "",
                changes=_changes(record, previous),
                is_current=index == 0,
            )
        )
    return entries


def history_compare(obj: models.Model, history_id: int, *, keep: Iterable[str] = ()) -> list[FieldChange]:
    """What restoring version ``history_id`` would change: now (before) -> that version (after). Fields
    a restore leaves alone (``order``, and ``keep``) are not listed: see :func:`history_kept`."""
    record = obj.history.get(history_id=history_id)
    current = obj.history.order_by("-history_date", "-history_id").first()
    return _changes(record, current, _restored_fields(record, keep))


def history_kept(obj: models.Model, history_id: int, *, keep: Iterable[str]) -> list[FieldChange]:
    """The fields in ``keep`` where version ``history_id`` differs from now, which a restore leaves as they
    are: now (before) and that version (after)."""
    record = obj.history.get(history_id=history_id)
    current = obj.history.order_by("-history_date", "-history_id").first()
    return _changes(record, current, [f for f in _tracked_fields(record) if f.name in keep], m2m=False)


@transaction.atomic
def history_restore(*, obj: models.Model, history_id: int, user, keep: Iterable[str] = ()) -> models.Model:
    """Put ``obj`` back to the version ``history_id``: its fields and tracked many-to-many links, except
    its ``order`` and the fields named in ``keep`` (the model's service keeps those under its own rules).

    The restore is saved as one new version (who: ``user``; reason: which version was restored), so nothing
    is lost and the restore itself can be undone the same way.
    """
    try:
        record = obj.history.get(history_id=history_id)
    except obj.history.model.DoesNotExist as error:
        raise ValidationError("That version does not exist for this record.") from error
    if record.history_type == "-":
        raise ValidationError("That version records a deletion; choose an earlier version to restore.")
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for model_field in _restored_fields(record, keep):
        setattr(obj, model_field.attname, getattr(record, model_field.attname))
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            "That version cannot be restored as it is, because it clashes with the current data: "
            + "; ".join(error.messages)
        ) from error
    # Set the links without a version each, then save once so the restore is a single version.
    obj.skip_history_when_saving = True
    try:
        for m2m_field in _m2m_fields(record):
            getattr(obj, m2m_field.name).set(_m2m_ids(record, m2m_field))
    finally:
        del obj.skip_history_when_saving
    obj._history_user = user
    obj._change_reason = f"Restored the version of {localtime(record.history_date):%d %B %Y %H:%M:%S}"
    obj.save()
    return obj


# --- Views -------------------------------------------------------------------------------------------


class HistoryObjectMixin:
    """Shared by the history and restore views: the subclass sets ``model`` (or ``get_queryset``),
    ``permission_required`` and ``history_url_name`` / ``restore_url_name`` (URL names taking ``pk`` /
    ``pk`` and ``history_id``), and ``object_url_name`` (a URL name taking ``pk``) or an override of
    :meth:`get_object_url` for the "back to" link."""

    history_url_name: str = ""
    restore_url_name: str = ""
    object_url_name: str = ""
    object_label: str = ""

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_object_url(self) -> str | None:
        if self.object_url_name:
            return reverse(self.object_url_name, kwargs={"pk": self.object.pk})
        get_url = getattr(self.object, "get_absolute_url", None)
        return get_url() if get_url else None

    def get_history_context(self) -> dict:
        return {
            "object_label": self.object_label or str(self.object),
            "object_url": self.get_object_url(),
            "history_url": reverse(self.history_url_name, kwargs={"pk": self.object.pk}),
            "restore_url_name": self.restore_url_name,
        }


class HistoryViewMixin(HistoryObjectMixin):
    """Use with ``DetailView``: renders ``workforce/history.html`` with the object's history entries."""

    template_name = "workforce/history.html"
    context_object_name = "subject"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=history_entries(self.object), **self.get_history_context(), **kwargs
        )


class HistoryRestoreViewMixin(HistoryObjectMixin):
    """Use with ``DetailView``: GET shows what restoring a version would change; POST restores it.

    ``restore_keeps`` names the fields the model's service leaves as they are (besides ``order``), so the
    page shows them apart; ``restore_note`` says why and how to change them instead."""

    template_name = "workforce/history_restore.html"
    context_object_name = "subject"
    restore_keeps: tuple[str, ...] = ()
    restore_note: str = ""

    def get_record(self):
        record = self.object.history.filter(history_id=self.kwargs["history_id"]).first()
        if record is None:
            raise Http404("No such version")
        return record

    def get_context_data(self, **kwargs):
        record = self.get_record()
        return super().get_context_data(
            record=record,
            who=_who(record),
            changes=history_compare(self.object, record.history_id, keep=self.restore_keeps),
            kept=history_kept(self.object, record.history_id, keep=self.restore_keeps),
            restore_note=self.restore_note,
            in_a_list=any(f.name in NEVER_RESTORED for f in self.object._meta.fields),
            **self.get_history_context(),
            **kwargs,
        )

    def restore(self, record) -> None:
        """Override where the model's own service must apply its rules to a restore."""
        history_restore(
            obj=self.object, history_id=record.history_id, user=self.request.user, keep=self.restore_keeps
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        record = self.get_record()
        try:
            self.restore(record)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(
            request,
            f"Restored the version of {localtime(record.history_date):%d %B %Y %H:%M}. This is recorded too.",
        )
        return redirect(reverse(self.history_url_name, kwargs={"pk": self.object.pk}))
