from django.urls import path

from . import views

app_name = "programmes"

urlpatterns: list = [
    # Issue 4: learning record, attendance, certificates, evaluation, reach.
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
