# osteosim: every target sets itself up; a fresh machine needs only python3, pip and gcc.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JAX_ENABLE_X64 := 1
export OSTEOSIM_CACHE_DIR ?= $(CURDIR)/.jax_cache

.PHONY: install run test bench clean browser screenshots

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[all]"
	touch $(STAMP)

run: install
	$(VENV)/bin/osteosim trial examples/trials/headline.yaml --out out/headline

# lint (ruff) and the layer contracts (lint-imports, pyproject.toml [tool.importlinter]) before the tests
test: install browser
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports
	# one pytest process per test folder: a single process holding every compiled solver of the
	# suite aborted inside XLA while writing an executable to the compile cache (jaxlib 0.10.2,
	# reproducible only after the whole suite; each folder alone passes)
	set -e; for d in tests/*/; do $(PY) -m pytest -x -q -p no:cacheprovider $$d; done
	$(PY) -m pytest -x -q tests/test_*.py

# the web browser tests drive Debian's chromium (CI runs as root on Debian)
browser:
	command -v /usr/bin/chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# refresh docs/screenshots/ from the browser tests (a test run alone leaves them unchanged)
screenshots: install browser
	OSTEOSIM_DOC_SCREENSHOTS=1 $(PY) -m pytest -x -q tests/web/test_browser.py

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf out .jax_cache .pytest_cache
