"""Staging assets: raw report files -> DuckDB `staging` tables. Thin: the rules live in the core modules."""


import time
from datetime import datetime, timezone

import dagster as dg
import polars as pl

from pipelines import settings
from pipelines.mentions import extract_mentions
from pipelines.reading import REJECT_SCHEMA, TASK_SCHEMA, read_report, report_files
from pipelines.resources import RawFolderResource, WarehouseResource
from pipelines.units import unit_assignments
from pipelines.warehouse import read_table, replace_table

RAW_WORK_PLANS = dg.AssetSpec(
    key=["raw", "work_plans"],
    group_name="raw",
    kinds={"file"},
    description="Raw work-plan progress tables (`PIPELINE_RAW_DIR`): one `|`-separated file per report.",
)

KINDS = {"polars", "duckdb"}
STG_TASKS = dg.AssetKey(["staging", "stg_tasks"])
REJECTED_ROWS = dg.AssetKey(["staging", "rejected_rows"])
STG_REPORTS = dg.AssetKey(["staging", "stg_reports"])
STG_UNIT_ASSIGNMENTS = dg.AssetKey(["staging", "stg_unit_assignments"])

REPORT_SCHEMA = {
    "report_id": pl.String,
    "source_file": pl.String,
    "content_hash": pl.String,
    "encoding": pl.String,
    "line_count": pl.Int64,
    "header_line": pl.Int64,
    "task_rows": pl.Int64,
    "rejected_rows": pl.Int64,
    "loaded_at": pl.Datetime("us", "UTC"),
    "pipeline_version": pl.String,
}


def _markdown_preview(frame: pl.DataFrame, rows: int = 5, width: int = 60) -> dg.MetadataValue:
    head = frame.head(rows).with_columns(pl.col(pl.String).str.slice(0, width))
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in head.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(STG_TASKS, kinds=KINDS, deps=[RAW_WORK_PLANS], description="One row per task read from the raw reports."),
        dg.AssetSpec(REJECTED_ROWS, kinds=KINDS, deps=[RAW_WORK_PLANS], description="Source rows that could not be read, with why."),
        dg.AssetSpec(STG_REPORTS, kinds=KINDS, deps=[RAW_WORK_PLANS], description="One row per raw report file read."),
    ],
    group_name="staging",
)
def ingest_reports(context: dg.AssetExecutionContext, raw_folder: RawFolderResource, warehouse: WarehouseResource):
    """Read every report in the raw folder: tasks to `stg_tasks`, unreadable rows to `rejected_rows`."""
    loaded_at = datetime.now(timezone.utc)
    reports = [read_report(path) for path in report_files(raw_folder.directory)]
    tasks = pl.concat([r.tasks for r in reports]) if reports else pl.DataFrame(schema=TASK_SCHEMA)
    rejected = pl.concat([r.rejected for r in reports]) if reports else pl.DataFrame(schema=REJECT_SCHEMA)
    report_rows = pl.DataFrame(
        [
            (r.report_id, r.source_file, r.content_hash, r.encoding, r.line_count, r.header_line, r.tasks.height,
             r.rejected.height, loaded_at, settings.pipeline_version())
            for r in reports
        ],
        schema=REPORT_SCHEMA,
        orient="row",
    )
    for r in reports:
        context.log.info(
            f"{r.report_id}: {r.tasks.height} tasks, {r.rejected.height} rejected rows, "
            f"{r.line_count} lines ({r.encoding})"
        )
    with warehouse.get_connection(context.run_id) as con:
        replace_table(con, "staging.stg_tasks", tasks)
        replace_table(con, "staging.rejected_rows", rejected)
        replace_table(con, "staging.stg_reports", report_rows)

    yield dg.MaterializeResult(
        asset_key=STG_TASKS,
        metadata={
            "dagster/row_count": tasks.height,
            "reports": len(reports),
            "preview": _markdown_preview(tasks.select("report_id", "task_id", "requirement", "units_raw")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=REJECTED_ROWS,
        metadata={
            "dagster/row_count": rejected.height,
            "preview": _markdown_preview(rejected.select("report_id", "source_line", "reason", "raw_text")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=STG_REPORTS,
        metadata={
            "dagster/row_count": report_rows.height,
            "reports": _markdown_preview(report_rows.drop("loaded_at", "pipeline_version"), rows=20),
        },
    )


@dg.asset(key=STG_UNIT_ASSIGNMENTS, deps=[STG_TASKS], group_name="staging", kinds=KINDS)
def stg_unit_assignments(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per (task, responsible unit): the units cell read with its lead mark, stray spaces and
    shared suffixes resolved; position and role (lead, support, sole, joint) per unit."""
    with warehouse.get_connection(context.run_id) as con:
        assignments = unit_assignments(read_table(con, "staging.stg_tasks"))
        replace_table(con, "staging.stg_unit_assignments", assignments)
    roles = assignments.group_by("role").len().sort("role")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": assignments.height,
            "distinct_units": assignments.get_column("unit_name").n_unique(),
            **{f"role_{role}": n for role, n in roles.iter_rows()},
        }
    )


STG_TARGET_MENTIONS = dg.AssetKey(["staging", "stg_target_mentions"])
STG_ACTUAL_MENTIONS = dg.AssetKey(["staging", "stg_actual_mentions"])
STG_TARGET_PAIRS = dg.AssetKey(["staging", "stg_target_pairs"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(STG_TARGET_MENTIONS, kinds=KINDS, deps=[STG_TASKS],
                     description="Numeric targets read from each task's requirement text."),
        dg.AssetSpec(STG_ACTUAL_MENTIONS, kinds=KINDS, deps=[STG_TASKS],
                     description="Numbers read from each task's completion text, with period and estimate flag."),
        dg.AssetSpec(STG_TARGET_PAIRS, kinds=KINDS, deps=[STG_TASKS],
                     description="Each target's actual reporting the same metric, or none."),
    ],
    group_name="staging",
)
def extract_targets_and_actuals(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Read targets from requirements and actuals from completions; pair them by metric."""
    with warehouse.get_connection(context.run_id) as con:
        tasks = read_table(con, "staging.stg_tasks")
        started = time.perf_counter()
        targets, actuals, pairs = extract_mentions(tasks)
        seconds = time.perf_counter() - started
        replace_table(con, "staging.stg_target_mentions", targets)
        replace_table(con, "staging.stg_actual_mentions", actuals)
        replace_table(con, "staging.stg_target_pairs", pairs)
    tasks_with_target = targets.get_column("task_id").n_unique() if targets.height else 0
    context.log.info(f"{tasks.height} tasks: {targets.height} targets, {actuals.height} actuals in {seconds:.2f}s")
    yield dg.MaterializeResult(
        asset_key=STG_TARGET_MENTIONS,
        metadata={
            "dagster/row_count": targets.height,
            "tasks_with_a_target": tasks_with_target,
            "tasks_per_second": round(tasks.height / seconds) if seconds else 0,
            "preview": _markdown_preview(targets.select("task_id", "span", "value", "unit", "comparator", "direction")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=STG_ACTUAL_MENTIONS,
        metadata={
            "dagster/row_count": actuals.height,
            "estimates": int(actuals.get_column("is_estimate").sum() or 0),
            "part_year": int(actuals.get_column("is_part_year").sum() or 0),
        },
    )
    yield dg.MaterializeResult(
        asset_key=STG_TARGET_PAIRS,
        metadata={
            "dagster/row_count": pairs.height,
            "paired": int(pairs.get_column("actual_seq").is_not_null().sum()),
        },
    )
