# Two commands do all set-up: `make demo` runs the example site, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
MANAGE := $(PY) example_site/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links in emails, the embed and the printed admin URL follow HOST and PORT.
BASE_URL ?= http://$(HOST):$(PORT)
NODE_STAMP := node_modules/.installed-stamp

.PHONY: install chromium demo test test-postgres lint lint-js benchmarks clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,demo]"
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	}

# The catalogues (German, French, Spanish, Hindi) refreshed from the package's templates
# and Python, then compiled: docs/translations.md. Needs GNU gettext (`make gettext`).
.PHONY: messages gettext
messages: $(STAMP) gettext
	cd wagtail_pmc_booking && $(abspath $(VENV))/bin/django-admin makemessages -l de -l fr -l es -l hi --no-location --no-obsolete
	cd wagtail_pmc_booking && $(abspath $(VENV))/bin/django-admin compilemessages

# xgettext and msgfmt (Debian's gettext) for `make messages` and tests/i18n.
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
		echo "Installing Debian's gettext for the catalogues (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	}

demo: export BASE_URL := $(BASE_URL)
demo: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) pmc_booking_demo
	@echo "Starting the Huey consumer and the site on $(BASE_URL)/ (admin: $(BASE_URL)/admin/)"
	$(MANAGE) run_huey --quiet & HUEY_PID=$$!; \
	trap 'kill $$HUEY_PID 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The browser tests run axe-core (npm) in the page, so node_modules comes first.
test: $(STAMP) chromium gettext $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) chromium gettext $(NODE_STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m pytest $(PYTEST_ARGS)

# Style, formatting, types (mypy strict on the typed core, see pyproject.toml), the import
# contracts of docs/architecture.md, migrations in step with models, and the widget's JS.
lint: $(STAMP) lint-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

# The widget's JavaScript, with Biome's recommended rules (package.json pins it; npm ci
# runs only when node_modules is missing or older than the lock file).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

lint-js: $(NODE_STAMP)
	node_modules/.bin/biome lint --error-on-warnings wagtail_pmc_booking/static

benchmarks: $(STAMP)
	$(PY) benchmarks/slots.py

clean:
	rm -rf $(VENV) build dist *.egg-info example_site/db.sqlite3 example_site/huey.sqlite3
