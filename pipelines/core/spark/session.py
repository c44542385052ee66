"""A Spark session for the heavy parts (the extraction, the dbt marts), the same code in local mode here and
on a cluster there: only the master URL and the directories change.

pyspark is an optional dependency (`uv sync --extra spark`, Java 17): nothing here imports it until a session
is asked for, so the default install never loads it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.core import settings

# Where the work runs unless settings.spark_master() (`SPARK_MASTER`) names a cluster (spark://host:7077, yarn,
# k8s://…): local mode on this machine's cores.
DEFAULT_MASTER = "local[2]"

# Settings that matter for this project, one row each: (key, value, why).
SPARK_CONF: tuple[tuple[str, str, str], ...] = (
    ("spark.ui.enabled", "false", "no web UI port to open on a shared machine"),
    ("spark.ui.showConsoleProgress", "false", "no progress bars in the run's log"),
    ("spark.driver.host", "127.0.0.1", "loopback: the machine's hostname may not resolve"),
    ("spark.driver.bindAddress", "127.0.0.1", "loopback, as above"),
    ("spark.sql.shuffle.partitions", "4", "the staging tables are small: 200 partitions would be 200 tasks of nothing"),
    ("spark.sql.catalogImplementation", "in-memory", "no Hive metastore: staging is registered per session"),
    ("spark.sql.session.timeZone", "UTC", "timestamps as DuckDB writes them"),
    ("spark.sql.execution.arrow.pyspark.enabled", "true", "frames pass to and from Python as Arrow"),
    ("spark.sql.sources.default", "parquet", "tables DuckDB reads with read_parquet"),
    ("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS", "DuckDB's timestamps, not INT96"),
    (
        "spark.driver.memory",
        "2g",
        "in local mode the driver is the executor too; 1g failed a broadcast join at 1,000 reports",
    ),
    (
        "spark.sql.autoBroadcastJoinThreshold",
        "2MB",
        "Parquet compresses staging ~10x: a table Spark sizes at 10 MB by its files is far larger once broadcast",
    ),
)


def spark_available() -> str | None:
    """None when a session can start here, else why not (for a skip or an error that says what to install)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: `make spark-env` (uv sync --extra spark)"
    if not (shutil.which("java") or settings.java_home()):
        return "no Java runtime: apt-get install openjdk-17-jre-headless"
    return None


def _project_code(folder: Path) -> Path:
    """The project's Python package as a zip the executors import (Spark's addPyFile): on a cluster the
    workers have the environment's libraries but not this checkout."""
    archive = folder / "pipelines.zip"
    root = settings.REPO_ROOT
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((root / "pipelines").rglob("*.py")):
            zf.write(path, path.relative_to(root))
    return archive


@contextmanager
def spark_session(
    master: str | None = None, warehouse_dir: Path | None = None, conf: dict[str, str] | None = None
) -> Iterator[object]:
    """A SparkSession with SPARK_CONF, its tables under `warehouse_dir` (a temporary folder unless given),
    the project's code shipped to its executors; stopped at the end. Where this process already runs a
    session, that one. The executors run this Python (PYSPARK_PYTHON), so they have the
    same libraries in local mode; on a cluster, the same environment must be there (docs/spark.md)."""
    if reason := spark_available():
        raise RuntimeError(f"Spark cannot start here: {reason}")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # pyspark 4.3 warns on pandas 3 whenever it looks for pandas; these parts pass Arrow, not pandas.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    try:
        running = SparkSession.active()
    except PySparkRuntimeError:  # none
        running = None
    if running is not None:
        # A session this process already runs (a notebook's, a test's) is used as it is, and left to its owner.
        yield running
        return
    with tempfile.TemporaryDirectory(prefix="spark-") as tmp:
        folder = Path(tmp)
        builder = SparkSession.builder.master(master or settings.spark_master() or DEFAULT_MASTER)
        builder = builder.appName("workplan-warehouse")
        for key, value, _why in SPARK_CONF:
            builder = builder.config(key, value)
        builder = builder.config("spark.sql.warehouse.dir", str(warehouse_dir or folder / "warehouse"))
        builder = builder.config("spark.local.dir", str(folder / "scratch"))
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dderby.system.home={folder / 'derby'}")
        for key, value in (conf or {}).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        try:
            spark.sparkContext.addPyFile(str(_project_code(folder)))
            yield spark
        finally:
            spark.stop()
