"""The marts on Spark's catalog and snapshots (pipelines/core/spark/catalog.py), without Spark: the files Spark
writes are Parquet files DuckDB writes here."""

from __future__ import annotations

import duckdb

from pipelines.core import settings
from pipelines.core.spark.catalog import (
    attach_snapshot,
    catalog_conf,
    catalog_dir,
    prune_snapshots,
    snapshot,
)


def _spark_table(folder, schema, name, sql):
    """A table as Spark's catalog holds it: a folder of part files under warehouse/<schema>.db/."""
    table = folder / "warehouse" / f"{schema}.db" / name
    table.mkdir(parents=True)
    duckdb.sql(f"copy ({sql}) to '{table}/part-00000.snappy.parquet' (format parquet)")
    return table


def test_the_catalog_persists_beside_the_warehouse_in_a_hive_metastore(tmp_path):
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    assert folder == tmp_path / "warehouse-spark"
    conf = catalog_conf(folder)
    assert conf["spark.sql.catalogImplementation"] == "hive"  # the session's in-memory catalog would forget
    assert conf["spark.sql.warehouse.dir"] == str(folder / "warehouse")
    assert str(folder / "metastore_db") in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert conf["spark.driver.host"] == "127.0.0.1"  # and the rest of SPARK_CONF


def test_the_marts_engine_follows_pipeline_engine_unless_set(monkeypatch):
    monkeypatch.delenv("PIPELINE_MARTS_ENGINE", raising=False)
    monkeypatch.delenv("PIPELINE_EXTRACTION_ENGINE", raising=False)
    monkeypatch.delenv("PIPELINE_ENGINE", raising=False)
    assert (settings.marts_engine(), settings.extraction_engine()) == ("duckdb", "local")
    monkeypatch.setenv("PIPELINE_ENGINE", "spark")
    assert (settings.marts_engine(), settings.extraction_engine()) == ("spark", "spark")
    monkeypatch.setenv("PIPELINE_MARTS_ENGINE", "duckdb")
    assert (settings.marts_engine(), settings.extraction_engine()) == ("duckdb", "spark")


def test_a_snapshot_links_the_files_spark_wrote_and_outlives_their_rewrite(tmp_path):
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    built = _spark_table(folder, "marts", "fct_targets", "select 1 as target_seq")
    taken = snapshot(folder, "run-1", [("marts", "fct_targets"), ("staging", "stg_tasks")])  # a view has no files
    assert taken == {("marts", "fct_targets"): folder / "snapshots" / "run-1" / "marts" / "fct_targets"}
    # The next build writes new files and unlinks the old: the snapshot still reads the old rows.
    (built / "part-00000.snappy.parquet").unlink()
    duckdb.sql(f"copy (select 2 as target_seq) to '{built}/part-00001.snappy.parquet' (format parquet)")
    path = taken[("marts", "fct_targets")]
    assert duckdb.sql(f"from read_parquet('{path}/*.parquet')").fetchall() == [(1,)]


def test_attaching_a_snapshot_replaces_the_builds_tables_with_views(tmp_path):
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    _spark_table(folder, "marts", "dim_tasks", "select 'a/1' as task_key")
    _spark_table(folder, "staging", "reviewed_verdicts", "select 'a/1' as task_key where false")
    taken = snapshot(folder, "run-1", [("marts", "dim_tasks"), ("staging", "reviewed_verdicts")])
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("create schema marts; create table marts.dim_tasks as select 'old' as task_key")
        attach_snapshot(con, taken)
        assert con.execute("from marts.dim_tasks").fetchall() == [("a/1",)]
        assert con.execute("from staging.reviewed_verdicts").fetchall() == []
        kinds = con.execute("select table_type from information_schema.tables where table_name = 'dim_tasks'")
        assert kinds.fetchall() == [("VIEW",)]
        attach_snapshot(con, taken)  # again, over its own views
        assert con.execute("from marts.dim_tasks").fetchall() == [("a/1",)]


def test_snapshots_other_than_the_newest_two_published_runs_are_removed(tmp_path):
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    for run in ("run-1", "run-2", "run-3", "failed-run"):
        (folder / "snapshots" / run).mkdir(parents=True)
    removed = prune_snapshots(folder, ["run-3", "run-2", "run-1"])
    assert sorted(p.name for p in removed) == ["failed-run", "run-1"]
    assert sorted(p.name for p in (folder / "snapshots").iterdir()) == ["run-2", "run-3"]
    assert prune_snapshots(tmp_path / "no-catalog", ["run-3"]) == []


def test_a_partitioned_mart_is_read_with_its_report_from_the_folder_names(tmp_path):
    # Spark writes a per-report mart's rows under report_id=<escaped id>/ with no report_id column in the files.
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    table = folder / "warehouse" / "marts.db" / "fct_target_achievement"
    for escaped in ("2020", "a%23b c"):  # the ids 2020 and a#b c
        (table / f"report_id={escaped}").mkdir(parents=True)
        duckdb.sql(f"copy (select 1 as target_seq) to '{table}/report_id={escaped}/part-0.parquet' (format parquet)")
    taken = snapshot(folder, "run-1", [("marts", "fct_target_achievement")])
    with duckdb.connect() as con:
        attach_snapshot(con, taken)
        rows = con.execute("select report_id, target_seq from marts.fct_target_achievement order by 1").fetchall()
    assert rows == [("2020", 1), ("a#b c", 1)]  # text, as the report ids are, and unescaped


def test_a_table_without_rows_is_read_from_its_schema_file(tmp_path):
    # An empty partitioned mart (or an empty seed) has no file of its own: dbt's post-hook wrote its schema beside.
    folder = catalog_dir(tmp_path / "warehouse.duckdb")
    (folder / "warehouse" / "marts.db" / "fct_task_leaders").mkdir(parents=True)
    schema = folder / "schemas" / "marts" / "fct_task_leaders"
    schema.mkdir(parents=True)
    duckdb.sql(
        f"copy (select 'x' as leader, 'r' as report_id where false) to '{schema}/part-0.parquet' (format parquet)"
    )
    taken = snapshot(folder, "run-1", [("marts", "fct_task_leaders")])
    with duckdb.connect() as con:
        attach_snapshot(con, taken)
        assert con.execute("from marts.fct_task_leaders").fetchall() == []
        assert con.sql("from marts.fct_task_leaders").columns == ["leader", "report_id"]
