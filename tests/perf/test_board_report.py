"""Board pack: query counts (asserted, every run) and generation time, split into the portal's work and
WeasyPrint's (bench)."""

import datetime as dt
import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import report_services as services
from pledges.models import BoardReport, Pledge
from tests.pledges.pdfcheck import elements_of, reader_for, text_of
from tests.pledges.report_factories import make_report, seed_metrics, seed_pledges
from workforce.models import MetricDefinition, Observation, User
from workforce.roles import Role

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]


def test_archive_and_status_queries_do_not_grow_with_the_number_of_packs(
    client, django_assert_max_num_queries, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    user = UserFactory(roles=[Role.ACADEMY_ADMIN])
    reports = [make_report(user, status="done", file_size=1000 + n) for n in range(30)]
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pledges:board_reports")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("pledges:board_report_status", args=[reports[0].pk])).status_code == 200


def test_building_the_pack_takes_the_same_queries_whatever_the_number_of_metrics(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    seed_pledges()
    report = make_report(UserFactory(roles=[Role.BOARD_MEMBER]), period_start=dt.date(2024, 9, 1))
    counts = []
    for codes in (["turnover-12m"], None):  # one metric with figures, then all thirteen
        seed_metrics(end=dt.date(2027, 2, 1), months=30, codes=codes)
        with CaptureQueriesContext(connection) as queries:
            services.board_report_html(report)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16, counts


def full_demo_data() -> str:
    """The demo data; where an app's demo has no workforce figures or pledges yet, synthetic ones."""
    call_command("seed_demo", force=True, verbosity=0)
    source = "demo"
    if not Observation.objects.exists():
        seed_metrics(end=(dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1), months=30)
        source = "demo + synthetic test metrics (workforce demo figures not landed yet)"
    if not Pledge.objects.exists():
        seed_pledges()
        source += " + synthetic pledges"
    return source


@pytest.mark.bench
def test_board_pack_generation_time_and_overhead(record_result, settings, tmp_path, monkeypatch):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    source = full_demo_data()
    user = User.objects.get(email="board@example.org")
    end = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start = (end - dt.timedelta(days=29 * 30)).replace(day=1)

    # The phases are timed inside each generation, so machine noise between runs cannot make the portal's
    # own share (queries, charts, templates, saving) look negative, as comparing separate runs could.
    phase: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phase[name] = phase.get(name, 0.0) + time.perf_counter() - began

        return wrapper

    monkeypatch.setattr(services, "board_report_html", timed("build", services.board_report_html))
    monkeypatch.setattr(services, "render_pdf_document", timed("render", services.render_pdf_document))

    def generate() -> BoardReport:
        report = make_report(user, meeting_date=dt.date.today(), period_start=start, period_end=end)
        phase.clear()
        began = time.perf_counter()
        done = services.board_report_generate(report_id=report.pk)
        total = time.perf_counter() - began
        assert done is not None and done.status == BoardReport.Status.DONE
        runs.append({"total": total, "build": phase["build"], "render": phase["render"]})
        pages.append(done.page_count)
        last["report"] = done
        return done

    runs, pages, last = [], [], {}
    generate()  # warm-up: first-use font loading is not part of what a worker pays per pack
    runs.clear()
    for _ in range(4):
        generate()
    assert min(pages) >= 20
    # Every metric charted: one chart (a figure whose text alternative names the metric) per metric.
    with last["report"].file.open("rb") as handle:
        alts = [text_of(f) for f in elements_of(reader_for(handle.read()), "/Figure")]
    names = list(MetricDefinition.objects.values_list("name", flat=True))
    charted = [name for name in names if any(alt.startswith(f"{name} (LLR system) ") for alt in alts)]
    assert charted == names, sorted(set(names) - set(charted))

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    # The portal's share: everything in a generation that is not WeasyPrint laying out the pack.
    overheads = [(run["total"] - run["render"]) / run["render"] for run in runs]
    record_result(
        "board_pack_generation",
        data=source,
        pages=pages[0],
        metrics=MetricDefinition.objects.count(),
        charts=len(charted),
        total_median_s=round(median("total"), 3),
        weasyprint_median_s=round(median("render"), 3),
        build_html_median_s=round(median("build"), 3),
        overhead_percent=round(statistics.median(overheads) * 100, 1),
        runs=len(runs),
    )
