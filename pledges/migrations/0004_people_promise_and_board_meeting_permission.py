from django.db import migrations

from workforce.roles import Role, grant_permissions

# The seven elements of the NHS People Promise (also the themes of the NHS Staff Survey).
PEOPLE_PROMISE = [
    ("compassionate-inclusive", "We are compassionate and inclusive"),
    ("recognised-rewarded", "We are recognised and rewarded"),
    ("voice-that-counts", "We each have a voice that counts"),
    ("safe-healthy", "We are safe and healthy"),
    ("always-learning", "We are always learning"),
    ("work-flexibly", "We work flexibly"),
    ("a-team", "We are a team"),
]

GRANTS = {
    Role.BOARD_MEMBER: ["pledges.set_board_meeting"],
    Role.ACADEMY_ADMIN: ["pledges.set_board_meeting"],
}


def forwards(apps, schema_editor):
    Element = apps.get_model("pledges", "PeoplePromiseElement")
    for order, (code, name) in enumerate(PEOPLE_PROMISE):
        Element.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0003_objectives_links_updates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
