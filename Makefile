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
# The project's own modules keep their bytecode in __pycache__ (git- and docker-ignored), as Python
# does by default, even where the shell sets PYTHONDONTWRITEBYTECODE (this project's CI machine):
# otherwise every pytest worker re-writes every test module's asserts and every test server
# compiles the project from source. The suite took 243 s with the variable and 207-209 s without,
# one run after another (README "Speed"). The venv's bytecode is written at install (below).
unexport PYTHONDONTWRITEBYTECODE
INSTALL_RECIPE := 3  # bump when the install recipe below changes
LOCKS := requirements/uv.lock.txt requirements/runtime.lock.txt requirements/dev.lock.txt requirements/rasa.lock.txt
STAMP := $(VENV)/.installed-$(shell { cat $(LOCKS); echo $(INSTALL_RECIPE); } | sha256sum | cut -c1-12)
# The oldest Python the README promises (Debian 12). Every lock is compiled for it (make lock),
# and tests/quality/test_locks.py fails when an installed pin's Requires-Python excludes it.
OLDEST_PYTHON := 3.11.2

PHONY_EXTRA := run-production browser-deps bench test-deploy test-swarm test-fresh tools pictures
.PHONY: help install train userdata purge screenshot run $(PHONY_EXTRA) test test-prepare lint validate evaluate test-nlu test-stories pytest lock clean

help:
	@echo "make run       set up, train if stale, start the bot (REST on :5005)"
	@echo "make test      same setup, then the whole suite (lint, data validation, NLU + story tests, pytest)"
	@echo "make evaluate  NLU reports and confusion matrix under reports/"
	@echo "make bench     load benchmark against a bare rasa init bot (reports/bench.json, reports/bench.png),"
	@echo "               then the turn at 10, 100 and 1,000 events (reports/bench-long.json)"
	@echo "make test-deploy  build the images, run the compose stack (2+2 replicas behind nginx) and test it (reports/deploy.json)"
	@echo "make test-swarm   the same stack on a one-node Docker Swarm: rolling update, killed task, secrets (reports/swarm.json)"
	@echo "make test-fresh   make run + make test in a clean Debian 12 container, as a newcomer (reports/fresh.json)"
	@echo "make tools     the deployment checkers (kubernetes-validate, checkov) in their own venv, .venv-tools"

# A Debian package the project needs (python3-venv, npm, chromium): installed when root, else
# named. apt's own output goes to var/apt.log and is shown only when it fails.
define apt_install
if [ "$$(id -u)" = 0 ]; then echo ">> installing $(1) (apt-get, log in var/apt.log)"; mkdir -p var; \
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); } > var/apt.log 2>&1 \
  || { tail -30 var/apt.log; exit 1; }; \
else echo "missing Debian package $(1): install it as root (apt-get install $(1))" >&2; exit 1; fi
endef

# The install, with uv (bootstrapped by the venv's own pip from a hashed pin): every lock has
# hashes and is compiled for Python $(OLDEST_PYTHON) (make lock). Two steps in one command:
# runtime.lock.txt + dev.lock.txt pin every dependency, including all that rasa declares
# (rasa-deps.in), so everything goes in with --no-deps, rasa and rasa-sdk too: they declare
# Requires-Python <3.11 but run on 3.11 (measured).
# No compiler is needed. Every pin has a wheel for CPython 3.11 on Linux except four sdists:
# docopt, mattermostwrapper and randomname are pure Python, and multidict 5.2.0 (sanic 21.12
# requires <6; 5.x has no 3.11 wheel) is built without its C extension (MULTIDICT_NO_EXTENSIONS).
# Measured in a clean Debian 12 container: the pure build takes 3.4 s and needs nothing, against
# 10 s of apt-get for gcc + python3-dev (root only) and 4.3 s of compiling; the pure version costs
# about 10 us more per HTTP request (14.7 against 4.5 us for a request's headers), under 0.1 % of
# a 45 ms turn. So: no compiler, no root, no difference anyone can measure.
# --compile-bytecode writes every module's .pyc at install, as pip does by default and uv does not:
# a process that finds none compiles what it imports from source each time it starts when
# PYTHONDONTWRITEBYTECODE is set (as on this project's CI machine), and once otherwise. Measured
# here with it set: a Rasa server ready in 8.0 s instead of 23.1, `rasa data validate` 14 s instead
# of 26; the install with a warm cache 26 s instead of 7 (README "Speed").
$(STAMP): $(LOCKS)
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { $(call apt_install,python3-venv); }
	@test -x $(BIN)/python || { echo ">> creating $(VENV)"; $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; }
	@echo ">> installing pinned dependencies (uv; first time: about a minute, mostly downloads)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/uv.lock.txt
	@MULTIDICT_NO_EXTENSIONS=1 $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps --require-hashes \
	  -r requirements/runtime.lock.txt -r requirements/dev.lock.txt -r requirements/rasa.lock.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

train: install
	@$(BIN)/python scripts/train_if_stale.py

userdata: install
	@$(BIN)/python -m userdata.migrate
	@$(BIN)/python -m stores.namespace

# The README's pictures: browser tests draw conversations (the progress chart, the body map at
# desktop width and phone width, an exercise's placement picture at phone width) and screenshot
# them; the pictures are then kept in docs/images (regenerate them, never edit them by hand).
SCREENSHOTS := progress.png body_map.png body_map_phone.png placement_phone.png
screenshot: train web/node_modules browser-deps
	$(BIN)/python -m pytest -q tests/browser/test_progress_and_a11y.py -k progress_chart
	$(BIN)/python -m pytest -q tests/browser/test_pictures_and_timer.py
	@mkdir -p docs/images && for name in $(SCREENSHOTS); do cp reports/$$name docs/images/$$name || exit 1; done
	@echo "regenerated in docs/images: $(SCREENSHOTS)"


# Retention (RETENTION_DAYS, default 365): run it from cron, or the Kubernetes CronJob (deploy/k8s).
purge: userdata
	@$(BIN)/python -m userdata.purge

# The body map and every placement picture, drawn once per version into var/pictures (replies/pictures.py)
pictures: install
	@$(BIN)/python -m replies.pictures

run: train userdata web/node_modules pictures
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
	ACTION_SERVER_TOKEN="$${ACTION_SERVER_TOKEN:-unused}" $(BIN)/rasa test core --stories tests/test_stories.yml --model $$(cat models/LATEST) --out reports/stories --fail-on-prediction-errors --no-plot

# Three workers, one test file each at a time (--dist loadfile keeps a module's shared servers in
# one worker): on 2 cores the tests wait on server start-ups, and a third worker fills that time
# (README "Speed": 246-253 s against 284 s for two and 294 s for four). PYTEST_WORKERS=0: serial.
PYTEST_WORKERS ?= 3
pytest: train web/node_modules browser-deps tools
	$(BIN)/python -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

# `rasa data validate` and the NLU test run inside pytest (tests/quality), with thresholds.
# Training keeps one core busy for about two minutes, so the rest of the preparation runs beside it:
# lint, the widget, Chromium and the deployment checkers, one after another (apt-get installs one
# package at a time). Then the story tests beside pytest, whose workers spend much of their time
# waiting for the servers they start.
test: install
	@$(MAKE) --no-print-directory --jobs=2 --output-sync=line train test-prepare
	@$(MAKE) --no-print-directory --jobs=2 --output-sync=line test-stories pytest

test-prepare: install
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory web/node_modules
	@$(MAKE) --no-print-directory browser-deps
	@$(MAKE) --no-print-directory tools

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

# A benchmark, not a test: same REST load on this bot and a bare `rasa init` bot, as ratios;
# then this bot with metrics on and off in the same run (reports/bench-metrics.json).
bench: train
	@mkdir -p reports
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.pictures --out reports/pictures.json
	$(BIN)/python -m bench.metrics_cost $(BENCH_METRICS_ARGS)
	$(BIN)/python -m bench.long_conversation

# Deployment checkers (tests/deploy): kubernetes-validate and checkov pin their own trees,
# which clash with rasa's (jsonschema...), so they live in a venv of their own, from their own lock.
TOOLS_VENV := .venv-tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed-$(shell cat requirements/tools.lock.txt | sha256sum | cut -c1-12)
$(TOOLS_STAMP): requirements/tools.lock.txt $(STAMP)
	@test -x $(TOOLS_VENV)/bin/python || { echo ">> creating $(TOOLS_VENV)"; $(PYTHON) -m venv --without-pip $(TOOLS_VENV); }
	@echo ">> installing the deployment checkers (uv)"
	@$(BIN)/uv pip install --quiet --python $(TOOLS_VENV)/bin/python --no-deps --require-hashes -r requirements/tools.lock.txt
	@rm -f $(TOOLS_VENV)/.installed-*
	@touch $@

# promtool, for the alert rules' unit tests (tests/deploy/test_prometheus_files.py): from Debian's
# prometheus package, unpacked into the tools venv (apt-get download: no root, no service started).
# Without apt's package lists it is left out and that one test skips; make test-deploy runs it anyway.
PROMTOOL := $(TOOLS_VENV)/bin/promtool
$(PROMTOOL): $(TOOLS_STAMP)
	@rm -rf var/promtool && mkdir -p var/promtool
	@if (cd var/promtool && apt-get download prometheus && dpkg-deb -x prometheus_*.deb unpacked) > var/promtool.log 2>&1; then \
	  cp var/promtool/unpacked/usr/bin/promtool $@ && echo ">> promtool from Debian's prometheus package"; \
	else echo ">> promtool left out (apt-get download prometheus failed, var/promtool.log)"; fi
	@rm -rf var/promtool

tools: $(TOOLS_STAMP) $(PROMTOOL)

# Not part of `make test`: needs a Docker Engine (installs and starts one when root) and minutes.
test-deploy: train web/node_modules browser-deps
	@tests/deploy/run.sh

# The stack on Docker Swarm (deploy/swarm/stack.yml), as test-deploy: a one-node swarm (`docker
# swarm init` only when the engine is in none, left afterwards), a rolling update of Rasa under
# load, a killed task replaced, secrets never in `docker inspect` (deploy/README.md "Swarm").
test-swarm: train
	@tests/deploy/swarm/run.sh

# The README's two commands in a clean Debian 12 container, as a newcomer runs them (Docker
# Engine as for test-deploy; reports/fresh.json). Needs nothing installed here but Docker.
test-fresh:
	@tests/fresh/run.sh

# Recompile the locks from requirements/*.in for Python $(OLDEST_PYTHON), with hashes. Pins already
# in a lock are kept where they still fit; UPGRADE=1 takes the newest that fit.
UV_COMPILE = $(CURDIR)/$(BIN)/uv pip compile --quiet --generate-hashes --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
lock: install
	cd requirements && for name in runtime dev tools uv; do \
	  $(UV_COMPILE) --python-version $(OLDEST_PYTHON) $$name.in -o $$name.lock.txt || exit 1; done
	@# rasa and rasa-sdk alone, resolved as for 3.10 (their Requires-Python); their dependencies are in runtime
	cd requirements && $(UV_COMPILE) --python-version 3.10 --no-deps rasa.in -o rasa.lock.txt

clean:
	rm -rf models var reports .pytest_cache .mypy_cache .ruff_cache
