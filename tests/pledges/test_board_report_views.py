"""Board report pages: what each role may do, and every denial."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pledges.models import BoardMeeting, BoardReport, BoardReportSchedule
from tests.factories import UserFactory
from workforce.roles import Role

from .report_factories import make_report

pytestmark = pytest.mark.django_db


def done_report(user, **fields) -> BoardReport:
    report = make_report(user, status="done", progress=100, page_count=2, file_size=9, **fields)
    report.file.save(f"board-report-{report.pk}.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return report


@pytest.fixture
def other_board_member():
    return UserFactory(email="other.board@nhs.net", roles=[Role.BOARD_MEMBER])


def object_urls(report) -> list[str]:
    return [
        reverse("pledges:board_report_detail", args=[report.pk]),
        reverse("pledges:board_report_status", args=[report.pk]),
        reverse("pledges:board_report_download", args=[report.pk]),
    ]


def all_urls(report) -> list[str]:
    return [
        reverse("pledges:board_reports"),
        reverse("pledges:board_report_new"),
        reverse("pledges:board_report_schedule"),
        *object_urls(report),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, board_member):
    report = done_report(board_member)
    for url in all_urls(report):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    response = client.post(reverse("pledges:board_report_retry", args=[report.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD])
def test_staff_and_programme_leads_get_403(client, board_member, role):
    report = done_report(board_member)
    client.force_login(UserFactory(roles=[role] if role else []))
    for url in all_urls(report):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("pledges:board_report_retry", args=[report.pk])).status_code == 403
    assert client.post(reverse("pledges:board_report_new"), {}).status_code == 403


def test_someone_elses_report_is_not_found_for_a_board_member(client, board_member, other_board_member):
    report = done_report(other_board_member)
    client.force_login(board_member)
    for url in object_urls(report):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("pledges:board_report_retry", args=[report.pk])).status_code == 404
    listing = client.get(reverse("pledges:board_reports"))
    assert reverse("pledges:board_report_detail", args=[report.pk]) not in listing.content.decode()


def test_board_members_cannot_set_the_schedule(client, board_member):
    client.force_login(board_member)
    assert client.get(reverse("pledges:board_report_schedule")).status_code == 403


def test_a_recipient_of_a_scheduled_pack_may_download_it(client, board_member, other_board_member):
    schedule = BoardReportSchedule.objects.create()
    schedule.recipients.add(board_member)
    report = done_report(other_board_member, schedule=schedule)
    client.force_login(board_member)
    assert client.get(reverse("pledges:board_report_download", args=[report.pk])).status_code == 200


def test_owner_downloads_the_file_privately(client, board_member):
    report = done_report(board_member)
    client.force_login(board_member)
    response = client.get(reverse("pledges:board_report_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"
    # Not reachable through the public media URL.
    client.logout()
    assert client.get(f"/media/board-reports/board-report-{report.pk}.pdf").status_code in (302, 404)


def test_download_of_a_pack_without_a_file_is_not_found(client, board_member):
    report = make_report(board_member, status="running")
    client.force_login(board_member)
    assert client.get(reverse("pledges:board_report_download", args=[report.pk])).status_code == 404


def test_admins_see_every_pack_in_the_archive_with_who_when_options_and_size(
    client, board_member, academy_admin
):
    report = done_report(board_member, sections=["front_sheet", "pledge_progress"])
    report.file_size = 123456
    report.save()
    client.force_login(academy_admin)
    page = client.get(reverse("pledges:board_reports")).content.decode()
    assert reverse("pledges:board_report_detail", args=[report.pk]) in page
    assert board_member.display_name in page
    assert "Front sheet, Pledge progress" in page
    assert "120.6\xa0KB" in page
    assert client.get(reverse("pledges:board_report_download", args=[report.pk])).status_code == 200


def test_request_form_creates_the_row_and_redirects_to_its_progress(
    client, board_member, django_capture_on_commit_callbacks, monkeypatch
):
    from pledges import tasks

    queued = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: queued.append(pk))
    client.force_login(board_member)
    form = client.get(reverse("pledges:board_report_new"))
    assert form.status_code == 200 and b"Request a board pack" in form.content
    data = {
        "meeting_date": "2027-03-12",
        "period_start": "2025-03",
        "period_end": "2027-02",
        "sections": ["front_sheet", "workforce_metrics"],
        "meeting_name": "People and Culture Board",
        "title": "People report",
        "purpose": "assurance",
        "key_points": "One\nTwo",
        "recommendation": "Note",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:board_report_new"), data)
    report = BoardReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pledges:board_report_detail", args=[report.pk])
    assert queued == [report.pk]
    assert report.requested_by == board_member and report.period_start == dt.date(2025, 3, 1)
    assert report.key_points == "One\nTwo"

    detail = client.get(response.url).content.decode()
    assert "hx-get" in detail and "every 1s" in detail and "vendor/htmx/htmx.min.js" in detail


def test_request_form_shows_errors(client, board_member):
    client.force_login(board_member)
    response = client.post(
        reverse("pledges:board_report_new"),
        {"period_start": "2027-02", "period_end": "2026-01", "sections": [], "purpose": "assurance"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the date of the board meeting" in page
    assert "Choose at least one section" in page
    assert not BoardReport.objects.exists()


def test_request_form_months_have_a_hint_and_a_specific_error(client, board_member):
    client.force_login(board_member)
    page = client.get(reverse("pledges:board_report_new")).content.decode()
    assert page.count("For example, 2025-03") == 2
    response = client.post(
        reverse("pledges:board_report_new"),
        {"meeting_date": "2027-03-12", "period_start": "March 2025", "period_end": "2027-13"},
    )
    page = response.content.decode()
    assert "Enter the first month the pack covers as a year and month, for example 2025-03" in page
    assert "Enter the last month the pack covers as a year and month, for example 2025-03" in page
    assert "Enter a valid date" not in page


def test_request_form_months_accept_the_text_box_form(board_member):
    from pledges.report_forms import BoardReportRequestForm

    form = BoardReportRequestForm(data={"period_start": "03/2025", "period_end": "2027-02"})
    form.is_valid()
    assert form.cleaned_data["period_start"] == dt.date(2025, 3, 1)
    assert form.cleaned_data["period_end"] == dt.date(2027, 2, 1)


def test_status_panel_stops_polling_when_done_and_offers_try_again_when_failed(client, board_member):
    client.force_login(board_member)
    running = make_report(board_member, status="running", progress=40, progress_message="Preparing charts")
    panel = client.get(reverse("pledges:board_report_status", args=[running.pk])).content.decode()
    assert "hx-trigger" in panel and "40%" in panel and "Preparing charts" in panel

    done = done_report(board_member)
    panel = client.get(reverse("pledges:board_report_status", args=[done.pk])).content.decode()
    assert "hx-trigger" not in panel
    assert reverse("pledges:board_report_download", args=[done.pk]) in panel

    failed = make_report(board_member, status="failed", error="The database was unavailable.")
    panel = client.get(reverse("pledges:board_report_status", args=[failed.pk])).content.decode()
    assert "The database was unavailable." in panel and "Try again" in panel and "hx-trigger" not in panel


def test_try_again_requeues_the_same_row(
    client, board_member, monkeypatch, django_capture_on_commit_callbacks
):
    from pledges import tasks

    queued = []
    monkeypatch.setattr(tasks.board_report_generate, "delay", lambda pk: queued.append(pk))
    failed = make_report(board_member, status="failed", error="boom")
    client.force_login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:board_report_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "queued" and queued == [failed.pk] and BoardReport.objects.count() == 1


def test_admin_sets_the_schedule_and_recipients(client, academy_admin, board_member):
    client.force_login(academy_admin)
    url = reverse("pledges:board_report_schedule")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "is_active": "on",
            "working_days_before": "10",
            "period_months": "12",
            "sections": ["front_sheet", "workforce_metrics"],
            "recipients": [board_member.pk],
            "meeting_dates": "2027-03-12\n11/06/2027",
            "meeting_name": "People and Culture Board",
            "title": "People report",
            "purpose": "assurance",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = BoardReportSchedule.objects.get()
    assert list(schedule.recipients.all()) == [board_member]
    assert sorted(BoardMeeting.objects.values_list("date", flat=True)) == [
        dt.date(2027, 3, 12),
        dt.date(2027, 6, 11),
    ]
    assert schedule.working_days_before == 10 and schedule.created_by == academy_admin
    page = client.get(url).content.decode()
    assert "Friday 12 March 2027: pack made on Friday 26 February 2027" in page

    bad = client.post(
        url, {"meeting_dates": "next tuesday", "sections": ["front_sheet"], "purpose": "assurance"}
    )
    assert "is not a date" in bad.content.decode()


def test_request_form_defaults_to_the_next_board_meeting(client, board_member):
    from django.utils import timezone

    next_meeting = timezone.localdate() + dt.timedelta(days=40)
    BoardMeeting.objects.create(date=timezone.localdate() - dt.timedelta(days=30))
    BoardMeeting.objects.create(date=next_meeting)
    BoardMeeting.objects.create(date=next_meeting + dt.timedelta(days=90))
    client.force_login(board_member)
    page = client.get(reverse("pledges:board_report_new")).content.decode()
    assert f'value="{next_meeting:%Y-%m-%d}"' in page


def front_sheet_data(**overrides):
    data = {
        "meeting_name": "People and Culture Board",
        "agenda_item": "7.2",
        "title": "People report",
        "purpose": "assurance",
        "sponsor": "Chief People Officer",
        "key_points": "Turnover is falling",
        "recommendation": "Note",
    }
    data.update(overrides)
    return data


def test_the_owner_changes_the_front_sheet_of_a_queued_pack(client, board_member):
    report = make_report(board_member, key_points="Old point")
    client.force_login(board_member)
    detail = client.get(reverse("pledges:board_report_detail", args=[report.pk])).content.decode()
    url = reverse("pledges:board_report_front_sheet", args=[report.pk])
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200 and "Old point" in page.content.decode()
    response = client.post(url, front_sheet_data())
    assert response.status_code == 302
    assert response.url == reverse("pledges:board_report_detail", args=[report.pk])
    report.refresh_from_db()
    assert (report.key_points, report.agenda_item, report.sponsor) == (
        "Turnover is falling",
        "7.2",
        "Chief People Officer",
    )


def test_the_front_sheet_form_shows_errors(client, board_member):
    report = make_report(board_member, status="failed", key_points="Old point")
    client.force_login(board_member)
    response = client.post(
        reverse("pledges:board_report_front_sheet", args=[report.pk]),
        front_sheet_data(key_points="a\nb\nc\nd\ne\nf"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "A front sheet has 5 key points at most; you gave 6." in page
    report.refresh_from_db()
    assert report.key_points == "Old point"


def test_a_pack_that_is_made_keeps_its_front_sheet(client, board_member):
    report = done_report(board_member, key_points="Old point")
    client.force_login(board_member)
    url = reverse("pledges:board_report_front_sheet", args=[report.pk])
    detail = client.get(reverse("pledges:board_report_detail", args=[report.pk])).content.decode()
    assert url not in detail
    response = client.post(url, front_sheet_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("pledges:board_report_detail", args=[report.pk])
    assert "can only be changed before the pack is made" in response.content.decode()
    report.refresh_from_db()
    assert report.key_points == "Old point"


def test_the_front_sheet_of_someone_elses_pack_is_denied(client, board_member, other_board_member):
    report = make_report(other_board_member, key_points="Old point")
    url = reverse("pledges:board_report_front_sheet", args=[report.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.force_login(board_member)
    assert client.get(url).status_code == 404
    assert client.post(url, front_sheet_data()).status_code == 404
    client.force_login(UserFactory(email="staff.frontsheet@nhs.net"))
    assert client.get(url).status_code == 403
    assert client.post(url, front_sheet_data()).status_code == 403
    report.refresh_from_db()
    assert report.key_points == "Old point"


def test_a_new_version_starts_from_the_packs_options_and_front_sheet(
    client, board_member, other_board_member
):
    mine = done_report(
        board_member,
        meeting_date=dt.date(2027, 6, 11),
        sections=["front_sheet", "culture"],
        agenda_item="9.1",
        key_points="Culture scores are up",
    )
    client.force_login(board_member)
    detail = client.get(reverse("pledges:board_report_detail", args=[mine.pk])).content.decode()
    new_url = f"{reverse('pledges:board_report_new')}?from={mine.pk}"
    assert new_url in detail
    page = client.get(new_url).content.decode()
    assert 'value="2027-06-11"' in page and 'value="9.1"' in page and "Culture scores are up" in page
    assert "The earlier pack stays in the archive" in page
    checked = re.findall(r'<input[^>]*name="sections"[^>]*value="(\w+)"[^>]*checked', page)
    assert checked == ["front_sheet", "culture"]

    theirs = done_report(other_board_member, agenda_item="4.4", key_points="Their private point")
    page = client.get(f"{reverse('pledges:board_report_new')}?from={theirs.pk}").content.decode()
    assert "Their private point" not in page and 'value="4.4"' not in page
    assert "The earlier pack stays in the archive" not in page


def test_a_change_of_status_is_announced_once_not_every_poll(client, board_member):
    client.force_login(board_member)
    detail = client.get(reverse("pledges:board_report_detail", args=[make_report(board_member).pk]))
    assert 'id="report-announce"' in detail.content.decode() and 'role="status"' in detail.content.decode()

    running = make_report(board_member, status="running", progress=40)
    url = reverse("pledges:board_report_status", args=[running.pk])
    panel = client.get(url, {"shown": "running"}).content.decode()
    assert "hx-swap-oob" not in panel  # same status as shown: nothing to announce
    assert f"{url}?shown=running" in panel  # the next poll says what it has shown
    panel = client.get(url, {"shown": "queued"}).content.decode()
    assert 'hx-swap-oob="innerHTML:#report-announce">The pack is being generated.</div>' in panel

    done = done_report(board_member)
    panel = client.get(
        reverse("pledges:board_report_status", args=[done.pk]), {"shown": "running"}
    ).content.decode()
    assert "The board pack is ready to download: 2 pages." in panel

    failed = make_report(board_member, status="failed", error="The database was unavailable.")
    panel = client.get(
        reverse("pledges:board_report_status", args=[failed.pk]), {"shown": "running"}
    ).content.decode()
    assert "The pack could not be made. The database was unavailable." in panel
