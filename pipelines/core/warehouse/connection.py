"""Writing frames into the DuckDB warehouse and reading a summary back. No Dagster here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from pipelines.core import settings
from pipelines.core.warehouse.tables import MARTS, STAGING, column_compression

T = TypeVar("T")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: readers of the tables never see half a write."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


class WarehouseHeld(RuntimeError):
    """The warehouse file is held for writing by another process: said in one line, with its PID."""


def duckdb_config() -> dict[str, str]:
    """The pipeline's own databases (the build, open_published's): DuckDB's buffer pool within
    DUCKDB_MEMORY_LIMIT (its default is 80% of the machine, which a query over a large warehouse fills). Not
    for a connection to a file this process may already hold: DuckDB refuses a second configuration."""
    return {"memory_limit": settings.duckdb_memory_limit()}


def connect_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a write lock another process holds becomes one line naming file and holder."""
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" not in str(err).lower():
            raise
        holder = re.search(r"PID \d+", str(err))
        raise WarehouseHeld(
            f"{path}: held for writing by another process ({holder.group() if holder else 'unknown'}): close that "
            "connection (analysts open the warehouse read-only) and run again"
        ) from None


def open_published(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse the path names now, whatever this process already holds.

    `duckdb.connect(path)` hands back the database this process already has open for that path (DuckDB's
    instance cache, shared while any connection to it is open), which still reads the file it opened
    before a refresh replaced it; a fresh in-memory database that attaches the path reads the file there
    now. Its tables answer by their usual names (`marts.fct_target_achievement`)."""
    con = duckdb.connect(":memory:", config=duckdb_config())
    literal = str(path).replace("'", "''")
    con.execute(f"attach '{literal}' as warehouse (read_only)")
    con.execute("use warehouse")
    return con


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Create or replace `schema.table` with the frame's rows, in one transaction."""
    arrow = frame.to_arrow()  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(f"create schema if not exists {table.split('.')[0]}")
    with transaction(con):
        con.execute(f"create or replace table {table} as select * from arrow")
    return frame.height


def read_query(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> pl.DataFrame:
    # Arrow is the zero-copy path from DuckDB to polars (a DB-API result would copy the rows).
    return pl.from_arrow(con.sql(query, params=params).to_arrow_table())


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    return read_query(con, f"select * from {table}")


def table_row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every base table and view in the staging and marts schemas."""
    names = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (?, ?) order by table_schema desc, table_name",
        [STAGING, MARTS],
    ).fetchall()
    return [(s, t, con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]) for s, t in names]


class TableShapeChanged(RuntimeError):
    pass


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [c for (c,) in rows] or None


def report_ids_in(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    if table_columns(con, table) is None:
        return set()
    return {r for (r,) in con.execute(f"select distinct report_id from {table}").fetchall()}


def packed(sized: Iterable[tuple[T, int]], max_size: int) -> list[list[T]]:
    """The items in order, in runs whose sizes add up to at most `max_size` (an item larger alone)."""
    batches: list[list[T]] = []
    total = 0
    for item, size in sized:
        if not batches or total + size > max_size:
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += size
    return batches


def batches_by_tasks(con: duckdb.DuckDBPyConnection, reports: list[str], max_tasks: int) -> list[list[str]]:
    """The reports, in order, in batches of at most `max_tasks` tasks (staging.raw_tasks; a larger report alone):
    a step that works a report at a time keeps a batch of them in memory, not the folder."""
    counts = dict(
        con.execute(
            "select report_id, count(*) from staging.raw_tasks where report_id in (select unnest(?::varchar[])) "
            "group by 1",
            [reports],
        ).fetchall()
    )
    return packed(((report, counts.get(report, 0)) for report in sorted(reports)), max_tasks)


INCOMING = "incoming_rows"  # the frame replace_reports writes, as DuckDB sees it


def replace_reports(con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame | str, report_ids: list[str]) -> int:
    """Replace the rows of these reports with `rows` (which belong to these reports only): a frame,
    or a table expression DuckDB reads itself, such as `read_parquet([...])`. Rows of every other
    report stay. One transaction: readers of the table never see half of it."""
    if isinstance(rows, pl.DataFrame):
        con.register(INCOMING, rows.to_arrow())  # zero-copy: DuckDB reads the frame's Arrow buffers
        source, incoming = INCOMING, rows.columns
    else:
        source, incoming = rows, con.sql(f"select * from {rows} limit 0").columns
    con.execute(f"create schema if not exists {table.split('.')[0]}")
    columns = table_columns(con, table)
    with transaction(con):
        if columns is None:
            _create(con, table, source)
        elif columns != incoming:
            # A new shape comes with new code, which re-extracts every report: replace the table.
            kept = report_ids_in(con, table) - set(report_ids)
            if kept:
                raise TableShapeChanged(
                    f"{table}: columns changed but {len(kept)} reports are not being re-extracted "
                    f"(e.g. {sorted(kept)[:3]}); rerun with every report selected"
                )
            con.execute(f"drop table {table}")
            _create(con, table, source)
        else:
            con.execute(f"delete from {table} where report_id in (select unnest(?::varchar[]))", [report_ids])
            con.execute(f"insert into {table} select * from {source}")
    if isinstance(rows, pl.DataFrame):
        con.unregister(INCOMING)
        return rows.height
    return con.execute(f"select count(*) from {source}").fetchone()[0]


def _create(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """The table with the source's columns and rows, each column in its declared compression (prose in zstd)."""
    compression = column_compression(table)
    columns = ", ".join(
        f'"{name}" {kind}' + (f" using compression {compression[name]}" if name in compression else "")
        for name, kind, *_ in con.execute(f"describe select * from {source}").fetchall()
    )
    con.execute(f"create table {table} ({columns})")
    con.execute(f"insert into {table} select * from {source}")


def drop_other_relations(con: duckdb.DuckDBPyConnection, schema: str, keep: set[str]) -> list[str]:
    """Drop the tables and views of `schema` not in `keep`: what an earlier version of the code wrote
    and this one no longer does, so the published warehouse holds what the code declares."""
    found = con.execute(
        "select table_name, table_type from information_schema.tables where table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    dropped = []
    with transaction(con):
        for name, kind in found:
            if name not in keep:
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists {schema}."{name}" cascade')
                dropped.append(name)
    return dropped
