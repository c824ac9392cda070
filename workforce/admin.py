from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Band,
    InclusionResult,
    MetricDefinition,
    Observation,
    Organisation,
    SpcRecalculation,
    StaffGroup,
    StaffSurveyScore,
    User,
    WorkforceImport,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "organisation", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "organisation__sector")
    search_fields = ("email", "first_name", "last_name")
    autocomplete_fields = ("line_manager",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {"fields": ("first_name", "last_name", "organisation", "staff_group", "band", "line_manager")},
        ),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "sector", "is_active")
    list_filter = ("sector", "is_active")
    search_fields = ("name", "short_name")


admin.site.register(StaffGroup, SimpleHistoryAdmin)
admin.site.register(Band, SimpleHistoryAdmin)


class SpcRecalculationInline(admin.TabularInline):
    model = SpcRecalculation
    extra = 0


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(SimpleHistoryAdmin):
    """Names, targets and SPC settings; codes are fixed because imports and pages refer to them."""

    list_display = ("name", "code", "unit", "aggregation", "improvement_direction", "target", "order")
    readonly_fields = ("code", "aggregation", "scale")
    inlines = [SpcRecalculationInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Read-only: figures change only through the import page, whose history records who uploaded and
    confirmed which file (a figure edited here would leave no trace of who changed it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = (
        "metric",
        "organisation",
        "staff_group",
        "month",
        "numerator",
        "denominator",
        "is_synthetic",
    )
    list_filter = ("metric", "organisation__sector", "is_synthetic")
    list_select_related = ("metric", "organisation", "staff_group")
    date_hierarchy = "month"
    raw_id_fields = ("organisation", "staff_group")
    show_full_result_count = False


class PrivateFileAdminMixin:
    """For models whose ``file`` is in private storage (no URL: the portal serves it after checking who asks):
    the admin shows the stored name instead of a link it cannot build."""

    exclude = ("file",)

    @admin.display(description="Stored file")
    def stored_file(self, obj) -> str:
        return obj.file.name if obj is not None and obj.file else "-"


@admin.register(WorkforceImport)
class WorkforceImportAdmin(PrivateFileAdminMixin, admin.ModelAdmin):
    """The record of imports: read-only here (imports happen on the import page)."""

    readonly_fields = ("stored_file",)
    list_display = ("file_name", "status", "uploaded_by", "uploaded_at", "confirmed_by", "row_count")
    list_filter = ("status",)
    list_select_related = ("uploaded_by", "confirmed_by")
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who uploaded and confirmed which file stays


@admin.register(InclusionResult)
class InclusionResultAdmin(SimpleHistoryAdmin):
    """WRES indicators and WDES metrics as each organisation publishes them (see workforce/culture.py)."""

    list_display = ("indicator", "organisation", "year", "value", "comparison_value", "is_synthetic")
    list_filter = ("standard", "year", "organisation", "is_synthetic")
    list_select_related = ("organisation",)


@admin.register(StaffSurveyScore)
class StaffSurveyScoreAdmin(SimpleHistoryAdmin):
    list_display = ("theme", "organisation", "year", "score", "respondents", "is_synthetic")
    list_filter = ("theme", "year", "organisation", "is_synthetic")
    list_select_related = ("organisation",)
