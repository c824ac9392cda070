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
    path("my-learning/<int:pk>/accept/", views.OfferView.as_view(), name="accept_offer"),
    path("my-learning/<int:pk>/decline/", views.DeclineOfferView.as_view(), name="decline_offer"),
    path("my-learning/<int:pk>/calendar.ics", views.CalendarView.as_view(), name="calendar"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalView.as_view(), name="approval"),
    path("cohorts/", views.ManagedCohortsView.as_view(), name="cohorts"),
    path("cohorts/<int:pk>/", views.CohortView.as_view(), name="cohort"),
    path("cohorts/<int:pk>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("cohorts/<int:pk>/edit/", views.CohortFormView.as_view(), name="cohort_edit"),
    path("cohorts/<int:pk>/cancel/", views.CohortCancelView.as_view(), name="cohort_cancel"),
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


# --- Admin editing of workstreams and programmes ---------------------------------------------------
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
    path("manage/programmes/<int:pk>/move/", views.ProgrammeMoveView.as_view(), name="programme_move"),
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
# Issue 4: attendance, completion, certificates, learning record, evaluation and reach.
urlpatterns += [
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path(
        "sessions/cohorts/<int:pk>/completion/",
        views.CohortCompletionView.as_view(),
        name="cohort_completion",
    ),
    path(
        "sessions/completions/<int:pk>/change/",
        views.CompletionOverrideView.as_view(),
        name="completion_override",
    ),
    path("certificates/verify/", views.CertificateVerifyView.as_view(), name="certificate_verify"),
    path(
        "certificates/<str:code>/certificate.pdf",
        views.CertificateDownloadView.as_view(),
        name="certificate_download",
    ),
    path("evaluations/", views.EvaluationIndexView.as_view(), name="evaluations"),
    path("evaluations/surveys/<int:pk>/", views.SurveyAnswerView.as_view(), name="survey_answer"),
    path("evaluations/programmes/<slug:slug>/", views.ProgrammeEvaluationView.as_view(), name="evaluation"),
    path(
        "evaluations/programmes/<slug:slug>/outcomes/",
        views.ProgrammeOutcomeEditView.as_view(),
        name="outcome_edit",
    ),
    path(
        "evaluations/programmes/<slug:slug>/completion-rule/",
        views.CompletionRuleEditView.as_view(),
        name="completion_rule_edit",
    ),
    path(
        "evaluations/programmes/<slug:slug>/responses/",
        views.ProgrammeResponsesView.as_view(),
        name="responses",
    ),
    path(
        "evaluations/programmes/<slug:slug>/surveys/<str:kind>/",
        views.SurveyEditView.as_view(),
        name="survey_edit",
    ),
    path(
        "evaluations/surveys/default/<str:kind>/", views.SurveyEditView.as_view(), name="survey_default_edit"
    ),
    path("reach/", views.ReachView.as_view(), name="reach"),
    path("reach/programme-reach.<str:format>", views.ReachView.as_view(), name="reach_export"),
    path("learning-record/", views.LearningRecordView.as_view(), name="learning_record"),
    path(
        "learning-record/learning-record.csv",
        views.LearningRecordCsvView.as_view(),
        name="learning_record_csv",
    ),
    path(
        "learning-record/learning-record.pdf",
        views.LearningRecordPdfView.as_view(),
        name="learning_record_pdf",
    ),
    path(
        "learning-record/elsewhere/add/",
        views.ExternalLearningFormView.as_view(),
        name="external_learning_add",
    ),
    path(
        "learning-record/elsewhere/<int:pk>/",
        views.ExternalLearningFormView.as_view(),
        name="external_learning_edit",
    ),
    path(
        "learning-record/elsewhere/<int:pk>/delete/",
        views.ExternalLearningDeleteView.as_view(),
        name="external_learning_delete",
    ),
]
