"""The files a refresh did not read, or read without finding a task: one row each (status, file, place, reason)
for the checks `every_file_read` and `every_report_has_tasks`, and the line `make run` prints for each.

A rejected file is a report of its own (`raw_reports.read_status = 'rejected'`, one row in rejected_rows); the
other reports land beside it. These rows say which, so that a person sees every one, not only the first.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.core.warehouse.connection import read_query
from pipelines.core.warehouse.tables import RAW_REPORTS

COLUMNS = ("status", "file", "place", "reason")
# status -> what it means; `make run` prints `<status>: <file>: <place>: <reason>`.
STATUSES = {
    "rejected": "a report file that could not be read at all: no tasks, and the other reports land",
    "skipped": "a raw folder entry meant as a report that is not opened (a symbolic link, a FIFO, a name that is "
    "not UTF-8, a report id already taken)",
    "no tasks": "a report whose header was found but no task row under it: it lands, empty",
}
NO_TASKS_REASON = "a work-plan header but no task row under it"


def file_line(status: str, file: str, place: str, reason: str) -> str:
    """`rejected: raw/empty.txt: whole file: file is empty`."""
    return f"{status}: {file}: {place}: {reason}"


def rejected_reports(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The reports of the build whose file was rejected, in report order."""
    return read_query(
        con,
        f"select 'rejected' as status, source_file as file, rejected_place as place, rejected_reason as reason "
        f"from {RAW_REPORTS.qualified} where read_status = 'rejected' order by report_id",
    )


def reports_without_tasks(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The reports read (a header found) in which no row is a task, with where the header is."""
    return read_query(
        con,
        f"""
        select 'no tasks' as status, source_file as file,
            case when source_place = '' then 'header at line ' || cast(header_line as varchar)
                 else source_place || ', header at row ' || cast(header_line as varchar) end as place,
            ? as reason
        from {RAW_REPORTS.qualified} where read_status = 'read' and task_rows = 0 order by report_id
        """,
        [NO_TASKS_REASON],
    )
