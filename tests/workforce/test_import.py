"""The import services on PostgreSQL: good files, every kind of bad file, idempotence and atomicity."""

import io
import logging
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from openpyxl import Workbook

from workforce import services
from workforce.models import Observation, WorkforceImport

from ..factories import OrganisationFactory, StaffGroupFactory, UserFactory
from .import_factories import MetricDefinitionFactory, RatioMetricFactory

pytestmark = pytest.mark.django_db

HEADER = "organisation_code,metric_code,month,staff_group_code,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def world(db):
    return {
        "uhl": OrganisationFactory(code="uhl", name="UHL trust", short_name="UHL"),
        "lpt": OrganisationFactory(code="lpt", name="LPT trust", short_name="LPT"),
        "headcount": MetricDefinitionFactory(code="t-headcount", name="Headcount"),
        "vacancies": MetricDefinitionFactory(
            code="t-vacancies", name="Vacancies", unit="wte", numerator_may_be_negative=True
        ),
        "turnover": RatioMetricFactory(code="t-turnover", name="Turnover"),
        "stability": RatioMetricFactory(
            code="t-stability", name="Stability", numerator_at_most_denominator=True
        ),
        "nursing": StaffGroupFactory(code="nursing", name="Nursing"),
        "admin": UserFactory(email="importer@nhs.net"),
    }


def csv_file(body: str, *, name="figures.csv", header=HEADER, encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + body).encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, name="figures.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(world, uploaded, django_capture_on_commit_callbacks) -> WorkforceImport:
    with django_capture_on_commit_callbacks(execute=True):
        workforce_import = services.workforce_import_create(
            uploaded_file=uploaded, uploaded_by=world["admin"]
        )
    workforce_import.refresh_from_db()
    return workforce_import


def confirm(world, workforce_import, django_capture_on_commit_callbacks) -> WorkforceImport:
    with django_capture_on_commit_callbacks(execute=True):
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=world["admin"])
    workforce_import.refresh_from_db()
    return workforce_import


GOOD = (
    "uhl,t-headcount,2025-04,,15000,\n"
    "lpt,t-headcount,2025-04,,6000,\n"
    "uhl,t-headcount,2025-04,nursing,5000,\n"
    "uhl,t-turnover,2025-04,,120,1000\n"
    "lpt,t-turnover,2025-04,,60,1000\n"
    "uhl,t-vacancies,2025-04,,-12.5,\n"
)


def test_a_good_file_is_previewed_then_imported_and_recorded(world, django_capture_on_commit_callbacks):
    workforce_import = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    assert workforce_import.status == WorkforceImport.Status.READY, workforce_import.errors
    assert Observation.objects.count() == 0  # nothing changes before confirm
    assert (workforce_import.row_count, workforce_import.created_count) == (6, 6)
    preview = {(p["metric"], p["month"]): p for p in workforce_import.preview}
    assert preview[("t-headcount", "2025-04")]["new"] == 3
    # The LLR turnover is recomputed from summed counts: (120 + 60) / (1000 + 1000) x 100 = 9%.
    assert preview[("t-turnover", "2025-04")]["after"] == 9.0
    assert preview[("t-turnover", "2025-04")]["before"] is None
    # Staff-group rows are a breakdown, not added to the organisation totals.
    assert preview[("t-headcount", "2025-04")]["after"] == 21000.0

    workforce_import = confirm(world, workforce_import, django_capture_on_commit_callbacks)
    assert workforce_import.status == WorkforceImport.Status.DONE
    assert workforce_import.confirmed_by == world["admin"] and workforce_import.finished_at
    assert workforce_import.file_name == "figures.csv" and workforce_import.uploaded_by == world["admin"]
    assert Observation.objects.count() == 6
    turnover = Observation.objects.get(metric=world["turnover"], organisation=world["uhl"])
    assert (turnover.month, turnover.numerator, turnover.denominator) == (date(2025, 4, 1), 120, 1000)
    assert Observation.objects.get(metric=world["vacancies"]).numerator == Decimal("-12.5")


def test_reimporting_the_same_file_changes_nothing_and_a_new_figure_replaces_the_old(
    world, django_capture_on_commit_callbacks
):
    first = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    confirm(world, first, django_capture_on_commit_callbacks)
    pks = set(Observation.objects.values_list("pk", flat=True))

    again = confirm(
        world,
        upload(world, csv_file(GOOD), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    assert (again.created_count, again.replaced_count, again.unchanged_count) == (0, 0, 6)
    assert set(Observation.objects.values_list("pk", flat=True)) == pks

    revised = upload(
        world, csv_file("uhl,t-turnover,2025-04,,140,1000\n"), django_capture_on_commit_callbacks
    )
    line = revised.preview[0]
    assert (line["new"], line["replaced"], line["unchanged"]) == (0, 1, 0)
    assert (line["before"], line["after"]) == (9.0, 10.0)
    confirm(world, revised, django_capture_on_commit_callbacks)
    assert Observation.objects.count() == 6
    assert Observation.objects.get(metric=world["turnover"], organisation=world["uhl"]).numerator == 140


def test_xlsx_and_utf8_with_bom_are_read(world, django_capture_on_commit_callbacks):
    rows = [
        ["Organisation code", "Metric code", "Month", "Staff group code", "Numerator", "Denominator"],
        ["uhl", "t-headcount", "2025-05", None, 15100, None],
        ["lpt", "t-turnover", date(2025, 5, 1), None, 61.5, 1000],
    ]
    from_xlsx = upload(world, xlsx_file(rows), django_capture_on_commit_callbacks)
    assert from_xlsx.status == WorkforceImport.Status.READY, from_xlsx.errors
    assert from_xlsx.created_count == 2

    bom = SimpleUploadedFile("bom.csv", b"\xef\xbb\xbf" + (HEADER + "uhl,t-headcount,2025-06,,1,\n").encode())
    assert upload(world, bom, django_capture_on_commit_callbacks).status == WorkforceImport.Status.READY


# --- Bad input: each rejected with its own message, nothing imported ---------------------------------------


def rejected_at_upload(world, uploaded):
    with pytest.raises(ValidationError) as error:
        services.workforce_import_create(uploaded_file=uploaded, uploaded_by=world["admin"])
    assert WorkforceImport.objects.count() == 0
    return " ".join(error.value.messages)


def test_wrong_type_by_extension(world):
    message = rejected_at_upload(world, SimpleUploadedFile("figures.txt", b"a,b\n1,2\n"))
    assert "must be a CSV (.csv) or an Excel workbook (.xlsx); you chose a .txt file" in message
    assert "Save it as an Excel workbook (.xlsx)" in rejected_at_upload(
        world, SimpleUploadedFile("f.xls", b"x")
    )


def test_wrong_type_by_content(world):
    pdf = SimpleUploadedFile("figures.csv", b"%PDF-1.7 binary")
    assert "ends in .csv but it is a PDF, not text" in rejected_at_upload(world, pdf)
    fake_xlsx = SimpleUploadedFile("figures.xlsx", HEADER.encode())
    assert "ends in .xlsx but is not an Excel workbook" in rejected_at_upload(world, fake_xlsx)
    binary = SimpleUploadedFile("figures.csv", b"abc\x00\x01\x02")
    assert "its contents are not text" in rejected_at_upload(world, binary)


def test_a_zip_that_is_not_a_workbook(world, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("figures.txt", "not a workbook")
    fake = SimpleUploadedFile("figures.xlsx", buffer.getvalue())
    problems = messages_of(rejected_after_check(world, fake, django_capture_on_commit_callbacks))
    assert problems == [
        (
            None,
            "",
            "The file ends in .xlsx but cannot be opened as an Excel workbook. Open it in Excel, save it as "
            "'Excel Workbook (.xlsx)' and upload it again.",
        )
    ]


def test_oversized(world, settings):
    settings.WORKFORCE_IMPORT_MAX_BYTES = 1024 * 1024
    big = csv_file("uhl,t-headcount,2025-04,,1,\n" * 50_000)
    assert "the most we accept is 1 MB" in rejected_at_upload(world, big)


def test_too_many_rows(world, settings, django_capture_on_commit_callbacks):
    settings.WORKFORCE_IMPORT_MAX_ROWS = 3
    body = "".join(f"uhl,t-headcount,2025-0{m},,1,\n" for m in range(1, 5))
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [(None, "", "The file has more than 3 rows of figures; split it into smaller files.")]
    assert upload(world, csv_file(body[: body.rindex("uhl")]), django_capture_on_commit_callbacks).status == (
        WorkforceImport.Status.READY
    )


def test_empty_file(world):
    assert "The file is empty" in rejected_at_upload(world, SimpleUploadedFile("figures.csv", b""))


def rejected_after_check(world, uploaded, capture) -> WorkforceImport:
    workforce_import = upload(world, uploaded, capture)
    assert workforce_import.status == WorkforceImport.Status.INVALID
    assert workforce_import.preview == []
    with pytest.raises(ValidationError, match="cannot be confirmed"):
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=world["admin"])
    assert Observation.objects.count() == 0
    return workforce_import


def messages_of(workforce_import):
    return [(e["row"], e["column"], e["message"]) for e in workforce_import.errors]


def test_header_only_and_blank_files_are_empty(world, django_capture_on_commit_callbacks):
    header_only = rejected_after_check(world, csv_file(""), django_capture_on_commit_callbacks)
    assert "has a header but no rows of figures" in messages_of(header_only)[0][2]
    blank = rejected_after_check(world, csv_file("", header="\n,,\n"), django_capture_on_commit_callbacks)
    assert "The file is empty" in messages_of(blank)[0][2]


def test_wrong_encoding(world, django_capture_on_commit_callbacks):
    latin = csv_file("uhl,t-headcount,2025-04,,1,\n# Café £\n", encoding="cp1252")
    problem = messages_of(rejected_after_check(world, latin, django_capture_on_commit_callbacks))
    assert problem == [
        (
            None,
            "",
            "The file is not in UTF-8: line 3 has a character we cannot read (it may be saved as "
            "Windows-1252 or Latin-1). In Excel choose Save As, 'CSV UTF-8 (Comma delimited)', and upload "
            "it again.",
        )
    ]
    utf16 = csv_file("uhl,t-headcount,2025-04,,1,\n", encoding="utf-16")
    assert (
        "saved as UTF-16"
        in messages_of(rejected_after_check(world, utf16, django_capture_on_commit_callbacks))[0][2]
    )


def test_unknown_and_missing_columns(world, django_capture_on_commit_callbacks):
    header = "organisation_code,metric,month,numerator,comment\n"
    workforce_import = rejected_after_check(
        world, csv_file("uhl,t-headcount,2025-04,1,hi\n", header=header), django_capture_on_commit_callbacks
    )
    problems = messages_of(workforce_import)
    assert (
        1,
        "metric",
        "Unknown column 'metric'; the columns are: organisation_code, metric_code, month, "
        "staff_group_code, numerator, denominator",
    ) in problems
    assert any(p[1] == "comment" and p[2].startswith("Unknown column 'comment'") for p in problems)
    assert (1, "metric_code", "The column 'metric_code' is missing") in problems


def test_duplicated_rows(world, django_capture_on_commit_callbacks):
    body = "uhl,t-headcount,2025-04,,1,\nlpt,t-headcount,2025-04,,2,\nUHL,t-headcount,2025-04,,3,\n"
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [
        (4, "(whole row)", "Duplicate of row 2: the same organisation, metric, month and staff group")
    ]


def test_formula_cells_in_csv_and_xlsx(world, django_capture_on_commit_callbacks):
    csv_problems = messages_of(
        rejected_after_check(
            world, csv_file("uhl,t-headcount,2025-04,,=SUM(1;2),\n"), django_capture_on_commit_callbacks
        )
    )
    assert csv_problems == [
        (2, "numerator", "The numerator is a formula (=SUM(1;2)); enter the value itself, not a formula")
    ]
    rows = [
        ["organisation_code", "metric_code", "month", "numerator", "denominator"],
        ["uhl", "t-turnover", "2025-04", 10, "=B2*10"],
    ]
    xlsx_problems = messages_of(
        rejected_after_check(world, xlsx_file(rows), django_capture_on_commit_callbacks)
    )
    assert xlsx_problems == [
        (2, "denominator", "The denominator is a formula (=B2*10); enter the value itself, not a formula")
    ]


def test_negative_numbers(world, django_capture_on_commit_callbacks):
    body = "uhl,t-headcount,2025-04,,-5,\nuhl,t-turnover,2025-04,,5,-100\nuhl,t-vacancies,2025-04,,-3,\n"
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [
        (2, "numerator", "The numerator cannot be negative for Headcount"),
        (3, "denominator", "The denominator must be more than 0"),
    ]  # vacancies may be negative: row 4 passes


def test_a_rate_that_cannot_pass_100_percent_refuses_a_numerator_above_its_denominator(
    world, django_capture_on_commit_callbacks
):
    body = (
        "uhl,t-stability,2025-04,,900.5,900\n"  # more staff still in post than at the start: impossible
        "lpt,t-stability,2025-04,,900,900\n"  # everyone stayed: 100% is in range
        "uhl,t-turnover,2025-04,,1200,1000\n"  # turnover may go over 100%
    )
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [
        (
            2,
            "numerator",
            "The numerator (900.5) cannot be more than the denominator (900) for Stability",
        )
    ]
    fixed = upload(world, csv_file(body.replace("900.5", "899.5")), django_capture_on_commit_callbacks)
    assert fixed.status == WorkforceImport.Status.READY, fixed.errors


def test_text_in_number_columns(world, django_capture_on_commit_callbacks):
    body = 'uhl,t-headcount,2025-04,,"1,234",\nuhl,t-turnover,2025-04,,12%,ten\n'
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [
        (
            2,
            "numerator",
            "Enter the numerator as a number, like 1234.5, without commas, currency or percent "
            "signs (found '1,234')",
        ),
        (
            3,
            "numerator",
            "Enter the numerator as a number, like 1234.5, without commas, currency or percent "
            "signs (found '12%')",
        ),
        (
            3,
            "denominator",
            "Enter the denominator as a number, like 1234.5, without commas, currency or "
            "percent signs (found 'ten')",
        ),
    ]


def test_unknown_codes_months_and_denominators(world, django_capture_on_commit_callbacks):
    body = (
        "xyz,t-headcount,2025-04,,1,\n"
        "uhl,nope,2025-04,,1,\n"
        "uhl,t-headcount,04/2025,,1,\n"
        "uhl,t-headcount,2999-01,,1,\n"
        "uhl,t-headcount,2025-04,porters,1,\n"
        "uhl,t-turnover,2025-05,,10,\n"
        "uhl,t-headcount,2025-05,,10,100\n"
        "uhl,t-headcount,2025-06,,1000000000000,\n"
    )
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert problems == [
        (
            2,
            "organisation_code",
            "Unknown organisation code 'xyz'; use a code from the list on the import page",
        ),
        (3, "metric_code", "Unknown metric code 'nope'; use a code from the list on the import page"),
        (4, "month", "Enter the month as YYYY-MM, like 2026-04 (found '04/2025')"),
        (5, "month", "The month January 2999 is in the future"),
        (
            6,
            "staff_group_code",
            "Unknown staff group code 'porters'; leave it empty for the organisation's "
            "total or use a code from the list",
        ),
        (7, "denominator", "Enter the denominator (Average staff in post (WTE)): Turnover is a rate"),
        (8, "denominator", "Leave the denominator empty: Headcount is a total, not a rate"),
        (9, "numerator", "The numerator is too large; the most we accept is 999,999,999,999"),
    ]


def test_one_bad_row_among_many_rejects_the_whole_file(world, django_capture_on_commit_callbacks):
    body = "".join(f"uhl,t-headcount,20{y:02d}-{m:02d},,{m},\n" for y in range(10, 25) for m in range(1, 13))
    body += "uhl,t-headcount,2025-01,,oops,\n"
    problems = messages_of(rejected_after_check(world, csv_file(body), django_capture_on_commit_callbacks))
    assert [p[0] for p in problems] == [182]


# --- Atomicity and idempotence of the apply step -----------------------------------------------------------


def test_a_failure_part_way_imports_nothing(world, django_capture_on_commit_callbacks, monkeypatch, caplog):
    confirm(
        world,
        upload(world, csv_file(GOOD), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    before = sorted(Observation.objects.values_list("pk", "numerator"))
    body = "uhl,t-headcount,2025-04,,1,\n" + "".join(
        f"lpt,t-headcount,2024-{m:02d},,{m},\n" for m in range(1, 13)
    )
    workforce_import = upload(world, csv_file(body), django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 5)
    calls = {"n": 0}
    real_insert = services._insert_observations

    def failing_insert(rows):
        calls["n"] += 1
        if calls["n"] == 2:
            from django.db import IntegrityError

            raise IntegrityError("simulated failure on the second batch")
        return real_insert(rows)

    monkeypatch.setattr(services, "_insert_observations", failing_insert)
    with caplog.at_level(logging.ERROR, logger="workforce.services"):
        workforce_import = confirm(world, workforce_import, django_capture_on_commit_callbacks)
    assert workforce_import.status == WorkforceImport.Status.FAILED
    message = workforce_import.errors[0]["message"]
    assert message.startswith("Nothing was imported because") and "Upload the file again" in message
    # The database's text stays in the log, under the reference the person is given.
    assert "simulated failure" not in message and "IntegrityError" not in message
    reference = re.search(r"quoting reference ([0-9A-F]{8})\.", message).group(1)
    (record,) = [r for r in caplog.records if reference in r.getMessage()]
    assert "simulated failure on the second batch" in str(record.exc_info[1])
    assert calls["n"] == 2  # the first batch was written, then rolled back
    assert sorted(Observation.objects.values_list("pk", "numerator")) == before


def test_a_transient_database_error_is_reported_plainly_and_raised_for_the_retry(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    workforce_import = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):  # apply below, by hand
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=world["admin"])

    def connection_lost(rows):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_insert_observations", connection_lost)
    with pytest.raises(OperationalError):
        services.workforce_import_apply(workforce_import_id=workforce_import.pk)
    workforce_import.refresh_from_db()
    message = workforce_import.errors[0]["message"]
    assert workforce_import.status == WorkforceImport.Status.FAILED
    assert message.startswith("Nothing was imported because the database was unavailable")
    assert "server closed" not in message and "OperationalError" not in message
    assert re.search(r"quoting reference [0-9A-F]{8}\.$", message)


def test_apply_runs_once_even_if_the_task_is_delivered_twice(world, django_capture_on_commit_callbacks):
    workforce_import = confirm(
        world,
        upload(world, csv_file(GOOD), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    pks = set(Observation.objects.values_list("pk", flat=True))
    again = services.workforce_import_apply(workforce_import_id=workforce_import.pk)
    assert again.status == WorkforceImport.Status.DONE
    assert set(Observation.objects.values_list("pk", flat=True)) == pks
    with pytest.raises(ValidationError, match="cannot be confirmed: it is 'Imported'"):
        services.workforce_import_confirm(workforce_import=workforce_import, confirmed_by=world["admin"])


def test_the_upload_is_kept_between_preview_and_confirm(world, django_capture_on_commit_callbacks):
    workforce_import = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    with workforce_import.file.open("rb") as stored:
        assert stored.read() == (HEADER + GOOD).encode()
    assert workforce_import.file.name.startswith("workforce-imports/")
    assert "figures" not in workforce_import.file.name  # stored under our own name


def test_uploads_are_kept_in_private_storage_with_no_public_url(
    world, settings, django_capture_on_commit_callbacks
):
    workforce_import = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    name = workforce_import.file.name
    assert (settings.PRIVATE_MEDIA_ROOT / name).exists()
    assert not (settings.MEDIA_ROOT / name).exists()
    with pytest.raises(ValueError):
        workforce_import.file.url  # noqa: B018 (the property raises)


def test_the_migration_moves_files_uploaded_to_public_media_before(world, settings):
    import importlib

    from django.apps import apps as django_apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    migration = importlib.import_module("workforce.migrations.0064_import_files_private_storage")
    public = storages["default"]
    old_name = public.save("workforce-imports/old.csv", ContentFile(HEADER.encode()))
    workforce_import = WorkforceImport.objects.create(
        file=old_name, file_name="old.csv", file_format="csv", uploaded_by=world["admin"]
    )
    migration.move_files_to_private_storage(django_apps, None)
    workforce_import.refresh_from_db()
    assert not public.exists(old_name)
    assert workforce_import.file.read() == HEADER.encode()


def test_progress_rises_while_the_file_is_checked_and_while_it_is_imported(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """What the import page polls (workforce_import_progress) moves during both tasks, not only at the end;
    here every 2 rows instead of every 10,000."""
    from workforce import importing

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 2)

    def shown() -> int:
        return services.workforce_import_progress(WorkforceImport.objects.get())

    seen_checking, seen_importing = [], []
    read_rows = importing.read_rows

    def reading(stream, fmt, *, progress=None, **kwargs):
        def reported(done):
            progress(done)
            seen_checking.append(shown())

        return read_rows(stream, fmt, progress=reported if progress else None, **kwargs)

    monkeypatch.setattr(importing, "read_rows", reading)
    workforce_import = upload(world, csv_file(GOOD), django_capture_on_commit_callbacks)
    assert workforce_import.status == WorkforceImport.Status.READY
    assert seen_checking == [2, 4, 6, 6]  # every 2 rows, then the total

    insert = services._insert_observations

    def inserting(batch):
        seen_importing.append(shown())
        insert(batch)

    monkeypatch.setattr(services, "_insert_observations", inserting)
    workforce_import = confirm(world, workforce_import, django_capture_on_commit_callbacks)
    assert workforce_import.status == WorkforceImport.Status.DONE
    assert seen_importing == [0, 2, 4]  # before each batch of 2 of the 6 new figures
    assert shown() == 6
