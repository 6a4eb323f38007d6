# Learning services: one entry point per task. Everything installs what it needs into .venv.
#   make run     start PostgreSQL (embedded unless a URL is configured) and all services
#   make test    the whole test suite against real PostgreSQL
#   make lint    buf lint (DEFAULT/STANDARD rules) over protos/, and buf breaking against the
#                released contracts (protos/released.binpb): released field numbers never change
#   make release-contracts   record the current protos as released (when a version ships)
#   make proto   regenerate gen/ from protos/
#   make bench   benchmarks with ratios against in-run baselines

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BUF    := node_modules/.bin/buf

.PHONY: install run test lint release-contracts proto bench clean

install: $(STAMP)

# uv installs in seconds where pip takes tens of them. The venv is created without pip (ensurepip
# alone costs seconds) and uv is put into it by the system pip; without a system pip, plain pip is used.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	@$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check 'uv>=0.5' 2>/dev/null || true
	@if [ -x $(VENV)/bin/uv ]; then $(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[dev]'; \
	 else $(PY) -m ensurepip --upgrade >/dev/null && $(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'; fi
	@touch $(STAMP)

proto: $(STAMP)
	$(PY) scripts/gen_protos.py

$(BUF): package.json
	npm install --no-audit --no-fund --silent
	@touch $(BUF)

lint: $(BUF)
	$(BUF) lint
	$(BUF) breaking --against protos/released.binpb

release-contracts: $(BUF)
	$(BUF) build -o protos/released.binpb

run: $(STAMP)
	$(PY) -m scripts.run

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis
