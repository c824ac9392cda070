from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("you/profile/", views.ProfileView.as_view(), name="profile"),
    path("you/equality-monitoring/", views.EqualityMonitoringView.as_view(), name="equality_monitoring"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<int:pk>/roles/", views.PersonRolesView.as_view(), name="person_roles"),
    path("workforce/import/", views.ImportView.as_view(), name="import"),
    path(
        "workforce/import/template.<str:fmt>",
        views.ImportTemplateView.as_view(),
        name="import_template",
    ),
    path("workforce/import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("workforce/import/<int:pk>/status/", views.ImportStatusView.as_view(), name="import_status"),
    path(
        "workforce/import/<int:pk>/confirm/",
        views.ImportActionView.as_view(action="confirm"),
        name="import_confirm",
    ),
    path(
        "workforce/import/<int:pk>/cancel/",
        views.ImportActionView.as_view(action="cancel"),
        name="import_cancel",
    ),
    path("culture/", views.CultureDashboardView.as_view(), name="culture"),
    path("workforce/", views.WorkforceDashboardView.as_view(), name="dashboard"),
    path("workforce/metrics/<slug:code>/", views.MetricDetailView.as_view(), name="metric"),
    path(
        "workforce/metrics/<slug:code>/export.<str:fmt>",
        views.MetricBreakdownExportView.as_view(),
        name="metric_export",
    ),
]
