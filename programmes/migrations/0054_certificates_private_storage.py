from django.db import migrations, models

import programmes.models
import workforce.storages


def move_files_to_private_storage(apps, schema_editor):
    """Certificates issued before this change sit in the public media storage: move each to private storage
    under the same name, so the permission-checked download keeps working and no public copy is left."""
    from django.core.files.storage import storages

    public, private = storages["default"], storages["private"]
    Certificate = apps.get_model("programmes", "Certificate")
    for certificate in Certificate.objects.exclude(file="").only("pk", "file").iterator():
        name = certificate.file.name
        if not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved != name:
            Certificate.objects.filter(pk=certificate.pk).update(file=saved)
        public.delete(name)


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
