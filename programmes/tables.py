import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import Cohort, Enrolment


class ManagedCohortsTable(tables.Table):
    caption = "Your cohorts"  # read by screen readers (includes/table.html)

    cohort = tables.Column(accessor="name", verbose_name="Cohort", order_by=("name",))
    programme = tables.Column(accessor="programme__title", verbose_name="Programme")
    starts_on = tables.DateColumn(format="j M Y", verbose_name="Starts")
    places = tables.Column(empty_values=(), orderable=False, verbose_name="Places taken")
    waiting_count = tables.Column(verbose_name="Waiting")
    awaiting_count = tables.Column(verbose_name="To approve")

    class Meta:
        model = Cohort
        fields = ("cohort", "programme", "starts_on", "places", "waiting_count", "awaiting_count")
        orderable = False

    def render_cohort(self, record):
        return format_html('<a href="{}">{}</a>', reverse("programmes:cohort", args=[record.pk]), record.name)

    def render_places(self, record):
        return f"{record.places_taken} of {record.capacity}"


class ApprovalsTable(tables.Table):
    caption = "Requests waiting for your decision"  # read by screen readers (includes/table.html)

    person = tables.Column(accessor="person__display_name", verbose_name="Person", orderable=False)
    organisation = tables.Column(accessor="person__organisation__short_name", verbose_name="Organisation")
    programme = tables.Column(accessor="cohort__programme__title", verbose_name="Programme")
    cohort = tables.Column(accessor="cohort__name", verbose_name="Cohort")
    created_at = tables.DateTimeColumn(format="j M Y", verbose_name="Requested")
    action = tables.Column(empty_values=(), orderable=False, verbose_name="Action")

    class Meta:
        model = Enrolment
        fields = ("person", "organisation", "programme", "cohort", "created_at", "action")
        orderable = False

    def render_action(self, record):
        return format_html(
            '<a href="{}">Decide<span class="nhsuk-u-visually-hidden"> on {}\'s request</span></a>',
            reverse("programmes:approval", args=[record.pk]),
            record.person.display_name,
        )
