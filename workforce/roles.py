"""The portal's roles. Every signed-in user is staff; the others are Django groups granted by migrations.

Each app's data migration grants its own permissions to these groups (the higher app calls down), so the
group names live here on the ground floor.
"""

from django.db import models


class Role(models.TextChoices):
    PROGRAMME_LEAD = "Programme lead", "Programme lead"
    BOARD_MEMBER = "Board member", "Board member"
    ACADEMY_ADMIN = "Academy admin", "Academy admin"


# Roles that see board-level figures or change the academy; they must use MFA where the setting says so.
PRIVILEGED_ROLES = (Role.BOARD_MEMBER, Role.ACADEMY_ADMIN)


def grant_permissions(apps, grants: dict[str, list[str]]) -> None:
    """Create the groups and grant "app_label.codename" permissions; for data migrations.

    Permissions are normally created after all migrations have run, so create them for the historical
    models first.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
