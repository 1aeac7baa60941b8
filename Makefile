# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

# Tests run in parallel workers (pytest-xdist), a test file per worker at a time, so a
# module's fixtures (a corpora ingest, a SeaweedFS server per worker) are built once.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: demo test check lint venv clean stack-up stack-down stack-status

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m flows.demo --out demo

# A local stack to try the scheduled deployments (deploy/stack.py): SeaweedFS, a Prefect server
# and a worker on 127.0.0.1, state and data in .stack/ (WIRELAKE_STACK_DIR). Other ports:
# make stack-up STACK_ARGS="--prefect-port 4300 --s3-port 8433"
stack-up: $(STAMP)
	$(BIN)/python -m deploy.stack up $(STACK_ARGS)

stack-status: $(STAMP)
	$(BIN)/python -m deploy.stack status

stack-down: $(STAMP)
	$(BIN)/python -m deploy.stack down

lint: $(STAMP)
	$(BIN)/ruff check .

# The whole suite (what CI runs).
test: $(STAMP) lint
	$(PYTEST)

# The fast tier for the inner loop: no servers, no processes, no flow runs.
check: $(STAMP) lint
	$(PYTEST) -m "not slow"

clean:
	rm -rf demo .pytest_cache .ruff_cache
