# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint fmt bench install install-dev system-deps demo clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Our modules compiled to bytecode, as installing a package does: where Python is told not
# to write bytecode (PYTHONDONTWRITEBYTECODE), every command would otherwise compile them
# afresh, about 0.1 s of each start. Only changed files are compiled again.
COMPILE := $(PY) -m compileall -q socialkapital queries dashboard benches

install: $(VENV)/.installed
	$(COMPILE)
install-dev: $(VENV)/.installed-dev
	$(COMPILE)

## run: install, load the demo data into an empty store, start the dashboard (on 127.0.0.1
## only, unless sign-in is set up in .streamlit/secrets.toml)
run: install
	$(VENV)/bin/socialkapital demo --load --if-empty
	$(VENV)/bin/socialkapital serve --port $(PORT)

## test: install the dev tools (and Chromium for the browser tests), lint, run every test
test: install-dev system-deps lint
	$(PY) -m pytest -n 2 -q -m "not e2e"
	# The browser tests share one dashboard server and store, so they run in one process.
	$(PY) -m pytest -q -m e2e

system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && \
	   $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: run every benchmark (100k, 1M and 5M respondents; about an hour on 2 cores); results
## go to docs/benchmarks.md, with the growth chart. `make bench QUICK=1`: 100k only, nothing written
bench: install-dev
	for b in benches/bench_*.py; do $(PY) -m benches.$$(basename $$b .py) $(if $(QUICK),--quick) || exit 1; done
	$(if $(QUICK),,$(PY) -m benches.growth)

demo: install
	$(VENV)/bin/socialkapital demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
