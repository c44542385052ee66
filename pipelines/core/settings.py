"""Every setting, read from the environment in this one place, with defaults (paths relative to the repository
root)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# Which plan a report belongs to where its own words cannot say (read by the linking step and by dbt).
REPORT_PLANS_FILE = DBT_PROJECT_DIR / "seeds" / "report_plans.csv"
# A person's corrections of column roles, read when a report is read (pipelines/core/layout/header.py).
COLUMN_ROLES_FILE = DBT_PROJECT_DIR / "seeds" / "column_roles.csv"

# The Dagster instance's settings (run monitoring, the `warehouse` pool): copied into a DAGSTER_HOME that lacks them.
INSTANCE_TEMPLATE = REPO_ROOT / ".dagster" / "dagster.yaml"

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_PATH = "warehouse/warehouse.duckdb"
# Where the extraction runs: worker processes on this machine, or a Spark session (pipelines/core/spark/).
EXTRACTION_ENGINES = ("local", "spark")
# Where dbt builds the marts: in the DuckDB build, or on Spark into a catalog beside the warehouse, whose tables
# the build then reads as views over Parquet (pipelines/core/spark/catalog.py).
MARTS_ENGINES = ("duckdb", "spark")
DEFAULT_LOCK_WAIT_SECONDS = 900.0
DEFAULT_MAX_FILE_MB = 50.0
# DuckDB's buffer pool for a refresh (the build's connections and dbt's): its own default is 80% of the
# machine's memory, which a refresh of a large warehouse fills with the pages it copies. Past this, DuckDB
# spills to a temporary folder beside the build.
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"


def _from_env(name: str, default: str) -> Path:
    path = Path(os.environ.get(name) or default).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def raw_dir() -> Path:
    """`PIPELINE_RAW_DIR`: the folder of raw report files (default `raw/`)."""
    return _from_env("PIPELINE_RAW_DIR", DEFAULT_RAW_DIR)


def warehouse_path() -> Path:
    """`WAREHOUSE_PATH`: the published DuckDB file (default `warehouse/warehouse.duckdb`)."""
    return _from_env("WAREHOUSE_PATH", DEFAULT_WAREHOUSE_PATH)


def dagster_home() -> Path | None:
    """`DAGSTER_HOME`: the Dagster instance's folder (the Makefile sets `.dagster/`); unset: an ephemeral one."""
    home = os.environ.get("DAGSTER_HOME")
    return Path(home).expanduser() if home else None


def _engine(name: str, default: str) -> str:
    """The engine `name` asks for, else `PIPELINE_ENGINE=spark` (both heavy parts on Spark), else `default`."""
    chosen = os.environ.get(name, "").strip().lower()
    if not chosen and os.environ.get("PIPELINE_ENGINE", "").strip().lower() == "spark":
        return "spark"
    return chosen or default


def extraction_engine() -> str:
    """`PIPELINE_EXTRACTION_ENGINE`: `local` (worker processes, the default) or `spark` (a Spark session at
    `SPARK_MASTER`, default local mode; needs `make spark-env`). `PIPELINE_ENGINE=spark` sets both engines."""
    return _engine("PIPELINE_EXTRACTION_ENGINE", "local")


def marts_engine() -> str:
    """`PIPELINE_MARTS_ENGINE`: `duckdb` (dbt builds the marts in the warehouse, the default) or `spark` (dbt-spark
    into a catalog beside it, read as views over Parquet). `PIPELINE_ENGINE=spark` sets both engines."""
    return _engine("PIPELINE_MARTS_ENGINE", "duckdb")


def report_language() -> str:
    """`REPORT_LANGUAGE`: the achievement report's language, `zh` (the default: its readers read the documents'
    language) or `en` (pipelines/core/report/words.py)."""
    return os.environ.get("REPORT_LANGUAGE", "").strip().lower() or "zh"


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


def strict() -> bool:
    """`PIPELINE_STRICT=1` (for CI): a file not read (rejected, or a report-like entry skipped) fails the run
    instead of warning; the published warehouse then stays as it was. Default: off."""
    return os.environ.get("PIPELINE_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


def lock_wait_seconds() -> float:
    """`REFRESH_LOCK_WAIT_SECONDS`: how long a refresh waits for another one of the same warehouse (default 900)."""
    return float(os.environ.get("REFRESH_LOCK_WAIT_SECONDS") or DEFAULT_LOCK_WAIT_SECONDS)


def run_stats_path() -> Path | None:
    """`RUN_STATS_PATH`: where `make run` writes its run's figures as JSON (for `make bench`); unset: nowhere."""
    path = os.environ.get("RUN_STATS_PATH")
    return Path(path) if path else None


def java_home() -> str | None:
    """`JAVA_HOME`: a Java runtime for Spark where `java` is not on the PATH."""
    return os.environ.get("JAVA_HOME") or None


def duckdb_memory_limit() -> str:
    """DUCKDB_MEMORY_LIMIT, a DuckDB size such as 1GB or 512MB."""
    return os.environ.get("DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def bench_sizes() -> str:
    """`BENCH_SIZES`: the report counts `make bench` runs the pipeline at (default 1,100,1000)."""
    return os.environ.get("BENCH_SIZES", "1,100,1000")


def max_file_mb() -> float:
    """`PIPELINE_MAX_FILE_MB`: the largest raw file read, in MB (default 50); a larger one is rejected unread.
    The other caps on what a file may make the readers build are in `pipelines/core/sources/limits.py`."""
    return float(os.environ.get("PIPELINE_MAX_FILE_MB") or DEFAULT_MAX_FILE_MB)
