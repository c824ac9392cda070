from django.urls import path

from . import views

app_name = "programmes"

# Issue 3 (catalogue, enrolment, approvals, cohorts). Admin editing of workstreams and programmes lives
# under manage/ and is added separately; keep these together so the two merge cleanly.
urlpatterns = [
    path("programmes/", views.CatalogueView.as_view(), name="catalogue"),
    path("programmes/<slug:slug>/", views.ProgrammeView.as_view(), name="programme"),
    path("programmes/<slug:slug>/cohorts/new/", views.CohortFormView.as_view(), name="cohort_create"),
    path("my-learning/", views.MyLearningView.as_view(), name="my_learning"),
    path("my-learning/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("my-learning/<int:pk>/accept/", views.OfferView.as_view(accept=True), name="accept_offer"),
    path("my-learning/<int:pk>/decline/", views.OfferView.as_view(accept=False), name="decline_offer"),
    path("my-learning/<int:pk>/calendar.ics", views.CalendarView.as_view(), name="calendar"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalView.as_view(), name="approval"),
    path("cohorts/", views.ManagedCohortsView.as_view(), name="cohorts"),
    path("cohorts/<int:pk>/", views.CohortView.as_view(), name="cohort"),
    path("cohorts/<int:pk>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("cohorts/<int:pk>/edit/", views.CohortFormView.as_view(), name="cohort_edit"),
    path("cohorts/<int:pk>/people.csv", views.CohortExportView.as_view(), name="cohort_export"),
    path("cohorts/<int:pk>/people/<int:enrolment_pk>/move/", views.MoveView.as_view(), name="move"),
    path("cohorts/<int:pk>/sessions/new/", views.SessionFormView.as_view(), name="session_create"),
    path(
        "cohorts/<int:pk>/sessions/<int:session_pk>/edit/",
        views.SessionFormView.as_view(),
        name="session_edit",
    ),
    path(
        "cohorts/<int:pk>/sessions/<int:session_pk>/cancel/",
        views.SessionCancelView.as_view(),
        name="session_cancel",
    ),
]


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
    path(
        "manage/workstreams/<int:pk>/history/",
        views.WorkstreamHistoryView.as_view(),
        name="workstream_history",
    ),
    path(
        "manage/workstreams/<int:pk>/history/<int:history_id>/restore/",
        views.WorkstreamRestoreView.as_view(),
        name="workstream_restore",
    ),
    path(
        "manage/programmes/<int:pk>/history/", views.ProgrammeHistoryView.as_view(), name="programme_history"
    ),
    path(
        "manage/programmes/<int:pk>/history/<int:history_id>/restore/",
        views.ProgrammeRestoreView.as_view(),
        name="programme_restore",
    ),
    path("manage/cohorts/<int:pk>/history/", views.CohortHistoryView.as_view(), name="cohort_history"),
    path(
        "manage/cohorts/<int:pk>/history/<int:history_id>/restore/",
        views.CohortRestoreView.as_view(),
        name="cohort_restore",
    ),
]
# ==== end of issue 6 block ==========================================================================
