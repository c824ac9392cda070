"""Importing 100,000 rows: timings recorded (bench marker), query counts asserted in the normal run."""

import os
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrganisationFactory, StaffGroupFactory, UserFactory
from tests.workforce.import_factories import MetricDefinitionFactory, RatioMetricFactory
from workforce import services
from workforce.models import Observation, WorkforceImport
from workforce.roles import Role

HEADER = "organisation_code,metric_code,month,staff_group_code,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path


def months_back(count: int) -> list[str]:
    today = date.today()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year}-{month:02d}")
    return out


def make_file(rows: int, *, bump: int = 0) -> bytes:
    """`rows` rows over 10 organisations x 10 metrics (half rates) x 11 staff-group codes x months."""
    orgs = [f"org-b{i}" for i in range(10)]
    metrics = [f"metric-b{i}" for i in range(10)]
    groups = [""] + [f"group-b{i}" for i in range(10)]
    lines = [HEADER]
    count = 0
    for month in months_back(rows // 1100 + 1):
        for org in orgs:
            for index, metric in enumerate(metrics):
                for group in groups:
                    if count == rows:
                        return "".join(lines).encode()
                    numerator = 100 + (count % 50) + bump
                    denominator = "1000" if index % 2 else ""
                    lines.append(f"{org},{metric},{month},{group},{numerator},{denominator}\n")
                    count += 1
    return "".join(lines).encode()


@pytest.fixture
def bench_world(db):
    for i in range(10):
        OrganisationFactory(code=f"org-b{i}", name=f"Bench organisation {i}", short_name=f"B{i}")
        StaffGroupFactory(code=f"group-b{i}", name=f"Bench group {i}")
        factory = RatioMetricFactory if i % 2 else MetricDefinitionFactory
        factory(code=f"metric-b{i}", name=f"Bench metric {i}")
    return UserFactory(email="bench.admin@nhs.net", roles=[Role.ACADEMY_ADMIN])


def run_import(admin, content: bytes, capture) -> tuple[WorkforceImport, float, float]:
    start = time.perf_counter()
    with capture(execute=True):
        workforce_import = services.workforce_import_create(
            uploaded_file=SimpleUploadedFile("bench.csv", content), uploaded_by=admin
        )
    checked = time.perf_counter()
    workforce_import.refresh_from_db()
    assert workforce_import.status == WorkforceImport.Status.READY, workforce_import.errors[:3]
    with capture(execute=True):
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=admin)
    applied = time.perf_counter()
    workforce_import.refresh_from_db()
    assert workforce_import.status == WorkforceImport.Status.DONE
    return workforce_import, checked - start, applied - checked


@pytest.mark.bench
def test_import_of_100000_rows(bench_world, django_capture_on_commit_callbacks, record_result):
    content = make_file(100_000)
    first, check_s, apply_s = run_import(bench_world, content, django_capture_on_commit_callbacks)
    assert first.created_count == 100_000 and Observation.objects.count() == 100_000
    _, recheck_s, reapply_s = run_import(bench_world, content, django_capture_on_commit_callbacks)
    replaced, replace_check_s, replace_apply_s = run_import(
        bench_world, make_file(100_000, bump=1), django_capture_on_commit_callbacks
    )
    assert replaced.replaced_count == 100_000 and Observation.objects.count() == 100_000
    record_result(
        "workforce_import_100k_rows",
        rows=100_000,
        file_megabytes=round(len(content) / 1024 / 1024, 2),
        new_check_seconds=round(check_s, 2),
        new_apply_seconds=round(apply_s, 2),
        unchanged_check_seconds=round(recheck_s, 2),
        unchanged_apply_seconds=round(reapply_s, 2),
        replace_check_seconds=round(replace_check_s, 2),
        replace_apply_seconds=round(replace_apply_s, 2),
        # The machine is shared; the load average says how busy it was while this ran.
        load_average_1min=round(os.getloadavg()[0], 2),
    )


@pytest.mark.bench
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_import_of_100000_rows_through_a_real_worker(bench_world, record_result, tmp_path):
    """As in production: the upload and the confirmation only queue tasks; a Celery worker (Redis, not
    in-process) checks and writes the file while this test polls the progress the import page shows."""
    import redis
    from django.conf import settings

    from llr_academy.celery import app
    from tests.pledges.worker import WorkerProcess, use_real_broker

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    previous = use_real_broker()
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:

        def follow(workforce_import, busy: str) -> tuple[float, list[int]]:
            """Seconds until the import leaves `busy`, and each different progress figure seen meanwhile."""
            start, seen = time.perf_counter(), []
            while time.perf_counter() - start < 300:
                workforce_import.refresh_from_db()
                done = services.workforce_import_progress(workforce_import)
                if not seen or seen[-1] != done:
                    seen.append(done)
                if workforce_import.status != busy:
                    return time.perf_counter() - start, seen
                time.sleep(0.05)
            raise AssertionError(f"still {busy} after 300 s\n{worker.log()[-3000:]}")

        upload_start = time.perf_counter()
        workforce_import = services.workforce_import_create(
            uploaded_file=SimpleUploadedFile("bench.csv", make_file(100_000)), uploaded_by=bench_world
        )
        upload_s = time.perf_counter() - upload_start
        check_s, check_progress = follow(workforce_import, WorkforceImport.Status.VALIDATING)
        assert workforce_import.status == WorkforceImport.Status.READY, workforce_import.errors[:3]
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=bench_world)
        apply_s, apply_progress = follow(workforce_import, WorkforceImport.Status.IMPORTING)
        assert workforce_import.status == WorkforceImport.Status.DONE
        assert Observation.objects.count() == 100_000
        # The bar only ever moves forward, through to the end.
        for seen in (check_progress, apply_progress):
            assert seen == sorted(seen) and seen[-1] == 100_000, seen
    finally:
        worker.stop()
        app.conf.task_always_eager = previous
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
    record_result(
        "workforce_import_100k_rows_real_worker",
        rows=100_000,
        upload_seconds=round(upload_s, 2),
        check_seconds=round(check_s, 2),
        apply_seconds=round(apply_s, 2),
        # What a person watching the page would have seen move (rows done, as polled every 50 ms).
        check_progress_seen=check_progress,
        apply_progress_seen=apply_progress,
        load_average_1min=round(os.getloadavg()[0], 2),
    )


def queries_for_import(admin, rows: int, capture) -> tuple[int, int]:
    content = make_file(rows)
    with CaptureQueriesContext(connection) as check_queries, capture(execute=True):
        workforce_import = services.workforce_import_create(
            uploaded_file=SimpleUploadedFile("q.csv", content), uploaded_by=admin
        )
    with CaptureQueriesContext(connection) as apply_queries, capture(execute=True):
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=admin)
    return len(check_queries), len(apply_queries)


def test_import_queries_grow_with_batches_not_rows(
    bench_world, django_capture_on_commit_callbacks, monkeypatch
):
    """Checking and applying take a fixed number of queries plus one per batch of rows (never per row)."""
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 1_000)
    small_check, small_apply = queries_for_import(bench_world, 100, django_capture_on_commit_callbacks)
    Observation.objects.all().delete()
    large_check, large_apply = queries_for_import(bench_world, 3_000, django_capture_on_commit_callbacks)
    assert large_check == small_check
    # Rows go in by COPY (one per batch), which the query log does not list: the count is the same.
    assert large_apply == small_apply


@pytest.mark.django_db
def test_culture_dashboard_queries_do_not_grow_with_organisations(client, django_assert_num_queries):
    from workforce.demo import seed_culture, seed_reference_data

    seed_reference_data()
    seed_culture()
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    url = reverse("workforce:culture")
    client.get(url)
    with CaptureQueriesContext(connection) as four_organisations:
        assert client.get(url).status_code == 200
    for i in range(6):
        org = OrganisationFactory(code=f"extra-{i}")
        from workforce.models import InclusionResult

        InclusionResult.objects.create(
            indicator="wres-2", standard="wres", organisation=org, year=date.today().year - 1, value=1
        )
    with django_assert_num_queries(len(four_organisations)):
        assert client.get(url).status_code == 200
