"""An academy admin imports a file with errors (sees each one, nothing changes), then a good file (sees the
preview, confirms, sees the figures change); a board member reads the culture and inclusion dashboard."""

from datetime import date

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.workforce.import_factories import MetricDefinitionFactory, RatioMetricFactory
from workforce.demo import seed_culture, seed_reference_data
from workforce.models import Observation, Organisation, WorkforceImport
from workforce.roles import Role

HEADER = "organisation_code,metric_code,month,staff_group_code,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(journey, email):
    page = journey.page
    journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome").wait_for()
    journey.check_accessibility()


def test_admin_imports_a_bad_file_then_a_good_one(journey, tmp_path):
    seed_reference_data()
    headcount = MetricDefinitionFactory(code="t-headcount", name="Headcount")
    RatioMetricFactory(code="t-turnover", name="Turnover")
    uhl = Organisation.objects.get(code="uhl")
    april = date(date.today().year - 1, 4, 1)
    month = f"{april:%Y-%m}"
    Observation.objects.create(metric=headcount, organisation=uhl, month=april, numerator=15000)
    UserFactory(email="importer@nhs.net", first_name="Ida", roles=[Role.ACADEMY_ADMIN])
    page = journey.page
    sign_in(journey, "importer@nhs.net")

    page.get_by_role("link", name="Import workforce figures").first.click()
    page.get_by_role("heading", name="Import workforce figures", level=1).wait_for()
    journey.check_accessibility()

    bad = tmp_path / "april-bad.csv"
    bad.write_text(
        HEADER
        + f"uhl,t-headcount,{month},,15500,\n"
        + f"uhl,t-turnover,{month},,12%,1000\n"
        + f"nowhere,t-headcount,{month},,10,\n"
        + f"uhl,t-headcount,{month},,15600,\n",
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
    good = tmp_path / "april.csv"
    good.write_text(
        "\ufeff" + HEADER + f"uhl,t-headcount,{month},,15500,\n" + f"uhl,t-turnover,{month},,120,1000\n",
        encoding="utf-8",
    )
    page.get_by_label("Upload a file of monthly figures").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="What will change").wait_for()
    journey.check_accessibility()
    preview = page.locator("#import-preview tbody tr").all_inner_texts()
    assert preview[0].split("\t") == ["Headcount", f"{april:%B %Y}", "0", "1", "0", "15,000", "15,500"]
    assert preview[1].split("\t") == ["Turnover", f"{april:%B %Y}", "1", "0", "0", "None", "12%"]
    assert Observation.objects.get(metric=headcount, organisation=uhl).numerator == 15000

    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_role("heading", name="What changed").wait_for()
    journey.check_accessibility()
    assert "Importing april.csv." in page.locator(".nhsuk-notification-banner").inner_text()
    assert page.locator("#import-status").inner_text() == "Imported"
    assert Observation.objects.get(metric=headcount, organisation=uhl).numerator == 15500

    page.get_by_role("link", name="Import another file").click()
    journey.check_accessibility()
    history = page.locator("table.nhsuk-table").last.inner_text()
    assert "april.csv" in history and "april-bad.csv" in history
    assert WorkforceImport.objects.filter(status=WorkforceImport.Status.DONE).count() == 1


def test_board_member_reads_the_culture_dashboard(journey):
    seed_reference_data()
    seed_culture()
    UserFactory(email="board.reader@nhs.net", first_name="Bo", roles=[Role.BOARD_MEMBER])
    page = journey.page
    sign_in(journey, "board.reader@nhs.net")
    page.get_by_role("link", name="Culture and inclusion").first.click()
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
