"""Vacancies are establishment minus staff in post, so they go negative when a team is over establishment:
imports accept a negative numerator for those two metrics and refuse negatives for every other one."""

from django.db import migrations

NEGATIVE_ALLOWED = ("vacancies", "vacancy-rate")


def allow_negative_vacancies(apps, schema_editor):
    MetricDefinition = apps.get_model("workforce", "MetricDefinition")
    MetricDefinition.objects.filter(code__in=NEGATIVE_ALLOWED).update(numerator_may_be_negative=True)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0051_merge_import_culture_and_metrics")]

    operations = [migrations.RunPython(allow_negative_vacancies, migrations.RunPython.noop)]
