from django.urls import path

from . import report_views, views

app_name = "pledges"

urlpatterns = [
    path("board/reports/", report_views.BoardReportListView.as_view(), name="board_reports"),
    path("board/reports/new/", report_views.BoardReportCreateView.as_view(), name="board_report_new"),
    path(
        "board/reports/schedule/",
        report_views.BoardReportScheduleView.as_view(),
        name="board_report_schedule",
    ),
    path("board/reports/<int:pk>/", report_views.BoardReportDetailView.as_view(), name="board_report_detail"),
    path(
        "board/reports/<int:pk>/status/",
        report_views.BoardReportStatusView.as_view(),
        name="board_report_status",
    ),
    path(
        "board/reports/<int:pk>/front-sheet/",
        report_views.BoardReportFrontSheetView.as_view(),
        name="board_report_front_sheet",
    ),
    path(
        "board/reports/<int:pk>/retry/",
        report_views.BoardReportRetryView.as_view(),
        name="board_report_retry",
    ),
    path(
        "board/reports/<int:pk>/download/",
        report_views.BoardReportDownloadView.as_view(),
        name="board_report_download",
    ),
    # Board members' home.
    path("board/", views.BoardOverviewView.as_view(), name="board"),
    path("board/meeting/", views.BoardMeetingSetView.as_view(), name="board_meeting"),
    # Every signed-in user.
    path("pledges/", views.PledgeListView.as_view(), name="list"),
    path("pledges/<int:number>/", views.PledgeDetailView.as_view(), name="detail"),
    path("objectives/<int:pk>/", views.ObjectiveDetailView.as_view(), name="objective_detail"),
    # Academy admins, and the named lead of a pledge or objective for its progress updates.
    path(
        "manage/pledges/<int:pk>/updates/new/",
        views.ProgressUpdateCreateView.as_view(),
        name="pledge_update_new",
    ),
    path(
        "manage/objectives/<int:pk>/updates/new/",
        views.ObjectiveProgressUpdateCreateView.as_view(),
        name="objective_update_new",
    ),
    path("manage/pledges/", views.ManagePledgeListView.as_view(), name="manage_pledges"),
    path("manage/pledges/new/", views.PledgeCreateView.as_view(), name="pledge_create"),
    path("manage/pledges/<int:pk>/", views.ManagePledgeDetailView.as_view(), name="manage_pledge"),
    path("manage/pledges/<int:pk>/edit/", views.PledgeEditView.as_view(), name="pledge_edit"),
    path("manage/pledges/<int:pk>/archive/", views.PledgeArchiveView.as_view(), name="pledge_archive"),
    path("manage/pledges/<int:pk>/unarchive/", views.PledgeUnarchiveView.as_view(), name="pledge_unarchive"),
    path("manage/pledges/<int:pk>/move/", views.PledgeMoveView.as_view(), name="pledge_move"),
    path("manage/pledges/<int:pk>/history/", views.PledgeHistoryView.as_view(), name="pledge_history"),
    path(
        "manage/pledges/<int:pk>/history/<int:history_id>/restore/",
        views.PledgeRestoreView.as_view(),
        name="pledge_restore",
    ),
    path(
        "manage/pledges/<int:pk>/metrics/new/",
        views.PledgeMetricLinkAddView.as_view(),
        name="pledge_metric_add",
    ),
    path("manage/objectives/", views.ManageObjectiveListView.as_view(), name="manage_objectives"),
    path("manage/objectives/new/", views.ObjectiveCreateView.as_view(), name="objective_create"),
    path("manage/objectives/<int:pk>/", views.ManageObjectiveDetailView.as_view(), name="manage_objective"),
    path("manage/objectives/<int:pk>/edit/", views.ObjectiveEditView.as_view(), name="objective_edit"),
    path(
        "manage/objectives/<int:pk>/archive/", views.ObjectiveArchiveView.as_view(), name="objective_archive"
    ),
    path(
        "manage/objectives/<int:pk>/unarchive/",
        views.ObjectiveUnarchiveView.as_view(),
        name="objective_unarchive",
    ),
    path("manage/objectives/<int:pk>/move/", views.ObjectiveMoveView.as_view(), name="objective_move"),
    path(
        "manage/objectives/<int:pk>/history/", views.ObjectiveHistoryView.as_view(), name="objective_history"
    ),
    path(
        "manage/objectives/<int:pk>/history/<int:history_id>/restore/",
        views.ObjectiveRestoreView.as_view(),
        name="objective_restore",
    ),
    path(
        "manage/objectives/<int:pk>/metrics/new/",
        views.ObjectiveMetricLinkAddView.as_view(),
        name="objective_metric_add",
    ),
    path(
        "manage/metric-links/<int:pk>/remove/",
        views.MetricLinkRemoveView.as_view(),
        name="metric_link_remove",
    ),
    path("manage/updates/<int:pk>/edit/", views.ProgressUpdateEditView.as_view(), name="update_edit"),
    path(
        "manage/updates/<int:pk>/history/", views.ProgressUpdateHistoryView.as_view(), name="update_history"
    ),
    path(
        "manage/updates/<int:pk>/history/<int:history_id>/restore/",
        views.ProgressUpdateRestoreView.as_view(),
        name="update_restore",
    ),
]
