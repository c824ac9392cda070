import django_tables2 as tables
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from .models import BoardReport


class BoardReportTable(tables.Table):
    caption = "Board packs"  # read by screen readers (includes/table.html)

    meeting = tables.Column(
        accessor="meeting_date",
        verbose_name="Meeting",
        attrs={"th": {"scope": "col"}},
        order_by="meeting_date",
    )
    requested_by = tables.Column(verbose_name="Requested by", empty_values=(), orderable=False)
    requested_at = tables.DateTimeColumn(format="j M Y, H:i", verbose_name="Requested")
    period = tables.Column(accessor="period_start", verbose_name="Period", orderable=False)
    sections = tables.Column(verbose_name="Sections", orderable=False)
    status = tables.Column(verbose_name="Status")
    file_size = tables.Column(verbose_name="Size", orderable=False)

    class Meta:
        model = BoardReport
        fields = ["meeting", "requested_by", "requested_at", "period", "sections", "status", "file_size"]
        attrs = {"class": "nhsuk-table", "thead": {"class": "nhsuk-table__head"}}
        order_by = "-requested_at"

    def render_meeting(self, record):
        return format_html(
            '<a href="{}">{}, {}</a>',
            reverse("pledges:board_report_detail", args=[record.pk]),
            record.meeting_name,
            f"{record.meeting_date:%-d %B %Y}",
        )

    def render_requested_by(self, record):
        if record.schedule_id:
            return f"Schedule ({record.requested_by.display_name if record.requested_by else 'no owner'})"
        return record.requested_by.display_name if record.requested_by else "Former user"

    def render_period(self, record):
        return f"{record.period_start:%b %Y} to {record.period_end:%b %Y}"

    def render_sections(self, record):
        return ", ".join(record.section_labels())

    def render_status(self, record):
        colour = {
            BoardReport.Status.DONE: "green",
            BoardReport.Status.FAILED: "red",
            BoardReport.Status.RUNNING: "blue",
        }.get(record.status, "grey")
        return format_html(
            '<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', colour, record.get_status_display()
        )

    def render_file_size(self, record):
        return filesizeformat(record.file_size) if record.file_size else "–"
