"""Imports check that a rate's numerator is in range: for these rates it can never exceed the denominator
(staff still in post cannot outnumber the staff at the start, days lost cannot exceed the days available,
vacancies cannot exceed the establishment). Turnover can go over 100%, so it is left out."""

from django.db import migrations, models

AT_MOST_DENOMINATOR = ("stability-index", "sickness-absence", "vacancy-rate")


def flag_bounded_rates(apps, schema_editor):
    MetricDefinition = apps.get_model("workforce", "MetricDefinition")
    MetricDefinition.objects.filter(code__in=AT_MOST_DENOMINATOR).update(numerator_at_most_denominator=True)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0061_merge_learning_and_import")]

    operations = [
        migrations.AddField(
            model_name="metricdefinition",
            name="numerator_at_most_denominator",
            field=models.BooleanField(
                default=False,
                help_text="Rates only. Imports refuse a numerator larger than the denominator (e.g. staff "
                "still in post cannot outnumber the staff at the start, nor days lost the days available).",
            ),
        ),
        migrations.RunPython(flag_bounded_rates, migrations.RunPython.noop),
    ]
