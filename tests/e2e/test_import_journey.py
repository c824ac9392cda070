"""An academy admin imports a file with errors (sees each one, nothing changes), then a good file (sees the
preview, confirms, sees the figures change); a board member reads the culture and inclusion dashboard."""

from datetime import date, timedelta

import pytest

from tests.factories import UserFactory
from workforce.demo import seed_culture, seed_reference_data
from workforce.models import MetricDefinition, Observation, Organisation, WorkforceImport
from workforce.roles import Role

HEADER = "organisation_code,metric_code,month,staff_group_code,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


def dashboard_latest(page, code: str) -> str:
    return page.locator(f"tr[data-metric='{code}'] td").nth(1).inner_text()


def test_admin_imports_a_bad_file_then_a_good_one(journey, tmp_path):
    seed_reference_data()
    # The metric definitions come from a migration; headcount is a total, sickness absence a rate.
    headcount = MetricDefinition.objects.get(code="headcount")
    sickness = MetricDefinition.objects.get(code="sickness-absence")
    uhl = Organisation.objects.get(code="uhl")
    today = date.today()
    latest = date(today.year, today.month, 1) - timedelta(days=1)
    month_start = latest.replace(day=1)
    month = f"{month_start:%Y-%m}"
    Observation.objects.create(metric=headcount, organisation=uhl, month=month_start, numerator=15000)
    UserFactory(email="importer@nhs.net", first_name="Ida", roles=[Role.ACADEMY_ADMIN])
    page = journey.page
    journey.sign_in("importer@nhs.net")

    journey.goto("/workforce/")
    assert dashboard_latest(page, "headcount") == "15,000"

    journey.goto("/")
    page.get_by_role("link", name="Import workforce figures").click()
    page.get_by_role("heading", name="Import workforce figures", level=1).wait_for()
    journey.check_accessibility()

    bad = tmp_path / "monthly-bad.csv"
    bad.write_text(
        HEADER
        + f"uhl,headcount,{month},,15500,\n"
        + f"uhl,sickness-absence,{month},,12%,1000\n"
        + f"nowhere,headcount,{month},,10,\n"
        + f"uhl,headcount,{month},,15600,\n",
        encoding="utf-8",
    )
    page.get_by_label("Upload a file of monthly figures").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="The file was rejected: nothing has been imported").wait_for()
    journey.check_accessibility()
    errors = page.locator("table.nhsuk-table tbody tr").all_inner_texts()
    assert len(errors) == 3
    assert errors[0].split("\t")[:2] == ["3", "numerator"] and "without commas" in errors[0]
    assert (
        errors[1].split("\t")[:2] == ["4", "organisation_code"] and "Unknown organisation code" in errors[1]
    )
    assert errors[2].split("\t")[:2] == ["5", "(whole row)"] and "Duplicate of row 2" in errors[2]
    assert Observation.objects.get(metric=headcount, organisation=uhl).numerator == 15000

    page.get_by_role("link", name="Upload a corrected file").click()
    journey.check_accessibility()
    good = tmp_path / "monthly.csv"
    good.write_text(
        "\ufeff" + HEADER + f"uhl,headcount,{month},,15500,\n" + f"uhl,sickness-absence,{month},,52.5,1050\n",
        encoding="utf-8",
    )
    page.get_by_label("Upload a file of monthly figures").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="What will change").wait_for()
    journey.check_accessibility()
    preview = {
        line.split("\t")[0]: line.split("\t")[1:]
        for line in page.locator("#import-preview tbody tr").all_inner_texts()
    }
    month_label = f"{month_start:%B %Y}"
    assert preview[headcount.name] == [month_label, "0", "1", "0", "15,000", "15,500"]
    assert preview[sickness.name] == [month_label, "1", "0", "0", "No figure", "5%"]
    assert Observation.objects.get(metric=headcount, organisation=uhl).numerator == 15000

    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_role("heading", name="What changed").wait_for()
    journey.check_accessibility()
    assert "Importing monthly.csv." in page.locator(".nhsuk-notification-banner").inner_text()
    assert page.locator("#import-status").inner_text() == "Imported"
    assert Observation.objects.get(metric=headcount, organisation=uhl).numerator == 15500

    page.get_by_role("link", name="See the figures on the workforce dashboard").click()
    page.get_by_role("heading", name="Workforce dashboard", level=1).wait_for()
    journey.check_accessibility()
    assert dashboard_latest(page, "headcount") == "15,500"
    assert dashboard_latest(page, "sickness-absence") == "5.0%"

    journey.goto("/workforce/import/")
    history = page.locator("table.nhsuk-table").last.inner_text()
    assert "monthly.csv" in history and "monthly-bad.csv" in history
    assert WorkforceImport.objects.filter(status=WorkforceImport.Status.DONE).count() == 1


def test_board_member_reads_the_culture_dashboard(journey):
    seed_reference_data()
    seed_culture()
    UserFactory(email="board.reader@nhs.net", first_name="Bo", roles=[Role.BOARD_MEMBER])
    page = journey.page
    journey.sign_in("board.reader@nhs.net")
    page.get_by_role("link", name="Culture and inclusion").click()
    page.get_by_role("heading", name="Culture and inclusion", level=1).wait_for()
    journey.check_accessibility()
    assert "Synthetic demo data" in page.content()
    page.get_by_label("Organisation", exact=True).select_option(label="Leicestershire Partnership NHS Trust")
    page.get_by_role("button", name="Show").click()
    page.get_by_role(
        "heading", name=f"Leicestershire Partnership NHS Trust, {date.today().year - 1}"
    ).wait_for()
    journey.check_accessibility()
    assert page.locator("#wres tbody tr").count() == 9
    assert page.locator("#wdes tbody tr").count() == 10
    assert page.locator("#survey tbody tr").count() == 9


def test_progress_is_shown_while_a_worker_checks_the_file(journey, tmp_path, monkeypatch):
    """Without a worker the check waits; the page polls (htmx) and reloads by itself once it is done."""
    from workforce import services, tasks

    queued = []
    monkeypatch.setattr(tasks.workforce_import_check_task, "delay", lambda pk: queued.append(pk))
    seed_reference_data()
    UserFactory(email="importer@nhs.net", first_name="Ida", roles=[Role.ACADEMY_ADMIN])
    page = journey.page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    journey.sign_in("importer@nhs.net")
    journey.goto("/workforce/import/")
    month = f"{date.today().replace(day=1) - timedelta(days=1):%Y-%m}"
    good = tmp_path / "slow.csv"
    good.write_text(HEADER + f"uhl,headcount,{month},,15500,\n", encoding="utf-8")
    page.get_by_label("Upload a file of monthly figures").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_text("0 of about 1 rows done").wait_for()
    journey.check_accessibility()
    assert page.locator("#import-status").inner_text() == "Checking the file"

    services.workforce_import_check(workforce_import=WorkforceImport.objects.get(pk=queued[0]))
    page.get_by_role("heading", name="What will change").wait_for(timeout=10_000)
    journey.check_accessibility()
    assert console_errors == []  # htmx runs under the strict CSP without complaint
