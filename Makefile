# Learning services: one entry point per task. Everything installs what it needs into .venv.
#   make run     start PostgreSQL (embedded unless a URL is configured) and all services
#   make test    the whole test suite against real PostgreSQL
#   make lint    buf lint (DEFAULT/STANDARD rules) over protos/, and buf breaking against the
#                released contracts (protos/released.binpb): released field numbers never change
#   make release-contracts   record the current protos as released (when a version ships)
#   make proto   regenerate gen/ from protos/
#   make bench   benchmarks with ratios against in-run baselines
#   make lock    re-resolve uv.lock after a change to pyproject.toml (and its pip export, requirements-dev.txt)
#   make k8s     regenerate deploy/k8s/base from shared/services.py

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
UV     := $(VENV)/bin/uv
UV_VERSION := 0.13.9
BUF    := node_modules/.bin/buf

.PHONY: install run test lint release-contracts proto bench clean lock k8s

install: $(STAMP)

# Installs exactly the versions in uv.lock (reproducible installs). uv installs in seconds where pip takes tens
# of them: the venv is created without pip (ensurepip alone costs seconds) and the pinned uv is put into it by
# the system pip. `--locked` fails when pyproject.toml changed without `make lock`; `--inexact` keeps uv itself.
# Without a system pip (no uv), plain pip installs the same hashed versions from requirements-dev.txt.
ENSURE_UV = test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV); \
	[ "$$($(UV) --version 2>/dev/null)" = "uv $(UV_VERSION)" ] || \
	$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)' 2>/dev/null || true

$(STAMP): pyproject.toml uv.lock requirements-dev.txt
	@$(ENSURE_UV)
	@if [ -x $(UV) ]; then UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --quiet --locked --inexact --extra dev || \
	  { echo "make: uv sync failed; if pyproject.toml changed, run 'make lock' and commit uv.lock" >&2; exit 1; }; \
	 else $(PY) -m ensurepip --upgrade >/dev/null && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; fi
	@touch $(STAMP)

lock:
	@$(ENSURE_UV)
	$(UV) lock
	$(UV) export --quiet --frozen --extra dev --no-emit-project --format requirements-txt -o requirements-dev.txt

k8s: $(STAMP)
	$(PY) -m scripts.gen_k8s

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
