import django_tables2 as tables

from .models import User, WorkforceImport


class PeopleTable(tables.Table):
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
