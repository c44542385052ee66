"""Where things are. Read from the environment, with defaults relative to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# Which plan a report belongs to where its own words cannot say (read by the linking step and by dbt).
REPORT_PLANS_FILE = DBT_PROJECT_DIR / "seeds" / "report_plans.csv"

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_PATH = "warehouse/warehouse.duckdb"
# Where the extraction runs: worker processes on this machine, or a Spark session (pipelines/core/spark_*.py).
EXTRACTION_ENGINES = ("local", "spark")


def _from_env(name: str, default: str) -> Path:
    path = Path(os.environ.get(name) or default).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def raw_dir() -> Path:
    """`PIPELINE_RAW_DIR`: the folder of raw report files (default `raw/`)."""
    return _from_env("PIPELINE_RAW_DIR", DEFAULT_RAW_DIR)


def warehouse_path() -> Path:
    """`WAREHOUSE_PATH`: the published DuckDB file (default `warehouse/warehouse.duckdb`)."""
    return _from_env("WAREHOUSE_PATH", DEFAULT_WAREHOUSE_PATH)


def extraction_engine() -> str:
    """`PIPELINE_EXTRACTION_ENGINE`: `local` (worker processes, the default) or `spark` (a Spark session at
    `SPARK_MASTER`, default local mode; needs `make spark-env`)."""
    return os.environ.get("PIPELINE_EXTRACTION_ENGINE", "local").strip().lower() or "local"


def spark_master() -> str:
    """`SPARK_MASTER`: the Spark master URL for the Spark parts (empty: local mode on this machine's cores)."""
    return os.environ.get("SPARK_MASTER", "")


def pipeline_version() -> str:
    """The project's version from pyproject.toml (the project is not installed as a package)."""
    import tomllib

    with open(REPO_ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def automation_on() -> bool:
    """`PIPELINE_AUTOMATION=off` starts the nightly schedule and the raw-folder sensor stopped
    (for a UI session or a test that launches runs by hand). Default: on."""
    return os.environ.get("PIPELINE_AUTOMATION", "on").lower() not in ("off", "0", "false", "no")
