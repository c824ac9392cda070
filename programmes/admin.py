from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workforce.admin import PrivateFileAdminMixin

from .models import (
    Certificate,
    Cohort,
    Completion,
    CompletionRule,
    Enrolment,
    Notification,
    Programme,
    ProgrammeOutcome,
    Session,
    Survey,
    SurveyQuestion,
    Workstream,
)


class ArchiveNotDeleteMixin:
    """Workstreams and programmes are archived, never deleted: objectives, cohorts and history keep pointing
    at them. The portal's manage pages archive them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Workstream)
class WorkstreamAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ("name", "order", "is_archived")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Programme)
class ProgrammeAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "workstream", "order", "pillar", "format", "status")
    list_filter = ("status", "workstream", "pillar", "format")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("audience_staff_groups", "audience_bands", "audience_organisations")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "name", "starts_on", "capacity", "approval_required", "status")
    list_filter = ("status", "approval_required")
    search_fields = ("programme__title", "name")
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    """Read-only: places change through the services (locks, waiting list, emails), never by hand here."""

    list_display = ("person", "cohort", "status", "queue_number", "created_at")
    list_filter = ("status",)
    search_fields = ("person__email", "cohort__programme__title")
    raw_id_fields = ("person", "cohort", "approver", "decided_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the record of what was sent to whom; the services create notifications."""

    list_display = ("kind", "recipient", "created_at", "sent_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Issue 4: surveys are defined here (per programme, or the shared default when programme is empty) ----


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 1


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "programme", "kind", "send_after_months")
    list_filter = ("kind",)
    inlines = [SurveyQuestionInline]


@admin.register(CompletionRule)
class CompletionRuleAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "min_attendance_percent")


@admin.register(Completion)
class CompletionAdmin(SimpleHistoryAdmin):
    list_display = ("enrolment", "status", "computed_status", "override_status")
    list_filter = ("status",)
    raw_id_fields = ("enrolment", "overridden_by")


@admin.register(Certificate)
class CertificateAdmin(PrivateFileAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "status", "issued_at", "version")
    list_filter = ("status",)
    search_fields = ("code",)
    readonly_fields = ("code", "stored_file", "details", "details_hash", "file_hash", "issued_at", "version")
    raw_id_fields = ("completion",)


@admin.register(ProgrammeOutcome)
class ProgrammeOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "updated_at")


# Survey responses, attendance, external learning and equality answers are deliberately not in the admin:
# responses are read on the evaluation pages (admins only), the rest belong to the people themselves.
