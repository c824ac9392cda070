from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workforce.admin import PrivateFileAdminMixin

from .models import (
    BoardMeeting,
    BoardReport,
    BoardReportSchedule,
    MetricLink,
    Objective,
    PeoplePromiseElement,
    Pledge,
    ProgressUpdate,
)


class ArchiveNotDeleteMixin:
    """Pledges, objectives and progress updates are archived (or corrected), never deleted: updates, links
    and history keep pointing at them. The portal's own pages archive them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ("number", "title", "is_placeholder_wording", "is_archived", "order")
    list_filter = ("is_archived", "is_placeholder_wording")
    filter_horizontal = ("objectives", "people_promise_elements")


@admin.register(Objective)
class ObjectiveAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "pillar", "order", "is_archived")
    list_filter = ("pillar", "is_archived")
    filter_horizontal = ("programmes",)


@admin.register(MetricLink)
class MetricLinkAdmin(SimpleHistoryAdmin):
    list_display = ("metric", "pledge", "objective", "target", "is_key")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ("published_on", "pledge", "objective", "status", "author")
    list_filter = ("status",)
    raw_id_fields = ("author",)


admin.site.register(PeoplePromiseElement, SimpleHistoryAdmin)
admin.site.register(BoardMeeting, SimpleHistoryAdmin)


@admin.register(BoardReportSchedule)
class BoardReportScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active", "working_days_before", "period_months")
    filter_horizontal = ("recipients",)
    raw_id_fields = ("created_by",)


@admin.register(BoardReport)
class BoardReportAdmin(PrivateFileAdminMixin, admin.ModelAdmin):
    """For support: see a pack's options and run state. Packs are requested, retried and downloaded in the
    portal (which checks who may see the file), so the run state and the file are read-only here."""

    list_display = ("meeting_date", "title", "status", "progress", "attempts", "requested_by", "requested_at")
    list_filter = ("status", "meeting_date")
    search_fields = ("title", "meeting_name", "requested_by__email")
    date_hierarchy = "requested_at"
    raw_id_fields = ("requested_by", "schedule")
    filter_horizontal = ("recipients",)
    readonly_fields = (
        "requested_at",
        "status",
        "progress",
        "progress_message",
        "error",
        "attempts",
        "run_token",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "stored_file",
        "file_size",
        "page_count",
        "render_seconds",
        "notified_at",
    )

    def has_add_permission(self, request):
        return False  # a pack is requested in the portal, which queues its generation
