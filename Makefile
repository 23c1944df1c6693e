# kalplan — two commands on a fresh machine: `make demo`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSSTAMP := .sysdeps.ok
APT_PACKAGES := tesseract-ocr tesseract-ocr-rus poppler-utils libreoffice-writer-nogui python3-uno \
	fonts-dejavu-core fonts-liberation chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= outputs

.PHONY: demo test lint setup sysdeps venv bench clean samples scans

setup: sysdeps venv

# Debian packages: tesseract (rus) for scans, LibreOffice (+ UNO for a resident instance)
# for DOC/RTF/ODT, poppler, Chromium.
sysdeps: $(SYSSTAMP)
$(SYSSTAMP):
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# Python packages, pinned in requirements.lock.
venv: $(STAMP)
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip<27"
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

demo: setup
	@test -d samples/scanned || $(BIN)/python samples/make_scans.py >/dev/null
	$(BIN)/kalplan ingest samples/ --out $(OUT) --workers 2
	@echo; echo "Example queries (DuckDB):"
	$(BIN)/kalplan query $(OUT) "SELECT format, count(*) AS documents, sum(items) AS items FROM documents GROUP BY format ORDER BY format"
	$(BIN)/kalplan query $(OUT) "SELECT i.deadline_end, left(i.action, 50) AS action, i.executors, i.legal_refs FROM items i JOIN documents d USING (doc_id) WHERE d.format = 'txt' AND i.anchor = 'voting_day' AND i.deadline_end IS NOT NULL ORDER BY i.deadline_end LIMIT 10"
	$(BIN)/kalplan eval tests/gold --out $(OUT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy schemas parsers extractors pipeline

test: setup lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run_all.py

samples: setup
	$(BIN)/python samples/render.py

scans: setup
	$(BIN)/python samples/make_scans.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
