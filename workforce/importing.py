"""Reading and checking an upload of monthly workforce figures (CSV or XLSX): no writes here.

`check_upload` looks at the file as a whole (name, size, what its bytes really are). `read_rows` walks the
rows and checks each one against the organisations, metrics and staff groups we know; it returns every error
with its row and column, so the person can fix them all at once. services.py decides what to do with the
result and writes it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from django.conf import settings
from django.utils import timezone

from .models import MetricDefinition, Organisation, StaffGroup


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str
    example: str


COLUMNS = (
    Column(
        "organisation_code",
        True,
        "The organisation's code from the list below, e.g. uhl.",
        "uhl",
    ),
    Column("metric_code", True, "The metric's code from the list below, e.g. leavers.", "leavers"),
    Column("month", True, "The month the figures describe, as YYYY-MM, e.g. 2026-04.", "2026-04"),
    Column(
        "staff_group_code",
        False,
        "Optional. Leave empty for the organisation's total; otherwise a staff group code from the list.",
        "",
    ),
    Column(
        "numerator",
        True,
        "The figure, or for a rate the count on top (its label is in the metric list). A plain number: no "
        "commas, currency signs or percent signs; up to 4 decimal places.",
        "42",
    ),
    Column(
        "denominator",
        False,
        "Rates only (the metric list says which): the count underneath, more than 0. Leave it empty for "
        "totals.",
        "",
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)

MAX_VALUE = Decimal("999999999999")
FOUR_PLACES = Decimal("0.0001")
EARLIEST_MONTH = date(2000, 1, 1)
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
# Keep this many errors to show; the count covers them all.
ERRORS_KEPT = 500


def max_upload_bytes() -> int:
    return getattr(settings, "WORKFORCE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "WORKFORCE_IMPORT_MAX_ROWS", 200_000)


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet row number (the header is row 1); None for the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class ParsedRow:
    row: int
    organisation_id: int
    metric_id: int
    staff_group_id: int | None
    month: date
    numerator: Decimal
    denominator: Decimal | None

    @property
    def key(self) -> tuple[int, int, int | None, date]:
        return (self.metric_id, self.organisation_id, self.staff_group_id, self.month)


@dataclass
class ReadResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))


# --- The file as a whole ----------------------------------------------------------------------------------

SIGNATURES = (
    (b"PK\x03\x04", "a zip file or an Excel workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def file_format_for(name: str) -> str:
    """ "csv" or "xlsx" from the file name, or FileRejected."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("csv", "xlsx"):
        return suffix
    if suffix in ("xls", "xlsm", "ods", "numbers"):
        raise FileRejected(
            f"The file is a .{suffix} file. Save it as an Excel workbook (.xlsx) or as CSV UTF-8, "
            "then upload it again."
        )
    shown = f"a .{suffix} file" if suffix else "a file without an extension"
    raise FileRejected(f"The file must be a CSV (.csv) or an Excel workbook (.xlsx); you chose {shown}.")


def check_upload(name: str, size: int, head: bytes) -> str:
    """Check the name, size and first bytes of an upload; return its format ("csv" or "xlsx")."""
    fmt = file_format_for(name)
    limit = max_upload_bytes()
    if size == 0:
        raise FileRejected("The file is empty. Download the template, add your figures and upload it again.")
    if size > limit:
        raise FileRejected(
            f"The file is {size / 1024 / 1024:.1f} MB; the most we accept is {limit // (1024 * 1024)} MB. "
            "Split it into smaller files (for example one per year)."
        )
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise FileRejected(
                "The file ends in .xlsx but is not an Excel workbook. Open it in Excel and save it as "
                "'Excel Workbook (.xlsx)', or upload it as a CSV file."
            )
        return fmt
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            raise FileRejected(
                f"The file ends in .csv but it is {kind}, not text. Save your sheet as 'CSV UTF-8 (Comma "
                "delimited)' and upload that file."
            )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            "The file ends in .csv but its contents are not text. Save your sheet as 'CSV UTF-8 (Comma "
            "delimited)' and upload that file."
        )
    return fmt


def decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            "The file is saved as UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8 (Comma "
            "delimited)' and upload it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRejected(
            f"The file is not in UTF-8: line {line} has a character we cannot read (it may be saved as "
            "Windows-1252 or Latin-1). In Excel choose Save As, 'CSV UTF-8 (Comma delimited)', and upload "
            "it again."
        ) from None


def iter_csv(data: bytes) -> Iterator[list]:
    text = decode_csv(data)
    yield from csv.reader(io.StringIO(text, newline=""))


def iter_xlsx(stream: IO[bytes]) -> Iterator[list]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the sheet; data_only=False keeps formulas as text ("=A1*2") so we can refuse them.
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileRejected(
            "The file ends in .xlsx but cannot be opened as an Excel workbook. Open it in Excel, save it "
            "as 'Excel Workbook (.xlsx)' and upload it again."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def iter_file_rows(stream: IO[bytes], fmt: str) -> Iterator[list]:
    if fmt == "xlsx":
        yield from iter_xlsx(stream)
    else:
        yield from iter_csv(stream.read())


# --- Rows --------------------------------------------------------------------------------------------------


def normalise_header(value) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").lower())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(("=", "+", "@"))


@dataclass
class Lookups:
    organisations: dict[str, Organisation]
    metrics: dict[str, MetricDefinition]
    staff_groups: dict[str, StaffGroup]

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            organisations={o.code.lower(): o for o in Organisation.objects.all()},
            metrics={m.code.lower(): m for m in MetricDefinition.objects.all()},
            staff_groups={g.code.lower(): g for g in StaffGroup.objects.all()},
        )


def parse_number(value, *, column: str, label: str) -> tuple[Decimal | None, str | None]:
    """(number, None) or (None, the reason it is not a number we accept)."""
    if isinstance(value, bool):
        return None, f"Enter a number for the {label}, not TRUE or FALSE"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip()
        if looks_like_formula(text):
            return None, f"The {label} is a formula ({text[:30]}); enter the value itself, not a formula"
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, (
                f"Enter the {label} as a number, like 1234.5, without commas, currency or percent signs "
                f"(found '{text[:30]}')"
            )
    if not number.is_finite():
        return None, f"Enter the {label} as a number (found '{value}')"
    if abs(number) > MAX_VALUE:
        return None, f"The {label} is too large; the most we accept is 999,999,999,999"
    return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP), None


def parse_month(value, *, today: date) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        month = value.replace(day=1)
    else:
        text = "" if value is None else str(value).strip()
        if looks_like_formula(text):
            return None, f"The month is a formula ({text[:30]}); enter the month itself, like 2026-04"
        match = MONTH_PATTERN.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None, f"Enter the month as YYYY-MM, like 2026-04 (found '{text[:30]}')"
        month = date(int(match.group(1)), int(match.group(2)), 1)
    if month < EARLIEST_MONTH:
        return None, "The month must be January 2000 or later"
    if month > today.replace(day=1):
        return None, f"The month {month:%B %Y} is in the future"
    return month, None


# Rows read between two progress reports: often enough for the bar to move on a large file, rarely enough
# that the reports cost nothing next to the reading.
PROGRESS_EVERY = 10_000


def read_rows(
    stream: IO[bytes],
    fmt: str,
    *,
    lookups: Lookups | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int | None = None,
) -> ReadResult:
    """Read and check every row. FileRejected for problems with the file as a whole (encoding, header).
    ``progress`` is called with the number of rows read every ``progress_every`` rows and at the end."""
    lookups = lookups or Lookups.load()
    progress_every = progress_every or PROGRESS_EVERY
    today = timezone.localdate()
    result = ReadResult()
    rows = iter_file_rows(stream, fmt)

    header = None
    for raw_header in rows:
        if not all(is_blank(v) for v in raw_header):
            header = raw_header
            break
    if header is None:
        raise FileRejected("The file is empty. Download the template, add your figures and upload it again.")
    names = [normalise_header(v) for v in header]
    while names and names[-1] == "":
        names.pop()  # trailing empty columns are harmless
    header_errors = []
    for position, name in enumerate(names, start=1):
        if name not in COLUMN_NAMES:
            shown = str(header[position - 1] or "").strip() or f"(empty, column {position})"
            header_errors.append(
                RowError(1, shown, f"Unknown column '{shown}'; the columns are: {', '.join(COLUMN_NAMES)}")
            )
        elif names.index(name) != position - 1:
            header_errors.append(RowError(1, name, f"The column '{name}' appears twice"))
    for name in REQUIRED_COLUMNS:
        if name not in names:
            header_errors.append(RowError(1, name, f"The column '{name}' is missing"))
    if header_errors:
        result.errors = header_errors
        result.error_count = len(header_errors)
        return result
    index = {name: names.index(name) for name in COLUMN_NAMES if name in names}

    seen: dict[tuple, int] = {}
    month_cache: dict[str, tuple] = {}
    width = len(names)
    limit = max_rows()
    data_rows = 0
    for row_number, raw in enumerate(rows, start=2):
        if all(is_blank(v) for v in raw):
            continue
        data_rows += 1
        if data_rows > limit:
            raise FileRejected(
                f"The file has more than {limit:,} rows of figures; split it into smaller files."
            )
        if progress and data_rows % progress_every == 0:
            progress(data_rows)
        if len(raw) > width:
            if any(not is_blank(v) for v in raw[width:]):
                result.add_error(row_number, "(no column)", "This row has values beyond the last column")
        elif len(raw) < width:
            raw = list(raw) + [None] * (width - len(raw))

        def cell(name, raw=raw):
            position = index.get(name)
            return None if position is None else raw[position]

        errors_before = result.error_count
        org_value, metric_value = cell("organisation_code"), cell("metric_code")
        organisation = metric = staff_group = None
        for column, value, table, noun in (
            ("organisation_code", org_value, lookups.organisations, "organisation"),
            ("metric_code", metric_value, lookups.metrics, "metric"),
        ):
            if is_blank(value):
                result.add_error(row_number, column, f"Enter the {noun} code")
                continue
            found = table.get(str(value).strip().lower())
            if found is None:
                result.add_error(
                    row_number,
                    column,
                    f"Unknown {noun} code '{str(value).strip()[:40]}'; use a code from the list on the "
                    "import page",
                )
            elif noun == "organisation":
                organisation = found
                if not found.is_active:
                    result.add_error(row_number, column, f"{found.name} is no longer active")
            else:
                metric = found

        raw_month = cell("month")
        cached = month_cache.get(raw_month) if isinstance(raw_month, str) else None
        if cached is None:
            cached = parse_month(raw_month, today=today)
            if isinstance(raw_month, str):
                month_cache[raw_month] = cached
        month, problem = cached
        if problem:
            result.add_error(row_number, "month", problem)

        group_value = cell("staff_group_code")
        if not is_blank(group_value):
            staff_group = lookups.staff_groups.get(str(group_value).strip().lower())
            if staff_group is None:
                result.add_error(
                    row_number,
                    "staff_group_code",
                    f"Unknown staff group code '{str(group_value).strip()[:40]}'; leave it empty for the "
                    "organisation's total or use a code from the list",
                )

        numerator = denominator = None
        raw_numerator = cell("numerator")
        if is_blank(raw_numerator):
            result.add_error(row_number, "numerator", "Enter the numerator (the figure)")
        else:
            numerator, problem = parse_number(raw_numerator, column="numerator", label="numerator")
            if problem:
                result.add_error(row_number, "numerator", problem)
            elif numerator < 0 and metric is not None and not metric.numerator_may_be_negative:
                result.add_error(
                    row_number, "numerator", f"The numerator cannot be negative for {metric.name}"
                )
                numerator = None

        raw_denominator = cell("denominator")
        if metric is not None:
            is_ratio = metric.aggregation == MetricDefinition.Aggregation.RATIO
            label = metric.denominator_label or "the count underneath"
            if is_ratio and is_blank(raw_denominator):
                result.add_error(
                    row_number, "denominator", f"Enter the denominator ({label}): {metric.name} is a rate"
                )
            elif not is_ratio and not is_blank(raw_denominator):
                result.add_error(
                    row_number,
                    "denominator",
                    f"Leave the denominator empty: {metric.name} is a total, not a rate",
                )
            elif is_ratio:
                denominator, problem = parse_number(
                    raw_denominator, column="denominator", label="denominator"
                )
                if problem:
                    result.add_error(row_number, "denominator", problem)
                elif denominator <= 0:
                    result.add_error(row_number, "denominator", "The denominator must be more than 0")
                    denominator = None
                elif (
                    metric.numerator_at_most_denominator and numerator is not None and numerator > denominator
                ):
                    result.add_error(
                        row_number,
                        "numerator",
                        f"The numerator ({str(raw_numerator).strip()[:30]}) cannot be more than the "
                        f"denominator ({str(raw_denominator).strip()[:30]}) for {metric.name}",
                    )
        elif not is_blank(raw_denominator):
            _, problem = parse_number(raw_denominator, column="denominator", label="denominator")
            if problem:
                result.add_error(row_number, "denominator", problem)

        if result.error_count > errors_before:
            continue
        parsed = ParsedRow(
            row=row_number,
            organisation_id=organisation.pk,
            metric_id=metric.pk,
            staff_group_id=staff_group.pk if staff_group else None,
            month=month,
            numerator=numerator,
            denominator=denominator,
        )
        first = seen.get(parsed.key)
        if first is not None:
            result.add_error(
                row_number,
                "(whole row)",
                f"Duplicate of row {first}: the same organisation, metric, month and staff group",
            )
            continue
        seen[parsed.key] = row_number
        result.rows.append(parsed)

    if data_rows == 0:
        raise FileRejected(
            "The file has a header but no rows of figures under it. Add your figures and upload it again."
        )
    if progress:
        progress(data_rows)
    return result


def template_rows() -> list[list]:
    """Two example rows for the template: a total and a rate, using codes that exist where possible."""
    org = Organisation.objects.filter(is_active=True).order_by("name").first()
    total = MetricDefinition.objects.filter(aggregation=MetricDefinition.Aggregation.SUM).first()
    rate = MetricDefinition.objects.filter(aggregation=MetricDefinition.Aggregation.RATIO).first()
    group = StaffGroup.objects.order_by("order", "name").first()
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    org_code = org.code if org else "uhl"
    return [
        [org_code, total.code if total else "headcount", month, "", "1234", ""],
        [
            org_code,
            rate.code if rate else "sickness-absence",
            month,
            group.code if group else "",
            "52.5",
            "1050",
        ],
    ]
