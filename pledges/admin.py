from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BoardMeeting, MetricLink, Objective, PeoplePromiseElement, Pledge, ProgressUpdate


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


admin.site.register(PeoplePromiseElement)
admin.site.register(BoardMeeting)
