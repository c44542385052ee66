# Two commands matter: `make run` (build everything) and `make test`. Both create the pinned
# environment first (uv, from uv.lock), so a machine with only Python 3.11 and make is enough.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
MANIFEST := dbt_project/target/manifest.json

# The venv's tools (dbt, dagster) first on PATH, also for the processes `dagster dev` starts.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME := $(CURDIR)/.dagster
export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Compiled bytecode roughly halves import time (this machine sets PYTHONDONTWRITEBYTECODE).
export UV_COMPILE_BYTECODE := 1

.PHONY: env spark-env run test test-fast lint dev score docs bench spark manifest clean

env: $(VENV)/.synced

# Spark (pyspark, dbt-spark) is an optional extra: a checkout that asked for it keeps it on every later sync
# (the mark is outside the venv, which uv may create anew).
SPARK_MARK := .tools/spark-extra

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python "$(PYTHON)" $(if $(wildcard $(SPARK_MARK)),--extra spark)
	touch $@

# The Spark extra (pyspark is ~450 MB) and a check that Java is there (Debian: openjdk-17-jre-headless).
spark-env: | $(UV)
	@command -v java >/dev/null || { echo "Spark needs Java 17: apt-get install openjdk-17-jre-headless"; exit 1; }
	$(UV) sync --locked --python "$(PYTHON)" --extra spark
	touch $(SPARK_MARK) $(VENV)/.synced

# @dbt_assets reads the manifest when the definitions are imported.
# Parsed with the same arguments as at run time (pipelines/defs/dbt_project.py), so runs parse only changes.
$(MANIFEST): $(VENV)/.synced $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' \) -print)
	PYTHONPATH=$(CURDIR) $(BIN)/dagster-dbt project prepare-and-package --file pipelines/defs/dbt_project.py
	touch $@

manifest: $(MANIFEST)

run: $(MANIFEST)
	$(BIN)/python -m pipelines.run

test: $(MANIFEST)
	$(BIN)/python -m pytest

# The inner loop: every test but the end-to-end runs (a minute or two).
test-fast: $(MANIFEST)
	$(BIN)/python -m pytest -m "not e2e"

# The gates CI runs before the tests (the same as .pre-commit-config.yaml): ruff (lint and format), sqlfluff on
# the dbt models, the import layers of pipelines/core (import-linter, pyproject.toml), and Dagster's check
# that the definitions load.
lint: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests queries
	$(BIN)/lint-imports --no-cache
	$(BIN)/dg check defs

# Compare the built warehouse with the hand labels (../shared/data/labels): recall, false targets,
# comparator, pairing and status accuracy, missed precision and recall, and every miss (every label set);
# then the real tables with gold (../shared/data/real3), each built alone, on the development part and the
# third held out (its misses not printed).
score: $(MANIFEST)
	$(BIN)/python -m pipelines.tooling.score
	$(BIN)/python -m pipelines.tooling.score_gold

# The pipeline at 1, 100 and 1,000 synthetic reports beside the stack's floors (warehouse/bench/);
# then reading per source format (the seed in each; 1,000 reports in the fastest and slowest), then
# linking tasks across a plan's reports (10 reports a plan, and all in one plan); then the heavy parts on Spark
# beside DuckDB at 1 and 100 reports (where the spark extra is installed).
bench: $(MANIFEST)
	$(BIN)/python -m pipelines.tooling.bench
	$(BIN)/python -m pipelines.tooling.bench.formats --reports $${BENCH_FORMAT_REPORTS:-1000}
	$(BIN)/python -m pipelines.tooling.bench.linking --reports $${BENCH_FORMAT_REPORTS:-1000}
	@missing=$$(PYTHONPATH=$(CURDIR) $(BIN)/python -c \
		"from pipelines.core.spark.session import spark_available; print(spark_available() or '')") || exit 1; \
	if [ -z "$$missing" ]; then $(BIN)/python -m pipelines.tooling.bench.spark; \
	else echo "bench: the Spark path skipped: $$missing"; fi

# dbt docs and GE Data Docs as static HTML under warehouse/docs/.
docs: $(MANIFEST)
	$(BIN)/python -m pipelines.tooling.docs

# The limit of the pool every warehouse step is in (WAREHOUSE_POOL, pipelines/defs/resources.py), set before the
# UI starts: dagster.yaml's default limit reaches a new pool only after the daemon's first look at it, and two
# runs queued in that first look would both start. A deleted .dagster/ is recreated first (pipelines/defs/recovery.py).
dev: $(MANIFEST)
	$(BIN)/python -m pipelines.defs.recovery
	$(BIN)/dagster instance concurrency set warehouse 1 >/dev/null
	env --default-signal=INT,TERM $(BIN)/dagster dev -h 127.0.0.1 -w workspace.yaml

# The seed's warehouse built again with the extraction and the dbt marts on Spark (local mode), every staging
# table and mart compared with DuckDB's by value (warehouse/spark/).
spark: spark-env $(MANIFEST)
	$(BIN)/python -m pipelines.tooling.spark_check

clean:
	rm -rf dbt_project/target dbt_project/logs warehouse/*.duckdb warehouse/*.wal
