# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
# The PostgreSQL server the second test run uses; each run makes databases of its own there.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres db install lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

db: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: db test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: install
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -q

# Benchmarks: run by hand, they print their figures (bench/README.md).
bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	cd bench && ../$(BIN)/python bench_submissions.py
	cd bench && ../$(BIN)/python bench_exports.py
	cd bench && ../$(BIN)/python bench_rescoring.py
	cd bench && ../$(BIN)/python bench_login.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
