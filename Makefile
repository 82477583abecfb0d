# The two commands of the README: `make demo` and `make test`. Each creates .venv from the lock file when it is
# missing or the lock changed, so both work on a fresh clone and install exactly the versions that were tested.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# One resolution for every platform and Python >= 3.11, with the hash of every file of every pinned release.
COMPILE = $(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet

.PHONY: demo test test-fast lint typecheck pytest install system-deps clean lock upgrade-check

# A new lock rebuilds the environment from nothing, so no package of an older lock survives. The project itself
# is installed without dependency resolution and without build isolation (setuptools comes from the lock).
$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	$(BIN)/python tools/locktool.py verify $(LOCK)
	touch $(STAMP)

# Re-resolve after a change to pyproject.toml, keeping every pin that still fits (uv reads the old lock first).
# `make lock ARGS="--upgrade-package babel"` moves one package to its newest allowed release.
lock:
	@test -x $(BIN)/uv || $(MAKE) install
	$(COMPILE) $(ARGS) --output-file $(LOCK)

# How a maintainer learns about a breaking release before users do (not part of CI): resolve the newest versions
# pyproject.toml allows, show which packages would change, and run the test suite with them in a throwaway
# environment. The working environment and the lock are left alone.
upgrade-check: install system-deps
	@set -e; dir=$$(mktemp -d); \
	$(COMPILE) --upgrade --output-file $$dir/newest.lock; \
	$(BIN)/python tools/locktool.py diff $(LOCK) $$dir/newest.lock; \
	$(PYTHON) -m venv $$dir/venv; \
	$$dir/venv/bin/python -m pip install --quiet --require-hashes --no-deps -r $$dir/newest.lock; \
	$$dir/venv/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .; \
	status=0; SCARLEAFLETS_LOCK=$$dir/newest.lock $$dir/venv/bin/python -m pytest -p no:cacheprovider -q || status=$$?; \
	echo "--- upgrade-check: the test suite with the newest versions pyproject.toml allows ($$dir/venv)"; \
	$(BIN)/python tools/locktool.py diff $(LOCK) $$dir/newest.lock; \
	if [ $$status = 0 ]; then echo "the tests pass: 'make lock ARGS=--upgrade' is safe to take"; \
	else echo "the tests FAIL with these versions: fix the project (or cap the range) before re-locking"; fi; \
	exit $$status

# WeasyPrint needs Pango (present on Debian images); HarfBuzz's subsetter makes font embedding faster and
# is what the reproducible-output tests run with; gettext's msgfmt double-checks the catalogs; Debian's
# chromium is the browser of the end-to-end web tests; Dovecot is the real IMAP server of the bounce tests (it is
# started by those tests only, on a free port); poppler's pdftotext is the second text extractor of the PDF
# text-layer tests. Installed when missing and we may (root, apt-get).
SYSTEM_LIB := /usr/lib/$(shell uname -m)-linux-gnu/libharfbuzz-subset.so.0

system-deps:
	@if [ ! -e "$(SYSTEM_LIB)" ] || ! command -v msgfmt >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
	    || ! command -v dovecot >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing libharfbuzz-subset0, gettext, chromium, poppler-utils and dovecot-imapd"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 gettext chromium poppler-utils >/dev/null; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null 2>&1 \
	      || echo "note: dovecot-imapd could not be installed: the real-IMAP bounce test will be skipped"; \
	  else \
	    echo "note: install libharfbuzz-subset0, gettext, chromium, poppler-utils and dovecot-imapd with your package manager"; \
	  fi; \
	fi

install: $(STAMP) system-deps

demo: install
	$(BIN)/scarleaflets check
	$(BIN)/scarleaflets topics
	$(BIN)/scarleaflets i18n status
	$(BIN)/scarleaflets release
	$(BIN)/scarleaflets releases
	@echo "--- the email series, in simulated time from today, for the fictional patients in demo/patients.csv ---"
	rm -rf var/demo.db var/demo.db-wal var/demo.db-shm output/outbox
	$(BIN)/scarleaflets enroll --csv demo/patients.csv --db sqlite:///var/demo.db
	$(BIN)/scarleaflets simulate --start $$(date -u +%Y-%m-%dT00:00:00Z) --days 50 --db sqlite:///var/demo.db --transport maildir://output/outbox
	$(BIN)/scarleaflets status --all-brands --db sqlite:///var/demo.db
	@echo "The leaflets patients receive are in releases/$$(cat releases/CURRENT)/leaflets/; 'scarleaflets build' makes marked previews in output/leaflets/."
	@echo "The messages are in output/outbox/new/ (a Maildir: open it with any mail client, e.g. mutt -f output/outbox)."
	@echo "To answer their unsubscribe links and the enrollment API: $(BIN)/scarleaflets serve --db sqlite:///var/demo.db"
	@echo "(then open http://127.0.0.1:8080/leaflets/riverside/en_GB/ for the leaflet pages the emails link to, in"
	@echo "each language the clinic publishes; see docs/web-guide.md for HTTPS and the API)."

test: lint typecheck pytest

# The quick loop while working: the same lint and type checks, and every test but those marked slow (real
# Chromium, PostgreSQL and Dovecot, `serve` and `worker` processes, the crash and scale-out trials, and any test
# over about 3 s). `make test` and CI run everything.
test-fast: lint typecheck
	$(BIN)/pytest -m "not slow"

lint: install
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

clean:
	rm -rf $(VENV) output/leaflets .mypy_cache .ruff_cache .pytest_cache
