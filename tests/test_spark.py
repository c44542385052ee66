"""The heavy parts on Spark (local mode, one session for the module): the seed's extraction run by Spark, from the
Dagster asset and from `make spark`'s check, and the dbt project built by Spark (seeds, models, data tests, unit
tests), every extracted table and every mart identical by value to DuckDB's. Skipped, saying why, only where
Java or pyspark is missing (`make spark-env`; `.ci/run` installs both)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.core.spark.session import spark_available
from pipelines.core.warehouse.build import build_path
from pipelines.core.warehouse.tables import RAW_ACTUAL_MENTIONS, RAW_TARGET_MENTIONS, RAW_TARGET_PAIRS
from tests.conftest import REPO_ROOT, dbt_marts, dbt_unit_tests, make_workspace

MISSING = spark_available()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.spark,
    pytest.mark.skipif(MISSING is not None, reason=f"Spark cannot run here: {MISSING}"),
]

MARTS = dbt_marts()


@pytest.fixture(scope="module")
def spark():
    from pipelines.core.spark.session import spark_session

    with spark_session() as session:
        yield session


@pytest.fixture(scope="module")
def seed_on_spark(spark, seed_workspace, seed_run, tmp_path_factory):
    from pipelines.tooling.spark_check import check_on_spark

    return check_on_spark(spark, seed_workspace.warehouse, tmp_path_factory.mktemp("spark-check"))


def test_dbt_builds_every_seed_model_data_test_and_unit_test_on_spark(seed_on_spark):
    dbt = seed_on_spark.dbt
    assert dbt.success, dbt.error or dbt.failures()
    kinds = {node.split(".")[0] for node in dbt.results}
    assert kinds == {"operation", "seed", "model", "test", "unit_test"}  # operation: the on-run-start hook
    assert sum(node.startswith("unit_test.") for node in dbt.results) == dbt_unit_tests()
    assert not dbt.failures()


def test_every_mart_built_by_spark_equals_duckdbs_by_value(seed_on_spark):
    assert {t.name for t in seed_on_spark.marts} == MARTS
    different = [t for t in seed_on_spark.marts if not t.identical]
    assert not different, different
    rows = {t.name: t.spark_rows for t in seed_on_spark.marts}
    assert rows["fct_target_achievement"] == 215 and rows["dim_tasks"] == 177


def test_the_extraction_on_spark_writes_the_local_workers_rows(seed_on_spark):
    assert [t.name for t in seed_on_spark.extraction] == [
        RAW_TARGET_MENTIONS.name,
        RAW_ACTUAL_MENTIONS.name,
        RAW_TARGET_PAIRS.name,
    ]
    assert all(t.identical and t.duckdb_rows > 0 for t in seed_on_spark.extraction), seed_on_spark.extraction


def test_duckdb_reads_the_spark_marts_with_the_analysts_queries(seed_on_spark, spark, seed_workspace):
    """The analysts' client stays DuckDB: the Parquet Spark wrote answers "which targets were missed"."""
    from pipelines.core.spark.marts import mart_locations, parquet_query

    location = Path(mart_locations(spark)["fct_target_achievement"])
    sql = "select status, count(*) from {} group by status order by status"
    spark_answer = duckdb.sql(sql.format(f"({parquet_query(location)})")).fetchall()
    assert spark_answer == seed_workspace.query(sql.format("marts.fct_target_achievement"))
    assert dict(spark_answer)["missed"] > 0


def test_the_extraction_asset_runs_on_spark_when_the_resource_says_so(spark, seed_workspace, seed_run, tmp_path):
    """The Dagster asset with the `extraction` resource on engine spark (PIPELINE_EXTRACTION_ENGINE=spark):
    the same rows as the default run's local workers."""
    from pipelines.defs.assets.staging import extract_targets_and_actuals, ingest_reports, raw_unit_assignments
    from pipelines.defs.resources import ExtractionResource, RawFolderResource, WarehouseBuildResource

    published = tmp_path / "warehouse" / "warehouse.duckdb"
    (tmp_path / "home").mkdir()
    instance = dg.DagsterInstance.local_temp(
        tempdir=str(tmp_path / "home"), overrides={"telemetry": {"enabled": False}}
    )
    result = dg.materialize(
        [ingest_reports, raw_unit_assignments, extract_targets_and_actuals],
        instance=instance,
        resources={
            "raw_folder": RawFolderResource(path=str(seed_workspace.raw_dir)),
            "warehouse_build": WarehouseBuildResource(path=str(published)),
            "extraction": ExtractionResource(engine="spark"),
        },
    )
    assert result.success
    [event] = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["staging", RAW_TARGET_MENTIONS.name])
    ]
    assert event.event_specific_data.materialization.metadata["extraction_engine"].value == "spark"
    build = tmp_path / "build.duckdb"
    shutil.copyfile(build_path(published), build)
    with duckdb.connect(str(build)) as con:
        con.execute(f"attach '{seed_workspace.warehouse}' as reference (read_only)")
        for table in (RAW_TARGET_MENTIONS, RAW_ACTUAL_MENTIONS, RAW_TARGET_PAIRS):
            ours, theirs = f"{table.qualified}", f"reference.{table.qualified}"
            assert con.execute(f"select count(*) from (from {ours} except all from {theirs})").fetchall() == [(0,)]
            assert con.execute(f"select count(*) from (from {theirs} except all from {ours})").fetchall() == [(0,)]
    assert spark.sparkContext._jsc is not None  # the module's session, used by the run and left running


def test_great_expectations_loads_beside_pyspark_in_a_process_started_with_c():
    """GE imports pyspark's Spark Connect DataFrame when pyspark is installed, and pyspark's import guard ends a
    process whose main module has no file (`python -c`, as Dagster's run workers are) unless Spark Connect's
    libraries are there: the extra installs pyspark[connect]. Without it the UI's runs failed at the GE gates."""
    proc = subprocess.run(
        [sys.executable, "-c", "import great_expectations; print('loaded')"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "loaded", proc.stderr[-2000:]


# Columns that say which run built a row, when, and from which folder: another workspace's run writes others.
RUN_COLUMNS = ("loaded_at", "loaded_by_run", "code_version", "source_file")
# A second report beside the seed, so that changing one is an incremental refresh (not more than half changed).
SECOND_REPORT = REPO_ROOT / "tests" / "data" / "real" / "cangnan-2022-minsheng-progress.txt"


@pytest.fixture(scope="module")
def refresh_on_spark(seed_workspace, tmp_path_factory):
    """One whole refresh with both heavy parts on Spark (PIPELINE_ENGINE=spark), as `make run` does, and the same
    folder's default refresh: (on Spark, on DuckDB)."""
    files = [*seed_workspace.raw_dir.iterdir(), SECOND_REPORT]
    on_spark = make_workspace(tmp_path_factory.mktemp("refresh-on-spark"), files)
    on_duckdb = make_workspace(tmp_path_factory.mktemp("refresh-on-duckdb"), files)
    on_spark.run_pipeline(PIPELINE_ENGINE="spark").check()
    on_duckdb.run_pipeline().check()
    return on_spark, on_duckdb


def differing_marts(on_spark, on_duckdb) -> list:
    """Every mart of the two warehouses compared by value (but for the run's own columns): those that differ."""
    from pipelines.core.spark.marts import compare_relations

    with duckdb.connect() as con:
        con.execute(f"attach '{on_duckdb.warehouse}' as on_duckdb (read_only)")
        con.execute(f"attach '{on_spark.warehouse}' as on_spark (read_only)")
        compared = []
        for name in sorted(MARTS):
            columns = [c for c in con.sql(f"from on_duckdb.marts.{name} limit 0").columns if c not in RUN_COLUMNS]
            select = f"(select {', '.join(columns)} from {{}}.marts.{name})"
            compared.append(compare_relations(con, name, select.format("on_duckdb"), select.format("on_spark")))
    assert {t.name: t.spark_rows for t in compared}["dim_reports"] == 2
    return [t for t in compared if not t.identical]


def snapshot_files(ws) -> dict[str, int]:
    """The published snapshot's files of fct_target_achievement (partitioned by report): file -> inode."""
    from pipelines.core.spark.catalog import catalog_dir

    [(run,)] = ws.query("select run_id from staging.refresh_log order by published_at desc limit 1")
    table = catalog_dir(ws.warehouse) / "snapshots" / run / "marts" / "fct_target_achievement"
    return {str(p.relative_to(table)): p.stat().st_ino for p in table.rglob("*.parquet")}


def test_a_refresh_on_spark_publishes_every_mart_equal_to_duckdbs_by_value(refresh_on_spark):
    assert differing_marts(*refresh_on_spark) == []


def test_the_published_marts_are_views_over_the_runs_snapshot_of_sparks_files(refresh_on_spark):
    from pipelines.core.spark.catalog import catalog_dir

    on_spark, _ = refresh_on_spark
    [(run,)] = on_spark.query("select run_id from staging.refresh_log")
    snapshot = catalog_dir(on_spark.warehouse) / "snapshots" / run
    views = dict(
        on_spark.query("select view_name, sql from duckdb_views() where schema_name = 'marts' and not internal")
    )
    assert set(views) == MARTS
    assert all(f"{snapshot}/marts/{name}/" in sql for name, sql in views.items())
    # A table without rows is read too, from its schema's file: an empty seed, a partitioned mart with no report.
    assert on_spark.query("select count(*) from staging.reviewed_verdicts") == [(0,)]
    assert on_spark.query("select count(*) from marts.fct_task_leaders") == [(0,)]


def test_a_refresh_on_spark_rebuilds_the_changed_reports_partitions_only(refresh_on_spark):
    """One report of two changed: the per-report marts drop and rebuild its partition; the other report's file is
    the one Spark wrote before (the same inode in both snapshots), and every mart still equals DuckDB's."""
    on_spark, on_duckdb = refresh_on_spark
    before = snapshot_files(on_spark)
    for ws in refresh_on_spark:
        path = ws.raw_dir / SECOND_REPORT.name
        path.write_text(path.read_text(encoding="utf-8").replace("大中修70", "大中修77"), encoding="utf-8")
    on_spark.run_pipeline(PIPELINE_ENGINE="spark").check()
    on_duckdb.run_pipeline().check()
    after = snapshot_files(on_spark)
    kept = {f for f in after if f in before and after[f] == before[f]}
    assert kept and all(f.startswith("report_id=shaoxing") for f in kept)
    assert any(f.startswith(f"report_id={SECOND_REPORT.stem}") for f in set(after) - kept)
    assert differing_marts(on_spark, on_duckdb) == []
