"""The marts on Spark as a step of the refresh (`PIPELINE_MARTS_ENGINE=spark`), in a catalog that persists.

    the build's staging (DuckDB) --COPY--> <catalog>/staging/*.parquet
    --dbt on-run-start (macros/spark_staging.sql)--> Spark tables staging.*
    --dbt build --target spark_catalog (dbt's own process)--> Parquet tables in <catalog>/warehouse/
    --hard links--> <catalog>/snapshots/<run>/ --views over read_parquet--> the build's marts --publish--> analysts

The catalog is a Hive metastore (embedded Derby) and a warehouse directory beside the warehouse file: what Spark
built stays there between refreshes, and any Spark session given `catalog_conf` reads it. The published marts are
views over a snapshot of one run's files, hard links that the next build never rewrites (Spark writes new files and
unlinks the old names): analysts read one consistent state while Spark builds the next, and a failed build leaves
the published one as it was. Nothing here imports pyspark: dbt-spark starts the session in dbt's process.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.core.spark.marts import export_sources, parquet_query
from pipelines.core.spark.session import DEFAULT_MASTER, SPARK_CONF

# The dbt profile's target (dbt_project/profiles.yml) whose session takes `catalog_conf` from the run's vars.
SPARK_TARGET = "spark_catalog"
# Snapshots kept: the published run's, and the one before it (a reader who opened the file before the last
# publish still reads through it).
SNAPSHOTS_KEPT = 2


def catalog_dir(warehouse: Path) -> Path:
    """The Spark catalog of the warehouse at `warehouse` (the published file): a folder beside it."""
    return warehouse.parent / f"{warehouse.stem}-spark"


def catalog_conf(folder: Path, master: str | None = None) -> dict[str, str]:
    """The session settings (session.SPARK_CONF, the master) with the persistent catalog in `folder`."""
    conf = {key: value for key, value, _why in SPARK_CONF}
    conf |= {
        "spark.master": master or DEFAULT_MASTER,
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true"
        ),
        # Derby's log and Spark's scratch files in the catalog, not in the working directory.
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.local.dir": str(folder / "scratch"),
    }
    return conf


def dbt_vars(folder: Path, master: str | None = None) -> dict[str, object]:
    """The vars of the run's `dbt build --target spark_catalog`: the session's settings, where the staging Parquet
    files are (registered as Spark tables by the on-run-start hook), and where each table's schema is written as an
    empty Parquet file (macros/spark_staging.sql: a table without rows has no file of its own)."""
    return {
        "spark_conf": catalog_conf(folder, master),
        "staging_parquet": str(folder / "staging"),
        "spark_schemas": str(folder / "schemas"),
    }


def export_staging(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """The build's dbt sources as Parquet files where the hook finds them, replacing the last run's."""
    shutil.rmtree(folder / "staging", ignore_errors=True)
    return export_sources(con, folder / "staging")


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def snapshot(folder: Path, run_id: str, relations: list[tuple[str, str]]) -> dict[tuple[str, str], Path]:
    """Each (schema, name) Spark built as a table, its Parquet files linked into `snapshots/<run_id>/`: relation ->
    the snapshot's folder. Views (dbt's `stg_*` on Spark) have no files and are left out."""
    taken = {}
    for schema, name in relations:
        built = folder / "warehouse" / f"{schema}.db" / name
        if not built.is_dir():
            continue
        target = folder / "snapshots" / run_id / schema / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        parts = sorted(built.rglob("*.parquet"))  # a per-report mart: one folder per report_id=… partition
        if not parts:  # no rows: the table's schema, as its empty file
            built = folder / "schemas" / schema / name
            parts = sorted(built.glob("*.parquet"))
        for part in parts:
            (target / part.relative_to(built)).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(part, target / part.relative_to(built))
        taken[(schema, name)] = target
    return taken


def _drop_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    kind = con.execute(
        "select table_type from information_schema.tables where table_schema = ? and table_name = ? "
        "and table_catalog = current_database()",
        [schema, name],
    ).fetchone()
    if kind:
        con.execute(f'drop {"view" if kind[0] == "VIEW" else "table"} "{schema}"."{name}"')


def attach_snapshot(con: duckdb.DuckDBPyConnection, taken: dict[tuple[str, str], Path]) -> None:
    """In the build, each relation Spark built as a view over its snapshot's files: analysts' SQL is unchanged."""
    for (schema, name), files in sorted(taken.items()):
        _drop_relation(con, schema, name)
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(f'create view "{schema}"."{name}" as {parquet_query(files)}')


def prune_snapshots(folder: Path, newest_first: list[str], keep: int = SNAPSHOTS_KEPT) -> list[Path]:
    """Remove the snapshots of runs other than the `keep` first of `newest_first` (the runs that published, newest
    first); returns the removed folders."""
    kept = set(newest_first[:keep])
    root = folder / "snapshots"
    removed = [p for p in sorted(root.iterdir()) if p.is_dir() and p.name not in kept] if root.is_dir() else []
    for old in removed:
        shutil.rmtree(old, ignore_errors=True)
    return removed
