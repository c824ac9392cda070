from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("you/profile/", views.ProfileView.as_view(), name="profile"),
    path("you/equality-monitoring/", views.EqualityMonitoringView.as_view(), name="equality_monitoring"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<int:pk>/roles/", views.PersonRolesView.as_view(), name="person_roles"),
]
