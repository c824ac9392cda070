"""Reads for the board report: which packs a person may see, and the schedule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import BoardMeeting, BoardReport, BoardReportSchedule


def board_report_visible_to(user) -> QuerySet[BoardReport]:
    """The board packs this user may see and download.

    Academy admins (pledges.view_all_board_reports) see every pack; people who may request packs see the
    ones they asked for and the ones sent to them. Anyone else sees none.
    """
    qs = BoardReport.objects.select_related("requested_by", "schedule")
    if not user.is_authenticated or not user.has_perm("pledges.request_board_report"):
        return qs.none()
    if user.has_perm("pledges.view_all_board_reports"):
        return qs
    return qs.filter(Q(requested_by=user) | Q(recipients=user) | Q(schedule__recipients=user)).distinct()


def board_report_schedule_get() -> BoardReportSchedule | None:
    return BoardReportSchedule.objects.prefetch_related("recipients").order_by("pk").first()


def upcoming_board_meetings(*, today: dt.date | None = None) -> QuerySet[BoardMeeting]:
    """The board meetings still to come (set on the board overview), soonest first."""
    today = today or timezone.localdate()
    return BoardMeeting.objects.filter(date__gte=today).order_by("date")
