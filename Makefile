# MLQA entry points. `make run` and `make test` are all a new clone needs.
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
# npm writes this file on every install: newer than package-lock.json = up to date.
NODE_STAMP := node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format migrations-check check-deploy pygments-css bench lighthouse clean

# The virtual environment, made with the newest Python >= 3.12 found here.
$(PY):
	@python=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

# Node tools for the checks (axe-core for the accessibility tests, Lighthouse),
# exactly as package-lock.json pins them. Without npm the accessibility tests skip
# locally (CI installs npm and fails instead).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the accessibility tests will be skipped (apt-get install nodejs npm)"; \
	fi

## run: install, migrate, load the demo data, serve http://127.0.0.1:8000 and run the background worker (SQLite by default; PORT=8001, HOST=0.0.0.0 to change)
run: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	bin/serve-with-worker $(PY) $(HOST):$(PORT)

## serve: the production settings locally (gunicorn, plus the task worker once the site has one) on http://127.0.0.1:8000, for a last check (bin/serve)
serve: $(RUNTIME_STAMP)
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) bin/serve

## test: the whole suite; SQLite by default, PostgreSQL when DATABASE_URL is set.
## It runs on one worker per core (TEST_WORKERS=0 for a single process).
TEST_WORKERS ?= auto
test: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m pytest --numprocesses=$(TEST_WORKERS) --dist=loadfile $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(DEV_STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations-check: $(RUNTIME_STAMP)
	$(PY) manage.py makemigrations --check --dry-run

## check-deploy: Django's deployment checklist against the production settings
check-deploy: $(RUNTIME_STAMP)
	DJANGO_DEBUG=0 EMAIL_HOST=$${EMAIL_HOST:-localhost} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-mlqa.example.org} DATABASE_URL=$${DATABASE_URL:-postgres://localhost/mlqa} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
		$(PY) manage.py check --deploy --fail-level WARNING

## pygments-css: regenerate static/css/pygments.css after a Pygments upgrade
pygments-css: $(RUNTIME_STAMP)
	$(PY) -m questions.pygments_css > static/css/pygments.css

## bench: serve a realistic volume (PostgreSQL mlqa_bench, Redis db 9) with gunicorn and measure it with wrk; not part of `make test`
bench: $(RUNTIME_STAMP)
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run.py $(BENCH_ARGS)

## lighthouse: Lighthouse scores of the home, a question and the log-in page (production settings, gunicorn, Chromium); not part of `make test`
lighthouse: $(RUNTIME_STAMP) $(NODE_STAMP)
	tools/lighthouse.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
