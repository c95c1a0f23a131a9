# carbonpeak — `make help` lists the targets. Each target sets up what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_VENV := .venv-lab
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
YEAR ?= 2025
DATA ?= data/sample
APT_PACKAGES := fonts-noto-cjk fonts-hanazono libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.DEFAULT_GOAL := help
.PHONY: help setup system gitfilter reports test test-fast lint bench lab sample clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}' \
	  | sed -e 's|$$(YEAR)|$(YEAR)|g' -e 's|$$(DATA)|$(DATA)|g' -e 's|$$(JOBS)|$(JOBS)|g'
	@echo "  (YEAR=$(YEAR) DATA=$(DATA) JOBS=$(JOBS); override like: make reports YEAR=2024)"

setup: system $(VENV)/.installed gitfilter ## create .venv with the pinned packages, install fonts/libraries

system: ## CJK fonts (with Extension B), pango and harfbuzz-subset for PDF, poppler for tests (apt-get when root)
	@missing=""; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || missing="$$missing fonts-noto-cjk"; \
	fc-list :charset=20000 2>/dev/null | grep -q . || missing="$$missing fonts-hanazono"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with: sudo apt-get install -y $(APT_PACKAGES)"; exit 1; \
	  fi; \
	fi

# --clear: a package the pins no longer name does not stay behind from an older .venv
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11+ is required (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

reports: setup ## render the annual reports from $(DATA) into outputs/$(YEAR)/ and the newest monthly barometer into outputs/YYYY-MM/
	$(BIN)/python -m carbonpeak run --data $(DATA) --period $(YEAR) --regions all \
	  --out outputs --formats html,pdf --jobs $(JOBS)
	$(BIN)/python -m carbonpeak run --data $(DATA) --period latest --regions all \
	  --out outputs --formats html,pdf --jobs $(JOBS)

test: setup ## run the test suite (what CI runs)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup
	$(BIN)/ruff check .

test-fast: setup ## the tests without those marked slow (no report rendering, kernels, CLI runs)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup -m "not slow"
	$(BIN)/ruff check .

lint: setup ## ruff
	$(BIN)/ruff check .

bench: setup ## time a full sample run against the naive chain (papermill CLI per notebook)
	$(BIN)/python -m tools.bench

gitfilter: $(VENV)/.installed ## strip notebook outputs on commit (nbstripout as a git filter)
	@# (re)install when absent or when it names an interpreter that no longer exists
	@if git rev-parse --git-dir >/dev/null 2>&1 && \
	  ! { py=$$(git config --get filter.nbstripout.clean | sed -E 's/^"?([^"]*)"?.*/\1/; s/ .*//'); \
	      [ -n "$$py" ] && [ -x "$$py" ]; }; then \
	  $(BIN)/nbstripout --install --attributes .gitattributes && \
	  echo "nbstripout installed as a git filter for *.ipynb"; fi

lab: setup $(LAB_VENV)/.installed ## open JupyterLab on the notebooks, from .venv-lab (as root too: --allow-root)
	$(LAB_VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# JupyterLab's own environment (pyproject.toml `lab`): kept out of .venv, whose processes
# would otherwise import what it brings (rfc3987-syntax) at every start
$(LAB_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv --clear $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install -q --upgrade pip
	$(LAB_VENV)/bin/python -m pip install -q -e '.[lab]'
	@touch $@

sample: setup ## regenerate the illustrative sample data in data/sample/
	$(BIN)/python -m tools sample --out data/sample

clean: ## remove everything a run produced
	rm -rf outputs/*/ outputs/.staging-* outputs/latest outputs/runs.jsonl
