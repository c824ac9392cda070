from django.urls import path

from . import views

app_name = "programmes"

urlpatterns: list = []

# ==== Catalogue and enrolment URLs (issue 3) go above this line ====


# ==== Admin editing of workstreams and programmes (issue 6) ==========================================
urlpatterns += [
    path("manage/workstreams/", views.ManageWorkstreamListView.as_view(), name="manage_workstreams"),
    path("manage/workstreams/new/", views.WorkstreamFormView.as_view(), name="workstream_create"),
    path("manage/workstreams/<int:pk>/edit/", views.WorkstreamFormView.as_view(), name="workstream_edit"),
    path(
        "manage/workstreams/<int:pk>/archive/",
        views.WorkstreamArchiveView.as_view(),
        name="workstream_archive",
    ),
    path(
        "manage/workstreams/<int:pk>/unarchive/",
        views.WorkstreamUnarchiveView.as_view(),
        name="workstream_unarchive",
    ),
    path("manage/workstreams/<int:pk>/move/", views.WorkstreamMoveView.as_view(), name="workstream_move"),
    path("manage/programmes/", views.ManageProgrammeListView.as_view(), name="manage_programmes"),
    path("manage/programmes/new/", views.ProgrammeFormView.as_view(), name="programme_create"),
    path("manage/programmes/<int:pk>/edit/", views.ProgrammeFormView.as_view(), name="programme_edit"),
    path(
        "manage/programmes/<int:pk>/archive/", views.ProgrammeArchiveView.as_view(), name="programme_archive"
    ),
    path(
        "manage/programmes/<int:pk>/unarchive/",
        views.ProgrammeUnarchiveView.as_view(),
        name="programme_unarchive",
    ),
]
# ==== end of issue 6 block ==========================================================================
