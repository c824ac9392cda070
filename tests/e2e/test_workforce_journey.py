"""A board member finds the metric that is a concern, opens its chart and exports its breakdown."""

import csv
import io
from pathlib import Path

from workforce import demo

BOARD_EMAIL = "board@example.org"


def test_board_member_finds_the_concern_opens_its_chart_and_exports_the_breakdown(journey, settings):
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = False
    demo.seed()
    page = journey.page

    journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(BOARD_EMAIL)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Bea").wait_for()
    journey.check_accessibility()

    page.get_by_role("link", name="Workforce dashboard").click()
    page.get_by_role("heading", name="Workforce dashboard", level=1).wait_for()
    journey.check_accessibility()
    assert page.get_by_text("Synthetic demo data").first.is_visible()

    # The concern is flagged in words and by its icon's alt text in the summary table.
    concern_row = page.locator("tr[data-variation='concern']")
    assert concern_row.count() == 1
    assert concern_row.get_by_role("img", name="Special cause concern (high)").is_visible()
    concern_row.get_by_role("link", name="Sickness absence rate").click()
    page.get_by_role("heading", name="Sickness absence rate", level=1).wait_for()
    journey.check_accessibility()

    chart = page.locator("figure.app-figure img")
    alt = chart.get_attribute("alt")
    assert alt.startswith("Sickness absence rate (LLR system) shows special cause concern")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_text("The chart's figures as a table").click()
    assert page.get_by_role("table", name="Sickness absence rate, LLR system, by month").is_visible()
    journey.check_accessibility()

    # Sort the breakdown by the latest figure, highest first.
    page.get_by_role("link", name="Latest").click()
    page.wait_for_url("**sort=value**")
    journey.check_accessibility()
    page.get_by_role("link", name="Latest").click()
    page.wait_for_url("**sort=-value**")
    journey.check_accessibility()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the breakdown as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "sickness-absence-by-organisation.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Organisation"
    organisations = {row[0] for row in rows[1:]}
    assert "University Hospitals of Leicester NHS Trust" in organisations
    assert "Independent adult social care providers (LLR)" in organisations
    assert all(row[-1] == "Synthetic demo data" for row in rows[1:])
