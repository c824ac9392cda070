"""Settings and the embedded default, exercised in separate processes as a newcomer or a server would."""

import subprocess

import pytest

from ..helpers import PYTHON, ROOT, clean_env, free_port, manage, wait_for_http

PROD = {
    "DJANGO_SETTINGS_MODULE": "llr_academy.settings.production",
    "SECRET_KEY": "a-test-secret-key-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "portal.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_settings_refuse_to_start_without_required_variables(missing):
    env = clean_env(**{k: v for k, v in PROD.items() if k != missing})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PROD))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_requires_mfa_for_privileged_roles_and_embedded_does_not():
    code = "from django.conf import settings as s; print(s.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES, s.DEBUG)"
    prod = manage("shell", "-c", code, env=clean_env(**PROD))
    embedded = manage("shell", "-c", code, env=clean_env(DJANGO_SETTINGS_MODULE="llr_academy.settings.base"))
    assert prod.stdout.split()[-2:] == ["True", "False"]
    assert embedded.stdout.split()[-2:] == ["False", "True"]


def test_embedded_sqlite_path_migrates_seeds_serves_and_runs_tasks_in_process(tmp_path):
    """What `make run` does, on SQLite with no Redis: migrate, seed twice, serve, sign in, run a task."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE="llr_academy.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
    )
    for args in (["migrate", "--noinput"], ["seed_demo"], ["seed_demo"]):
        result = manage(*args, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    script = (
        "from django.test import Client\n"
        "from llr_academy.tasks import record_worker_heartbeat\n"
        "from django.conf import settings\n"
        "c = Client()\n"
        "login = {'login': 'staff@example.org', 'password': 'llr-demo-2026'}\n"
        "r = c.post('/accounts/login/', login, follow=True)\n"
        "print('HOME', r.status_code, 'Welcome, Sam' in r.content.decode())\n"
        "print('ENGINE', settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['OPTIONS'])\n"
        "print('EAGER', settings.CELERY_TASK_ALWAYS_EAGER, record_worker_heartbeat.delay().get() > 0)\n"
    )
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert "HOME 200 True" in result.stdout
    assert (
        "ENGINE django.db.backends.sqlite3 {'transaction_mode': 'IMMEDIATE', 'timeout': 20}" in result.stdout
    )
    assert "EAGER True True" in result.stdout

    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert b"LLR Academy" in body
        status, _ = wait_for_http(f"http://127.0.0.1:{port}/static/vendor/nhsuk/nhsuk.min.css")
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_image_gives_the_app_user_every_directory_the_compose_volumes_mount():
    """A named volume takes its owner from the image's directory; a missing one is root's, and then the app
    (running as llr) could not write certificates or board packs."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    targets = [volume.split(":")[1] for volume in compose["services"]["web"]["volumes"]]
    assert {"/app/media", "/app/private-media"} <= set(targets)
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    run_line = next(line for line in dockerfile.splitlines() if "useradd" in line)
    mkdir, chown = run_line.split("mkdir -p")[1].split("&&")[0], run_line.split("chown llr")[1]
    for target in targets:
        assert target in mkdir.split(), f"{target} is not created in the image"
        assert target in chown.split(), f"{target} is not owned by the app user"
    assert "USER llr" in dockerfile


def test_rate_limits_use_the_shared_redis_cache_in_production():
    """allauth's rate limits count in the cache; a per-process or dummy cache would not limit anything."""
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], bool(s.ACCOUNT_RATE_LIMITS))"
    )
    result = manage("shell", "-c", code, env=clean_env(**PROD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "django.core.cache.backends.redis.RedisCache",
        PROD["REDIS_URL"],
        "True",
    ]


def test_logs_go_to_stdout_as_one_json_object_per_line():
    import json

    code = "import logging; logging.getLogger('llr_academy').warning('disk %s is full', 'media')"
    result = manage("shell", "-c", code, env=clean_env(**PROD, LOG_FORMAT="json"))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["message"] == "disk media is full"
    assert (record["level"], record["logger"]) == ("WARNING", "llr_academy")
    assert "time" in record
    assert "disk media" not in result.stderr
