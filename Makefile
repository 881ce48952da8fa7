# Two commands: `make run` serves the course, `make test` installs what the tests need and runs them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PORT ?= 8866
# Debian/Ubuntu packages the whole suite needs: a real PC/SC stack (pcscd + vpcd + OpenSC),
# the pyscard build, OpenSSL for interop checks, Chromium and Japanese fonts for browser tests,
# poppler-utils to join slide PDFs and to check the handouts (pdftoppm, pdftotext, pdffonts);
# npm (if no npm is on PATH) to fetch axe-core for the accessibility tests.
SYSTEM_PACKAGES := pcscd libpcsclite1 libpcsclite-dev vsmartcard-vpcd opensc opensc-pkcs11 \
	pcsc-tools pkg-config gcc python3-dev openssl chromium fonts-noto-cjk poppler-utils
PYTEST_ARGS ?=

.PHONY: run class hub lab test test-fast lint bench fuzz slides handouts texts system-packages venv clean help

help:
	@echo "make run        serve the course with Voilà on http://127.0.0.1:$(PORT)/ (CLASS_SIZE=40 CLASS_SECTION=2-3)"
	@echo "make class      the course in class mode + the class J-LIS; lecturer console (console.ipynb?lecturer=TOKEN)"
	@echo "make hub        JupyterHub for a class on http://127.0.0.1:$(HUB_PORT)/ (nickname + class code)"
	@echo "make lab        open the notebooks in JupyterLab (lecturers)"
	@echo "make test       install system packages + test deps, lint, run the whole suite"
	@echo "make lint       ruff, the import contracts (lint-imports) and mypy"
	@echo "make test-fast  unit tests only (no pcscd, no browser, no notebooks)"
	@echo "make bench      print the benchmark figures"
	@echo "make fuzz       10^6 APDUs (card, SE) and 10^5 HTTP requests (jlis serve); prints the counts"
	@echo "make slides     offline reveal.js slides with speaker notes + one PDF per language in build/slides/"
	@echo "make handouts   A4 PDF handouts build/handouts/{ja,en}/course.pdf"
	@echo "make texts      every learner-visible ja/en text in build/texts.md and build/texts.csv"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	@# pyscard builds from source; without libpcsclite-dev fall back to the suite without PC/SC.
	$(PIP) install -q -e '.[dev,pcsc]' || { echo "pyscard could not be built: PC/SC tests will skip"; $(PIP) install -q -e '.[dev]'; }
	@touch $@ $(VENV)/.run-installed

venv: $(VENV)/.dev-installed

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then echo "system packages: all present"; exit 0; fi; \
	if ! command -v apt-get >/dev/null; then echo "not Debian/Ubuntu: install the equivalent of: $$missing"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "Run as root to enable the PC/SC, OpenSSL and browser tests:"; \
	     echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $$missing"; exit 0; fi; \
	echo "installing: $$missing"; \
	for i in 1 2 3; do $$SUDO apt-get update -qq && break; sleep 5; done; \
	for i in 1 2 3; do DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null && break; sleep 5; done

# Voilà reads ./voila.json (template "course", no sources, culling); the template lives in
# share/jupyter, hence JUPYTER_PATH. `/` opens the course index; ?lang=en for English.
COURSE_ENV := JUPYTER_PATH=$(CURDIR)/share/jupyter

# A class: CLASS_SIZE students on CLASS_SECTION get that many preheated kernels (labkit.serve);
# other sections start kernels on demand (add e.g. POOLS+=default=1 to preheat them all).
# At most MAX_KERNELS kernels; beyond that a waiting queue with a 満員です page.
CLASS_SECTION ?= 2-3
CLASS_SIZE ?= 40
MAX_KERNELS ?= $(shell echo $$(( $(CLASS_SIZE) + 2 )))
POOLS ?= $(CLASS_SECTION)=$(CLASS_SIZE)

run: $(VENV)/.run-installed
	@mkdir -p build
	$(COURSE_ENV) $(PY) -m labkit.serve notebooks/ --no-browser --port=$(PORT) --Voila.ip=127.0.0.1 \
		--Voila.port_retries=0 $(foreach p,$(POOLS),--pool $(p)) --max-kernels $(MAX_KERNELS) \
		--key-pool build/keys.sqlite

# The class code and the lecturer token: from the environment, else new ones for this run.
# They reach only the commands that need them (pages of `make run` are not in class mode).
ifndef LABKIT_CLASS_CODE
LABKIT_CLASS_CODE := $(shell $(PYTHON) -c 'import secrets; print(secrets.token_hex(3).upper())')
endif
ifndef LABKIT_LECTURER_TOKEN
LABKIT_LECTURER_TOKEN := $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(12))')
endif
CLASS_SECRETS = LABKIT_CLASS_CODE=$(LABKIT_CLASS_CODE) LABKIT_LECTURER_TOKEN=$(LABKIT_LECTURER_TOKEN)

# A class on this machine (issue 12): the class J-LIS (`labkit jlis serve --class`, per-student
# worlds and clocks) and the course in class mode: every page asks a nickname once per browser;
# the lecturer console is console.ipynb?lecturer=TOKEN.
CLASS_PORT ?= 8470
CLASS_NOW ?= 2026-04-01T10:00:00+09:00
class: $(VENV)/.run-installed
	@mkdir -p build
	@echo "students: http://127.0.0.1:$(PORT)/   (class code $(LABKIT_CLASS_CODE))"
	@echo "lecturer console: http://127.0.0.1:$(PORT)/voila/render/console.ipynb?lecturer=$(LABKIT_LECTURER_TOKEN)"
	$(CLASS_SECRETS) $(PY) -m labkit jlis serve --class --port $(CLASS_PORT) --db build/class.sqlite \
		--now $(CLASS_NOW) & trap "kill $$!" EXIT; \
	$(COURSE_ENV) $(CLASS_SECRETS) LABKIT_JLIS=http://127.0.0.1:$(CLASS_PORT) $(PY) -m labkit.serve notebooks/ \
		--no-browser --port=$(PORT) --Voila.ip=127.0.0.1 --Voila.port_retries=0 $(foreach p,$(POOLS),--pool $(p)) \
		--max-kernels $(MAX_KERNELS) --key-pool build/keys.sqlite

# JupyterHub on this machine (127.0.0.1:8000): nickname + class code, one Voilà per student,
# idle culling, the class J-LIS (127.0.0.1:8470) and the key pool as hub services.
HUB_PORT ?= 8000
LABKIT_HUB_PORT := $(HUB_PORT)
export LABKIT_HUB_PORT

hub: $(VENV)/.dev-installed
	@echo "class code (students): $(LABKIT_CLASS_CODE)   lecturer token: $(LABKIT_LECTURER_TOKEN)"
	@echo "open http://127.0.0.1:$(HUB_PORT)/ and log in with a nickname and the class code"
	$(COURSE_ENV) $(CLASS_SECRETS) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/jupyterhub -f deploy/jupyterhub_config.py

# Lecturers: notes (【講師】) are shown when a notebook is run in JupyterLab: audience
# lecturer and the lecturer token in the kernels' environment (F12: the audience alone is not enough).
lab: $(VENV)/.dev-installed
	$(COURSE_ENV) LABKIT_AUDIENCE=lecturer LABKIT_LECTURER_TOKEN=$(LABKIT_LECTURER_TOKEN) $(VENV)/bin/jupyter lab \
		notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Offline reveal.js slides, ja and en; 【講師】 notes become speaker notes (press s); each
# section's figures and step screens (labkit.figures); build/slides/{ja,en}/slides.pdf.
# reveal.js/require.js/jQuery come from npm once; --check opens every deck in chromium.
slides: system-packages $(VENV)/.dev-installed
	$(PY) slides/build.py --check

# Printable A4 handouts from the same sources (lecture prose, figures, checks with answers).
handouts: system-packages $(VENV)/.dev-installed
	$(PY) -m labkit.handout

# Every learner-visible ja/en pair of labkit and the notebooks, for review against the lecture.
texts: $(VENV)/.run-installed
	$(PY) -m labkit texts --out build

test: system-packages lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv
	$(PY) -m pytest -m "not pcsc and not opensc and not browser and not notebooks and not slow" $(PYTEST_ARGS)

# ruff; the architecture (import-linter contracts in pyproject.toml); types (mypy: the lower half strict).
lint: venv
	$(VENV)/bin/ruff check labkit tests
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: venv
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Long fuzzing run (minutes); the test suite keeps short hypothesis runs of the same properties.
FUZZ_ARGS ?=
fuzz: venv
	$(PY) tests/fuzz/run_fuzz.py $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .import_linter_cache
