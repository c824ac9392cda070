"""The workforce metrics the board watches (DESIGN.md section 4), present on every fresh install.

Imports validate metric codes against this table, so the definitions are data, not demo data. Re-running is
safe: rows are matched on their code.
"""

from django.db import migrations

PERCENT, COUNT, WTE, GBP = "percent", "count", "wte", "gbp"
UP, DOWN, NEITHER = "up", "down", "neither"
SUM, RATIO = "sum", "ratio"

# (code, name, unit, aggregation, numerator label, denominator label, scale, direction, target,
#  counts people, formula)
DEFINITIONS = [
    (
        "headcount",
        "Staff in post (headcount)",
        COUNT,
        SUM,
        "Staff in post on the last day of the month (people)",
        "",
        1,
        NEITHER,
        None,
        True,
        "The number of people employed on the last day of the month, each counted once per organisation. "
        "The system figure is the sum of the organisations' headcounts.",
    ),
    (
        "wte",
        "Staff in post (WTE)",
        WTE,
        SUM,
        "Staff in post (whole-time equivalent)",
        "",
        1,
        NEITHER,
        None,
        False,
        "Contracted hours divided by full-time hours, summed over everyone in post on the last day of the month.",
    ),
    (
        "establishment",
        "Funded establishment (WTE)",
        WTE,
        SUM,
        "Funded establishment (WTE)",
        "",
        1,
        NEITHER,
        None,
        False,
        "The whole-time equivalent posts the organisation has budget for on the last day of the month.",
    ),
    (
        "vacancies",
        "Vacancies (WTE)",
        WTE,
        SUM,
        "Vacancies (WTE)",
        "",
        1,
        DOWN,
        None,
        False,
        "Funded establishment (WTE) minus staff in post (WTE). It can be negative when an organisation "
        "employs more than its establishment.",
    ),
    (
        "vacancy-rate",
        "Vacancy rate",
        PERCENT,
        RATIO,
        "Vacancies (WTE)",
        "Funded establishment (WTE)",
        100,
        DOWN,
        8,
        False,
        "Vacancies (WTE) divided by funded establishment (WTE), as a percentage. The system rate is the "
        "sum of vacancies over the sum of establishment, not an average of the organisations' rates.",
    ),
    (
        "leavers",
        "Leavers in the month",
        COUNT,
        SUM,
        "Leavers in the month (people)",
        "",
        1,
        DOWN,
        None,
        True,
        "People who left the organisation during the month (excluding the end of fixed-term training rotations).",
    ),
    (
        "turnover-12m",
        "Staff turnover (12 months)",
        PERCENT,
        RATIO,
        "Leavers in the last 12 months (people)",
        "Average staff in post over the 12 months (people)",
        100,
        DOWN,
        10,
        True,
        "Leavers in the last 12 months divided by the average of staff in post at the start and end of the "
        "period, as a percentage. Adult social care providers report leavers in the last 12 months over "
        "directly employed workers. The system rate is total leavers over total average staff in post.",
    ),
    (
        "stability-index",
        "Stability index",
        PERCENT,
        RATIO,
        "Staff in post 12 months ago who are still in post (people)",
        "Staff in post 12 months ago (people)",
        100,
        UP,
        85,
        True,
        "Staff in post at the start of the 12 months who are still in post at the end, divided by staff in "
        "post at the start, as a percentage.",
    ),
    (
        "sickness-absence",
        "Sickness absence rate",
        PERCENT,
        RATIO,
        "FTE days lost to sickness",
        "FTE days available",
        100,
        DOWN,
        4.5,
        False,
        "Full-time-equivalent days lost to sickness absence in the month divided by full-time-equivalent "
        "days available, as a percentage.",
    ),
    (
        "bank-wte",
        "Bank staff used (WTE)",
        WTE,
        SUM,
        "Bank hours worked, as WTE",
        "",
        1,
        NEITHER,
        None,
        False,
        "Hours worked by bank (staff pool) workers in the month, converted to whole-time equivalents.",
    ),
    (
        "agency-wte",
        "Agency staff used (WTE)",
        WTE,
        SUM,
        "Agency hours worked, as WTE",
        "",
        1,
        DOWN,
        None,
        False,
        "Hours worked by agency workers in the month, converted to whole-time equivalents.",
    ),
    (
        "agency-spend",
        "Agency spend",
        GBP,
        SUM,
        "Agency spend in the month (£)",
        "",
        1,
        DOWN,
        None,
        False,
        "Money spent on agency staff in the month, including agency fees and VAT. Planning guidance for "
        "2025/26 asks for agency spend to fall by at least 30%.",
    ),
    (
        "bank-spend",
        "Bank spend",
        GBP,
        SUM,
        "Bank spend in the month (£)",
        "",
        1,
        DOWN,
        None,
        False,
        "Money spent on bank staff in the month, including employer's on-costs. Planning guidance for 2025/26 "
        "asks for bank spend to fall by 10%.",
    ),
]


def create_definitions(apps, schema_editor):
    MetricDefinition = apps.get_model("workforce", "MetricDefinition")
    for order, row in enumerate(DEFINITIONS):
        code, name, unit, aggregation, num, den, scale, direction, target, people, formula = row
        MetricDefinition.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "aggregation": aggregation,
                "numerator_label": num,
                "denominator_label": den,
                "scale": scale,
                "improvement_direction": direction,
                "target": target,
                "counts_people": people,
                "formula": formula,
                "order": (order + 1) * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0005_spc_and_synthetic")]

    operations = [migrations.RunPython(create_definitions, migrations.RunPython.noop)]
