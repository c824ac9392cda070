"""The import and culture pages through the Django client, including every denial."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from workforce.demo import seed_culture, seed_reference_data
from workforce.models import MetricDefinition, Observation, WorkforceImport
from workforce.roles import Role

from ..factories import OrganisationFactory, UserFactory
from .import_factories import InclusionResultFactory, MetricDefinitionFactory, StaffSurveyScoreFactory

pytestmark = pytest.mark.django_db

HEADER = "organisation_code,metric_code,month,staff_group_code,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path


def import_urls(pk=1):
    return [
        ("get", reverse("workforce:import")),
        ("get", reverse("workforce:import_template", kwargs={"fmt": "csv"})),
        ("get", reverse("workforce:import_template", kwargs={"fmt": "xlsx"})),
        ("get", reverse("workforce:import_detail", kwargs={"pk": pk})),
        ("get", reverse("workforce:import_status", kwargs={"pk": pk})),
        ("post", reverse("workforce:import_confirm", kwargs={"pk": pk})),
        ("post", reverse("workforce:import_cancel", kwargs={"pk": pk})),
    ]


@pytest.fixture
def ready_import(academy_admin, tmp_path):
    from django.core.files.base import ContentFile

    workforce_import = WorkforceImport(
        file_name="f.csv", file_format="csv", uploaded_by=academy_admin, status=WorkforceImport.Status.READY
    )
    workforce_import.file.save("f.csv", ContentFile(HEADER.encode()), save=False)
    workforce_import.save()
    return workforce_import


@pytest.mark.parametrize("index", range(7))
def test_anonymous_users_are_sent_to_sign_in_from_import_pages(client, ready_import, index):
    method, url = import_urls(ready_import.pk)[index]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_import_pages_are_forbidden_without_the_import_permission(client, ready_import, index, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    method, url = import_urls(ready_import.pk)[index]
    response = getattr(client, method)(url)
    assert response.status_code == 403
    ready_import.refresh_from_db()
    assert ready_import.status == WorkforceImport.Status.READY  # a refused POST changes nothing


def test_culture_dashboard_denials(client, staff_user, programme_lead):
    url = reverse("workforce:culture")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('account_login')}?next={url}"
    for user in (staff_user, programme_lead):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_an_import_that_does_not_exist_is_404(client, academy_admin):
    client.force_login(academy_admin)
    assert client.get(reverse("workforce:import_detail", kwargs={"pk": 999})).status_code == 404
    assert client.post(reverse("workforce:import_confirm", kwargs={"pk": 999})).status_code == 404
    assert client.get(reverse("workforce:import_template", kwargs={"fmt": "pdf"})).status_code == 404


def test_confirm_and_cancel_accept_post_only(client, academy_admin, ready_import):
    client.force_login(academy_admin)
    assert client.get(reverse("workforce:import_confirm", kwargs={"pk": ready_import.pk})).status_code == 405


def test_import_page_documents_the_template_and_codes(client, academy_admin):
    seed_reference_data()
    MetricDefinitionFactory(code="t-headcount", name="Headcount (people)")
    client.force_login(academy_admin)
    page = client.get(reverse("workforce:import")).content.decode()
    for text in (
        *HEADER.strip().split(","),
        "Headcount (people)",
        "University Hospitals of Leicester",
        "nursing",
    ):
        assert text in page
    assert "No files have been imported yet." in page
    assert "Staff in post 12 months ago (people) (at least the numerator)" in page  # stability index
    assert "Average staff in post over the 12 months (people)<" in page  # turnover may pass 100%
    csv_response = client.get(reverse("workforce:import_template", kwargs={"fmt": "csv"}))
    assert csv_response["Content-Disposition"] == 'attachment; filename="workforce-figures-template.csv"'
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER.strip()
    organisation_code, metric_code = lines[1].split(",")[:2]
    assert organisation_code == "emas"  # the first active organisation by name
    assert MetricDefinition.objects.get(code=metric_code).aggregation == "sum"  # a real total metric
    xlsx = client.get(reverse("workforce:import_template", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True))) == HEADER.strip().split(",")


def test_the_template_imports_cleanly(client, academy_admin, django_capture_on_commit_callbacks):
    seed_reference_data()
    MetricDefinitionFactory(code="t-headcount")
    client.force_login(academy_admin)
    template = client.get(reverse("workforce:import_template", kwargs={"fmt": "csv"})).content
    # The example rate row needs a rate metric; without one the template falls back to a made-up code.
    first_two_lines = b"\n".join(template.split(b"\r\n")[:2]) + b"\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workforce:import"), {"file": SimpleUploadedFile("template.csv", first_two_lines)}
        )
    workforce_import = WorkforceImport.objects.get()
    assert response["Location"] == workforce_import.get_absolute_url()
    assert workforce_import.status == WorkforceImport.Status.READY, workforce_import.errors


def test_admin_uploads_sees_errors_then_previews_confirms_and_sees_history(
    client, academy_admin, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(code="uhl")
    metric = MetricDefinitionFactory(code="t-headcount", name="Headcount")
    client.force_login(academy_admin)

    bad = SimpleUploadedFile("bad.csv", (HEADER + "uhl,t-headcount,2025-13,,ten,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:import"), {"file": bad})
    page = client.get(response["Location"]).content.decode()
    assert "The file was rejected: nothing has been imported" in page
    assert "Enter the month as YYYY-MM, like 2026-04 (found &#x27;2025-13&#x27;)" in page
    assert "Enter the numerator as a number" in page
    assert Observation.objects.count() == 0

    good = SimpleUploadedFile("good.csv", (HEADER + "uhl,t-headcount,2025-04,,15000,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:import"), {"file": good})
    page = client.get(response["Location"]).content.decode()
    assert "What will change" in page and "Confirm and import" in page
    # A figure the LLR did not have before says so in words.
    preview = page[page.index('id="import-preview"') :]
    assert ">No figure<" in preview and ">15,000<" in preview and ">None<" not in preview
    assert Observation.objects.count() == 0
    workforce_import = WorkforceImport.objects.get(file_name="good.csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workforce:import_confirm", kwargs={"pk": workforce_import.pk}))
    page = client.get(response["Location"]).content.decode()
    assert "Importing good.csv." in page and "What changed" in page
    assert Observation.objects.get(organisation=org, metric=metric).numerator == 15000

    history = client.get(reverse("workforce:import")).content.decode()
    assert "good.csv" in history and "bad.csv" in history
    assert "Rejected: the file has errors" in history and "Imported" in history


def test_a_file_rejected_as_a_whole_is_shown_on_the_form(client, academy_admin):
    client.force_login(academy_admin)
    response = client.post(reverse("workforce:import"), {"file": SimpleUploadedFile("x.txt", b"hello")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "you chose a .txt file" in page
    assert WorkforceImport.objects.count() == 0


def test_progress_fragment_polls_while_working_and_reloads_when_done(client, academy_admin, ready_import):
    client.force_login(academy_admin)
    url = reverse("workforce:import_status", kwargs={"pk": ready_import.pk})
    WorkforceImport.objects.filter(pk=ready_import.pk).update(
        status=WorkforceImport.Status.VALIDATING, row_count=100, rows_processed=40
    )
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert "40 of about 100 rows done" in response.content.decode()
    # Replaced every second, so it must not be a live region (a screen reader would read it every second).
    assert "aria-live" not in response.content.decode()
    detail = client.get(reverse("workforce:import_detail", kwargs={"pk": ready_import.pk})).content.decode()
    assert "vendor/htmx/htmx.min.js" in detail
    WorkforceImport.objects.filter(pk=ready_import.pk).update(status=WorkforceImport.Status.READY)
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_cancel_a_checked_import(client, academy_admin, ready_import):
    client.force_login(academy_admin)
    response = client.post(reverse("workforce:import_cancel", kwargs={"pk": ready_import.pk}), follow=True)
    assert "was cancelled; nothing changed" in response.content.decode()
    ready_import.refresh_from_db()
    assert ready_import.status == WorkforceImport.Status.CANCELLED
    response = client.post(reverse("workforce:import_confirm", kwargs={"pk": ready_import.pk}), follow=True)
    assert "cannot be confirmed: it is &#x27;Cancelled&#x27;" in response.content.decode()


def test_navigation_and_home_cards_follow_the_permissions(client, staff_user, board_member, academy_admin):
    for user, culture, imports in (
        (staff_user, False, False),
        (board_member, True, False),
        (academy_admin, True, True),
    ):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert ('href="/culture/"' in page) is culture
        assert ('href="/workforce/import/"' in page) is imports


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ACADEMY_ADMIN])
def test_culture_dashboard_shows_demo_figures_labelled_synthetic(client, role):
    seed_reference_data()
    seed_culture()
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("workforce:culture"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic demo data" in page
    assert "WRES 9" in page and "WDES 10" in page and "We are a team" in page and "Morale" in page
    assert "outside NHS England's non-adverse range" in page


def test_culture_dashboard_filters_flags_and_suppresses(client, board_member):
    uhl = OrganisationFactory(code="uhl", name="UHL trust", short_name="UHL")
    lpt = OrganisationFactory(code="lpt", name="LPT trust", short_name="LPT")
    InclusionResultFactory(organisation=uhl, year=2024, indicator="wres-2", value="1.40")
    InclusionResultFactory(organisation=uhl, year=2025, indicator="wres-2", value="1.30")
    InclusionResultFactory(organisation=uhl, year=2025, indicator="wres-3", value="2.50", group_count=5)
    InclusionResultFactory(organisation=lpt, year=2025, indicator="wres-2", value="1.10")
    StaffSurveyScoreFactory(organisation=uhl, year=2025, score="6.80", respondents=1234)
    StaffSurveyScoreFactory(organisation=uhl, year=2024, score="6.50", respondents=1200)
    client.force_login(board_member)

    page = client.get(reverse("workforce:culture"), {"organisation": uhl.pk, "year": 2025}).content.decode()
    assert "UHL trust, 2025" in page
    assert "1 gap flagged" in page  # wres-2 at 1.30; wres-3 is suppressed so not flagged
    assert "Fairer than last year" in page
    assert "Not shown: small numbers" in page
    assert "2.50" not in page  # built from a count of 5
    assert "1234" not in page and ">1235<" in page  # respondents rounded to the nearest 5
    assert "+0.30" in page
    # The trend table has both years; 1.40 was flagged too; the suppressed figure shows as "*".
    history = page[page.index('id="history"') :]
    assert ">2024<" in history and ">2025<" in history
    assert '1.40 <strong class="nhsuk-tag nhsuk-tag--orange">Flagged</strong>' in history
    assert "Synthetic demo data" not in page

    page = client.get(reverse("workforce:culture"), {"organisation": lpt.pk, "year": 2025}).content.decode()
    assert "LPT trust, 2025" in page and "0 gaps flagged" in page
    # A bad filter falls back to the defaults instead of failing.
    response = client.get(reverse("workforce:culture"), {"organisation": lpt.pk, "year": "abc"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a year from the list; showing the latest year instead" in page


def test_a_sub_page_marks_only_its_sections_navigation_item_current(client, academy_admin):
    client.force_login(academy_admin)
    page = client.get(reverse("workforce:import")).content.decode()
    assert page.count('aria-current="page"') == 1
    current = (
        page[: page.index('aria-current="page"')].rsplit("<a", 1)[1]
        + page[page.index('aria-current="page"') :]
    )
    # The import page has no header link of its own; it belongs to the Workforce section, not Home.
    assert 'href="/workforce/"' in current.split(">", 1)[0]


def test_a_failed_import_says_nothing_was_imported(client, academy_admin, ready_import):
    WorkforceImport.objects.filter(pk=ready_import.pk).update(
        status=WorkforceImport.Status.FAILED,
        errors=[{"row": None, "column": "", "message": "Nothing was imported: the database went away"}],
        error_count=1,
    )
    client.force_login(academy_admin)
    page = client.get(reverse("workforce:import_detail", kwargs={"pk": ready_import.pk})).content.decode()
    assert "Failed" in page
    assert "Nothing was imported: the database went away" in page
    assert "Whole file" in page
    assert "Confirm and import" not in page


def test_survey_scores_from_1_to_7_respondents_show_as_an_explained_star(client, board_member):
    uhl = OrganisationFactory(code="uhl", name="UHL trust", short_name="UHL")
    StaffSurveyScoreFactory(organisation=uhl, year=2025, theme="team", score="6.80", respondents=7)
    StaffSurveyScoreFactory(organisation=uhl, year=2024, theme="team", score="6.50", respondents=5)
    StaffSurveyScoreFactory(organisation=uhl, year=2025, theme="morale", score="5.90", respondents=8)
    client.force_login(board_member)

    page = client.get(reverse("workforce:culture"), {"organisation": uhl.pk, "year": 2025}).content.decode()
    star = (
        '<span title="Suppressed: small numbers">*</span>'
        '<span class="nhsuk-u-visually-hidden"> (not shown: small numbers)</span>'
    )
    survey = page[page.index('id="survey"') : page.index("</table>", page.index('id="survey"'))]
    team = survey[survey.index("We are a team") :].split("</tr>")[0]
    # This year's and last year's scores are both hidden, and so is the change between them.
    assert team.count(star) == 2 and "6.80" not in page and "6.50" not in page
    assert ">5.90<" in survey  # 8 respondents are enough
    matrix = page[page.index('id="survey-by-organisation"') :]
    assert star in matrix and "6.8" not in matrix and ">5.9<" in matrix


def test_the_culture_page_shows_applicants_appointed_and_hides_a_likelihood_built_from_few(
    client, board_member
):
    uhl = OrganisationFactory(code="uhl", name="UHL trust", short_name="UHL")
    InclusionResultFactory(
        organisation=uhl,
        year=2025,
        indicator="wres-2",
        value="1.60",
        group_numerator=40,
        comparison_numerator=3,
    )
    InclusionResultFactory(
        organisation=uhl, year=2025, indicator="wdes-2", standard="wdes", value="1.45",
        group_numerator=42, comparison_numerator=8,
    )  # fmt: skip
    client.force_login(board_member)

    page = client.get(reverse("workforce:culture"), {"organisation": uhl.pk, "year": 2025}).content.decode()
    wres = page[page.index('id="wres"') : page.index("</table>", page.index('id="wres"'))]
    assert (
        "1.60" not in page
        and "BME applicants appointed: *" in wres
        and "White applicants appointed: 40" in wres
    )
    wdes = page[page.index('id="wdes"') : page.index("</table>", page.index('id="wdes"'))]
    assert "1.45" in wdes and "Disabled applicants appointed: 10" in wdes
    assert "1 gap flagged" in page  # WDES 2 only
