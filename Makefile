# The two commands of the README: `make demo` and `make test`. Each creates .venv when it is missing and
# installs the project (with its test tools) into it, so both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest install system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# WeasyPrint needs Pango (present on Debian images); HarfBuzz's subsetter makes font embedding faster and
# is what the reproducible-output tests run with; gettext's msgfmt double-checks the catalogs; Debian's
# chromium is the browser of the end-to-end web tests. Installed when missing and we may (root, apt-get).
SYSTEM_LIB := /usr/lib/$(shell uname -m)-linux-gnu/libharfbuzz-subset.so.0

system-deps:
	@if [ ! -e "$(SYSTEM_LIB)" ] || ! command -v msgfmt >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing libharfbuzz-subset0, gettext and chromium"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 gettext chromium >/dev/null; \
	  else \
	    echo "note: install libharfbuzz-subset0, gettext and chromium with your package manager"; \
	  fi; \
	fi

install: $(STAMP) system-deps

demo: install
	$(BIN)/scarleaflets check
	$(BIN)/scarleaflets topics
	$(BIN)/scarleaflets i18n status
	$(BIN)/scarleaflets build
	@echo "--- the email series, in simulated time from today, for the fictional patients in demo/patients.csv ---"
	rm -rf var/demo.db var/demo.db-wal var/demo.db-shm output/outbox
	$(BIN)/scarleaflets enroll --csv demo/patients.csv --db sqlite:///var/demo.db
	$(BIN)/scarleaflets simulate --start $$(date -u +%Y-%m-%dT00:00:00Z) --days 50 --db sqlite:///var/demo.db --transport maildir://output/outbox
	$(BIN)/scarleaflets status --db sqlite:///var/demo.db
	@echo "The messages are in output/outbox/new/ (a Maildir: open it with any mail client, e.g. mutt -f output/outbox)."
	@echo "To answer their unsubscribe links and the enrollment API: $(BIN)/scarleaflets serve --db sqlite:///var/demo.db"
	@echo "(then open http://127.0.0.1:8080/healthz; see docs/web-guide.md for HTTPS and the API)."

test: lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

clean:
	rm -rf $(VENV) output/leaflets .mypy_cache .ruff_cache .pytest_cache
