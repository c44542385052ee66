"""The dbt marts built by Spark from a warehouse's staging tables, and compared with DuckDB's by value.

    DuckDB staging --COPY (FORMAT parquet)--> Parquet --Spark tables staging.*--> dbt build --target spark
    --> Parquet tables marts.* --read_parquet--> DuckDB, the analysts' client, as before

dbt runs in this process: dbt-spark's `session` method takes the session that registered the staging tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.core.settings import DBT_PROJECT_DIR
from pipelines.core.warehouse.tables import MARTS, SOURCES, STAGING

# Floating-point sums and ratios may differ in their last bits with the order rows are added in (Spark adds
# in partition order): values are compared to this many decimal places.
FLOAT_DECIMALS = 9
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def export_sources(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Each dbt source table (tables.SOURCES) of the warehouse as one Parquet file: table name -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for table in SOURCES:
        files[table.name] = folder / f"{table.name}.parquet"
        con.execute(f"copy {table.qualified} to '{files[table.name]}' (format parquet)")
    return files


def register_sources(spark, files: dict[str, Path]) -> None:
    """Spark tables `staging.<name>` over the Parquet files, where dbt's sources (schema staging) find them."""
    spark.sql(f"create database if not exists {STAGING}")
    for name, path in files.items():
        spark.sql(f"drop table if exists {STAGING}.{name}")
        spark.sql(f"create table {STAGING}.{name} using parquet location '{path}'")


@dataclass(frozen=True)
class DbtOnSpark:
    success: bool
    results: dict[str, str]  # node -> status (success, pass, warn, error, fail, skipped)
    error: str | None

    def failures(self) -> dict[str, str]:
        return {node: status for node, status in self.results.items() if status in ("error", "fail", "skipped")}


def build_marts(target_dir: Path, args: tuple[str, ...] = ()) -> DbtOnSpark:
    """`dbt build --target spark` (seeds, models, data tests, unit tests) in this process, on the running
    session. Its own target folder: the DuckDB manifest Dagster reads stays as it is; each table's schema as an
    empty Parquet file under `schema_files(target_dir)`."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            "build",
            "--target",
            "spark",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target_dir / "target"),
            "--log-path",
            str(target_dir / "logs"),
            "--vars",
            json.dumps({"spark_schemas": str(schema_files(target_dir))}),
            *args,
        ]
    )
    statuses = {r.node.unique_id: str(r.status) for r in (result.result or [])}
    return DbtOnSpark(bool(result.success), statuses, str(result.exception) if result.exception else None)


def schema_files(target_dir: Path) -> Path:
    """Where build_marts has dbt write each table's schema (macros/spark_staging.sql): <schema>/<table>/ below."""
    return target_dir / "schemas"


def parquet_query(folder: Path, schema_folder: Path | None = None) -> str:
    """DuckDB's query over the Parquet files of a table Spark wrote in `folder`. A partitioned table (one
    `report_id=…` folder per report, escaped by Spark and decoded by DuckDB) has its partition column read as
    text. A table without rows has no file: its schema's empty file in `schema_folder` is read instead."""
    if schema_folder is not None and not any(folder.rglob("*.parquet")):
        folder = schema_folder
    if any(p.is_dir() for p in folder.iterdir()):
        options = "hive_partitioning = true, hive_types_autocast = false"
        return f"select * from read_parquet('{folder}/*/*.parquet', {options})"
    return f"select * from read_parquet('{folder}/*.parquet')"


def mart_locations(spark) -> dict[str, str]:
    """Each table dbt built in Spark's `marts` database -> the folder of its Parquet files."""
    locations = {}
    for table in spark.catalog.listTables(MARTS):
        if table.tableType == "VIEW":
            continue
        described = spark.sql(f"describe table extended {MARTS}.{table.name}").collect()
        location = next(row.data_type for row in described if row.col_name == "Location")
        locations[table.name] = location.removeprefix("file:")
    return locations


@dataclass(frozen=True)
class TableComparison:
    name: str
    duckdb_rows: int
    spark_rows: int  # -1: Spark has no such table
    only_in_duckdb: int  # rows (with their multiplicity) DuckDB has and Spark has not
    only_in_spark: int
    columns_differ: tuple[str, ...] = ()  # columns one side has and the other has not

    @property
    def identical(self) -> bool:
        return self.spark_rows >= 0 and not (self.only_in_duckdb or self.only_in_spark or self.columns_differ)


def _comparable(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> str:
    probe = con.sql(f"select * from {relation} limit 0")
    types = dict(zip(probe.columns, probe.dtypes, strict=False))
    exprs = [
        f'round("{c}"::double, {FLOAT_DECIMALS}) as "{c}"' if str(types[c]) in FLOAT_TYPES else f'"{c}"'
        for c in columns
    ]
    return f"select {', '.join(exprs)} from {relation}"


def compare_relations(con: duckdb.DuckDBPyConnection, name: str, ours: str, theirs: str | None) -> TableComparison:
    """DuckDB's relation against Spark's by value: the same columns, and the same rows as a multiset (EXCEPT
    ALL both ways). Types may differ (DuckDB's sum of integers is a HUGEINT, Spark's a BIGINT): values are
    compared in DuckDB's common type."""
    (n_ours,) = con.execute(f"select count(*) from {ours}").fetchall()[0]
    if theirs is None:
        return TableComparison(name, n_ours, -1, n_ours, 0)
    ours_columns = con.sql(f"select * from {ours} limit 0").columns
    theirs_columns = con.sql(f"select * from {theirs} limit 0").columns
    columns = [c for c in ours_columns if c in theirs_columns]
    a, b = _comparable(con, ours, columns), _comparable(con, theirs, columns)
    (n_theirs,) = con.execute(f"select count(*) from {theirs}").fetchall()[0]
    (only_ours,) = con.execute(f"select count(*) from ({a} except all {b})").fetchall()[0]
    (only_theirs,) = con.execute(f"select count(*) from ({b} except all {a})").fetchall()[0]
    return TableComparison(
        name, n_ours, n_theirs, only_ours, only_theirs, tuple(sorted(set(ours_columns) ^ set(theirs_columns)))
    )


def compare_marts(
    con: duckdb.DuckDBPyConnection, locations: dict[str, str], schemas: Path | None = None
) -> list[TableComparison]:
    """Every mart of the DuckDB warehouse (`con`), table or view, against Spark's Parquet table of the same name
    (`schemas`: build_marts' schema files, for a table without rows)."""
    marts = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_catalog = current_database() order by table_name",
            [MARTS],
        ).fetchall()
    ]
    compared = [
        compare_relations(
            con,
            name,
            f"{MARTS}.{name}",
            f"({parquet_query(Path(locations[name]), schemas / MARTS / name if schemas else None)})"
            if name in locations
            else None,
        )
        for name in marts
    ]
    # A table Spark built that DuckDB has not: a difference too.
    return compared + [
        TableComparison(name, 0, 0, 0, 0, ("<not in DuckDB>",)) for name in sorted(set(locations) - set(marts))
    ]
