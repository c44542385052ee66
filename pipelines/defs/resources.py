"""Resources: the raw folder, the run's build of the warehouse, the published warehouse, the quality
gates and dbt. Configured from the environment; each owns the lifecycle of what it holds."""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import PrivateAttr

from pipelines.core import settings
from pipelines.core.quality.gates import QualityGates
from pipelines.core.warehouse.build import DiskFull, WarehouseBuild, is_disk_full
from pipelines.core.warehouse.connection import open_published
from pipelines.defs.dbt_project import dbt_project
from pipelines.defs.recovery import PROCESS_TAG, fail_dead_runs, process_identity

# Every step that reads or writes a warehouse joins this pool. The instance (.dagster/dagster.yaml) limits
# the pool to one run at a time, whatever launched it: the refresh job, the schedule, the sensor, or the
# asset graph's "Materialize all" (Dagster's implicit asset job), so queued runs wait their turn.
WAREHOUSE_POOL = "warehouse"


class RawFolderResource(dg.ConfigurableResource):
    """The folder of raw report files; each file is one report."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path)


class WarehouseBuildResource(dg.ConfigurableResource):
    """The run's build of the warehouse at `path` (see core/warehouse/build.py): when the run starts,
    it takes the refresh lock and the build file; when the run ends, however it ends, it releases the
    lock. The steps read and write the build; only `publish()` touches the published file. At the start
    it also recovers what an earlier refresh left (recovery.py, build.py): runs whose process is gone are
    marked failed, a damaged published file is set aside."""

    path: str
    _build: WarehouseBuild | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run_id = context.run.run_id if context.run else "ad hoc"
        if context.run and context.instance and PROCESS_TAG not in context.run.tags:
            # A run launched by the UI, the sensor or the schedule: which process runs it, for fail_dead_runs.
            context.instance.add_run_tags(run_id, {PROCESS_TAG: process_identity()})
        self._build = WarehouseBuild(Path(self.path), run_id)
        self._build.open()
        if context.instance:
            for dead in fail_dead_runs(context.instance, Path(self.path), this_run=run_id):
                context.log.warning(f"run {dead} was left started by a process that is gone: marked failed")
        if aside := self._build.set_aside:
            context.log.warning(
                f"the published warehouse was damaged ({aside.reason}): moved to {aside.path}; "
                "this run builds it anew from the raw folder"
            )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._build is not None:
            self._build.close()

    @property
    def published(self) -> Path:
        return Path(self.path)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            with self._build.connect() as con:
                yield con
        except (duckdb.Error, OSError) as err:
            if not is_disk_full(err):
                raise
            # A build written on a full disk cannot be trusted and keeps the disk full: removed now.
            self._build.discard()
            raise DiskFull(
                f"{self._build.path}: no space left on the device while writing the build; the build "
                "was removed to free its space: free more and run again"
            ) from err

    def publish(self) -> Path:
        return self._build.publish()


class PublishedWarehouseResource(dg.ConfigurableResource):
    """The published warehouse at `path`, as analysts see it (read-only), and what is built beside it."""

    path: str

    @property
    def published(self) -> Path:
        return Path(self.path)

    @property
    def reports_dir(self) -> Path:
        return self.published.parent / "reports"

    def get_connection(self) -> duckdb.DuckDBPyConnection:
        # The file published now, in a database of its own within DUCKDB_MEMORY_LIMIT: the report's queries
        # over 10,000 reports took 2.7 GB under DuckDB's default limit.
        return open_published(self.path)


class ExtractionResource(dg.ConfigurableResource):
    """Where the extraction runs: `local`, worker processes on this machine (the default), or `spark`, a Spark
    session at `spark_master` (empty: local mode) started when a run has tasks to read and stopped when the
    run ends. Both run the same pure function and write the same rows (tests/test_spark.py)."""

    engine: str = "local"
    spark_master: str = ""
    _stack: ExitStack | None = PrivateAttr(default=None)
    _spark: object = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.engine not in settings.EXTRACTION_ENGINES:
            raise ValueError(
                f"extraction engine {self.engine!r} (PIPELINE_EXTRACTION_ENGINE): use one of "
                f"{', '.join(settings.EXTRACTION_ENGINES)}"
            )
        self._stack = ExitStack()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._stack is not None:
            self._stack.close()  # stops the Spark session, if one was started

    def extract(
        self, tasks_file: Path, out_dir: Path, n_tasks: int, readings_file: Path | None = None
    ) -> dict[str, list[str]]:
        """refresh_steps.Extractor on the configured engine. Imported here: neither the extraction nor
        pyspark loads in processes that only load the definitions. Spark reads every template (keeping
        readings there is not built), so it ignores `readings_file`."""
        if self.engine == "local" or n_tasks == 0:  # nothing to read: no JVM to start
            from pipelines.core.extraction.batch import extract_mentions_to_files

            return extract_mentions_to_files(tasks_file, out_dir, n_tasks, readings_file=readings_file)
        from pipelines.core.spark.extract import extract_mentions_on_spark
        from pipelines.core.spark.session import spark_session

        if self._spark is None:
            self._spark = self._stack.enter_context(spark_session(self.spark_master or None))
        return extract_mentions_on_spark(self._spark, tasks_file, out_dir, n_tasks)


@dg.resource(description="Runs the saved Great Expectations suites; results and Data Docs beside the warehouse.")
def quality_gates(context: dg.InitResourceContext) -> Iterator[QualityGates]:
    with QualityGates(settings.warehouse_path()) as gates:
        yield gates


class DbtResource(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs this project has no use for, ~6 s of a
    seed refresh on this machine: asking the dbt executable its version (a subprocess that imports all
    of dbt) when the executable is the venv's own dbt-core, whose version the package metadata gives;
    and loading dbt's macros in this process for a database handle that only column metadata would
    use (`fetch_column_metadata`, not called here). Both are private hooks of dagster-dbt 0.29; if a
    release renames them, the library's own (slower) behaviour returns, nothing breaks."""

    # Where the marts are built (settings.MARTS_ENGINES): `duckdb`, in the build; `spark`, dbt-spark into the catalog
    # beside the warehouse at `spark_master` (empty: local mode), read by the build as views (core/spark/catalog.py).
    engine: str = "duckdb"
    spark_master: str = ""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project venv), so an un-activated venv works too."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, object]:
    warehouse = str(settings.warehouse_path())
    return {
        "raw_folder": RawFolderResource(path=str(settings.raw_dir())),
        "warehouse_build": WarehouseBuildResource(path=warehouse),
        "warehouse": PublishedWarehouseResource(path=warehouse),
        "quality": quality_gates,
        "extraction": ExtractionResource(engine=settings.extraction_engine(), spark_master=settings.spark_master()),
        "dbt": DbtResource(
            project_dir=dbt_project,
            dbt_executable=dbt_executable(),
            engine=settings.marts_engine(),
            spark_master=settings.spark_master(),
        ),
    }
