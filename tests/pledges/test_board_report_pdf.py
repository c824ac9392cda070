"""The board pack PDF read back: accessible (tagged, language, alt text, header scopes), complete and with
the same figures as the dashboard selectors."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from pledges import report_services as services
from pledges.models import BoardReport, BoardReportSection
from tests.factories import UserFactory
from workforce import charts
from workforce import selectors as workforce_selectors
from workforce.roles import Role

from .pdfcheck import elements_of, pdf_text, reader_for, struct_elements
from .report_factories import make_report, seed_metrics, seed_pledges

pytestmark = pytest.mark.django_db
END = dt.date(2027, 2, 1)


@pytest.fixture
def board_member():
    return UserFactory(email="board.pdf@nhs.net", roles=[Role.BOARD_MEMBER])


def generate(report) -> tuple[BoardReport, bytes]:
    done = services.board_report_generate(report_id=report.pk)
    assert done is not None and done.status == BoardReport.Status.DONE
    with done.file.open("rb") as handle:
        return done, handle.read()


def test_full_pack_is_accessible_complete_and_matches_the_dashboard_figures(board_member):
    definitions = seed_metrics(end=END, months=30)
    seed_pledges()
    report = make_report(
        board_member,
        period_start=dt.date(2024, 9, 1),
        period_end=END,
        agenda_item="7.2",
        sponsor="Chief People Officer",
        key_points="Turnover is falling\nVacancies are down",
    )
    report, data = generate(report)
    reader = reader_for(data)
    text = pdf_text(reader)

    # Pages, and the page count stored on the row; every page A4 portrait (210 x 297 mm).
    assert len(reader.pages) == report.page_count >= 20
    for page in reader.pages:
        width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
        assert (round(width_mm), round(height_mm)) == (210, 297)
    assert report.file_size == len(data)

    # Accessible PDF: structure tree, language, title, PDF/UA identification.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("LLR People Plan: board report")
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()

    # Every figure has alternative text: a chart and a variation icon per metric, an assurance icon where
    # the metric has a target to assure against.
    summaries = workforce_selectors.metric_summaries(start=report.period_start, end=report.period_end)
    figures = elements_of(reader, "/Figure")
    assert len(figures) == 2 * len(definitions) + sum(1 for s in summaries if s.assurance)
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    alts = [str(f["/Alt"]) for f in figures]
    assert any(a.startswith("Staff turnover (12 months) (LLR system) shows ") for a in alts)
    assert any(a.startswith("Variation: ") for a in alts)

    # Table header cells are tagged, and every data cell points at its headers (from th scope).
    assert elements_of(reader, "/TH")
    cells = elements_of(reader, "/TD")
    assert cells and all(len(c["/A"]["/Headers"]) >= 1 for c in cells)

    # Headings in reading order: front sheet title, contents, then the sections in order.
    headings = [e for e in struct_elements(reader) if e["/S"] in ("/H1", "/H2")]
    assert [h["/S"] for h in headings][:2] == ["/H1", "/H2"]
    section_titles = [BoardReportSection(c).label for c in BoardReportSection.values[1:]]
    pages = [page.extract_text() for page in reader.pages]
    contents_page = next(i for i, page in enumerate(pages) if "\nContents\n" in f"\n{page}\n")
    assert all(title in pages[contents_page] for title in section_titles)
    # After the contents page, the sections' headings come in the order of the contents.
    body = "\n" + "\n".join(pages[contents_page + 1 :]) + "\n"
    positions = [body.find(f"\n{title}\n") for title in section_titles]
    assert -1 not in positions and positions == sorted(positions), positions

    # Front sheet, running header, page numbers.
    for expected in ("Agenda item", "7.2", "Chief People Officer", "Turnover is falling", "Recommendation"):
        assert expected in text
    assert "People and Culture Board · 12 March 2027" in reader.pages[5].extract_text()
    assert f"Page 6 of {len(reader.pages)}" in reader.pages[5].extract_text()

    # The same figures as the workforce dashboard's selectors and charts: each metric's conclusion, latest
    # value and mean, and in the appendix every month's value and each phase's mean and limits.
    flat = re.sub(r"\s+", " ", text.replace("-\n", "-"))  # a line broken after a hyphen
    for summary in summaries:
        chart = charts.series_chart(summary.series)
        assert re.sub(r"\s+", " ", chart.conclusion) in flat, chart.conclusion
        assert charts.format_value(summary.latest_value, summary.metric.unit) in flat, summary.metric.name
        assert charts.format_value(summary.spc.mean, summary.metric.unit) in flat, summary.metric.name
        for row in chart.rows:
            assert f"{row.month:%b %Y} {row.value} {row.variation}" in flat
            assert row.limits_text in flat


class _ThScopes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.th = []
        self.img = []

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.th.append(dict(attrs).get("scope"))
        if tag == "img":
            self.img.append(dict(attrs).get("alt"))


def test_every_header_cell_has_a_scope_and_every_image_an_alt(board_member):
    seed_metrics(end=END, months=14, codes=["turnover-12m", "sickness-absence"])
    seed_pledges(3)
    html = services.board_report_html(make_report(board_member, period_start=dt.date(2026, 1, 1)))
    parser = _ThScopes()
    parser.feed(html)
    assert parser.th and all(scope in {"row", "col"} for scope in parser.th)
    assert parser.img and all(alt for alt in parser.img)
    assert '<html lang="en-GB">' in html


def test_sections_say_no_data_rather_than_invent_figures(board_member):
    report, data = generate(make_report(board_member))
    text = re.sub(r"\s+", " ", pdf_text(reader_for(data)))
    assert "No pledges have been entered in the portal yet" in text
    assert "No figures have been imported for Staff turnover (12 months) in this period" in text
    assert "No culture and inclusion figures" in text
    assert "reach of the programmes is not reported" in text
    assert "There are no workforce figures in this period" in text
    assert elements_of(reader_for(data), "/Figure") == []


def test_only_the_chosen_sections_are_in_the_pack(board_member):
    seed_pledges(2)
    report, data = generate(make_report(board_member, sections=["pledge_progress"]))
    text = pdf_text(reader_for(data))
    assert "Pledge progress" in text and "Pledge 2 title" in text
    assert "Workforce metrics" not in text and "Front sheet" not in text
    assert "Contents" in text


def _reach_page_rows(page: str) -> list[str]:
    """The reach page's table rows as "label enrolled completed rate" lines, the total row included."""
    rows = []
    for row in re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', page, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        rows.append(" ".join(cells))
    return rows


def test_programme_reach_in_the_pack_equals_the_reach_page(
    client, board_member, programme_lead, settings, tmp_path
):
    from django.urls import reverse
    from django.utils import timezone

    from pledges.report_sections import REACH_DIMENSIONS
    from programmes.selectors import REACH_DIMENSIONS as LABELS
    from tests.factories import OrganisationFactory
    from tests.programmes.learning_helpers import ABSENT, PRESENT, mark, past_cohort, place
    from workforce.models import EqualityMonitoring

    settings.MEDIA_ROOT = str(tmp_path / "media")
    organisation = OrganisationFactory(short_name="UHL", name="University Hospitals of Leicester")
    cohort = past_cohort(sessions=2, lead=programme_lead)
    for i in range(12):
        person = UserFactory(organisation=organisation)
        EqualityMonitoring.objects.create(person=person, ethnicity="asian" if i < 9 else "")
        mark(
            cohort,
            place(cohort, person=person),
            [PRESENT, PRESENT] if i < 9 else [ABSENT, ABSENT],
            programme_lead,
        )
    old = past_cohort(sessions=1, lead=programme_lead, days_ago=800)  # before the pack's period
    for _ in range(8):
        place(old)

    today = timezone.localdate()
    period_start = (today.replace(day=1) - dt.timedelta(days=300)).replace(day=1)
    report, data = generate(
        make_report(board_member, sections=["programme_reach"], period_start=period_start, period_end=today)
    )
    flat = re.sub(r"\s+", " ", pdf_text(reader_for(data)))
    last_day = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    assert f"starting {period_start:%-d %B %Y} to {last_day:%-d %B %Y}" in flat

    client.force_login(board_member)
    for dimension in REACH_DIMENSIONS:
        page = client.get(
            reverse("programmes:reach"),
            {
                "dimension": dimension,
                "starts_from": period_start.isoformat(),
                "starts_to": last_day.isoformat(),
            },
        ).content.decode()
        rows = _reach_page_rows(page)
        assert rows and rows[-1].startswith("All "), dimension
        caption = f"Enrolments and completions by {LABELS[dimension].lower()}"
        section = flat[flat.index(caption) :]
        for row in rows:
            assert f" {row} " in section[: 120 + 60 * len(rows)], (dimension, row)
    # 12 people in the period (rounded to 10), 9 of them completed (rounded to 10; the rate from the shown
    # counts, as 75% would pin 9 of 12); the 8 places on the cohort that started before the period are not
    # counted.
    assert "All 10 10 100%" in flat
    assert "Asian or Asian British 10 10 100%" in flat


def _table_rows(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, flags=re.S)[0]
    body = re.search(r"<tbody.*?</tbody>", table, flags=re.S)[0]
    return [
        " ".join(
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        )
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


def test_culture_and_inclusion_in_the_pack_equal_the_culture_dashboard(client, board_member):
    from django.urls import reverse

    from workforce.demo import seed_culture, seed_reference_data

    seed_reference_data()
    seed_culture()
    report, data = generate(make_report(board_member, sections=["culture"]))
    flat = re.sub(r"\s+", " ", pdf_text(reader_for(data)))

    client.force_login(board_member)
    page = client.get(reverse("workforce:culture")).content.decode()
    gaps = _table_rows(page, "gaps-by-organisation")
    scores = _table_rows(page, "survey-by-organisation")
    assert gaps and scores
    for row in gaps + scores:
        assert f" {row} " in flat, row
    # Each organisation's indicator rows, as the dashboard selector gives them (demo WRES 2 is big enough).
    from workforce.models import Organisation

    year = workforce_selectors.culture_years()[0]
    uhl = Organisation.objects.get(code="uhl")
    wres2 = workforce_selectors.culture_dashboard(organisation=uhl, year=year).wres[1]
    assert wres2.indicator.code == "wres-2" and not wres2.suppressed
    table = flat[flat.index(f"{uhl.short_name}: WRES indicators and WDES metrics, {year}") :]
    assert f"{wres2.value:.2f} 1.00 (parity) {wres2.previous_value:.2f}" in table[:1500], table[:1500]


def _culture_section(html: str) -> str:
    start = html.index('id="section-culture"')
    return html[start : html.index("</section>", start)]


def test_the_packs_culture_section_has_each_organisations_indicators_for_the_year_of_its_period(
    board_member,
):
    from tests.factories import OrganisationFactory
    from tests.workforce.import_factories import InclusionResultFactory, StaffSurveyScoreFactory

    uhl = OrganisationFactory(code="uhl", name="UHL trust", short_name="UHL")
    lpt = OrganisationFactory(code="lpt", name="LPT trust", short_name="LPT")
    InclusionResultFactory(organisation=uhl, year=2024, indicator="wres-2", value="1.412")
    InclusionResultFactory(organisation=uhl, year=2025, indicator="wres-2", value="1.337")
    InclusionResultFactory(
        organisation=uhl, year=2025, indicator="wres-6", value="31.4", comparison_value="22.9"
    )
    InclusionResultFactory(
        organisation=lpt,
        year=2025,
        indicator="wdes-2",
        standard="wdes",
        value="1.777",
        comparison_numerator=5,
    )
    InclusionResultFactory(organisation=uhl, year=2026, indicator="wres-2", value="0.555")  # after the period
    StaffSurveyScoreFactory(organisation=uhl, year=2025, theme="team", score="6.84", respondents=6)
    StaffSurveyScoreFactory(organisation=lpt, year=2025, theme="team", score="7.12", respondents=400)
    report = make_report(board_member, period_start=dt.date(2025, 4, 1), period_end=dt.date(2025, 12, 1))
    report.sections = ["culture"]
    section = re.sub(r"\s+", " ", _culture_section(services.board_report_html(report)))

    # The dashboard selector's own rows for 2025, the latest year up to the end of the period, not 2026.
    wres = {
        row.indicator.code: row
        for row in workforce_selectors.culture_dashboard(organisation=uhl, year=2025).wres
    }
    assert f"{wres['wres-2'].value:.2f}" == "1.34" and wres["wres-2"].flagged
    assert "Figures for 2025" in section and "0.56" not in section
    uhl_table = section[section.index("UHL: WRES indicators and WDES metrics, 2025") :].split("</table>")[0]
    assert re.search(
        r"WRES 2: Relative likelihood of White applicants[^<]*</th> ?<td class=\"num\">1.34</td> ?"
        r"<td class=\"num\">1.00 \(parity\)</td> ?<td class=\"num\">1.41</td> ?<td>Fairer</td> ?"
        r"<td><strong>Gap flagged</strong></td>",
        uhl_table,
    ), uhl_table
    assert '<td class="num">31.4%</td><td class="num">22.9%</td>' in uhl_table
    assert "WDES" not in uhl_table.split("</caption>")[1]  # indicators not reported are left out
    # Built from 5 disabled applicants appointed: shown as *, not flagged.
    lpt_table = section[section.index("LPT: WRES indicators and WDES metrics, 2025") :].split("</table>")[0]
    assert '<td class="num">*</td>' in lpt_table and "Not shown: small numbers" in lpt_table
    assert "1.78" not in section
    # The survey matrix: 6 respondents give *, 400 give the score.
    matrix = section[section.index("NHS Staff Survey 2025") :].split("</table>")[0]
    assert '<th scope="row">UHL</th>' in matrix and '<td class="num">*</td>' in matrix
    assert "6.8" not in matrix and '<td class="num">7.1</td>' in matrix
    parser = _ThScopes()
    parser.feed(section)
    assert parser.th and all(scope in {"row", "col"} for scope in parser.th)


def test_pledge_progress_in_the_pack_equals_the_board_overview(client, board_member):
    from django.urls import reverse

    from .factories import PledgeFactory, ProgressUpdateFactory, linked_metric

    rows = []
    for number, statuses in ((1, ["on_track", "at_risk"]), (2, ["off_track"]), (3, [])):
        pledge = PledgeFactory(number=number, title=f"Pledge number {number}")
        for i, status in enumerate(statuses):
            ProgressUpdateFactory(
                pledge=pledge,
                status=status,
                published_on=dt.date(2026, 9 + i, 7),
                narrative=f"Story {number}",
            )
        rows.append(pledge)
    linked_metric(rows[0], target=9.0)
    report, data = generate(make_report(board_member, sections=["pledge_progress"]))
    flat = re.sub(r"\s+", " ", pdf_text(reader_for(data)))

    client.force_login(board_member)
    page = client.get(reverse("pledges:board")).content.decode()
    body = re.search(r"<tbody.*?</tbody>", page, flags=re.S)[0]
    overview_rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    assert len(overview_rows) == 3
    starts = [flat.index(f"{pledge.number}. {pledge.title}") for pledge in rows]
    segments = [flat[start:end] for start, end in zip(starts, [*starts[1:], starts[-1] + 300], strict=True)]
    for row, segment in zip(overview_rows, segments, strict=True):
        row = re.sub(r"<svg.*?</svg>", "", row, flags=re.S)  # the sparkline; its words are the trend's
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        # Pledge, latest status and its date, trend, key metric with its latest value and variation.
        assert len(cells) == 4 and all(cells), cells
        for cell in cells:
            assert cell in segment, (cell, segment)


def test_the_appendix_gives_each_phases_mean_and_limits_once_not_on_every_month(board_member):
    seed_metrics(end=END, months=14, codes=["turnover-12m"])
    report = make_report(
        board_member, period_start=dt.date(2026, 1, 1), sections=[BoardReportSection.DATA_APPENDIX]
    )
    html = services.board_report_html(report)
    appendix = html[html.index('class="appendix"') :]
    (summary,) = [s for s in workforce_selectors.metric_summaries() if s.metric.code == "turnover-12m"]
    rows = charts.series_chart(summary.series).rows
    phases = {row.limits_text for row in rows}
    assert len(rows) > len(phases)
    for text in phases:
        assert appendix.count(text) == 1
    for row in rows:
        assert f'<th scope="row">{row.month:%b %Y}</th><td class="num">{row.value}</td>' in appendix


def test_the_pack_says_which_months_are_held_back_for_organisations_yet_to_report(board_member):
    """The pack uses the dashboard's selector, so it leaves out the same months and says so."""
    from django.template.loader import render_to_string

    from pledges import report_sections
    from workforce.models import MetricDefinition, Observation, Organisation

    seed_metrics(end=END, months=14, codes=["headcount"])
    # UHL and LPT have imported March 2027, inside the pack's period; EMAS has not yet.
    headcount = MetricDefinition.objects.get(code="headcount")
    march = dt.date(2027, 3, 1)
    for org in Organisation.objects.filter(code__in=["uhl", "lpt"]):
        Observation.objects.create(metric=headcount, organisation=org, month=march, numerator=1300)
    report = make_report(board_member, period_end=march, sections=[BoardReportSection.WORKFORCE_METRICS])
    (built,) = report_sections.build_sections(report)
    panel = next(p for p in built.context["panels"] if p.summary.metric.code == "headcount")
    assert panel.summary.latest_month == END
    html = render_to_string(built.section.template, {"built": built, "ctx": built.context})
    assert "March 2027 is not shown: 2 of 3 organisations have reported so far." in html
