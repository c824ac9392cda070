import logging

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Band, EqualityMonitoring, Organisation, StaffGroup, User
from .roles import Role

logger = logging.getLogger(__name__)


def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    staff_group: StaffGroup | None,
    band: Band | None,
    line_manager: User | None = None,
) -> User:
    if line_manager is not None and line_manager.pk == user.pk:
        raise ValidationError({"line_manager": "You cannot be your own line manager."})
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.organisation = organisation
    user.staff_group = staff_group
    user.band = band
    user.line_manager = line_manager
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], changed_by: User) -> User:
    """Replace the user's portal roles. Other groups (if any) are left alone."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown role: {', '.join(sorted(unknown))}.")
    is_admin = Role.ACADEMY_ADMIN in user.groups.values_list("name", flat=True)
    if user.pk == changed_by.pk and is_admin and Role.ACADEMY_ADMIN not in roles:
        raise ValidationError("You cannot remove your own academy admin role; ask another admin.")
    role_groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    missing = set(Role.values) - set(role_groups)
    if missing:
        raise ValidationError(f"Role groups are missing ({', '.join(sorted(missing))}); run the migrations.")
    user.groups.remove(*role_groups.values())
    user.groups.add(*(role_groups[name] for name in roles))
    logger.info(
        "roles changed", extra={"user_id": user.pk, "roles": sorted(roles), "changed_by": changed_by.pk}
    )
    return user


def equality_monitoring_update(*, person: User, answers: dict[str, str]) -> EqualityMonitoring:
    """Save this person's own equality-monitoring answers; every answer is optional."""
    unknown = set(answers) - set(EqualityMonitoring.CHARACTERISTICS)
    if unknown:
        raise ValidationError(f"Unknown question: {', '.join(sorted(unknown))}.")
    record, _ = EqualityMonitoring.objects.get_or_create(person=person)
    for field, value in answers.items():
        setattr(record, field, value or "")
    record.full_clean(exclude=["person"])
    record.save()
    return record


def equality_monitoring_delete(*, person: User) -> None:
    """Forget this person's equality-monitoring answers altogether."""
    EqualityMonitoring.objects.filter(person=person).delete()
