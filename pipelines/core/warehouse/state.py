"""What each table of a warehouse was built from, recorded once: the table `staging.build_state`.

One row per (table, report): the raw file's content hash, the fingerprint of the code that read it,
the run whose reading of the file the table holds (`reading_run`) and the run that wrote the rows.
`staging.raw_tasks` stands for what ingest writes (tasks, rejected rows, reports); a table derived
from it (unit assignments, mentions) is rebuilt for a report when it holds another reading than
raw_tasks. One row with `table_name = 'marts'` records the transform (dbt project, GE suites) the
published marts were built with. Planning, the incremental assets and `marts.dim_reports` all read
this table; nothing else records it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.core.warehouse.connection import connect_read_only, table_columns
from pipelines.core.warehouse.tables import BUILD_STATE, RAW_TASKS, STAGING

READINGS = RAW_TASKS.qualified  # the row of a report's reading (what ingest wrote)
TRANSFORM = "marts"  # the row of the transform the marts were built with


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    arrow = BUILD_STATE.empty().to_arrow()  # noqa: F841 - read by DuckDB below
    con.execute(f"create schema if not exists {STAGING}")
    con.execute(f"create table if not exists {BUILD_STATE.qualified} as select * from arrow")


def _forget(con: duckdb.DuckDBPyConnection, table: str, report_ids: list[str]) -> None:
    con.execute(
        f"delete from {BUILD_STATE.qualified} where table_name = ? and report_id in (select unnest(?::varchar[]))",
        [table, report_ids],
    )


def forget_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The table is recorded as holding no reading: the next run of its step rebuilds every report."""
    ensure_table(con)
    con.execute(f"delete from {BUILD_STATE.qualified} where table_name = ?", [table])


def record_readings(
    con: duckdb.DuckDBPyConnection,
    hashes: dict[str, str],
    removed: list[str],
    code_version: str,
    pipeline_version: str,
    run_id: str,
) -> None:
    """Ingest read these reports (report_id -> content hash) in this run; these others are gone."""
    ensure_table(con)
    _forget(con, READINGS, sorted(hashes) + removed)
    now = datetime.now(UTC)
    rows = pl.DataFrame(
        [(READINGS, r, h, code_version, pipeline_version, run_id, run_id, now) for r, h in sorted(hashes.items())],
        schema=BUILD_STATE.schema,
        orient="row",
    )
    arrow = rows.to_arrow()  # noqa: F841 - read by DuckDB below
    con.execute(f"insert into {BUILD_STATE.qualified} select * from arrow")


def readings(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """report_id -> (content hash, code version) of the reading each report's rows hold."""
    if table_columns(con, BUILD_STATE.qualified) is None:
        return {}
    return {
        r: (h, c)
        for r, h, c in con.execute(
            f"select report_id, content_hash, code_version from {BUILD_STATE.qualified} where table_name = ?",
            [READINGS],
        ).fetchall()
    }


def file_hash(path: Path) -> str:
    """SHA-256 of a regular file's bytes, read in blocks (a file over the size cap is hashed without being held
    whole); of no bytes for a file that cannot be opened as one (a permission refused; a link or FIFO put in its
    place since the folder was listed: not followed, never blocking), as the file's rejected report records it.
    One unreadable file never stops the refresh's planning."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return hashlib.sha256(b"").hexdigest()
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return hashlib.sha256(b"").hexdigest()
        return hashlib.file_digest(f, "sha256").hexdigest()


def needs_reading(recorded: tuple[str, str] | None, path: Path, code_version: str) -> bool:
    """Whether a report must be read (again): never read, its file's content changed, or the code that reads
    it did. `recorded` is its (content hash, code version) from `readings`, or None. The one place this is
    decided: the refresh's changes and the ingest step both ask it."""
    return recorded != (file_hash(path), code_version)


def reports_to_rebuild(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[str]]:
    """(reports to recompute, reports to drop) for a table derived from raw_tasks: a report is
    recomputed when the table holds another reading of it than raw_tasks does (read anew in this run,
    or in an earlier run that did not finish), so nothing twice; reports no longer read are dropped."""
    ensure_table(con)
    read = dict(
        con.execute(
            f"select report_id, reading_run from {BUILD_STATE.qualified} where table_name = ?", [READINGS]
        ).fetchall()
    )
    held = dict(
        con.execute(
            f"select report_id, reading_run from {BUILD_STATE.qualified} where table_name = ?", [table]
        ).fetchall()
    )
    in_table = set()
    if table_columns(con, table) is not None:
        in_table = {r for (r,) in con.execute(f"select distinct report_id from {table}").fetchall()}
    rebuild = sorted(r for r, run in read.items() if held.get(r) != run)
    dropped = sorted((in_table | set(held)) - set(read))
    return rebuild, dropped


def record_derived(
    con: duckdb.DuckDBPyConnection, table: str, rebuilt: list[str], dropped: list[str], run_id: str
) -> None:
    """The table now holds raw_tasks' reading of the rebuilt reports, and nothing of the dropped ones."""
    _forget(con, table, rebuilt + dropped)
    con.execute(
        f"insert into {BUILD_STATE.qualified} select ?, report_id, content_hash, code_version, pipeline_version, "
        f"reading_run, ?, ? from {BUILD_STATE.qualified} "
        "where table_name = ? and report_id in (select unnest(?::varchar[]))",
        [table, run_id, datetime.now(UTC), READINGS, rebuilt],
    )


def record_transform(
    con: duckdb.DuckDBPyConnection, transform_version: str, pipeline_version: str, run_id: str
) -> None:
    ensure_table(con)
    con.execute(f"delete from {BUILD_STATE.qualified} where table_name = ?", [TRANSFORM])
    con.execute(
        f"insert into {BUILD_STATE.qualified} values (?, null, null, ?, ?, null, ?, ?)",
        [TRANSFORM, transform_version, pipeline_version, run_id, datetime.now(UTC)],
    )


def transform_row(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """(transform version, run that built the marts with it) of the warehouse, or (None, None)."""
    if table_columns(con, BUILD_STATE.qualified) is None:
        return None, None
    # fetchall: a result left half read blocks the connection's next statement (DuckDB)
    rows = con.execute(
        f"select code_version, built_by_run from {BUILD_STATE.qualified} where table_name = ?", [TRANSFORM]
    ).fetchall()
    return rows[0] if rows else (None, None)


def transform_version(con: duckdb.DuckDBPyConnection) -> str | None:
    return transform_row(con)[0]


def written_since_publish(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The reports whose staging rows were written since the warehouse was last published (every report
    recorded, before the first publish); as dbt's stg_changed_reports reads it."""
    if table_columns(con, BUILD_STATE.qualified) is None:
        return []
    rows = con.execute(
        f"""
        select distinct report_id from {BUILD_STATE.qualified}
        where report_id is not null and built_at > coalesce(
            (select max(built_at) from {BUILD_STATE.qualified} where table_name = ?), '-infinity'::timestamptz
        )
        order by 1
        """,
        [TRANSFORM],
    ).fetchall()
    return [r for (r,) in rows]


@dataclass(frozen=True)
class Built:
    """What a published warehouse was built from."""

    reports: dict[str, tuple[str, str]]  # report_id -> (content hash, code version)
    transform_version: str | None
    # The run that published it: names the published state (a folder back at an earlier state is another
    # refresh when something else was published in between).
    published_run: str | None = None


def read_built(warehouse: Path) -> Built:
    if not warehouse.exists():
        return Built({}, None)
    with connect_read_only(warehouse) as con:
        return Built(readings(con), *transform_row(con))
