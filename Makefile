# talktopics — the commands that matter:
#   make digest   set up .venv (and convert the encoder once) and write the digest of the demo
#                 corpus (corpus/) to out/
#   make test     set up .venv with the dev tools (and headless Chromium) and run the whole suite

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
OUT    ?= out
SEED   ?= 42
# torch: this exact pin resolves to the CPU wheel of this machine kind (no CUDA download).
TORCH  := torch==2.13.0

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: all setup setup-dev digest compare test test-fast lint bench clean browser

all: digest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Stamps make the install idempotent: nothing is reinstalled unless pyproject.toml changed.
$(VENV)/.stamp-runtime: pyproject.toml | $(VENV)/bin/python
	$(PIP) install $(TORCH)
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-dev: pyproject.toml $(VENV)/.stamp-runtime
	$(PIP) install -e '.[dev]'
	@touch $@

$(VENV)/.stamp-bench: pyproject.toml $(VENV)/.stamp-runtime
	$(PIP) install -e '.[bench]'
	@touch $@

# The encoder's one-off conversion to OpenVINO goes to the per-user model cache (shared by every
# corpus) at installation, so that no digest pays it; a run converts it itself when it is gone.
$(VENV)/.stamp-encoder: $(VENV)/.stamp-runtime
	$(VENV)/bin/talktopics prepare --quiet
	@touch $@

setup: $(VENV)/.stamp-runtime $(VENV)/.stamp-encoder
setup-dev: $(VENV)/.stamp-dev browser

# Debian's Chromium drives the HTML tests (the browser is never downloaded by a test tool);
# the Noto CJK and emoji fonts let its screenshots show every script the tests use.
BROWSER_PKGS := chromium fonts-noto-cjk fonts-noto-color-emoji
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  echo "installing Debian's $(BROWSER_PKGS) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	fi

digest: setup
	$(VENV)/bin/talktopics digest corpus/ --seed $(SEED) -o $(OUT)

compare: setup
	$(VENV)/bin/talktopics compare corpus/ --seed $(SEED) -o $(OUT)/compare

test: setup-dev
	$(PY) -m pytest

test-fast: setup-dev
	$(PY) -m pytest -m "not real and not browser"

lint: setup-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

bench: setup-dev $(VENV)/.stamp-bench
	$(PY) bench/run_all.py

clean:
	rm -rf $(OUT) .pytest_cache build dist
