from django.db import migrations

from workforce.roles import Role, grant_permissions

GRANTS = {
    Role.BOARD_MEMBER: ["pledges.view_board_overview", "pledges.request_board_report"],
    Role.ACADEMY_ADMIN: [
        "pledges.view_board_overview",
        "pledges.manage_pledges",
        "pledges.request_board_report",
    ],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_initial"),
        ("programmes", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
