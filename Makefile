# 自治体クラウド — developer entry points. `make help` lists the targets.
#
# Nothing needs to be installed or running beforehand: `make venv` creates .venv and
# installs missing system packages (as root, with apt-get), and the targets that need
# PostgreSQL/Redis run through bin/with-services, which starts private servers under
# .data/ unless DATABASE_URL / REDIS_URL are already set.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# extra pytest arguments: make test PYTEST_ARGS='-k resident -x'
PYTEST_ARGS ?=

.PHONY: help venv sysdeps test demo totp lint fmt openapi services services-status \
	services-stop clean-data bench soak check-compose screenshots

help: ## list the targets
	@echo "usage: make TARGET"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-16s %s\n", $$1, $$2}'

venv: sysdeps $(STAMP) ## create .venv (python3.11) and pip install -e '.[dev]' when pyproject.toml changed

sysdeps: ## apt-get install missing system packages (chromium, CJK fonts, poppler, postgresql, redis)
	@bin/services sysdeps

$(VPY):
	@test -n "$(PYTHON)" || { echo "python3.11 not found" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.version_info[:2] == (3, 11) or print("warning: $(PYTHON) is not Python 3.11", file=sys.stderr)'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -q -e '.[dev]'
	@touch $@

test: venv ## lint, type-check, import contracts, migration/OpenAPI/events/compose checks, then pytest (embedded services)
	JC_FAST_PG=1 bin/with-services bin/test-all $(PYTEST_ARGS)

demo: venv ## migrate, load demo data, run worker + beat + gunicorn on 127.0.0.1:PORT (default 8000; PG_PORT, REDIS_PORT)
	bin/with-services bin/demo

# the demo user whose login code `make totp` prints
STAFF ?= hayama-admin
totp: ## print a demo user's current login code (TOTP) from any shell: make totp STAFF=oiso-staff
	@JC_DEMO=1 bin/with-services $(VPY) manage.py totp_now $(STAFF)

lint: venv ## ruff check, ruff format --check, mypy, import contracts (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/lint-imports

fmt: venv ## ruff --fix and ruff format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: venv ## regenerate the committed OpenAPI files (manage.py spectacular_write)
	DJANGO_SETTINGS_MODULE=config.settings.test bin/with-services $(VPY) manage.py spectacular_write

check-compose: venv ## validate docker-compose.yml without docker
	bin/check-compose

services: ## start (or reuse) the private PostgreSQL and Redis, print their URLs
	@bin/services start

services-status: ## show whether the private PostgreSQL and Redis run
	@bin/services status

services-stop: ## stop the private PostgreSQL and Redis of this checkout
	bin/services stop

clean-data: services-stop ## stop the private services and delete .data (databases, logs)
	rm -rf .data

bench: venv ## run the benchmarks (python -m bench) against the embedded services
	bin/with-services .venv/bin/python -m bench provision && bin/with-services .venv/bin/python -m bench migrate

# the soak's length in minutes: make soak MINUTES=1 for the short run
MINUTES ?= 10
soak: venv ## soak test on gunicorn + Celery (searches, certificates, API, 当初賦課, mass print); MINUTES=10
	bin/with-services $(VPY) -m bench soak --minutes $(MINUTES)

SCREENSHOTS ?= screenshots
screenshots: venv ## PNG of every menu screen (3 personas, 1366 wide) into $(SCREENSHOTS)/ for review
	rm -rf $(SCREENSHOTS) && mkdir -p $(SCREENSHOTS)
	JC_SCREENSHOTS=$(abspath $(SCREENSHOTS)) JC_FAST_PG=1 bin/with-services $(VPY) -m pytest -q -p no:cacheprovider \
		tests/integration/test_browser_screens.py -k every_menu_screen
	@echo "screenshots: $$(ls $(SCREENSHOTS) | wc -l) PNG files in $(SCREENSHOTS)/"
