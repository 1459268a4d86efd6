# Samenwerkingsatlas Noord — two commands: `make run` and `make test`.
# Both install what is missing (Debian packages, .venv, pinned requirements) and are idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# libcairo2 draws /kaart.png (CairoSVG), in DejaVu Sans (fonts-dejavu-core), as the SVG asks.
APT_RUN := python3 python3-venv gdal-bin libsqlite3-mod-spatialite libcairo2 fonts-dejavu-core
# The PostGIS extension for the installed server is added in test-system-deps
# (Debian names it after the server's major version, e.g. postgresql-15-postgis-3).
# fonts-dejavu-core: the browser tests draw with DejaVu only (tests/fonts.conf), the fonts of a
# fresh Debian; chromium's fontconfig would accept Liberation or Vera in its place.
# nginx-light: tests/test_production_nginx.py runs the shipped nginx config (deploy/).
APT_TEST := postgresql postgis chromium chromium-driver fonts-dejavu-core nginx-light
# The production stack (make serve, deploy/): Debian's nginx in front of gunicorn.
APT_SERVE := nginx-light
# Local commands run with debug settings; production settings come from the environment.
DEV_ENV := DJANGO_DEBUG=1

define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo ">> installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: help
help:
	@echo "make run    install, migrate, load the dataset, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install, gates, the whole suite on SpatiaLite and on PostGIS"
	@echo "make dataset  rebuild fixtures/ from SOURCE (default ../shared/data) and docs/dataset.md"
	@echo "make serve  the production stack: nginx (proxy_cache, gzip, static) → gunicorn, on :$(PORT)"
	@echo "make fuzz   the hostile-query-string property test with FUZZ_EXAMPLES (10000) cases"
	@echo "make bench  the stack vs nginx serving the same bytes, render × floor, 60 s load run"

.PHONY: system-deps
system-deps:
	$(call apt_ensure,$(APT_RUN))

.PHONY: test-system-deps
test-system-deps: system-deps
	$(call apt_ensure,$(APT_TEST))
	@pkg=postgresql-$$(ls /usr/lib/postgresql | sort -V | tail -n 1)-postgis-3; \
	if ! dpkg -s $$pkg >/dev/null 2>&1; then \
	  echo ">> installing Debian packages: $$pkg"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$pkg; \
	fi

# Debian's python3 (3.11): its sqlite3 module can load the SpatiaLite extension.
$(VENV)/.installed: requirements.txt | system-deps
	[ -x $(PY) ] || /usr/bin/python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed

.PHONY: migrate
migrate: venv
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v 0

.PHONY: load
load: migrate
	$(DEV_ENV) $(PY) manage.py load_dataset
	$(DEV_ENV) $(PY) manage.py kaartlagen -v 0

# Rebuild the curated dataset (fixtures/) from the raw sources and its report. Not needed by
# `make run` or `make test`, which only read the committed fixtures/.
SOURCE ?= ../shared/data
.PHONY: dataset
dataset: migrate
	$(DEV_ENV) $(PY) manage.py build_dataset --source $(SOURCE)
	$(DEV_ENV) $(PY) manage.py dataset_report > docs/dataset.md

.PHONY: run
run: load
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: gates
gates: venv
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=atlas.example.nl \
	  DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: test-spatialite
test-spatialite: venv
	@echo "================ backend: SpatiaLite ================"
	env -u DATABASE_URL $(DEV_ENV) REQUIRE_BROWSER=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: test-postgis
test-postgis: venv
	@echo "================ backend: PostgreSQL + PostGIS ================"
	$(DEV_ENV) REQUIRE_BROWSER=1 .ci/with-postgis $(VENV)/bin/pytest $(PYTEST_ARGS)

# axe-core for the accessibility tests, pinned in package-lock.json (node_modules is ignored).
# npm comes with Debian's npm package unless a nodejs that bundles it is already installed.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo ">> installing Debian packages: npm"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: axe
axe: $(AXE)

.PHONY: test
test: test-system-deps venv gates $(AXE)
	$(MAKE) --no-print-directory test-spatialite
	$(MAKE) --no-print-directory test-postgis

# --- The production stack, fuzzing, benchmark (issues 5 and 11) ------------------------------
# deploy/: nginx (Debian) on 127.0.0.1:$(PORT) with proxy_cache, gzip and the static files, in
# front of gunicorn on a unix socket (deploy/gunicorn.conf.py: gthread, 2 × CPUs + 1 workers).
# Everything it writes is under var/; Ctrl-C stops both. WORKERS/THREADS override gunicorn's.
SECRET_FILE := .serve-secret-key
# Production settings; plain http on loopback, so no redirect to https.
SERVE_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_FILE))}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	$(if $(WORKERS),GUNICORN_WORKERS=$(WORKERS)) $(if $(THREADS),GUNICORN_THREADS=$(THREADS))

$(SECRET_FILE):
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

.PHONY: collectstatic
collectstatic: venv $(SECRET_FILE)
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v 0

.PHONY: serve-system-deps
serve-system-deps:
	$(call apt_ensure,$(APT_SERVE))

.PHONY: serve
serve: serve-system-deps load collectstatic
	$(SERVE_ENV) $(PY) deploy/stack.py serve --port $(PORT)

FUZZ_EXAMPLES ?= 10000
.PHONY: fuzz
fuzz: venv
	env -u DATABASE_URL $(DEV_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  $(VENV)/bin/pytest -q -s tests/test_fuzz.py $(PYTEST_ARGS)

APT_BENCH := nginx-light wrk chromium chromium-driver
.PHONY: bench
bench: venv collectstatic
	$(call apt_ensure,$(APT_BENCH))
	$(SERVE_ENV) $(PY) bench/run.py --source $(SOURCE) $(BENCH_ARGS)
