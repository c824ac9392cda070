from django.urls import path

from . import views

app_name = "programmes"

urlpatterns: list = [
    # Issue 4: learning record, attendance, certificates, evaluation, reach.
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
