from django.db import migrations, models

import programmes.models
import workforce.storages


def move_files_to_private_storage(apps, schema_editor):
    """Certificates issued before this change sit in the public media storage: move them to private storage."""
    workforce.storages.move_files_to_private_storage(apps.get_model("programmes", "Certificate"), "file")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0053_merge_moves_and_programme_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="file",
            field=models.FileField(
                blank=True,
                storage=workforce.storages.private_storage,
                upload_to=programmes.models.certificate_upload_to,
            ),
        ),
        migrations.RunPython(move_files_to_private_storage, migrations.RunPython.noop, elidable=True),
    ]
