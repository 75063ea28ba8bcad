# The two commands of the README: `make run` and `make test`; `make serve` for production.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
# The PostgreSQL server the second test run uses; each run makes databases of its own there.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# gunicorn: where it listens, and 2 workers per CPU plus one (gunicorn's advice).
BIND ?= 127.0.0.1:8000
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 + 1 )))

.PHONY: run serve test test-tools test-sqlite test-postgres check-postgres lint-imports lint-js test-js db \
	install lock lock-upgrade export-lock lint bench clean

# Installs come from the lock files (exact versions, checked against their hashes):
# requirements.txt holds what the service runs on, requirements-dev.txt adds the
# tests and tools, requirements-bench.txt the benchmarks. `make lock` renews them.
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

$(VENV)/.bench: requirements-bench.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.txt
	touch $@

install: $(VENV)/.dev

# After changing the dependencies in pyproject.toml: keeps every pin it can, adds
# what is new (seconds). `make lock-upgrade` moves every pin to the newest release.
lock: $(VENV)/.dev
	$(BIN)/uv lock
	$(MAKE) --no-print-directory export-lock

lock-upgrade: $(VENV)/.dev
	$(BIN)/uv lock --upgrade
	$(MAKE) --no-print-directory export-lock

export-lock:
	$(BIN)/uv export --quiet --frozen --no-emit-project -o requirements.txt
	$(BIN)/uv export --quiet --frozen --no-emit-project --extra dev -o requirements-dev.txt
	$(BIN)/uv export --quiet --frozen --no-emit-project --extra bench -o requirements-bench.txt

db: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production: refuses to start without SECRET_KEY or with the demo users still there.
# Put it behind a TLS proxy; the settings are in the README.
serve: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) check production
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(BIND) --access-logfile - 'app:create_app()'

test: check-postgres db lint-imports test-tools lint-js test-js test-sqlite test-postgres

# The npm tools the tests drive (axe-core, Redocly, ESLint), pinned by tests/tools/package-lock.json,
# installed once before the test processes start rather than by each of them.
TOOLS := tests/tools
test-tools: $(TOOLS)/node_modules/.package-lock.json
$(TOOLS)/node_modules/.package-lock.json: $(TOOLS)/package-lock.json
	cd $(TOOLS) && npm ci --no-audit --no-fund --loglevel=error

# The pages' JavaScript: ESLint (eslint.config.js), then node's unit tests in tests/js
# (the phone's outbox as a state machine).
lint-js: test-tools
	cd $(TOOLS) && npm run --silent lint

test-js: test-tools
	cd $(TOOLS) && npm test --silent

# Tests run in as many processes as the machine has CPUs (pytest-xdist); each process
# builds its own database template. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS)

# The layers of the code (contracts in pyproject.toml), checked before the tests run.
lint-imports: install
	$(BIN)/lint-imports

test-sqlite: install test-tools
	env -u DATABASE_URL $(PYTEST)

test-postgres: install check-postgres test-tools
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST)

# One line saying what is missing, before the long SQLite run rather than after it.
check-postgres: $(VENV)/.runtime
	@$(BIN)/python -c "import sys, psycopg; from sqlalchemy.engine import make_url; \
	url = make_url(sys.argv[1]); psycopg.connect(host=url.host, port=url.port, \
	user=url.username, password=url.password, dbname=url.database, connect_timeout=5).close()" \
	'$(TEST_POSTGRES_URL)' 2>/dev/null || { echo "make test needs PostgreSQL at \
	$(TEST_POSTGRES_URL), which does not answer: start it (.ci/run installs and starts it), \
	point TEST_POSTGRES_URL at another, or run make test-sqlite alone." >&2; exit 1; }

# Benchmarks: run by hand, they print their figures (bench/README.md).
bench: install $(VENV)/.bench
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	cd bench && ../$(BIN)/python bench_submissions.py
	cd bench && ../$(BIN)/python bench_exports.py
	cd bench && ../$(BIN)/python bench_rescoring.py
	cd bench && ../$(BIN)/python bench_picture.py
	cd bench && ../$(BIN)/python bench_login.py
	cd bench && ../$(BIN)/python bench_form_load.py
	cd bench && ../$(BIN)/python bench_reports.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tests/tools/node_modules
