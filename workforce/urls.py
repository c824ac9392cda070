from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("you/profile/", views.ProfileView.as_view(), name="profile"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<int:pk>/roles/", views.PersonRolesView.as_view(), name="person_roles"),
    path("workforce/", views.WorkforceDashboardView.as_view(), name="dashboard"),
    path("workforce/metrics/<slug:code>/", views.MetricDetailView.as_view(), name="metric"),
    path(
        "workforce/metrics/<slug:code>/export.<str:fmt>",
        views.MetricBreakdownExportView.as_view(),
        name="metric_export",
    ),
]
