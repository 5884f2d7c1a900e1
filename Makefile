# socsim: `make demo` and `make test` do all set-up on a fresh machine (only Python needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.socsim-installed
BENCH_STAMP := $(VENV)/.socsim-bench-installed
# Numba work inside one process stays reproducible whatever the thread count; tests pin
# nothing, benchmarks pin one thread where they promise "one core".
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: all install demo test bench clean clean-cache

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	touch $(BENCH_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/socsim demo --out results/demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

# Numba's on-disk cache does not notice edits to a function inlined from another module
# (e.g. simulation/kernels/random.py): drop it after changing a kernel.
clean-cache:
	find simulation -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-cache
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The browser tests alone (headless Debian Chromium; screenshots in results/screenshots/,
# step latency in benchmarks/results/app.json).
.PHONY: test-browser
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser -q
