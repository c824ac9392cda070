"""A real worker killed in the middle of rendering a pack: the pack is still produced, exactly once."""

import datetime as dt
import os
import time

import pytest
import redis
from django.conf import settings

from llr_academy.celery import app
from pledges import tasks
from pledges.models import BoardReport
from tests.factories import UserFactory
from workforce.roles import Role

from .pdfcheck import reader_for
from .report_factories import make_report, seed_metrics, seed_pledges
from .worker import WorkerProcess, use_real_broker

# serialized_rollback: the rows the data migrations made (role groups) are restored for the tests after.
pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
STALE_SECONDS = 3
# Longer than the test: Redis never redelivers the dead worker's message on its own while the test runs, so
# the only redelivery is the one the test sends, and the log counts below cannot race with a real one.
VISIBILITY_SECONDS = 3600


@pytest.fixture
def real_broker():
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    previous = use_real_broker()
    yield
    app.conf.task_always_eager = previous
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def wait_for(predicate, *, timeout: float, interval: float = 0.02, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting: {message}")


def files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


def test_worker_killed_mid_render_still_produces_the_pack_exactly_once(real_broker, tmp_path, settings):
    settings.LLR_BOARD_REPORT_STALE_SECONDS = STALE_SECONDS
    seed_metrics(end=dt.date(2027, 2, 1), months=30)
    seed_pledges()
    user = UserFactory(email="board.kill@nhs.net", roles=[Role.BOARD_MEMBER])
    report = make_report(user)
    env = {
        "LLR_BOARD_REPORT_STALE_SECONDS": str(STALE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
    }
    first = WorkerProcess(tmp_path / "worker-1.log", **env).start()
    second = WorkerProcess(tmp_path / "worker-2.log", **env)
    try:
        tasks.board_report_generate.delay(report.pk)

        def rendering():
            row = BoardReport.objects.get(pk=report.pk)
            return row.status == "running" and row.progress >= 65

        wait_for(rendering, timeout=60, message="the worker never started rendering")
        first.kill()

        # Killed mid-render: still "running", no file, one attempt so far.
        row = BoardReport.objects.get(pk=report.pk)
        assert (row.status, row.attempts, bool(row.file)) == ("running", 1, False)
        assert files_under(settings.PRIVATE_MEDIA_ROOT) == []

        # A new worker comes up; beat's sweep (sent as a task, as beat would) finds the stale run and
        # requeues it.
        second.start()
        time.sleep(STALE_SECONDS + 0.5)
        tasks.board_report_sweep_stale.delay()
        wait_for(
            lambda: BoardReport.objects.get(pk=report.pk).status == "done",
            timeout=90,
            interval=0.2,
            message=f"pack not produced after the kill\n{second.log()[-3000:]}",
        )
        # The dead worker's message was never acked (acks_late), so Redis hands it out again once the
        # visibility timeout passes; the same message sent now stands in for it: it finds the pack done and
        # does nothing.
        assert tasks.board_report_generate.delay(report.pk).get(timeout=60) == "skipped"
        row = BoardReport.objects.get(pk=report.pk)
        assert row.status == "done" and row.attempts == 2
        assert files_under(settings.PRIVATE_MEDIA_ROOT) == [
            str(settings.PRIVATE_MEDIA_ROOT / f"board-reports/board-report-{report.pk}.pdf")
        ]
        with row.file.open("rb") as handle:
            assert len(reader_for(handle.read()).pages) == row.page_count >= 20
        log = second.log()
        assert f"{{'requeued': [{report.pk}], 'failed': []}}" in log, log[-3000:]
        assert log.count("'done'") == 1 and log.count("'skipped'") == 1, log[-3000:]
    finally:
        first.stop()
        second.stop()
