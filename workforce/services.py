import logging
import uuid
import zipfile

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from . import importing
from .models import (
    Band,
    EqualityMonitoring,
    MetricDefinition,
    Observation,
    Organisation,
    StaffGroup,
    User,
    WorkforceImport,
)
from .roles import Role

logger = logging.getLogger(__name__)


def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    staff_group: StaffGroup | None,
    band: Band | None,
    line_manager: User | None = None,
) -> User:
    if line_manager is not None and line_manager.pk == user.pk:
        raise ValidationError({"line_manager": "You cannot be your own line manager."})
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.organisation = organisation
    user.staff_group = staff_group
    user.band = band
    user.line_manager = line_manager
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], changed_by: User) -> User:
    """Replace the user's portal roles. Other groups (if any) are left alone."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown role: {', '.join(sorted(unknown))}.")
    is_admin = Role.ACADEMY_ADMIN in user.groups.values_list("name", flat=True)
    if user.pk == changed_by.pk and is_admin and Role.ACADEMY_ADMIN not in roles:
        raise ValidationError("You cannot remove your own academy admin role; ask another admin.")
    role_groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    missing = set(Role.values) - set(role_groups)
    if missing:
        raise ValidationError(f"Role groups are missing ({', '.join(sorted(missing))}); run the migrations.")
    user.groups.remove(*role_groups.values())
    user.groups.add(*(role_groups[name] for name in roles))
    logger.info(
        "roles changed", extra={"user_id": user.pk, "roles": sorted(roles), "changed_by": changed_by.pk}
    )
    return user


# --- Importing monthly figures -----------------------------------------------------------------------------
# The upload is stored with its WorkforceImport row first; a task checks it (errors, or a preview of what
# will change); on confirm another task applies it in one transaction. Re-reading the stored file at each
# step means nothing depends on a web process's memory, and re-running a step is harmless.

IMPORT_BATCH_SIZE = 5_000
IMPORT_PROGRESS_KEY = "workforce-import-progress:{pk}"


def _estimate_rows(stream, fmt: str) -> int:
    """Rows of figures, roughly (for the progress bar before the file is read properly)."""
    if fmt == "csv":
        data = stream.read()
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        return max(lines - 1, 0)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(stream, read_only=True)
        rows = workbook.worksheets[0].max_row or 0
        workbook.close()
        return max(rows - 1, 0)
    except Exception:  # noqa: BLE001 - a damaged workbook is reported properly by the check itself
        return 0


def workforce_import_create(*, uploaded_file, uploaded_by: User) -> WorkforceImport:
    """Store an upload after the whole-file checks (type, size); the row checks run in a task."""
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    name = uploaded_file.name or ""
    try:
        fmt = importing.check_upload(name, uploaded_file.size, head)
    except importing.FileRejected as rejected:
        logger.info(
            "workforce import refused", extra={"file": name, "by": uploaded_by.pk, "reason": rejected.message}
        )
        raise ValidationError(rejected.message) from None
    row_estimate = _estimate_rows(uploaded_file, fmt)
    uploaded_file.seek(0)
    workforce_import = WorkforceImport(
        file_name=name[:255],
        file_format=fmt,
        file_size=uploaded_file.size,
        uploaded_by=uploaded_by,
        row_count=row_estimate,
    )
    workforce_import.file.save(name, uploaded_file, save=False)
    workforce_import.save()
    from .tasks import workforce_import_check_task

    transaction.on_commit(lambda: workforce_import_check_task.delay(workforce_import.pk))
    logger.info("workforce import uploaded", extra={"import_id": workforce_import.pk, "file": name})
    return workforce_import


def _read_stored_file(workforce_import: WorkforceImport, *, progress=None) -> importing.ReadResult:
    with workforce_import.file.open("rb") as stream:
        return importing.read_rows(stream, workforce_import.file_format, progress=progress)


def _value(metric: MetricDefinition, numerator, denominator):
    if numerator is None:
        return None
    if metric.aggregation == MetricDefinition.Aggregation.RATIO:
        if not denominator:
            return None
        return numerator / denominator * metric.scale
    return numerator


def _plan(rows: list[importing.ParsedRow]) -> tuple[dict, list, list, list]:
    """Compare the file with what is held: (preview by metric and month, new, replaced pks + rows, unchanged).

    A row replaces the figure held for the same metric, organisation, staff group and month; figures not in
    the file are kept.
    """
    metric_ids = {r.metric_id for r in rows}
    months = {r.month for r in rows}
    org_ids = {r.organisation_id for r in rows}
    existing = {}
    held = Observation.objects.filter(
        metric_id__in=metric_ids, month__in=months, organisation_id__in=org_ids
    ).values_list("metric_id", "organisation_id", "staff_group_id", "month", "pk", "numerator", "denominator")
    for metric_id, org_id, group_id, month, pk, numerator, denominator in held.iterator(chunk_size=10_000):
        existing[(metric_id, org_id, group_id, month)] = (pk, numerator, denominator)

    totals = {
        (m, month): [num, den]
        for m, month, num, den in Observation.objects.filter(
            metric_id__in=metric_ids, month__in=months, staff_group__isnull=True
        )
        .values_list("metric_id", "month")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .values_list("metric_id", "month", "num", "den")
    }
    metrics = MetricDefinition.objects.in_bulk(metric_ids)
    summary: dict[tuple, dict] = {}
    new, replaced, unchanged = [], [], []
    for row in rows:
        entry = summary.get((row.metric_id, row.month))
        if entry is None:
            before = totals.get((row.metric_id, row.month), [None, None])
            entry = summary[(row.metric_id, row.month)] = {
                "new": 0,
                "replaced": 0,
                "unchanged": 0,
                "before": list(before),
                "after": list(before),
            }
        held_row = existing.get(row.key)
        old_num = old_den = None
        if held_row is None:
            entry["new"] += 1
            new.append(row)
        elif held_row[1] == row.numerator and held_row[2] == row.denominator:
            entry["unchanged"] += 1
            unchanged.append(row)
            continue
        else:
            entry["replaced"] += 1
            replaced.append((held_row[0], row))
            old_num, old_den = held_row[1], held_row[2]
        if row.staff_group_id is None:
            after = entry["after"]
            after[0] = (after[0] or 0) - (old_num or 0) + row.numerator
            if row.denominator is not None or old_den is not None:
                after[1] = (after[1] or 0) - (old_den or 0) + (row.denominator or 0)

    preview = []
    for (metric_id, month), entry in sorted(
        summary.items(), key=lambda item: (metrics[item[0][0]].order, metrics[item[0][0]].name, item[0][1])
    ):
        metric = metrics[metric_id]
        before, after = _value(metric, *entry["before"]), _value(metric, *entry["after"])
        preview.append(
            {
                "metric": metric.code,
                "metric_name": metric.name,
                "unit": metric.unit,
                "month": f"{month:%Y-%m}",
                "month_label": f"{month:%B %Y}",
                "new": entry["new"],
                "replaced": entry["replaced"],
                "unchanged": entry["unchanged"],
                "before": None if before is None else float(round(before, 2)),
                "after": None if after is None else float(round(after, 2)),
            }
        )
    return preview, new, replaced, unchanged


def _reject(workforce_import: WorkforceImport, *, errors: list[dict], error_count: int) -> None:
    workforce_import.status = WorkforceImport.Status.INVALID
    workforce_import.errors = errors
    workforce_import.error_count = error_count
    workforce_import.preview = []
    workforce_import.finished_at = timezone.now()
    workforce_import.save(
        update_fields=[
            "status",
            "errors",
            "error_count",
            "preview",
            "finished_at",
            "row_count",
            "rows_processed",
        ]
    )


def workforce_import_check(*, workforce_import: WorkforceImport) -> WorkforceImport:
    """Read and check every row; store the errors (INVALID) or a preview of the changes (READY)."""
    if workforce_import.status != WorkforceImport.Status.VALIDATING:
        return workforce_import  # already checked (a retried task)

    def progress(done: int) -> None:
        WorkforceImport.objects.filter(pk=workforce_import.pk).update(
            rows_processed=done, row_count=Greatest(F("row_count"), Value(done))
        )

    try:
        result = _read_stored_file(workforce_import, progress=progress)
    except importing.FileRejected as rejected:
        _reject(
            workforce_import, errors=[{"row": None, "column": "", "message": rejected.message}], error_count=1
        )
        return workforce_import
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        # A damaged file that got past the first checks: say so rather than leave the import "checking".
        logger.warning(
            "workforce import unreadable", extra={"import_id": workforce_import.pk, "error": str(error)}
        )
        message = (
            "We could not read the file (it may be damaged). "
            "Save it again from your spreadsheet and upload it."
        )
        _reject(workforce_import, errors=[{"row": None, "column": "", "message": message}], error_count=1)
        return workforce_import
    workforce_import.row_count = len(result.rows) + result.error_count
    workforce_import.rows_processed = workforce_import.row_count
    if result.error_count:
        _reject(workforce_import, errors=[e.as_dict() for e in result.errors], error_count=result.error_count)
        return workforce_import
    workforce_import.row_count = workforce_import.rows_processed = len(result.rows)
    preview, new, replaced, unchanged = _plan(result.rows)
    workforce_import.preview = preview
    workforce_import.created_count = len(new)
    workforce_import.replaced_count = len(replaced)
    workforce_import.unchanged_count = len(unchanged)
    workforce_import.status = WorkforceImport.Status.READY
    workforce_import.save()
    return workforce_import


@transaction.atomic
def workforce_import_confirm(*, workforce_import: WorkforceImport, confirmed_by: User) -> WorkforceImport:
    locked = WorkforceImport.objects.select_for_update().get(pk=workforce_import.pk)
    if locked.status != WorkforceImport.Status.READY:
        raise ValidationError(
            f"This import cannot be confirmed: it is '{locked.get_status_display()}'. Upload the file again."
        )
    locked.status = WorkforceImport.Status.IMPORTING
    locked.confirmed_by = confirmed_by
    locked.confirmed_at = timezone.now()
    locked.rows_processed = 0
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at", "rows_processed"])
    from .tasks import workforce_import_apply_task

    transaction.on_commit(lambda: workforce_import_apply_task.delay(locked.pk))
    logger.info("workforce import confirmed", extra={"import_id": locked.pk, "by": confirmed_by.pk})
    return locked


@transaction.atomic
def workforce_import_cancel(*, workforce_import: WorkforceImport, cancelled_by: User) -> WorkforceImport:
    locked = WorkforceImport.objects.select_for_update().get(pk=workforce_import.pk)
    if locked.status not in (WorkforceImport.Status.READY, WorkforceImport.Status.INVALID):
        raise ValidationError(f"This import is '{locked.get_status_display()}' and cannot be cancelled.")
    locked.status = WorkforceImport.Status.CANCELLED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    logger.info("workforce import cancelled", extra={"import_id": locked.pk, "by": cancelled_by.pk})
    return locked


def workforce_import_progress(workforce_import: WorkforceImport) -> int:
    """Rows done so far: the row's own count while checking, the cache's while the import transaction runs."""
    if workforce_import.status == WorkforceImport.Status.IMPORTING:
        return cache.get(IMPORT_PROGRESS_KEY.format(pk=workforce_import.pk), 0)
    return workforce_import.rows_processed


def workforce_import_apply(*, workforce_import_id: int) -> WorkforceImport:
    """Apply a confirmed import in one transaction: all of it or none of it."""
    try:
        return _apply(workforce_import_id)
    except importing.FileRejected as rejected:
        workforce_import = WorkforceImport.objects.get(pk=workforce_import_id)
        _reject(
            workforce_import, errors=[{"row": None, "column": "", "message": rejected.message}], error_count=1
        )
        return workforce_import
    except _FileNoLongerValid as stale:
        workforce_import = WorkforceImport.objects.get(pk=workforce_import_id)
        _reject(
            workforce_import,
            errors=[e.as_dict() for e in stale.result.errors],
            error_count=stale.result.error_count,
        )
        return workforce_import
    except DatabaseError as error:
        # The database's own text means nothing to the person importing: they get what to do and a
        # reference; the log has the exception under the same reference.
        reference = uuid.uuid4().hex[:8].upper()
        logger.exception(
            "workforce import failed (reference %s)",
            reference,
            extra={"import_id": workforce_import_id, "reference": reference},
        )
        if isinstance(error, IntegrityError):
            message = (
                "Nothing was imported because the database refused some of the figures, for example "
                "because they were changed by another import at the same time. Upload the file again; "
                f"if it fails again, contact the academy team quoting reference {reference}."
            )
        else:
            message = (
                "Nothing was imported because the database was unavailable. The portal tries again by "
                "itself; if this message stays, upload the file again later, and if it fails again, "
                f"contact the academy team quoting reference {reference}."
            )
        WorkforceImport.objects.filter(
            pk=workforce_import_id, status=WorkforceImport.Status.IMPORTING
        ).update(
            status=WorkforceImport.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"row": None, "column": "", "message": message}],
        )
        if not isinstance(error, IntegrityError):
            raise  # a transient database error: the task retries (the row is FAILED until it does)
        return WorkforceImport.objects.get(pk=workforce_import_id)


IMPORTED_FIELDS = ("metric_id", "organisation_id", "staff_group_id", "month", "numerator", "denominator")


def _insert_observations(rows: list[importing.ParsedRow]) -> None:
    """Insert one batch: PostgreSQL's COPY where we have it (ten times faster), bulk_create elsewhere.

    Columns we do not import (e.g. flags other features add) get their model defaults either way.
    """
    if connection.vendor != "postgresql":
        Observation.objects.bulk_create(
            [Observation(**{name: getattr(r, name) for name in IMPORTED_FIELDS}) for r in rows]
        )
        return
    fields = [f for f in Observation._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Observation._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    getattr(row, f.attname) if f.attname in IMPORTED_FIELDS else defaults[f.attname]
                    for f in fields
                ]
            )


def _delete_observations(pks: list[int]) -> None:
    """Delete the rows a file replaces (they are inserted again with the new figures, which PostgreSQL does
    about twice as fast as updating them in place): COPY the keys to a temporary table, one DELETE."""
    if connection.vendor != "postgresql":
        for start in range(0, len(pks), IMPORT_BATCH_SIZE):
            Observation.objects.filter(pk__in=pks[start : start + IMPORT_BATCH_SIZE]).delete()
        return
    table = connection.ops.quote_name(Observation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE workforce_import_replace (id bigint PRIMARY KEY) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY workforce_import_replace (id) FROM STDIN") as copy:
            for pk in pks:
                copy.write_row((pk,))
        cursor.execute("ANALYZE workforce_import_replace")
        cursor.execute(f"DELETE FROM {table} AS o USING workforce_import_replace AS r WHERE o.id = r.id")  # noqa: S608


class _FileNoLongerValid(Exception):
    def __init__(self, result: importing.ReadResult):
        super().__init__("the file no longer passes the checks")
        self.result = result


@transaction.atomic
def _apply(workforce_import_id: int) -> WorkforceImport:
    workforce_import = WorkforceImport.objects.select_for_update().get(pk=workforce_import_id)
    if workforce_import.status == WorkforceImport.Status.FAILED and workforce_import.confirmed_at:
        workforce_import.status = WorkforceImport.Status.IMPORTING  # a retry after a transient error
    if workforce_import.status != WorkforceImport.Status.IMPORTING:
        return workforce_import  # already applied, or never confirmed: nothing to do
    progress_key = IMPORT_PROGRESS_KEY.format(pk=workforce_import.pk)
    result = _read_stored_file(workforce_import)
    if result.error_count:
        # Something the file refers to changed since the preview (e.g. an organisation was closed).
        raise _FileNoLongerValid(result)
    # Imports touching the same metrics queue behind each other, so the comparison below stays true.
    metric_ids = sorted({r.metric_id for r in result.rows})
    list(MetricDefinition.objects.select_for_update().filter(pk__in=metric_ids).values_list("pk", flat=True))
    preview, new, replaced, unchanged = _plan(result.rows)

    done = len(unchanged)
    if replaced:
        _delete_observations([pk for pk, _ in replaced])
    to_write = new + [row for _, row in replaced]
    for start in range(0, len(to_write), IMPORT_BATCH_SIZE):
        batch = to_write[start : start + IMPORT_BATCH_SIZE]
        _insert_observations(batch)
        done += len(batch)
        cache.set(progress_key, done, timeout=60 * 60)

    workforce_import.preview = preview
    workforce_import.created_count = len(new)
    workforce_import.replaced_count = len(replaced)
    workforce_import.unchanged_count = len(unchanged)
    workforce_import.row_count = workforce_import.rows_processed = len(result.rows)
    workforce_import.status = WorkforceImport.Status.DONE
    workforce_import.finished_at = timezone.now()
    workforce_import.errors = []
    workforce_import.save()
    # Only once DONE is committed: until then the page still reads the progress from the cache, and a
    # missing key would show the bar back at 0 for a moment.
    transaction.on_commit(lambda: cache.delete(progress_key))
    logger.info(
        "workforce import applied",
        extra={
            "import_id": workforce_import.pk,
            "new_rows": len(new),
            "replaced_rows": len(replaced),
            "unchanged_rows": len(unchanged),
        },
    )
    return workforce_import


def equality_monitoring_update(*, person: User, answers: dict[str, str]) -> EqualityMonitoring:
    """Save this person's own equality-monitoring answers; every answer is optional."""
    unknown = set(answers) - set(EqualityMonitoring.CHARACTERISTICS)
    if unknown:
        raise ValidationError(f"Unknown question: {', '.join(sorted(unknown))}.")
    record, _ = EqualityMonitoring.objects.get_or_create(person=person)
    for field, value in answers.items():
        setattr(record, field, value or "")
    record.full_clean(exclude=["person"])
    record.save()
    return record


def equality_monitoring_delete(*, person: User) -> None:
    """Forget this person's equality-monitoring answers altogether."""
    EqualityMonitoring.objects.filter(person=person).delete()
