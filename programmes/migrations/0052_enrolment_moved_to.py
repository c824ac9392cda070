import django.db.models.deletion
from django.db import migrations, models


def link_earlier_moves(apps, schema_editor):
    """Moves made before this field existed: the old row says "Moved to ..." and the new row was created
    at the moment the old one was withdrawn, for the same person in the same programme."""
    Enrolment = apps.get_model("programmes", "Enrolment")
    moved = Enrolment.objects.filter(
        status="withdrawn", decision_reason__startswith="Moved to ", moved_to__isnull=True
    ).select_related("cohort")
    for old in moved.iterator():
        new = (
            Enrolment.objects.filter(
                person_id=old.person_id,
                cohort__programme_id=old.cohort.programme_id,
                created_at=old.withdrawn_at,
            )
            .exclude(pk=old.pk)
            .first()
        )
        if new is not None:
            Enrolment.objects.filter(pk=old.pk).update(moved_to=new)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0051_learning_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="moved_to",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="moved_from",
                to="programmes.enrolment",
            ),
        ),
        migrations.AddField(
            model_name="historicalenrolment",
            name="moved_to",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.enrolment",
            ),
        ),
        migrations.RunPython(link_earlier_moves, migrations.RunPython.noop),
    ]
