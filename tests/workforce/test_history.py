"""The generic history reader and restore (workforce/history.py), exercised on pledges' models."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pledges.models import MetricLink, Status
from workforce.history import EMPTY, history_compare, history_entries, history_restore

from ..factories import UserFactory
from ..pledges.factories import MetricFactory, PledgeFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_entries_show_who_when_and_readable_before_and_after_values():
    author, editor = UserFactory(first_name="Ada", last_name="Lovelace"), UserFactory()
    update = ProgressUpdateFactory(status=Status.AT_RISK, author=author)
    update._history_user = editor
    update.status = Status.OFF_TRACK
    update.period_end = datetime.date(2026, 9, 29)
    update.save()
    changed, created = history_entries(update)
    assert changed.who == editor.display_name and changed.action == "Changed" and changed.is_current
    assert {(c.label, c.before, c.after) for c in changed.changes} == {
        ("Status", "At risk", "Off track"),
        ("Period end", "30 September 2026", "29 September 2026"),
    }
    assert created.action == "Created" and created.who == "The system" and not created.is_current
    created_values = {c.label: (c.before, c.after) for c in created.changes}
    assert created_values["Author"] == (EMPTY, "Ada Lovelace")
    assert created_values["Pledge"][1] == str(update.pledge)


def test_restore_of_a_model_without_links_and_compare():
    user = UserFactory()
    update = ProgressUpdateFactory(narrative="First words.")
    first = update.history.get().history_id
    update.narrative = "Second words."
    update.save()
    assert [(c.label, c.before, c.after) for c in history_compare(update, first)] == [
        ("Narrative", "Second words.", "First words.")
    ]
    history_restore(obj=update, history_id=first, user=user)
    update.refresh_from_db()
    assert update.narrative == "First words."
    latest = update.history.first()
    assert latest.history_user == user and latest.history_change_reason.startswith("Restored the version of")


def test_another_objects_version_even_a_deletion_cannot_be_restored():
    user = UserFactory()
    pledge = PledgeFactory()
    link = MetricLink.objects.create(pledge=pledge, metric=MetricFactory())
    other = MetricLink.objects.create(pledge=PledgeFactory(), metric=MetricFactory())
    with pytest.raises(ValidationError, match="does not exist"):
        history_restore(obj=link, history_id=other.history.get().history_id, user=user)
    link_id = link.pk
    link.delete()
    deletion = MetricLink.history.filter(id=link_id, history_type="-").get()
    survivor = MetricLink.objects.get(pk=other.pk)
    with pytest.raises(ValidationError):
        history_restore(obj=survivor, history_id=deletion.history_id, user=user)


def test_restore_leaves_the_place_in_a_hand_ordered_list_alone():
    from pledges import services

    from ..pledges.factories import ObjectiveFactory

    admin = UserFactory()
    first, second = PledgeFactory(number=1, order=0, title="Before"), PledgeFactory(number=2, order=1)
    objective, other = ObjectiveFactory(order=0), ObjectiveFactory(order=1)
    old_pledge, old_objective = first.history.first().history_id, objective.history.first().history_id
    services.pledge_move(pledge=first, user=admin, direction="down")
    services.objective_move(objective=objective, user=admin, direction="down")
    first.refresh_from_db()
    first.title = "After"
    first.save()
    assert "Order" not in {c.label for c in history_compare(first, old_pledge)}
    history_restore(obj=first, history_id=old_pledge, user=admin)
    history_restore(obj=objective, history_id=old_objective, user=admin)
    for obj in (first, second, objective, other):
        obj.refresh_from_db()
    assert first.title == "Before"  # the rest is restored
    assert (first.order, second.order) == (1, 0)  # no two pledges share a place
    assert (objective.order, other.order) == (1, 0)
