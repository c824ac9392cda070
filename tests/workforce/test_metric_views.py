"""Workforce dashboard, metric page and breakdown export: who may see them and what they show."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from workforce.models import Sector
from workforce.roles import Role

from ..factories import OrganisationFactory, UserFactory
from .metric_factories import add_series, month

pytestmark = pytest.mark.django_db

PAGES = [
    ("workforce:dashboard", {}),
    ("workforce:metric", {"code": "sickness-absence"}),
    ("workforce:metric_export", {"code": "sickness-absence", "fmt": "csv"}),
    ("workforce:metric_export", {"code": "sickness-absence", "fmt": "xlsx"}),
]


@pytest.fixture
def figures():
    nhs = OrganisationFactory(code="uhl", short_name="UHL", name="University Hospitals", sector=Sector.NHS)
    care = OrganisationFactory(
        code="care", short_name="Care", name='=HYPERLINK("x")', sector=Sector.ADULT_SOCIAL_CARE
    )
    steady = [(40, 1000), (42, 1000)] * 7
    add_series("sickness-absence", nhs, steady + [(50, 1000), (52, 1000), (54, 1000), (56, 1000)] * 2)
    add_series("sickness-absence", care, [(35, 1000)] * 22)
    add_series("headcount", nhs, [1000 + i for i in range(22)])
    add_series("headcount", care, [5] * 22)
    return {"nhs": nhs, "care": care}


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD])
def test_staff_and_programme_leads_are_forbidden(client, name, kwargs, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ACADEMY_ADMIN])
def test_board_members_and_admins_see_every_metric(client, figures, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("workforce:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Workforce dashboard" in page
    for name in ("Staff in post (headcount)", "Vacancy rate", "Staff turnover (12 months)", "Bank spend"):
        assert name in page
    assert "NHS and adult social care side by side" in page
    # The rising sickness absence is listed as a concern, with its icon's meaning as alt text.
    assert 'data-metric="sickness-absence" data-variation="concern"' in page
    assert 'alt="Special cause concern (high)"' in page
    assert "Synthetic demo data" not in page  # these figures are not synthetic


def test_nav_and_home_card_only_for_those_who_may_see_the_dashboard(client, figures):
    client.force_login(UserFactory())
    assert reverse("workforce:dashboard") not in client.get("/").content.decode()
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    home = client.get("/").content.decode()
    assert f'href="{reverse("workforce:dashboard")}"' in home
    assert "Workforce dashboard" in home


def test_synthetic_figures_are_labelled(client):
    add_series("headcount", OrganisationFactory(), [100] * 3, synthetic=True)
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    for url in (reverse("workforce:dashboard"), reverse("workforce:metric", kwargs={"code": "headcount"})):
        assert "Synthetic demo data" in client.get(url).content.decode()
    export = client.get(reverse("workforce:metric_export", kwargs={"code": "headcount", "fmt": "csv"}))
    assert "Synthetic demo data" in export.content.decode("utf-8-sig")


def test_dashboard_filters_by_sector(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    page = client.get(reverse("workforce:dashboard"), {"sector": "asc"}).content.decode()
    assert 'data-metric="sickness-absence" data-variation="common_cause"' in page
    assert "3.5%" in page


def test_dashboard_reports_a_bad_period(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    page = client.get(reverse("workforce:dashboard"), {"start": "2022-01", "end": "2021-01"}).content.decode()
    assert "There is a problem" in page
    assert "The end month must be the same as or after the start month" in page
    page = client.get(reverse("workforce:dashboard"), {"start": "last year"}).content.decode()
    assert "Enter a month as a year and month, for example 2024-04" in page


def test_metric_page_shows_chart_table_breakdown_and_definition(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    response = client.get(reverse("workforce:metric", kwargs={"code": "sickness-absence"}))
    page = response.content.decode()
    assert '<img src="data:image/svg+xml;base64,' in page
    chart = response.context["chart"]
    assert f'alt="{chart.alt}"' in page.replace("&#x27;", "'")
    assert chart.alt.startswith("Sickness absence rate (LLR system) shows special cause concern")
    assert "The chart&#x27;s figures as a table" in page or "The chart's figures as a table" in page
    assert len(chart.rows) == 22
    assert "Full-time-equivalent days lost to sickness" in page  # the definition
    assert "UHL" in page and "Care" in page  # the breakdown
    assert "Download the breakdown as CSV" in page


def test_breakdown_is_sortable(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    url = reverse("workforce:metric", kwargs={"code": "sickness-absence"})
    ascending = client.get(url, {"sort": "value"}).content.decode()
    descending = client.get(url, {"sort": "-value"}).content.decode()
    assert ascending.index(">Care<") < ascending.index(">UHL<")
    assert descending.index(">UHL<") < descending.index(">Care<")


def test_unknown_metric_and_format_are_404(client):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    assert client.get(reverse("workforce:metric", kwargs={"code": "nope"})).status_code == 404
    url = reverse("workforce:metric_export", kwargs={"code": "headcount", "fmt": "pdf"})
    assert client.get(url).status_code == 404


def test_csv_export_is_suppressed_and_formula_safe(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    response = client.get(reverse("workforce:metric_export", kwargs={"code": "headcount", "fmt": "csv"}))
    assert response["Content-Disposition"] == 'attachment; filename="headcount-by-organisation.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Organisation", "Sector", "Month", "Staff in post (headcount) (Count of people)"]
    by_org = {row[0]: row for row in rows[1:]}
    assert by_org['\'=HYPERLINK("x")'][3] == "*"  # 5 people: suppressed; and the name is not a formula
    assert by_org["University Hospitals"][3] == "1020"  # 1021 rounded to the nearest 5


def test_xlsx_export_matches(client, figures):
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    url = reverse("workforce:metric_export", kwargs={"code": "sickness-absence", "fmt": "xlsx"})
    response = client.get(url, {"sector": "nhs"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Organisation"
    assert [row[0] for row in values[1:]] == ["University Hospitals"]
    assert values[1][3] == pytest.approx(5.6)


def test_breakdown_is_paginated_and_keeps_the_scope(client):
    for i in range(55):
        org = OrganisationFactory(short_name=f"Org {i:02d}", sector=Sector.NHS)
        add_series("headcount", org, [100 + i] * 2)
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    url = reverse("workforce:metric", kwargs={"code": "headcount"})
    first = client.get(url, {"sector": "nhs", "sort": "organisation"}).content.decode()
    assert ">Org 49<" in first and ">Org 50<" not in first
    second = client.get(url, {"sector": "nhs", "sort": "organisation", "page": 2}).content.decode()
    assert ">Org 50<" in second and ">Org 54<" in second and ">Org 00<" not in second
    # Export links carry the filters but not the page or the sort.
    export = reverse("workforce:metric_export", kwargs={"code": "headcount", "fmt": "csv"})
    assert f'href="{export}?sector=nhs"' in second


def test_dashboard_for_one_staff_group_uses_the_groups_rows(client, figures):
    from ..factories import StaffGroupFactory

    nursing = StaffGroupFactory(code="nursing", name="Nursing and midwifery")
    add_series("headcount", figures["nhs"], [400] * 22, staff_group=nursing)
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    response = client.get(reverse("workforce:dashboard"), {"staff_group": nursing.pk})
    row = next(r for r in response.context["dashboard"].rows if r.metric.code == "headcount")
    assert row.system.latest_value == 400
    assert row.system.series.scope == "LLR system, Nursing and midwifery"


def test_admin_lists_metric_definitions_and_observations(client, figures):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/django-admin/workforce/metricdefinition/").content.decode()
    assert "Sickness absence rate" in page
    assert client.get("/django-admin/workforce/observation/").status_code == 200
    definition_id = figures["nhs"].observations.first().metric_id
    change = client.get(f"/django-admin/workforce/metricdefinition/{definition_id}/change/")
    assert change.status_code == 200
    assert "SPC recalculation points" in change.content.decode()  # the inline, named as the board says it


@pytest.mark.parametrize(
    "bad", [{"sector": "nhs", "start": "last year"}, {"sector": "nhs", "start": "2022-01", "end": "2021-01"}]
)
def test_an_invalid_filter_is_never_exported_unfiltered(client, figures, bad):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    for fmt in ("csv", "xlsx"):
        url = reverse("workforce:metric_export", kwargs={"code": "sickness-absence", "fmt": fmt})
        response = client.get(url, bad)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "There is a problem" in page
    # The page itself shows the whole system with the errors; its download links carry no filter, so they
    # export what the page shows.
    page = client.get(reverse("workforce:metric", kwargs={"code": "sickness-absence"}), bad).content.decode()
    assert "There is a problem" in page
    export = reverse("workforce:metric_export", kwargs={"code": "sickness-absence", "fmt": "csv"})
    assert f'href="{export}"' in page
    assert client.get(export, {"sector": "nhs"}).status_code == 200


def test_dashboard_says_when_there_are_no_figures(client, figures):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    page = client.get(reverse("workforce:dashboard")).content.decode()
    assert 'id="no-figures"' not in page and 'data-metric="headcount"' in page
    # A selection with no figures says so instead of a table of dashes, and offers to clear the filters.
    page = client.get(reverse("workforce:dashboard"), {"sector": "la"}).content.decode()
    assert "There are no workforce figures for this selection." in page
    assert 'data-metric="headcount"' not in page
    assert f'<a href="{reverse("workforce:dashboard")}">clear the filters</a>' in page
    assert "Import workforce figures" not in page  # board members do not import


def test_an_empty_dashboard_points_admins_to_the_import(client):
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    page = client.get(reverse("workforce:dashboard")).content.decode()
    notice = page[page.index('id="no-figures"') :].split("</div>", 1)[0]
    assert "There are no workforce figures for the LLR system yet." in notice
    assert f'href="{reverse("workforce:import")}">Import workforce figures</a>' in notice


def test_one_organisation_with_few_people_is_suppressed_like_the_breakdown(client, figures):
    """The breakdown shows Care's 5 people as *; choosing Care alone must not show the 5 either."""
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    care = {"organisation": figures["care"].pk}
    response = client.get(reverse("workforce:dashboard"), care)
    headcount = next(r for r in response.context["dashboard"].rows if r.metric.code == "headcount")
    assert headcount.system.suppressed and headcount.system.latest_value == 5
    page = response.content.decode()
    row = page[page.index('data-metric="headcount"') :].split("</tr>", 1)[0]
    assert ">*<" in row and "Not shown: small numbers" in row and ">5<" not in row and "<img" not in row
    sickness = page[page.index('data-metric="sickness-absence"') :].split("</tr>", 1)[0]
    assert "3.5%" in sickness  # not a count of people: shown

    response = client.get(reverse("workforce:metric", kwargs={"code": "headcount"}), care)
    assert response.context["chart"] is None
    page = response.content.decode()
    assert "Not shown: small numbers" in page and "The chart is not shown" in page
    assert "data:image/svg+xml" not in page

    # A large organisation alone is shown rounded to the nearest 5 like the breakdown (1021 -> 1020), so
    # it cannot be taken from the exact LLR total (1026) to give Care's 5 away.
    response = client.get(reverse("workforce:metric", kwargs={"code": "headcount"}), {"sector": "nhs"})
    assert response.context["chart"] is not None and not response.context["summary"].suppressed
    assert response.context["summary"].latest_value == 1020
    assert "1,021" not in response.content.decode()
    system = client.get(reverse("workforce:dashboard")).context["dashboard"]
    headcount = next(r for r in system.rows if r.metric.code == "headcount")
    assert not headcount.system.suppressed and headcount.system.latest_value == 1026
    # ...but the adult social care column beside it (Care alone) is suppressed.
    assert [s.suppressed for s in headcount.by_sector] == [False, True]


def test_a_month_not_every_organisation_has_reported_is_held_back_with_a_note(client, figures):
    # UHL has imported February 2022; Care has not yet.
    add_series("headcount", figures["nhs"], [1022], start=month(22))
    note = "February 2022 is not shown: 1 of 2 organisations have reported so far."
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))

    response = client.get(reverse("workforce:dashboard"))
    page = response.content.decode()
    notice = page[page.index('id="incomplete-months"') :].split("</div>", 1)[0]
    assert note in notice
    assert (
        f'href="{reverse("workforce:metric", kwargs={"code": "headcount"})}">Staff in post (headcount)</a>'
        in (notice)
    )
    assert "Sickness absence rate" not in notice  # both organisations have reported its months
    row = page[page.index('data-metric="headcount"') :].split("</tr>", 1)[0]
    assert "Jan 2022" in row and "Feb 2022" not in row
    # Side by side, the NHS column (UHL alone, complete) is a month ahead of the system and says so.
    sectors = page[page.index("Latest figure and variation by sector") :]
    row = sectors[sectors.index("Staff in post (headcount)") :].split("</tr>", 1)[0]
    assert row.count("(Feb 2022)") == 1 and "(Jan 2022)" not in row

    response = client.get(reverse("workforce:metric", kwargs={"code": "headcount"}))
    page = response.content.decode()
    assert note in page[page.index('id="incomplete-months"') :].split("</div>", 1)[0]
    assert response.context["summary"].latest_month == month(21)
    assert len(response.context["chart"].rows) == 22
    # The breakdown by organisation is not held back: UHL's own latest month is February.
    months = {row["organisation"]: row["month"] for row in response.context["table"].data.data}
    assert months == {"UHL": "February 2022", "Care": "January 2022"}

    # Where everyone has reported there is no note.
    page = client.get(reverse("workforce:metric", kwargs={"code": "sickness-absence"})).content.decode()
    assert 'id="incomplete-months"' not in page
