# OpenSENCO: `make run` and `make test` do everything on a fresh machine (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
SENCO_SITE_URL ?= http://127.0.0.1:$(PORT)
export SENCO_SITE_URL

.PHONY: install run test lint typecheck pytest pytest-postgres bench chromium clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/senco migrate --noinput
	$(BIN)/senco demo --if-empty
	$(BIN)/senco serve --dev --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	env -u DATABASE_URL $(BIN)/mypy senco

chromium:
	@sh scripts/ensure-chromium.sh

# SQLite: every test, browser tests included. PostgreSQL (when DATABASE_URL is set): the
# database tests again; browser and fuzz tests run once, on SQLite.
pytest: install chromium
	env -u DATABASE_URL $(BIN)/pytest -q

pytest-postgres: install
	@if [ -n "$$DATABASE_URL" ]; then \
		SENCO_SECRET_KEY=$${SENCO_SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789} \
		$(BIN)/pytest -q -m "not browser and not fuzz"; \
	else echo "DATABASE_URL is not set: PostgreSQL tests skipped (.ci/run sets it)."; fi

test: lint typecheck pytest pytest-postgres

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/static
