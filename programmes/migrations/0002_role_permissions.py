from django.db import migrations

from workforce.roles import Role, grant_permissions

GRANTS = {
    Role.PROGRAMME_LEAD: ["programmes.lead_programmes"],
    Role.BOARD_MEMBER: ["programmes.view_programme_reach"],
    Role.ACADEMY_ADMIN: [
        "programmes.lead_programmes",
        "programmes.manage_programmes",
        "programmes.view_programme_reach",
    ],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("workforce", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
