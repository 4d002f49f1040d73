# Trigger Point Coach - the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
INSTALL_RECIPE := 1  # bump when the install recipe below changes
STAMP := $(VENV)/.installed-$(shell { cat requirements/lock.txt; echo $(INSTALL_RECIPE); } | sha256sum | cut -c1-12)

PHONY_EXTRA := run-production browser-deps bench test-deploy tools
.PHONY: help install knowledge train userdata purge screenshot run $(PHONY_EXTRA) test lint typecheck validate evaluate test-nlu test-stories pytest lock clean

help:
	@echo "make run       set up, build the knowledge DB, train if stale, start the bot (REST on :5005)"
	@echo "make test      same setup, then the whole suite (lint, data validation, NLU + story tests, pytest)"
	@echo "make evaluate  NLU reports and confusion matrix under reports/"
	@echo "make bench     load benchmark against a bare rasa init bot (reports/bench.json, reports/bench.png)"
	@echo "make test-deploy  build the images, run the compose stack (2+2 replicas behind nginx) and test it (reports/deploy.json)"
	@echo "make tools     the deployment checkers (kubernetes-validate, checkov) in their own venv, .venv-tools"

# A Debian package the project needs (python3-venv, npm, chromium): installed when root, else named.
define apt_install
if [ "$$(id -u)" = 0 ]; then echo ">> installing $(1) (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
else echo "missing Debian package $(1): install it as root (apt-get install $(1))" >&2; exit 1; fi
endef

# Why two steps: rasa 3.6.21 and rasa-sdk 3.6.2 declare Requires-Python <3.11, but run on
# 3.11 (measured). requirements/lock.txt pins every dependency (rasa's own, evaluated as for
# Python 3.10, with matplotlib 3.7 because 3.5 has no 3.11 wheel); then rasa and rasa-sdk
# are installed without dependency resolution and without the Python-version check.
$(STAMP): requirements/lock.txt
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { $(call apt_install,python3-venv); }
	@test -x $(BIN)/python || { echo ">> creating $(VENV)"; $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; }
	@echo ">> installing pinned dependencies (first time: a few minutes)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==24.3.1
	$(BIN)/pip install --quiet --progress-bar off -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

knowledge: install
	@$(BIN)/python -m knowledge.build

train: knowledge
	@$(BIN)/python scripts/train_if_stale.py

userdata: install
	@$(BIN)/python -m userdata.migrate

# The README's progress picture: the browser test draws a conversation with a chart and
# screenshots it; the picture is then kept in docs/images (regenerate it, never edit it by hand).
screenshot: train web/node_modules browser-deps
	$(BIN)/python -m pytest -q tests/browser/test_progress_and_a11y.py -k progress_chart
	@mkdir -p docs/images && cp reports/progress.png docs/images/progress.png
	@echo "docs/images/progress.png regenerated"

# Retention (RETENTION_DAYS, default 365): run it from cron, or the Kubernetes CronJob (deploy/k8s).
purge: userdata
	@$(BIN)/python -m userdata.purge

run: train userdata web/node_modules
	@scripts/run.sh

run-production: train
	@scripts/run_production.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

validate: install
	$(BIN)/rasa data validate --data data --domain domain --config config.yml

test-nlu: train
	@mkdir -p reports
	$(BIN)/rasa test nlu --nlu tests/nlu/test_nlu.yml --model $$(cat models/LATEST) --out reports/nlu --no-plot

test-stories: train
	@mkdir -p reports
	$(BIN)/rasa test core --stories tests/test_stories.yml --model $$(cat models/LATEST) --out reports/stories --fail-on-prediction-errors --no-plot

# Two workers, one test file each at a time (--dist loadfile keeps a module's shared servers in
# one worker): on 2 cores the server start-ups overlap (README "Speed"). PYTEST_WORKERS=0: serial.
PYTEST_WORKERS ?= 2
pytest: train web/node_modules browser-deps tools
	$(BIN)/python -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

# `rasa data validate` and the NLU test run inside pytest (tests/quality), with thresholds.
test: lint test-stories pytest

# Every held-out set: reports, histograms and the intent confusion matrix per set.
evaluate: train
	@mkdir -p reports
	@for set in tests/nlu/*.yml; do \
	  name=$$(basename $$set .yml); \
	  $(BIN)/rasa test nlu --nlu $$set --model $$(cat models/LATEST) --out reports/nlu/$$name || exit 1; \
	done
	@echo "reports written to reports/nlu/<set>/ (intent_confusion_matrix.png, *_report.json)"

# The website widget: rasa-webchat 1.0.1 exactly as pinned by web/package-lock.json (npm ci).
# Only its prebuilt bundle is served (scripts/serve_web.py); web/.npmrc turns install scripts off.
web/node_modules: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { $(call apt_install,npm); }
	npm ci --prefix web
	@touch $@

# Headless Chromium for tests/browser: Debian's package (Playwright's own browser download is never used).
browser-deps:
	@test -x /usr/bin/chromium || { $(call apt_install,chromium); }

# A benchmark, not a test: same REST load on this bot and a bare `rasa init` bot, as ratios.
bench: train
	@mkdir -p reports
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Deployment checkers (tests/deploy): kubernetes-validate and checkov pin their own trees,
# which clash with rasa's (jsonschema...), so they live in a venv of their own, from their own lock.
TOOLS_VENV := .venv-tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed-$(shell cat requirements/tools.lock.txt | sha256sum | cut -c1-12)
$(TOOLS_STAMP): requirements/tools.lock.txt
	@test -x $(TOOLS_VENV)/bin/python || { echo ">> creating $(TOOLS_VENV)"; $(PYTHON) -m venv $(TOOLS_VENV); }
	@echo ">> installing the deployment checkers (first time: a minute)"
	$(TOOLS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip==24.3.1
	$(TOOLS_VENV)/bin/pip install --quiet --progress-bar off --no-deps -r requirements/tools.lock.txt
	@rm -f $(TOOLS_VENV)/.installed-*
	@touch $@

tools: $(TOOLS_STAMP)

# Not part of `make test`: needs a Docker Engine (installs and starts one when root) and minutes.
test-deploy: train web/node_modules browser-deps
	@tests/deploy/run.sh

# Regenerate requirements/lock.txt from requirements/*.in in a scratch venv.
lock:
	rm -rf /tmp/tpc-lock && $(PYTHON) -m venv /tmp/tpc-lock
	/tmp/tpc-lock/bin/pip install --quiet pip==24.3.1
	/tmp/tpc-lock/bin/pip install --quiet -r requirements/rasa-deps.in -r requirements/project.in
	{ sed -n '1,3p' requirements/lock.txt; /tmp/tpc-lock/bin/pip freeze --all | grep -viE '^(rasa|rasa-sdk|rasa_sdk|pip)=='; } > requirements/lock.txt.new
	mv requirements/lock.txt.new requirements/lock.txt

clean:
	rm -rf models var reports .pytest_cache .mypy_cache .ruff_cache
