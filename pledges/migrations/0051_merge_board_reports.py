# Joins the board report branch (0050) with the pledges, objectives and updates branch (0003, 0004).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0004_people_promise_and_board_meeting_permission"),
        ("pledges", "0050_board_reports"),
    ]

    operations = []
