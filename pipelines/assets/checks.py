"""Asset checks: the Great Expectations gates between stages, and the quarantine warning.

Blocking checks stop everything downstream (dbt, then publishing) when bad data would pass;
the published warehouse then stays as it was. dbt's own tests guard keys and relationships in
the marts; the rules here are the ones dbt does not check.
"""

from collections.abc import Callable

import dagster as dg
import duckdb
import polars as pl

from pipelines import quality
from pipelines.assets.staging import (
    REJECTED_ROWS,
    STG_ACTUAL_MENTIONS,
    STG_REPORTS,
    STG_TARGET_MENTIONS,
    STG_TASKS,
    STG_UNIT_ASSIGNMENTS,
)
from pipelines.resources import WarehouseResource
from pipelines.warehouse import read_table

FCT_TARGET_ACHIEVEMENT = dg.AssetKey(["marts", "fct_target_achievement"])

FrameBuilder = Callable[[duckdb.DuckDBPyConnection], pl.DataFrame]


def run_suites(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    suites: dict[str, FrameBuilder],
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetCheckResult:
    """Validate each suite on its frame (read from this run's build); one result for the check."""
    with warehouse.get_connection(context.run.run_id) as con:
        frames = {name: build(con) for name, build in suites.items()}
    root = quality.gx_root_for(warehouse.published)
    results = [quality.validate(name, frame, root, run_name=context.run.run_id) for name, frame in frames.items()]
    for result in results:
        (context.log.info if result.success else context.log.error)(result.summary())
    failed = [f for r in results for f in r.failed]
    return dg.AssetCheckResult(
        passed=all(r.success for r in results),
        severity=severity,
        description="; ".join(r.summary() for r in results if not r.success) or None,
        metadata={
            "suites": ", ".join(suites),
            "rows_checked": sum(r.rows for r in results),
            "expectations_evaluated": sum(r.evaluated for r in results),
            "expectations_failed": len(failed),
            "failures": dg.MetadataValue.md("\n\n".join(f"**{r.suite}**\n\n{r.markdown()}" for r in results)),
        },
    )


@dg.asset_check(asset=STG_TASKS, blocking=True, additional_deps=[STG_REPORTS, REJECTED_ROWS])
def tasks_read_completely(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Every line of every file is accounted for; task ids unique and positive within a report;
    no empty requirement or units cell."""
    return run_suites(
        context,
        warehouse,
        {"staging_tasks": quality.staging_tasks, "staging_line_accounting": quality.staging_line_accounting},
    )


@dg.asset_check(asset=REJECTED_ROWS, blocking=False)
def no_rows_quarantined(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """A warning, not a stop: good rows carry on, and the rejected ones wait here with their reason."""
    with warehouse.get_connection(context.run.run_id) as con:
        rejected = read_table(con, "staging.rejected_rows")
    by_reason = rejected.group_by("reason").len().sort("len", descending=True)
    sample = rejected.head(quality.SAMPLE_SIZE).select("report_id", "source_line", "reason", "raw_text")
    return dg.AssetCheckResult(
        passed=rejected.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{rejected.height} source rows quarantined in staging.rejected_rows" if rejected.height else None,
        metadata={
            "rejected_rows": rejected.height,
            "reports_with_rejects": rejected.get_column("report_id").n_unique(),
            "by_reason": dg.MetadataValue.md(
                "\n".join(f"- {reason}: {n}" for reason, n in by_reason.iter_rows()) or "none"
            ),
            "sample": dg.MetadataValue.md(
                "| report | line | reason | text |\n|---|---|---|---|\n"
                + "\n".join(
                    f"| {r} | {line} | {reason} | {text[:60]} |".replace("\n", " ")
                    for r, line, reason, text in sample.iter_rows()
                )
            ),
        },
    )


@dg.asset_check(asset=STG_UNIT_ASSIGNMENTS, blocking=True)
def unit_assignments_valid(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Every assignment references a task; roles and unit types in their sets; every task has a
    unit and at most one lead."""
    return run_suites(
        context,
        warehouse,
        {"staging_unit_assignments": quality.staging_unit_assignments, "staging_task_units": quality.staging_task_units},
    )


@dg.asset_check(asset=STG_TARGET_MENTIONS, blocking=True)
def targets_valid(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Targets reference tasks; comparators, directions and unit kinds in their sets; values finite;
    each span is the exact substring of its requirement."""
    return run_suites(context, warehouse, {"staging_target_mentions": quality.staging_target_mentions})


@dg.asset_check(asset=STG_ACTUAL_MENTIONS, blocking=True)
def actuals_valid(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Actuals reference tasks; values finite; a period for each; each span is the exact substring
    of its completion text."""
    return run_suites(context, warehouse, {"staging_actual_mentions": quality.staging_actual_mentions})


@dg.asset_check(asset=STG_TARGET_MENTIONS, blocking=False)
def target_coverage_within_band(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Drift alarm: the share of tasks with at least one target stays within its expected band."""
    return run_suites(
        context,
        warehouse,
        {"staging_target_coverage": quality.staging_target_coverage},
        severity=dg.AssetCheckSeverity.WARN,
    )


@dg.asset_check(asset=FCT_TARGET_ACHIEVEMENT, blocking=True)
def achievement_valid(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Statuses in their set, met/missed only with a paired actual, ratios finite: the gate before publishing."""
    return run_suites(context, warehouse, {"marts_target_achievement": quality.marts_target_achievement})


ASSET_CHECKS = [
    tasks_read_completely,
    no_rows_quarantined,
    unit_assignments_valid,
    targets_valid,
    actuals_valid,
    target_coverage_within_band,
    achievement_valid,
]
