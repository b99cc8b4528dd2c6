# ESMS numérique — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DJANGO := $(BIN)/esmsnum manage

.PHONY: install system system-test run test lint format migrate lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ requis"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Debian packages beyond Python (Pango/HarfBuzz and a font for the PDF letters; for the tests, Chromium too):
# installed when missing if run as root, otherwise the command to run is printed.
system:
	@scripts/system-packages

system-test:
	@scripts/system-packages --browser

migrate: install
	$(DJANGO) migrate --noinput

# The demo dossiers belong to the 2024 La Réunion call (closed since 15/09/2024): the demo sets the platform's
# clock inside its second filing window so that porteurs can still create and file. `make run DEMO_CLOCK=` = real time.
DEMO_CLOCK ?= 2024-08-20T10:00:00+04:00

run: system migrate
	ESMSNUM_CLOCK=$(DEMO_CLOCK) $(BIN)/esmsnum demo load --if-empty
	ESMSNUM_CLOCK=$(DEMO_CLOCK) $(DJANGO) runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: system-test lint
	$(DJANGO) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Re-pin every dependency (needs network): uv resolves pyproject.toml + build requirements into the lock file.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements-build.in --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock
