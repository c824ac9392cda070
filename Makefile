# The two commands: `make run` (embedded: SQLite, in-process tasks) and `make test` (everything CI runs).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# make test runs on PostgreSQL and Redis, like production; override either to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/llr_academy
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
PROD_CHECK_ENV := DJANGO_SETTINGS_MODULE=llr_academy.settings.production SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	ALLOWED_HOSTS=portal.example.org REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=sqlite:///check.sqlite3

.PHONY: install run test lint format check migrate seed worker beat bench frontend clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "LLR Academy on http://127.0.0.1:8000 (demo accounts in README.md; password llr-demo-2026)"
	$(PY) manage.py runserver 127.0.0.1:8000

# With DATABASE_URL and REDIS_URL set: a real Celery worker and the beat scheduler.
worker: install
	$(VENV)/bin/celery --app llr_academy worker --loglevel INFO

beat: install
	$(VENV)/bin/celery --app llr_academy beat --loglevel INFO

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

test: lint check
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest tests/perf -m bench
	@echo "Figures written to tests/perf/results/latest.json"

# Rebuild the vendored NHS.UK frontend into static/vendor (needs Node; the running portal does not).
frontend:
	npm ci
	bash scripts/build-frontend.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
