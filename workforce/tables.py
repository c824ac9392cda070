from decimal import Decimal

import django_tables2 as tables

from .models import User, WorkforceImport


class PeopleTable(tables.Table):
    caption = "People and their roles"  # read by screen readers (includes/table.html)

    name = tables.Column(
        accessor="display_name",
        order_by=("last_name", "first_name"),
        linkify=("workforce:person_roles", {"pk": tables.A("pk")}),
    )
    email = tables.Column()
    organisation = tables.Column(accessor="organisation__short_name", verbose_name="Organisation")
    roles = tables.Column(empty_values=(), orderable=False, verbose_name="Roles")

    class Meta:
        model = User
        fields = ("name", "email", "organisation", "roles")
        order_by = ("name",)

    def render_roles(self, record):
        names = [g.name for g in record.groups.all()]
        return ", ".join(names) if names else "Staff"


class WorkforceImportTable(tables.Table):
    caption = "Import history"  # read by screen readers (includes/table.html)

    file_name = tables.Column(
        verbose_name="File", linkify=("workforce:import_detail", {"pk": tables.A("pk")})
    )
    uploaded_at = tables.DateTimeColumn(verbose_name="Uploaded", format="j M Y, H:i")
    uploaded_by = tables.Column(verbose_name="By", accessor="uploaded_by__display_name", orderable=False)
    status = tables.Column(verbose_name="Status", accessor="get_status_display", order_by="status")
    row_count = tables.Column(verbose_name="Rows")
    changes = tables.Column(verbose_name="New / replaced / unchanged", empty_values=(), orderable=False)

    class Meta:
        model = WorkforceImport
        fields = ("file_name", "uploaded_at", "uploaded_by", "status", "row_count", "changes")
        order_by = ("-uploaded_at",)
        empty_text = "No files have been imported yet."

    def render_changes(self, record):
        if record.status not in (WorkforceImport.Status.READY, WorkforceImport.Status.DONE):
            return "—"
        return f"{record.created_count:,} / {record.replaced_count:,} / {record.unchanged_count:,}"


class OrganisationBreakdownTable(tables.Table):
    """A metric per organisation (rows are dicts from views.breakdown_rows); small numbers suppressed."""

    caption = "Latest figures by organisation"  # read by screen readers (includes/table.html)

    organisation = tables.Column(verbose_name="Organisation", order_by="organisation")

    sector = tables.Column(verbose_name="Sector")
    month = tables.Column(verbose_name="Month", order_by="month_sort")
    value = tables.Column(verbose_name="Latest", order_by="value_sort", attrs={"td": {"class": "app-num"}})
    change = tables.Column(verbose_name="Change on previous month", order_by="change_sort")
    numerator = tables.Column(verbose_name="Numerator", order_by="numerator_sort")
    denominator = tables.Column(verbose_name="Denominator", order_by="denominator_sort")
    variation = tables.Column(verbose_name="Variation")
    assurance = tables.Column(verbose_name="Assurance")

    class Meta:
        orderable = True
        order_by = ("sector", "organisation")
        attrs = {"class": "nhsuk-table"}


def _sort_key(value):
    """Numbers sort as numbers; a suppressed "*" or a missing value sorts first."""
    return value if isinstance(value, int | float | Decimal) else float("-inf")


def breakdown_rows(metric, figures) -> list[dict]:
    """Rows for OrganisationBreakdownTable and its exports, from selectors.metric_breakdown()."""
    from .charts import assurance_icon, format_value, variation_icon

    rows = []
    for f in figures:
        ratio = metric.is_ratio
        assurance = assurance_icon(f.assurance)
        rows.append(
            {
                "organisation": f.organisation.short_name,
                "organisation_name": f.organisation.name,
                "sector": f.organisation.get_sector_display(),
                "month": f"{f.latest_month:%B %Y}" if f.latest_month else "–",
                "month_sort": f.latest_month.toordinal() if f.latest_month else 0,
                "value": format_value(f.display_value, metric.unit),
                "value_sort": _sort_key(f.display_value),
                "change": format_value(f.display_change, metric.unit, signed=True),
                "change_sort": _sort_key(f.display_change),
                "numerator": _plain(f.display_numerator),
                "numerator_sort": _sort_key(f.display_numerator),
                "denominator": _plain(f.display_denominator) if ratio else "–",
                "denominator_sort": _sort_key(f.display_denominator) if ratio else 0,
                "variation": variation_icon(f.variation, metric.improvement_direction).label,
                "assurance": assurance.label if assurance else "No target" if metric.target is None else "–",
                "synthetic": f.includes_synthetic,
                # Raw (suppressed where needed) values for the spreadsheet exports.
                "export": [
                    f.organisation.name,
                    f.organisation.get_sector_display(),
                    f.latest_month.isoformat() if f.latest_month else "",
                    _number(f.display_value),
                    _number(f.display_change),
                    _number(f.display_numerator),
                    _number(f.display_denominator) if ratio else "",
                    variation_icon(f.variation, metric.improvement_direction).label,
                    assurance.label if assurance else "",
                    "Synthetic demo data" if f.includes_synthetic else "",
                ],
            }
        )
    return rows


def breakdown_export_header(metric) -> list[str]:
    return [
        "Organisation",
        "Sector",
        "Month",
        f"{metric.name} ({metric.get_unit_display()})",
        "Change on previous month",
        metric.numerator_label or "Numerator",
        metric.denominator_label if metric.is_ratio else "Denominator",
        "Variation",
        "Assurance",
        "Source",
    ]


def _plain(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def _number(value):
    """Numbers for a spreadsheet: rounded floats; "*" (suppressed) stays text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    number = round(float(value), 4)
    return int(number) if number.is_integer() else number
