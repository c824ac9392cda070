"""A board member requests the board pack, watches it being made by a real Celery worker (Redis, not eager
mode) and downloads it; the PDF is read back and checked against the dashboards' selectors."""

import datetime as dt
import re

import pytest
import redis

from llr_academy.celery import app
from pledges.models import BoardReport
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.pledges.pdfcheck import elements_of, pdf_text, reader_for
from tests.pledges.report_factories import seed_metrics, seed_pledges
from tests.pledges.worker import WorkerProcess, use_real_broker
from workforce import charts
from workforce import selectors as workforce_selectors
from workforce.roles import Role


@pytest.fixture
def celery_worker_process(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    previous = use_real_broker()
    worker = WorkerProcess(tmp_path / "worker.log").start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = previous
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def last_full_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_board_member_requests_watches_and_downloads_the_pack(journey, celery_worker_process):
    end = last_full_month(dt.date.today())
    definitions = seed_metrics(end=end, months=30)
    seed_pledges()
    UserFactory(email="bea.board@nhs.net", first_name="Bea", roles=[Role.BOARD_MEMBER])
    page = journey.page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    journey.goto("/accounts/login/")
    page.get_by_label("Email").fill("bea.board@nhs.net")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Bea").wait_for()
    journey.check_accessibility()

    page.get_by_role("link", name="Board reports").first.click()
    page.get_by_role("heading", name="Board reports", exact=True).wait_for()
    journey.check_accessibility()
    page.get_by_role("link", name="Request a board pack").click()
    page.get_by_role("heading", name="Request a board pack").wait_for()
    journey.check_accessibility()

    page.get_by_label("Date of the board meeting").fill("2027-03-12")
    start = (end - dt.timedelta(days=29 * 30)).replace(day=1)
    page.get_by_label("First month covered").fill(f"{start:%Y-%m}")
    page.get_by_label("Last month covered").fill(f"{end:%Y-%m}")
    page.get_by_label("Executive sponsor").fill("Chief People Officer")
    page.get_by_label("Summary of key points").fill("Turnover is falling\nVacancies are down")
    page.get_by_role("button", name="Request the pack").click()

    # The progress page, updated by htmx polling while the worker renders.
    page.get_by_role("heading", name=re.compile("Board pack for 12 March 2027")).wait_for()
    journey.check_accessibility()
    report = BoardReport.objects.get()
    progress_url = page.url
    seen = set()
    deadline = dt.datetime.now() + dt.timedelta(seconds=120)
    while dt.datetime.now() < deadline:
        text = page.locator("#report-status").inner_text()
        seen.add(text.split("\n")[0])
        if "Ready" in text or "could not be made" in text:
            break
        page.wait_for_timeout(200)
    assert "Ready" in page.locator("#report-status").inner_text(), celery_worker_process.log()[-3000:]
    assert seen & {"Waiting to start", "Being generated"}, seen  # progress was shown before it was ready
    assert page.url == progress_url  # htmx polling updated the panel in place, no reload
    assert console_errors == []  # htmx runs under the strict CSP without a violation
    # Screen readers were told once that it is ready (the status region, filled out of band by the poll).
    assert "The board pack is ready to download" in page.locator("#report-announce").text_content()
    journey.check_accessibility()

    link = page.get_by_role("link", name=re.compile("Download the board pack"))
    response = page.request.get(journey.base_url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    data = response.body()

    reader = reader_for(data)
    report.refresh_from_db()
    assert report.status == "done" and report.requested_by.email == "bea.board@nhs.net"
    assert len(reader.pages) == report.page_count >= 20
    assert f"{report.page_count} pages" in page.locator("#report-status").inner_text()
    text = pdf_text(reader)
    for heading in (
        "Contents",
        "Pledge progress",
        "Workforce metrics",
        "Culture and inclusion",
        "Programme reach",
        "Data appendix",
        "Chief People Officer",
        "Turnover is falling",
    ):
        assert heading in text, heading
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    summaries = workforce_selectors.metric_summaries(start=report.period_start, end=report.period_end)
    figures = elements_of(reader, "/Figure")
    assert len(figures) == 2 * len(definitions) + sum(1 for s in summaries if s.assurance)
    assert all(str(f.get("/Alt", "")) for f in figures)

    # A new version starts from this pack's options and front sheet.
    page.get_by_role("link", name="Request a new version of this pack").click()
    page.get_by_role("heading", name="Request a board pack").wait_for()
    journey.check_accessibility()
    assert (
        page.get_by_label("Summary of key points").input_value() == "Turnover is falling\nVacancies are down"
    )
    assert page.get_by_label("Date of the board meeting").input_value() == "2027-03-12"

    # Figures equal to the dashboard's: what the workforce dashboard shows for each metric (latest value,
    # change on a year before) is in the pack's summary for that metric, and each chart's conclusion and
    # monthly values come from the same selector.
    flat = re.sub(r"\s+", " ", text.replace("-\n", "-"))  # a line broken after a hyphen
    journey.goto("/workforce/")
    dashboard_rows = page.locator("table").first.locator("tbody tr")
    assert dashboard_rows.count() == len(definitions)
    for i in range(dashboard_rows.count()):
        cells = dashboard_rows.nth(i).locator("th, td").all_inner_texts()
        name, latest, change_year = cells[0].strip(), cells[2].strip(), cells[4].strip()
        section = flat[flat.index(f"Summary of {name}") :]
        assert f" {latest} {change_year} " in section[:400], (name, latest, change_year, section[:400])
    for summary in summaries:
        chart = charts.series_chart(summary.series)
        assert re.sub(r"\s+", " ", chart.conclusion) in flat
        for row in chart.rows:
            assert f"{row.month:%b %Y} {row.value} " in flat and row.limits_text in flat


def test_admin_sets_the_schedule_and_mends_the_front_sheet_of_a_failed_pack(journey):
    """The pages around a pack that the request journey does not reach: the schedule, a failed pack with its
    readable reason and "Try again", and the front sheet changed before trying again. axe on each."""
    from tests.pledges.report_factories import make_report

    admin = UserFactory(email="ada.admin@nhs.net", first_name="Ada", roles=[Role.ACADEMY_ADMIN])
    page = journey.page
    journey.sign_in(admin.email)

    journey.goto("/board/reports/schedule/")
    page.get_by_label("Generate packs on this schedule").check()
    page.get_by_label("Working days before each meeting").fill("10")
    page.get_by_label("Add board meeting dates").fill("2099-03-12\nnot a date")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.locator(".nhsuk-error-summary").wait_for()
    journey.check_accessibility()  # the error summary and the field's message
    assert "not a date" in page.locator(".nhsuk-error-summary").inner_text()
    page.get_by_label("Add board meeting dates").fill("2099-03-12")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_text("The board pack schedule has been saved.").wait_for()
    journey.check_accessibility()
    assert "12 March 2099" in page.content()

    report = make_report(admin, sponsor="Chief People Officer")
    BoardReport.objects.filter(pk=report.pk).update(
        status=BoardReport.Status.FAILED, error="The workforce figures could not be read."
    )
    journey.goto(f"/board/reports/{report.pk}/")
    assert "The workforce figures could not be read." in page.locator("#report-status").inner_text()
    page.get_by_role("link", name=re.compile("front sheet", re.I)).first.click()
    page.get_by_label("Executive sponsor").wait_for()
    journey.check_accessibility()
    page.get_by_label("Executive sponsor").fill("Director of People")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_text("The front sheet has been saved.").wait_for()
    journey.check_accessibility()
    assert BoardReport.objects.get(pk=report.pk).sponsor == "Director of People"

    page.get_by_role("button", name="Try again").click()
    page.get_by_text("The pack is being generated again.").wait_for()
    journey.check_accessibility()
    report.refresh_from_db()
    assert report.status in (BoardReport.Status.QUEUED, BoardReport.Status.RUNNING, BoardReport.Status.DONE)
    assert BoardReport.objects.count() == 1  # the same row, tried again
