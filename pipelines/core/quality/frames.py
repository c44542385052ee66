"""The frames the Great Expectations suites check, one builder per suite, read from a warehouse build.

Each reads its tables and derives the columns a rule needs: a span found in its text and a task that
exists, in DuckDB's SQL (the texts stay there rather than being joined onto every mention in
memory); lines accounted per report and units per task, in polars.

Each reads the rows of the given reports only (`Reports`: those written since the warehouse was last published,
whose rows were not checked yet), or of every report (None: a first build, or changed suites). Every rule the
suites hold is about one report's rows, so the reports checked before need not be checked again.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from pipelines.core.warehouse.connection import batches_by_tasks, read_query, table_columns
from pipelines.core.warehouse.tables import (
    RAW_ACTUAL_MENTIONS,
    RAW_REPORTS,
    RAW_TARGET_MENTIONS,
    RAW_TASKS,
    RAW_UNIT_ASSIGNMENTS,
    REJECTED_ROWS,
)

TASK_KEY = ["report_id", "task_id"]
Reports = list[str] | None  # the reports to check; None: every report


# A suite checks the rows of about this many tasks at a time (their mentions, units, verdicts): the frames,
# and the pandas copies Great Expectations validates, are bounded by a batch, not by the warehouse.
BATCH_TASKS = 200_000
# Every table a suite reads: a report with rows in any of them is checked.
_CHECKED_TABLES = (
    RAW_REPORTS,
    RAW_TASKS,
    REJECTED_ROWS,
    RAW_UNIT_ASSIGNMENTS,
    RAW_TARGET_MENTIONS,
    RAW_ACTUAL_MENTIONS,
)


def report_batches(con: duckdb.DuckDBPyConnection, reports: Reports, max_tasks: int = BATCH_TASKS) -> list[list[str]]:
    """The reports to check (every report with rows in a checked table, for None) in batches of at most
    `max_tasks` tasks (a larger report alone). Every rule is about one report's rows, so batches of
    reports check what the whole would."""
    if reports is None:  # the tables written so far (a check after ingest runs before the extraction)
        present = [t.qualified for t in _CHECKED_TABLES if table_columns(con, t.qualified) is not None]
        if not present:
            return []
        union = " union ".join(f"select distinct report_id from {table}" for table in present)
        every = read_query(con, f"select report_id from ({union}) where report_id is not null order by report_id")
        reports = every["report_id"].to_list()
    return batches_by_tasks(con, reports, max_tasks)


def _only(reports: Reports, column: str) -> tuple[str, list]:
    """A where clause keeping the reports' rows (none for None), and its parameters."""
    if reports is None:
        return "", []
    return f"where {column} in (select unnest(?::varchar[]))", [reports]


def _rows(con: duckdb.DuckDBPyConnection, table: str, reports: Reports) -> pl.DataFrame:
    """The table's rows of the reports (of every report for None)."""
    where, params = _only(reports, "report_id")
    return read_query(con, f"select * from {table} {where}", params)


def _with_references(
    con: duckdb.DuckDBPyConnection, table: str, reports: Reports, span_text: str | None = None
) -> pl.DataFrame:
    """The table's rows with `task_exists` (its task is in raw_tasks), the task's file and first line (where a
    failing row is named by) and, given the task's text column, `span_in_text` (the span is that text at its
    offsets)."""
    span_in_text = (
        (
            f", coalesce(substring(t.{span_text}, m.span_start + 1, m.span_end - m.span_start) = m.span, false)"
            " and length(m.span) > 0 as span_in_text"
        )
        if span_text
        else ""
    )
    where, params = _only(reports, "m.report_id")
    return read_query(
        con,
        f"""
        select m.*, t.task_id is not null as task_exists, t.source_file, t.first_line{span_in_text}
        from {table} m
        left join (
            select report_id, task_id, source_file, first_line{f", {span_text}" if span_text else ""}
            from {RAW_TASKS.qualified}
        ) t
            on t.report_id = m.report_id and t.task_id = m.task_id
        {where}
    """,
        params,
    )


def raw_tasks(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    return _rows(con, RAW_TASKS.qualified, reports)


def raw_line_accounting(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    """Per report: lines in the file vs lines the header, the tasks and the quarantine account for."""
    report_rows = _rows(con, RAW_REPORTS.qualified, reports)
    task_lines = (
        _rows(con, RAW_TASKS.qualified, reports)
        .group_by("report_id")
        .agg(task_lines=(pl.col("last_line") - pl.col("first_line") + 1).sum(), tasks_in_staging=pl.len())
    )
    rejected_lines = (
        _rows(con, REJECTED_ROWS.qualified, reports)
        .group_by("report_id")
        .agg(rejected_lines=(pl.col("last_line") - pl.col("source_line") + 1).sum())
    )
    return (
        report_rows.select(
            "report_id",
            "source_file",
            "line_count",
            "source_rows",
            "task_rows",
            "header_line",
            "header_lines",
            "title_lines",
            "group_heading_lines",
        )
        .join(task_lines, on="report_id", how="left")
        .join(rejected_lines, on="report_id", how="left")
        .with_columns(pl.col("task_lines", "tasks_in_staging", "rejected_lines").fill_null(0))
        .with_columns(
            accounted_lines=pl.col("header_lines")
            + pl.col("title_lines")
            + pl.col("task_lines")
            + pl.col("rejected_lines")
            + pl.col("group_heading_lines")
        )
    )


def raw_unit_assignments(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    return _with_references(con, RAW_UNIT_ASSIGNMENTS.qualified, reports)


def raw_task_units(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    per_task = (
        _rows(con, RAW_UNIT_ASSIGNMENTS.qualified, reports)
        .group_by(TASK_KEY)
        .agg(n_units=pl.len(), n_leads=(pl.col("role") == "lead").sum())
    )
    return (
        _rows(con, RAW_TASKS.qualified, reports)
        .select(*TASK_KEY, "source_file", "first_line")
        .join(per_task, on=TASK_KEY, how="left")
        .with_columns(pl.col("n_units", "n_leads").fill_null(0))
    )


def raw_target_mentions(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    return _with_references(con, RAW_TARGET_MENTIONS.qualified, reports, span_text="requirement")


def raw_actual_mentions(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    return _with_references(con, RAW_ACTUAL_MENTIONS.qualified, reports, span_text="completion")


def raw_target_coverage(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    """Per report: its tasks and the share of them with at least one target."""
    with_target = (
        _rows(con, RAW_TARGET_MENTIONS.qualified, reports).select(TASK_KEY).unique().with_columns(has=pl.lit(1))
    )
    return (
        _rows(con, RAW_TASKS.qualified, reports)
        .select(TASK_KEY)
        .join(with_target, on=TASK_KEY, how="left")
        .group_by("report_id")
        .agg(tasks=pl.len(), share_of_tasks_with_target=pl.col("has").fill_null(0).mean())
        .join(_rows(con, RAW_REPORTS.qualified, reports).select("report_id", "source_file"), on="report_id", how="left")
    )


def fct_target_achievement(con: duckdb.DuckDBPyConnection, reports: Reports = None) -> pl.DataFrame:
    where, params = _only(reports, "a.report_id")
    achievement = read_query(
        con,
        "select a.*, t.source_file, t.first_line from marts.fct_target_achievement a "
        f"left join marts.dim_tasks t using (task_key) {where}",
        params,
    )
    return achievement.with_columns(
        status_agrees_with_actual=pl.col("actual_seq").is_not_null()
        | (pl.col("status") == "unknown")
        | (pl.col("status_reason") == "stated_complete")
    )


# Suite name (expectations/gx/expectations/<suite>.json) -> the frame it checks.
SUITE_FRAMES: dict[str, Callable[[duckdb.DuckDBPyConnection, Reports], pl.DataFrame]] = {
    "raw_tasks": raw_tasks,
    "raw_line_accounting": raw_line_accounting,
    "raw_unit_assignments": raw_unit_assignments,
    "raw_task_units": raw_task_units,
    "raw_target_mentions": raw_target_mentions,
    "raw_actual_mentions": raw_actual_mentions,
    "raw_target_coverage": raw_target_coverage,
    "fct_target_achievement": fct_target_achievement,
}
