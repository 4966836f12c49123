# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast test-sqlite test-postgres test-browser lint lock outdated system-packages node-packages bench bench-engine clean prod-check backup restore

# The virtual environment, reinstalled when a lock file changes: production's packages
# (requirements.txt) and the development tools (requirements-dev.txt), every file checked against
# its hash. pip and setuptools come from the lock too, so nothing is downloaded unchecked; the
# project itself is installed editable (for the mediation-deadlines command). ADR 0022.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

## setup: the preparation `run` and `test` share: .venv, dependencies, migrations
setup: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py migrate --verbosity 0

## run: set up, load the demo data (once), print working portal links, start the task worker and serve http://127.0.0.1:8000
# The links in emails and the demo's portal links point at the server started here.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	@DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py load_demo_data
	@DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py demo_links
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the demo sign-ins above,"
	@echo "or open a portal link above in a private window. The demo: docs/guide/try-the-demo.md"
	@trap 'kill 0' EXIT INT TERM; \
	  export DJANGO_SETTINGS_MODULE=config.settings.dev; \
	  $(PY) manage.py db_worker --no-reload --interval 1 & \
	  while true; do $(PY) manage.py send_deadline_reminders; $(PY) manage.py apply_retention; sleep 3600; done & \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

## system-packages: Debian's Chromium, poppler and ClamAV (browser tests, PDF checks, the upload scanner test), installed if missing
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || ! command -v clamscan >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils clamav >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils clamav >/dev/null; fi; \
	fi

## node-packages: axe-core for the accessibility checks (and the Sass build tools)
node-packages: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

## lock: pin requirements.txt and requirements-dev.txt again from requirements*.in, with hashes (uv).
## Keeps today's versions unless asked: `make lock UPGRADE=1` takes every newest release the .in
## ranges allow, `make lock UPGRADE=django` only that package. Commit the lock files on their own.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
LOCK_UPGRADE = $(if $(UPGRADE),$(if $(filter 1 yes true,$(UPGRADE)),--upgrade,--upgrade-package $(UPGRADE)))
lock: $(STAMP)
	$(UV_COMPILE) $(LOCK_UPGRADE) requirements.in -o requirements.txt
	$(UV_COMPILE) $(LOCK_UPGRADE) requirements-dev.in -o requirements-dev.txt

## outdated: every pinned package with a newer release: within the .in ranges (make lock UPGRADE=1) or beyond them
outdated: $(STAMP)
	@$(PY) scripts/outdated.py

## lint: ruff, import-linter, mypy (the whole project; .mypy_cache keeps it quick) and bandit (medium and high findings, each exception justified in place; pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	@# bandit warns about every justified exception it meets on lines it also reads for other tests; only findings fail.
	$(VENV)/bin/bandit -c pyproject.toml -r mediation config scripts bench --severity-level medium -q 2> >(grep -v "nosec encountered" >&2)

## test: the whole suite: lint, the production settings served for real, SQLite (with browser and accessibility tests), then PostgreSQL
test: setup system-packages node-packages lint prod-check test-sqlite test-postgres

## backup: one archive of the database and files into BACKUP_DIR (default backups/); its path is the last line
backup: $(STAMP)
	@$(PY) manage.py backup

## restore: make restore FROM=backups/mediation-backup-....tar [KEY=private-key.pem]: replace the database and files, then check them
restore: $(STAMP)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/mediation-backup-....tar [KEY=file]"; exit 2; }
	$(PY) manage.py restore "$(FROM)" $(if $(KEY),--key "$(KEY)")

## prod-check: gunicorn, the task worker and a throwaway PostgreSQL with config.settings.production and new keys; checks headers, cookies and /healthz (about 30 s)
prod-check: $(STAMP)
	$(PY) scripts/prod_check.py

# -n auto: one pytest-xdist worker per CPU core. Every form is fuzzed with 200 inputs here.
test-sqlite: $(STAMP)
	$(PY) -m pytest -q -n auto

## test-postgres: the same suite against a throwaway PostgreSQL cluster started for this run
test-postgres: $(STAMP)
	@eval "$$(scripts/pg_throwaway.sh start)"; \
	  trap 'scripts/pg_throwaway.sh stop "$$PGTMP"' EXIT; \
	  DATABASE_URL="postgres://postgres@/postgres?host=$$PGHOST&port=$$PGPORT" FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} \
	  $(PY) -m pytest -q -n auto

test-browser: $(STAMP) system-packages node-packages
	$(PY) -m pytest -q -m browser

## test-fast: everything but the browser tests, on SQLite
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not browser"

## bench: the whole benchmark (bench/run.py): PostgreSQL, gunicorn, wrk; pages at two sizes, then timings
## e.g. `make bench BENCH_LARGE=100000` for a quicker run, `make bench BENCH_DB=sqlite` for SQLite
BENCH_DB ?= postgresql
BENCH_SMALL ?= 10000
BENCH_LARGE ?= 1000000
BENCH_SECONDS ?= 10
BENCH_WORKERS ?= 4
BENCH_CASES ?= 100000
bench: $(STAMP)
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi; }
	$(PY) bench/run.py --db $(BENCH_DB) --small $(BENCH_SMALL) --large $(BENCH_LARGE) \
	  --duration $(BENCH_SECONDS) --workers $(BENCH_WORKERS) --engine-cases $(BENCH_CASES)

## bench-engine: only the deadline engine, pure Python and through a throwaway SQLite database
bench-engine: $(STAMP)
	@echo "Pure engine:"
	@$(PY) bench/engine_bench.py --cases $(BENCH_CASES)
	@echo; echo "Through the database:"
	@BENCHDB=$$(mktemp /tmp/mediation-bench.XXXXXX.sqlite3); \
	  trap 'rm -f "$$BENCHDB" "$$BENCHDB"-*' EXIT; \
	  DATABASE_URL=sqlite:///$$BENCHDB $(PY) manage.py migrate --verbosity 0 && \
	  DATABASE_URL=sqlite:///$$BENCHDB $(PY) manage.py bench_deadlines --cases $(BENCH_CASES)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* staticfiles
