"""Staging assets: raw report files -> the `staging.raw_*` tables of the run's build.

Thin: each calls a step of `core/refresh/steps.py` and describes what it did. Every run considers every
report of the raw folder and reads only those whose file or reading code changed; the rows of the others
are carried over, and the rows of reports whose file is gone leave every table. Not partitioned by report:
the UI's "Materialize all" then runs everything at once, and Dagster records no event per report.
"""

from collections.abc import Iterator

import dagster as dg
import polars as pl

from pipelines.core import settings
from pipelines.core.refresh import steps
from pipelines.core.refresh.fingerprint import code_fingerprint
from pipelines.core.sources.files import report_files, report_id_for
from pipelines.core.warehouse.connection import read_query
from pipelines.core.warehouse.tables import (
    BUILD_STATE,
    RAW_ACTUAL_MENTIONS,
    RAW_COLUMN_READINGS,
    RAW_REPORT_PLANS,
    RAW_REPORTS,
    RAW_TARGET_MENTIONS,
    RAW_TARGET_PAIRS,
    RAW_TASK_ATTRIBUTES,
    RAW_TASK_LEADERS,
    RAW_TASK_LINKS,
    RAW_TASKS,
    RAW_UNIT_ASSIGNMENTS,
    REJECTED_ROWS,
    Table,
)
from pipelines.defs.metadata import column_schema, files_table, preview
from pipelines.defs.resources import WAREHOUSE_POOL, ExtractionResource, RawFolderResource, WarehouseBuildResource

# The tables this step writes live in the `staging` schema (dbt reads them as sources), but the UI groups
# them apart from dbt's `stg_*` views, so that the lineage reads raw -> ingest -> staging -> marts.
INGEST_GROUP = "ingest"

RAW_WORK_PLANS = dg.AssetSpec(
    key=["raw", "work_plans"],
    group_name="raw",
    kinds={"file"},
    description="Raw work-plan tables (`PIPELINE_RAW_DIR`): one file per report, as published (a saved HTML page, "
    ".xlsx/.xls, .docx, CSV) or copied by hand (`|`-separated text).",
)


def table_key(table: Table) -> dg.AssetKey:
    return dg.AssetKey(["staging", table.name])


def table_spec(table: Table, deps, **kwargs) -> dg.AssetSpec:
    """The asset of a staging table, described from its declaration (core/warehouse/tables.py)."""
    return dg.AssetSpec(
        table_key(table),
        deps=deps,
        kinds={"polars", "duckdb"},
        description=table.description,
        metadata={"dagster/column_schema": column_schema(table)},
        **kwargs,
    )


# staging.build_state is written by every step below beside its own table (what each was built from) and read by
# dbt as a source. Declared here, no step materialises it on its own: without it, the UI would show dbt's source
# as a stub asset in the `default` group, with no description.
BUILD_STATE_TABLE = table_spec(BUILD_STATE, [RAW_WORK_PLANS], group_name=INGEST_GROUP)


class RefreshConfig(dg.Config):
    """A refresh reads only the reports whose file or reading code changed. To read some again anyway (in the
    UI: the arrow beside "Materialize all" -> "Open launchpad"), name them here."""

    reports: list[str] = []  # noqa: RUF012 - a pydantic field: each config gets its own copy
    """Report ids (a file name without its extension) to read again, changed or not."""
    force: bool = False
    """Read every report again."""


@dg.multi_asset(
    specs=[
        table_spec(t, [RAW_WORK_PLANS])
        for t in (RAW_TASKS, RAW_TASK_ATTRIBUTES, RAW_TASK_LEADERS, REJECTED_ROWS, RAW_REPORTS, RAW_COLUMN_READINGS)
    ],
    group_name=INGEST_GROUP,
    pool=WAREHOUSE_POOL,
)
def ingest_reports(
    context: dg.AssetExecutionContext,
    config: RefreshConfig,
    raw_folder: RawFolderResource,
    warehouse_build: WarehouseBuildResource,
):
    """Read the reports whose file or reading code changed (and those the run's config names): tasks, the other
    columns' cells, leaders in charge, rejected rows, one row per file. Reports whose file is gone are removed."""
    files = {report_id_for(p): p for p in report_files(raw_folder.directory)}
    with warehouse_build.get_connection() as con:
        try:
            done = steps.ingest_reports(
                con,
                files,
                reread=files if config.force else config.reports,
                code_version=code_fingerprint(),
                pipeline_version=settings.pipeline_version(),
                run_id=context.run.run_id,
                progress=lambda line: context.log.info(f"progress: {line}"),
            )
        except steps.EveryFileRejected as err:
            # The step fails with every file in its metadata (the UI's table; `make run` prints each).
            raise dg.Failure(description=str(err), metadata={"files": files_table(err.files)}) from None
        # Every report as the build now holds it, those read in this run first.
        reports = read_query(
            con,
            f"select report_id, report_id in (select unnest(?::varchar[])) as read_in_this_run, "
            f"read_status, encoding, line_count, task_rows, rejected_rows from {RAW_REPORTS.qualified} "
            "order by read_in_this_run desc, report_id",
            [done.read],
        )
    context.log.info(f"{len(done.read)} reports read, {len(done.unchanged)} unchanged, {len(done.removed)} removed")
    yield from _ingest_results(done, reports)


def _ingest_results(done: steps.Ingested, reports: pl.DataFrame) -> Iterator[dg.MaterializeResult]:
    """What ingest wrote, one result per table, with what a person checks first."""
    counts = {
        "reports_read": len(done.read),
        "reports_unchanged": len(done.unchanged),
        "reports_removed": len(done.removed),
    }
    columns = done.attribute_columns.iter_rows()
    found = "\n".join(f"- {name} ({role or 'role not known'}): {n}" for name, role, n in columns)
    tasks = done.tasks.select("report_id", "task_id", "requirement", "units_raw")
    leaders = done.leaders.select("report_id", "task_id", "leader_name", "leader_title", "source")
    rejected = done.rejected.select("report_id", "source_line", "reason", "raw_text")
    results = (
        (RAW_TASKS, {"dagster/row_count": done.total_tasks, **counts, "preview": preview(tasks)}),
        (
            RAW_TASK_ATTRIBUTES,
            {
                "dagster/row_count": done.total_attributes,
                "columns_in_reports_read": dg.MetadataValue.md(found or "none"),
            },
        ),
        (RAW_TASK_LEADERS, {"dagster/row_count": done.total_leaders, "preview": preview(leaders)}),
        (
            REJECTED_ROWS,
            {
                "dagster/row_count": done.total_rejected,
                "rejected_in_reports_read": done.rejected_read,
                "preview": preview(rejected),
            },
        ),
        (
            RAW_REPORTS,
            {
                "dagster/row_count": reports.height,
                **counts,
                "reports_rejected": reports.filter(pl.col("read_status") == "rejected").height,
                "reports": preview(reports, rows=50),
            },
        ),
        (
            RAW_COLUMN_READINGS,
            {
                "columns_in_reports_read": done.columns.height,
                # The columns read for the reports read in this run: what each was taken for, and why.
                "columns_read": preview(done.columns, rows=200),
            },
        ),
    )
    for table, metadata in results:
        yield dg.MaterializeResult(asset_key=table_key(table), metadata=metadata)


@dg.multi_asset(
    specs=[table_spec(RAW_UNIT_ASSIGNMENTS, [table_key(RAW_TASKS)])], group_name=INGEST_GROUP, pool=WAREHOUSE_POOL
)
def raw_unit_assignments(context: dg.AssetExecutionContext, warehouse_build: WarehouseBuildResource):
    """One row per (task, responsible unit): the units cell read with its lead mark, stray spaces and
    shared suffixes resolved; position and role (lead, support, sole, joint) per unit."""
    with warehouse_build.get_connection() as con:
        done = steps.derive_unit_assignments(con, context.run.run_id)
        rows, units = con.execute(
            f"select count(*), count(distinct unit_name) from {RAW_UNIT_ASSIGNMENTS.qualified}"
        ).fetchall()[0]
        roles = con.execute(
            f"select role, count(*) from {RAW_UNIT_ASSIGNMENTS.qualified} group by role order by role"
        ).fetchall()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "reports_recomputed": len(done.recomputed),
            "distinct_units": units,
            **{f"role_{role}": n for role, n in roles},
        }
    )


@dg.multi_asset(
    specs=[table_spec(t, [table_key(RAW_TASKS)]) for t in (RAW_TARGET_MENTIONS, RAW_ACTUAL_MENTIONS, RAW_TARGET_PAIRS)],
    group_name=INGEST_GROUP,
    pool=WAREHOUSE_POOL,
)
def extract_targets_and_actuals(
    context: dg.AssetExecutionContext, warehouse_build: WarehouseBuildResource, extraction: ExtractionResource
):
    """Read targets from requirements and actuals from completions; pair them by metric (on the `extraction`
    resource's engine: local worker processes, or Spark)."""
    with warehouse_build.get_connection() as con:
        done = steps.derive_mentions(con, context.run.run_id, extraction.extract)
        totals = {
            t.name: steps.row_count(con, t.qualified)
            for t in (RAW_TARGET_MENTIONS, RAW_ACTUAL_MENTIONS, RAW_TARGET_PAIRS)
        }
    context.log.info(
        f"{done.tasks} tasks: {done.written[RAW_TARGET_MENTIONS.name]} targets, "
        f"{done.written[RAW_ACTUAL_MENTIONS.name]} actuals in {done.seconds:.2f}s ({extraction.engine}; "
        f"{done.templates_read} templates read, the others' readings kept from earlier runs)"
    )
    speed = {
        "tasks_extracted": done.tasks,
        "extraction_engine": extraction.engine,
        "tasks_per_second": round(done.tasks / done.seconds) if done.seconds and done.tasks else 0,
        "templates_read": done.templates_read,  # the others' readings were kept from earlier runs
    }
    yield dg.MaterializeResult(
        asset_key=table_key(RAW_TARGET_MENTIONS),
        metadata={"dagster/row_count": totals[RAW_TARGET_MENTIONS.name], **speed, "preview": preview(done.preview)},
    )
    yield dg.MaterializeResult(
        asset_key=table_key(RAW_ACTUAL_MENTIONS),
        metadata={
            "dagster/row_count": totals[RAW_ACTUAL_MENTIONS.name],
            "estimates_in_recomputed": done.estimates,
            "part_year_in_recomputed": done.part_year,
        },
    )
    yield dg.MaterializeResult(
        asset_key=table_key(RAW_TARGET_PAIRS),
        metadata={"dagster/row_count": totals[RAW_TARGET_PAIRS.name], "paired_in_recomputed": done.paired},
    )


@dg.multi_asset(
    specs=[table_spec(t, [table_key(RAW_TASKS)]) for t in (RAW_REPORT_PLANS, RAW_TASK_LINKS)],
    group_name=INGEST_GROUP,
    pool=WAREHOUSE_POOL,
)
def link_plan_tasks(context: dg.AssetExecutionContext, warehouse_build: WarehouseBuildResource):
    """Each report's plan (place, year, plan type; the mapping file where the report cannot say), and each
    task's plan task: the same task in the plan's other reports, linked by the similarity of its requirement."""
    with warehouse_build.get_connection() as con:
        done = steps.link_plan_tasks(con, settings.REPORT_PLANS_FILE, context.run.run_id)
    if done.reports_without_plan:
        context.log.warning(
            f"no plan for {len(done.reports_without_plan)} reports (add them to "
            f"{settings.REPORT_PLANS_FILE.name}): {', '.join(done.reports_without_plan[:10])}"
        )
    yield dg.MaterializeResult(
        asset_key=table_key(RAW_REPORT_PLANS),
        metadata={
            "dagster/row_count": done.reports,
            "plans": done.plans,
            "reports_without_plan": len(done.reports_without_plan),
        },
    )
    yield dg.MaterializeResult(
        asset_key=table_key(RAW_TASK_LINKS),
        metadata={
            "dagster/row_count": done.tasks,
            "plans_relinked": done.plans_relinked,
            "reports_relinked": done.reports_relinked,
            **{f"tasks_{method}": n for method, n in sorted(done.links.items())},
        },
    )
