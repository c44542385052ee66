"""Great Expectations between stages: the frames each suite checks, and running the saved suites.

The GX project (suites, validation definitions, datasource) lives in `expectations/gx/` and is
edited there. At run time it is copied beside the warehouse (`<warehouse dir>/gx/`), so that
validation results and Data Docs are written with the warehouse they describe, not into the repo.
GX cannot validate DuckDB reliably through SQLAlchemy: each check reads its tables into a
DataFrame, derives the columns a rule needs (a span found in its text and a task that exists, in
DuckDB's SQL; lines accounted per report, in polars), and runs the saved validation definition on it.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.settings import REPO_ROOT
from pipelines.warehouse import read_query, read_table
from pipelines.workers import worker_pool

EXPECTATIONS_DIR = REPO_ROOT / "expectations" / "gx"
# What is copied from the repo's GX project; the rest (uncommitted/: results, docs) is per warehouse.
GX_DEFINITIONS = ("great_expectations.yml", "expectations", "validation_definitions", "checkpoints", "plugins")
SAMPLE_SIZE = 10


@dataclass
class FailedExpectation:
    expectation: str
    column: str
    notes: str
    unexpected_count: int | None
    sample: list[Any]
    where: list[str] = field(default_factory=list)  # the failing rows' keys, e.g. "bad/1" (report/task)


@dataclass
class SuiteResult:
    suite: str
    success: bool
    rows: int
    evaluated: int
    failed: list[FailedExpectation] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed on {self.rows} rows"
        return f"{self.suite}: {len(self.failed)} of {self.evaluated} expectations failed on {self.rows} rows: " + "; ".join(
            f"{f.notes or f.expectation} ({f.unexpected_count} rows, e.g. {', '.join(f.where[:3]) or f.sample[:3]})"
            for f in self.failed
        )

    def markdown(self) -> str:
        if not self.failed:
            return "All expectations passed."
        lines = ["| expectation | column | failing rows | where | sample values |", "|---|---|---|---|---|"]
        for f in self.failed:
            sample = ", ".join(str(v) for v in f.sample[:SAMPLE_SIZE]).replace("|", "\\|")
            where = ", ".join(f.where[:SAMPLE_SIZE])
            lines.append(f"| {f.notes or f.expectation} | {f.column} | {f.unexpected_count} | {where} | {sample} |")
        return "\n".join(lines)


def gx_root_for(warehouse: Path) -> Path:
    """The folder whose `gx/` holds this warehouse's copy of the GX project, results and docs."""
    return warehouse.parent


@lru_cache(maxsize=8)
def gx_context(root: Path):
    """A file context over a runtime copy of the repo's GX project (suites refreshed on each load)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    target = root / "gx"
    target.mkdir(parents=True, exist_ok=True)
    for name in GX_DEFINITIONS:
        source, dest = EXPECTATIONS_DIR / name, target / name
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, dest)
    return gx.get_context(mode="file", project_root_dir=str(root))


@lru_cache(maxsize=64)
def suite_columns(suite: str) -> frozenset[str]:
    """The columns a suite's expectations read, and the keys its failing rows are reported by."""
    columns = {"report_id", "task_id"}
    saved = json.loads((EXPECTATIONS_DIR / "expectations" / f"{suite}.json").read_text(encoding="utf-8"))
    for expectation in saved["expectations"]:
        kwargs = expectation["kwargs"]
        columns |= {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs}
        columns |= set(kwargs.get("column_list", []))
    return frozenset(columns)


# Importing Great Expectations takes ~2 s. `make run` starts a process that loads it before the run
# loads Dagster and the definitions, so the two overlap on a second core, and the suites run there.
# Runs launched elsewhere (the UI, the schedule) validate in their own process.
_worker: ProcessPoolExecutor | None = None


def _load_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations  # noqa: F401


def start_worker() -> None:
    global _worker
    if _worker is None:
        _worker = worker_pool(1, initializer=_load_gx)
        _worker.submit(int)  # start it now rather than at the first check


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.shutdown(cancel_futures=True)
        _worker = None


def validate(suite: str, frame: pl.DataFrame, root: Path, run_name: str | None = None) -> SuiteResult:
    """Run the saved validation definition `suite` on the frame; results are kept under `run_name`."""
    # Only the columns the suite reads go to pandas: span and metric texts would multiply the memory.
    frame = frame.select([c for c in frame.columns if c in suite_columns(suite)])
    if _worker is not None:
        return _worker.submit(_validate, suite, frame, root, run_name).result()
    return _validate(suite, frame, root, run_name)


def _validate(suite: str, frame: pl.DataFrame, root: Path, run_name: str | None) -> SuiteResult:
    from great_expectations.core.run_identifier import RunIdentifier

    context = gx_context(root)
    # The saved checkpoint runs the saved validation definition and stores the result beside the
    # warehouse, for the Data Docs.
    run = context.checkpoints.get(suite).run(
        batch_parameters={"dataframe": frame.to_pandas()},
        run_id=RunIdentifier(run_name=run_name) if run_name else None,
    )
    result = next(iter(run.run_results.values()))
    failed = []
    for r in result.results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        column = kwargs.get("column") or ", ".join(
            str(kwargs[k]) for k in ("column_A", "column_B", "column_list") if k in kwargs
        )
        failed.append(
            FailedExpectation(
                expectation=r.expectation_config.type,
                column=column,
                notes=(r.expectation_config.meta or {}).get("notes", ""),
                unexpected_count=r.result.get("unexpected_count"),
                sample=list(r.result.get("partial_unexpected_list") or [r.result.get("observed_value")]),
                where=[
                    "/".join(str(row[k]) for k in ("report_id", "task_id") if k in row)
                    for row in r.result.get("partial_unexpected_index_list") or []
                    if isinstance(row, dict)
                ],
            )
        )
    return SuiteResult(suite, bool(result.success), frame.height, len(result.results), failed)


# --- the frames the suites check ----------------------------------------------------------------

TASK_KEY = ["report_id", "task_id"]


def _with_references(con: duckdb.DuckDBPyConnection, table: str, span_text: str | None = None) -> pl.DataFrame:
    """The table's rows with `task_exists` (its task is in stg_tasks) and, given the task's text
    column, `span_in_text` (the span is that text at its offsets). Computed in DuckDB: the texts stay
    there rather than being joined onto every mention in memory (a million rows at 1,000 reports)."""
    span_in_text = (
        f", coalesce(substring(t.{span_text}, m.span_start + 1, m.span_end - m.span_start) = m.span, false)"
        " and length(m.span) > 0 as span_in_text"
    ) if span_text else ""
    return read_query(con, f"""
        select m.*, t.task_id is not null as task_exists{span_in_text}
        from {table} m
        left join (select report_id, task_id{f", {span_text}" if span_text else ""} from staging.stg_tasks) t
            on t.report_id = m.report_id and t.task_id = m.task_id
    """)


def staging_tasks(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return read_table(con, "staging.stg_tasks")


def staging_line_accounting(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per report: lines in the file vs lines the header, the tasks and the quarantine account for."""
    reports = read_table(con, "staging.stg_reports")
    task_lines = read_table(con, "staging.stg_tasks").group_by("report_id").agg(
        task_lines=(pl.col("last_line") - pl.col("first_line") + 1).sum(), tasks_in_staging=pl.len()
    )
    rejected_lines = read_table(con, "staging.rejected_rows").group_by("report_id").agg(
        rejected_lines=(pl.col("last_line") - pl.col("source_line") + 1).sum()
    )
    return (
        reports.select("report_id", "line_count", "task_rows", "header_line")
        .join(task_lines, on="report_id", how="left")
        .join(rejected_lines, on="report_id", how="left")
        .with_columns(pl.col("task_lines", "tasks_in_staging", "rejected_lines").fill_null(0))
        .with_columns(accounted_lines=1 + pl.col("task_lines") + pl.col("rejected_lines"))  # 1: the header
    )


def staging_unit_assignments(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return _with_references(con, "staging.stg_unit_assignments")


def staging_task_units(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    per_task = read_table(con, "staging.stg_unit_assignments").group_by(TASK_KEY).agg(
        n_units=pl.len(), n_leads=(pl.col("role") == "lead").sum()
    )
    return (
        read_table(con, "staging.stg_tasks")
        .select(TASK_KEY)
        .join(per_task, on=TASK_KEY, how="left")
        .with_columns(pl.col("n_units", "n_leads").fill_null(0))
    )


def staging_target_mentions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return _with_references(con, "staging.stg_target_mentions", span_text="requirement")


def staging_actual_mentions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return _with_references(con, "staging.stg_actual_mentions", span_text="completion")


def staging_target_coverage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    with_target = read_table(con, "staging.stg_target_mentions").select(TASK_KEY).unique().with_columns(has=pl.lit(1))
    return (
        read_table(con, "staging.stg_tasks")
        .select(TASK_KEY)
        .join(with_target, on=TASK_KEY, how="left")
        .group_by("report_id")
        .agg(tasks=pl.len(), share_of_tasks_with_target=pl.col("has").fill_null(0).mean())
    )


def marts_target_achievement(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return read_table(con, "marts.fct_target_achievement").with_columns(
        status_agrees_with_actual=pl.col("actual_seq").is_not_null() | (pl.col("status") == "unknown")
    )
