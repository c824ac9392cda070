import django_tables2 as tables

from .models import User


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
