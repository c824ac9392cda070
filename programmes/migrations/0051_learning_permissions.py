from django.db import migrations

from workforce.roles import Role, grant_permissions

GRANTS = {Role.ACADEMY_ADMIN: ["programmes.view_individual_responses"]}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0050_learning"),
        ("workforce", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
