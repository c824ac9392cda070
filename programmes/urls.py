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
