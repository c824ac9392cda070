# Joins the import and culture migrations with equality monitoring.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0052_vacancies_may_be_negative"),
        ("workforce", "0060_equality_monitoring"),
    ]

    operations = []
