# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM_PATH ?= /usr/bin/chromium
ADDRESS ?= 127.0.0.1:8000
export CHROMIUM_PATH

.PHONY: run test lint format check chromium varnish clean serve worker bench lighthouse screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# axe-core (accessibility tests) and Lighthouse, pinned in package-lock.json; nothing from npm is served.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The accessibility tests need Node.js 18.16+ and npm (Debian: apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## run: install, migrate, load the demo content and serve the site on http://$(ADDRESS) (SQLite by default),
## with the background worker beside it (emails); one Ctrl-C stops both
# The emails' links name the address served (a worker has no request to take it from).
run: export DJANGO_SITE_URL ?= http://$(ADDRESS)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo
	@$(BIN)/python manage.py ensure_editor
	@echo "The site:  http://$(ADDRESS)/"
	@echo "The admin: http://$(ADDRESS)/admin/"
	@echo
	@$(BIN)/python manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' INT TERM EXIT; \
	$(BIN)/python manage.py runserver $(ADDRESS)

## test: install, lint, check migrations and run the whole suite, browser tests included
test: $(VENV)/.dev node_modules/.installed chromium varnish check
	$(BIN)/pytest

## check: lint and Django's own checks (part of `make test`)
check: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=clinic.settings.test $(BIN)/python manage.py check --fail-level WARNING
	@# Compares models with migration files only; an in-memory database keeps it from needing a server.
	DATABASE_URL=sqlite://:memory: DJANGO_SETTINGS_MODULE=clinic.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

## format: let ruff fix what it can
format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## chromium: make sure Debian's Chromium is there for the browser tests (installs it when run as root)
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM_PATH): run 'sudo apt-get install chromium' or set CHROMIUM_PATH."; \
			exit 1; \
		fi; \
	fi

## varnish: Debian's Varnish for the HTTP cache tests (installed when run as root; without it they are skipped)
varnish:
	@if ! command -v varnishd >/dev/null && [ ! -x /usr/sbin/varnishd ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's varnish for the HTTP cache tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; \
		else \
			echo "Varnish is not installed: the HTTP cache tests will be skipped (sudo apt-get install varnish)."; \
		fi; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache staticfiles

## serve: production mode: clinic.settings.prod under gunicorn on 127.0.0.1:$PORT (reads .env if present)
# PORT and WEB_CONCURRENCY are read by the shell after .env, so that setting them there works too.
ENV_FILE ?= ./.env
serve: $(VENV)/.runtime
	@set -a; [ -f $(ENV_FILE) ] && . $(ENV_FILE); set +a; \
	export DJANGO_SETTINGS_MODULE=clinic.settings.prod; \
	$(BIN)/python manage.py check --deploy --fail-level WARNING && \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input -v0 || exit 1; \
	$(BIN)/python manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' INT TERM EXIT; \
	$(BIN)/gunicorn clinic.wsgi:application --bind "127.0.0.1:$${PORT:-8000}" \
		--workers "$${WEB_CONCURRENCY:-$$((2 * $$(nproc) + 1))}" --access-logfile - --forwarded-allow-ips 127.0.0.1

## worker: the background worker alone (emails), for a machine that serves no pages (reads .env if present)
worker: $(VENV)/.runtime
	@set -a; [ -f $(ENV_FILE) ] && . $(ENV_FILE); set +a; \
	export DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-clinic.settings.prod}; \
	exec $(BIN)/python manage.py worker

## bench: the benchmark of docs/benchmarks.md (SQLite, and PostgreSQL when it answers on 127.0.0.1:5432)
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk is not installed: using benchmarks/loadgen.py instead"
	@{ command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ]; } && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish nginx-light >/dev/null; } || \
		echo "Varnish or nginx is not installed: the HTTP cache figures are left out"
	$(BIN)/python -m benchmarks.run

## lighthouse: Lighthouse scores of the demo article and home page (mobile); fails below 95/100/100/100
lighthouse: $(VENV)/.runtime node_modules/.installed chromium
	$(BIN)/python -m tools.lighthouse

## screenshots: PNGs of the site and its admin at phone and desktop widths into docs/screenshots/
screenshots: $(VENV)/.dev chromium
	$(BIN)/python -m tools.screenshots
