"""Staging assets: raw report files -> DuckDB `staging` tables. Thin: the rules live in the core modules."""


from datetime import datetime, timezone

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.reading import REJECT_SCHEMA, TASK_SCHEMA, read_report, report_files
from pipelines.resources import RawFolderResource
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
def ingest_reports(context: dg.AssetExecutionContext, raw_folder: RawFolderResource, duckdb: DuckDBResource):
    """Read every report in the raw folder: tasks to `stg_tasks`, unreadable rows to `rejected_rows`."""
    loaded_at = datetime.now(timezone.utc)
    reports = [read_report(path) for path in report_files(raw_folder.directory)]
    tasks = pl.concat([r.tasks for r in reports]) if reports else pl.DataFrame(schema=TASK_SCHEMA)
    rejected = pl.concat([r.rejected for r in reports]) if reports else pl.DataFrame(schema=REJECT_SCHEMA)
    report_rows = pl.DataFrame(
        [
            (r.report_id, r.source_file, r.content_hash, r.encoding, r.line_count, r.tasks.height,
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
    with duckdb.get_connection() as con:
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
def stg_unit_assignments(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per (task, responsible unit): the units cell read with its lead mark, stray spaces and
    shared suffixes resolved; position and role (lead, support, sole, joint) per unit."""
    with duckdb.get_connection() as con:
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
