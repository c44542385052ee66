"""Writing frames into the DuckDB warehouse and reading a summary back. No Dagster here."""

from __future__ import annotations

import duckdb
import polars as pl

STAGING = "staging"
MARTS = "marts"


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Create or replace `schema.table` with the frame's rows, in one transaction."""
    schema = table.split(".")[0]
    arrow = frame.to_arrow()  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(f"create schema if not exists {schema}")
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table {table} as select * from arrow")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return frame.height


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    # Arrow is the zero-copy path from DuckDB to polars (a DB-API result would copy the rows).
    return pl.from_arrow(con.sql(f"select * from {table}").to_arrow_table())


def table_row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every base table and view in the staging and marts schemas."""
    names = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (?, ?) order by table_schema desc, table_name",
        [STAGING, MARTS],
    ).fetchall()
    return [(s, t, con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]) for s, t in names]
