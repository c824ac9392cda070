from django.urls import path

from . import views

app_name = "pledges"

urlpatterns = [
    path("board/reports/", views.BoardReportListView.as_view(), name="board_reports"),
    path("board/reports/new/", views.BoardReportCreateView.as_view(), name="board_report_new"),
    path("board/reports/schedule/", views.BoardReportScheduleView.as_view(), name="board_report_schedule"),
    path("board/reports/<int:pk>/", views.BoardReportDetailView.as_view(), name="board_report_detail"),
    path("board/reports/<int:pk>/status/", views.BoardReportStatusView.as_view(), name="board_report_status"),
    path("board/reports/<int:pk>/retry/", views.BoardReportRetryView.as_view(), name="board_report_retry"),
    path(
        "board/reports/<int:pk>/download/",
        views.BoardReportDownloadView.as_view(),
        name="board_report_download",
    ),
]
