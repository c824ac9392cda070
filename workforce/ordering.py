"""Moving an item up or down a hand-ordered list (pledges, objectives, workstreams, programmes)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet


def move_in_order(obj, *, queryset: QuerySet, user, direction: str, update_fields=("order",)):
    """Swap ``obj`` with its neighbour in ``queryset`` (already ordered) and renumber 0, 1, 2... to close
    gaps. Call inside a transaction: the rows are locked so two admins reordering at once cannot collide.
    Each renumbered item keeps a history version by ``user``. Moving the first up or the last down does
    nothing."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down")
    items = list(queryset.select_for_update())
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return obj
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items):
        if item.order != position:
            item.order = position
            item._history_user = user
            item._change_reason = "Reordered"
            item.save(update_fields=list(update_fields))
    return obj
