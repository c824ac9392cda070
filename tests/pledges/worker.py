"""A real Celery worker process for tests: it consumes from the test's Redis database and works on the test
database (the test must use transactional_db / live_server so that its rows are committed)."""

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection

from llr_academy.celery import app

from ..helpers import ROOT, VENV_BIN, clean_env


def test_database_url() -> str:
    base = urlparse(os.environ["DATABASE_URL"])
    return base._replace(path="/" + connection.settings_dict["NAME"]).geturl()


class WorkerProcess:
    def __init__(self, log_path: Path, **env_overrides: str):
        self.log_path = log_path
        self.env = clean_env(
            DJANGO_SETTINGS_MODULE="llr_academy.settings.base",
            DATABASE_URL=test_database_url(),
            REDIS_URL=settings.REDIS_URL,
            PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
            CONN_MAX_AGE="0",
            **env_overrides,
        )
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> "WorkerProcess":
        log = open(self.log_path, "a")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "--app",
                "llr_academy",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"board-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the pool's children die with it
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()[-3000:]}")
            if app.control.ping(timeout=0.5):
                return self
        raise TimeoutError(f"worker did not answer a ping:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no chance to ack, clean up or finish."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


def use_real_broker():
    """Make this process send tasks to Redis instead of running them in-process (test settings are eager)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    return previous
