"""The docker-compose services' own commands, run as local processes against local PostgreSQL and Redis.

There is no Docker engine on development or CI machines, so this starts exactly the `command:` of the web,
worker and beat services in docker-compose.yml and shows a request served and tasks executed.
"""

import http.client
import json
import os
import subprocess
import time
import uuid
from urllib.parse import urlparse

import psycopg
import pytest
import redis
import yaml
from celery import Celery

from ..helpers import ROOT, clean_env, free_port, manage, wait_for_http

pytestmark = pytest.mark.stack

BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/llr_academy")
BASE_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")


PORTAL_HOST = "portal.example.org"
AS_PORTAL = {"Host": PORTAL_HOST}
compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_command(service: str) -> list[str]:
    return compose["services"][service]["command"]


def json_records(log_path) -> list[dict]:
    """The log lines that are JSON objects (a worker also prints its start-up banner as plain text)."""
    records = []
    for line in log_path.read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def response_headers(port: int, path: str, headers: dict[str, str]) -> dict[str, str]:
    """One request without following redirects: the status and the headers, names in lower case."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return {"status": str(response.status), **{k.lower(): v for k, v in response.getheaders()}}
    finally:
        connection.close()


@pytest.fixture
def stack_database():
    """A throwaway PostgreSQL database for the stack (the test database belongs to pytest-django)."""
    url = urlparse(BASE_DATABASE_URL)
    name = f"llr_stack_{uuid.uuid4().hex[:8]}"
    admin_dsn = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def stack_redis_url():
    # A Redis database of its own (eight along from the tests' own), so the stack's broker queue and
    # cache are not shared with the tests.
    url = urlparse(BASE_REDIS_URL)
    tests_db = int(url.path.lstrip("/") or 0)
    url = url._replace(path=f"/{(tests_db + 8) % 16}").geturl()
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def start(command: list[str], env: dict[str, str], log_path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_web_worker_and_beat_serve_requests_and_run_tasks(stack_database, stack_redis_url, tmp_path):
    port = free_port()
    env = clean_env(
        DJANGO_SETTINGS_MODULE="llr_academy.settings.production",
        SECRET_KEY="stack-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        # The public name only, as in production: probes from inside the container must still pass.
        ALLOWED_HOSTS=PORTAL_HOST,
        DATABASE_URL=stack_database,
        REDIS_URL=stack_redis_url,
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        LLR_HEARTBEAT_SECONDS="2",
        LOG_FORMAT="json",
    )
    for args in (compose_command("migrate")[2:], ["collectstatic", "--noinput"]):
        result = manage(*args, env=env, timeout=300)
        assert result.returncode == 0, result.stderr

    processes = {"web": start(compose_command("web"), env, tmp_path / "web.log")}
    processes["worker"] = start(compose_command("worker"), env, tmp_path / "worker.log")
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, headers=AS_PORTAL)
        assert status == 200, body
        assert b'"database": "ok", "cache": "ok"' in body
        # The compose health check passes against this server (Django refuses a Host it does not serve).
        healthcheck = compose["services"]["web"]["healthcheck"]["test"]
        assert healthcheck[0] == "CMD"
        probe = subprocess.run(healthcheck[1:], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
        assert probe.returncode == 0, probe.stderr
        assert wait_for_http(f"http://127.0.0.1:{port}/healthz")[0] == 400  # 127.0.0.1 is not served

        # Behind the TLS proxy: the security headers; plain HTTP is sent to HTTPS.
        headers = response_headers(port, "/", {**AS_PORTAL, "X-Forwarded-Proto": "https"})
        assert headers["status"] == "200"
        assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cross-origin-opener-policy"] == "same-origin"
        assert "default-src 'self'" in headers["content-security-policy"]
        headers = response_headers(port, "/", AS_PORTAL)
        assert (headers["status"], headers["location"]) == ("301", f"https://{PORTAL_HOST}/")

        # A task sent through Redis is executed by the worker process.
        client = Celery(broker=stack_redis_url, backend=stack_redis_url)
        ran_at = client.send_task("llr_academy.tasks.record_worker_heartbeat").get(
            timeout=60,
            # Earlier tests in this process can leave Celery's "inside a task" flag set; this test is a
            # client waiting on a separate worker process, so the guard does not apply.
            disable_sync_subtasks=False,
        )
        assert abs(time.time() - ran_at) < 60
        status, body = wait_for_http(f"http://127.0.0.1:{port}/healthz", headers=AS_PORTAL)
        assert b'"worker_heartbeat_age_seconds": null' not in body
        # The worker container's health check: the worker answers a ping sent through the broker.
        healthcheck = compose["services"]["worker"]["healthcheck"]["test"]
        assert healthcheck[0] == "CMD"
        probe = subprocess.run(healthcheck[1:], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert probe.returncode == 0 and "pong" in probe.stdout, probe.stdout + probe.stderr

        # Beat schedules the heartbeat by itself: clear it and watch it come back.
        cache = redis.Redis.from_url(stack_redis_url)
        for key in cache.scan_iter("*llr:worker-heartbeat"):
            cache.delete(key)
        processes["beat"] = start(compose_command("beat"), env, tmp_path / "beat.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(cache.scan_iter("*llr:worker-heartbeat")):
            time.sleep(0.5)
        assert list(cache.scan_iter("*llr:worker-heartbeat")), (tmp_path / "beat.log").read_text()[-2000:]
        # The beat container's health check passes now that beat's heartbeat has reached a worker.
        healthcheck = compose["services"]["beat"]["healthcheck"]["test"]
        assert healthcheck[0] == "CMD"
        probe = subprocess.run(healthcheck[1:], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert probe.returncode == 0, probe.stderr
        assert all(p.poll() is None for p in processes.values()), "a service exited early"

        # Every service logs JSON lines on stdout: gunicorn's access log, the worker's tasks, beat's sends.
        records = {name: json_records(tmp_path / f"{name}.log") for name in processes}
        assert any(
            r["logger"] == "gunicorn.access" and "GET /healthz" in r["message"] for r in records["web"]
        ), records["web"]
        assert any(
            r["logger"] == "celery.app.trace" and "succeeded" in r["message"] for r in records["worker"]
        ), records["worker"]
        assert any("record_worker_heartbeat" in r["message"] for r in records["beat"]), records["beat"]
        for name in processes:
            # Not Celery's or gunicorn's own line format ("[2026-... INFO/MainProcess] ...").
            assert not [
                line for line in (tmp_path / f"{name}.log").read_text().splitlines() if line.startswith("[20")
            ]
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
