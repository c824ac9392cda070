from django.db import migrations

from workforce.roles import Role, grant_permissions

GRANTS = {
    Role.PROGRAMME_LEAD: [],
    Role.BOARD_MEMBER: ["workforce.view_workforce_dashboard"],
    Role.ACADEMY_ADMIN: [
        "workforce.view_workforce_dashboard",
        "workforce.import_workforce_figures",
        "workforce.manage_people",
    ],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
