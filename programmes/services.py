"""Writes for programmes."""

# ==== Catalogue and enrolment services (issue 3) go above this line ====

# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
from django.core.exceptions import ValidationError  # noqa: E402
from django.db import models, transaction  # noqa: E402

from .models import Programme, Workstream  # noqa: E402


@transaction.atomic
def workstream_save(*, workstream: Workstream, user) -> Workstream:
    """Create or update a workstream from a validated form instance; new ones go to the end of the order."""
    if workstream.pk is None:
        last = Workstream.objects.aggregate(m=models.Max("order"))["m"]
        workstream.order = 0 if last is None else last + 1
    workstream._history_user = user
    workstream.full_clean()
    workstream.save()
    return workstream


@transaction.atomic
def workstream_set_archived(*, workstream: Workstream, user, archived: bool) -> Workstream:
    """Archive, never delete: its programmes keep pointing at it. A workstream with live programmes stays."""
    if archived and workstream.programmes.exclude(status=Programme.Status.ARCHIVED).exists():
        raise ValidationError(
            "This workstream still has programmes that are not archived. Move or archive them first."
        )
    workstream.is_archived = archived
    workstream._history_user = user
    workstream.save(update_fields=["is_archived"])
    return workstream


@transaction.atomic
def workstream_move(*, workstream: Workstream, user, direction: str) -> Workstream:
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down")
    items = list(Workstream.objects.select_for_update().order_by("order", "name"))
    index = next(i for i, item in enumerate(items) if item.pk == workstream.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items):
            if item.order != position:
                item.order = position
                item._history_user = user
                item.save(update_fields=["order"])
    return workstream


@transaction.atomic
def programme_save(*, programme: Programme, user) -> Programme:
    """Create or update a programme from a validated form instance."""
    programme._history_user = user
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_set_archived(*, programme: Programme, user, archived: bool) -> Programme:
    """Archive (status "archived"), never delete: enrolments, objectives and history keep pointing at it.
    Bringing it back makes it a draft, so an admin checks it before it is published again."""
    programme.status = Programme.Status.ARCHIVED if archived else Programme.Status.DRAFT
    programme._history_user = user
    programme.save(update_fields=["status", "updated_at"])
    return programme


# ==== end of issue 6 block ==========================================================================
