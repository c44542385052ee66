"""Asset checks: the Great Expectations gates between stages (declared as data, one row per check),
the quarantine warning, and the files not read or read without a task.

A blocking gate stops everything downstream (dbt, then publishing) when bad data would pass; the
published warehouse then stays as it was. Each rule is checked once: here (GE, on the staging tables
and the achievement statuses) or in dbt (keys, not-null, relationships in the marts), not both.
"""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.core import settings
from pipelines.core.quality.files import COLUMNS, STATUSES, rejected_reports, reports_without_tasks
from pipelines.core.quality.frames import SUITE_FRAMES, report_batches
from pipelines.core.quality.gates import SAMPLE_SIZE, QualityGates, SuiteResult, merged
from pipelines.core.refresh.changes import reports_to_rebuild
from pipelines.core.sources.files import skipped_files
from pipelines.core.warehouse.connection import read_table
from pipelines.core.warehouse.tables import (
    RAW_ACTUAL_MENTIONS,
    RAW_REPORTS,
    RAW_TARGET_MENTIONS,
    RAW_TASKS,
    RAW_UNIT_ASSIGNMENTS,
    REJECTED_ROWS,
)
from pipelines.defs.assets.staging import table_key
from pipelines.defs.metadata import files_table, markdown_table
from pipelines.defs.resources import WAREHOUSE_POOL, RawFolderResource, WarehouseBuildResource

FCT_TARGET_ACHIEVEMENT = dg.AssetKey(["marts", "fct_target_achievement"])


@dataclass(frozen=True)
class Gate:
    name: str
    asset: dg.AssetKey
    suites: tuple[str, ...]  # expectations/gx/expectations/<suite>.json, each on its frame (core/quality/frames.py)
    blocking: bool  # blocking: an ERROR that stops the run; otherwise a WARN that lets it go on
    description: str
    reads_also: tuple[dg.AssetKey, ...] = ()


GATES = (
    Gate(
        "tasks_read_completely",
        table_key(RAW_TASKS),
        ("raw_tasks", "raw_line_accounting"),
        True,
        "Every line of every file is accounted for; task ids unique and positive within a report; no empty "
        "requirement or units cell.",
        (table_key(RAW_REPORTS), table_key(REJECTED_ROWS)),
    ),
    Gate(
        "unit_assignments_valid",
        table_key(RAW_UNIT_ASSIGNMENTS),
        ("raw_unit_assignments",),
        True,
        "Every assignment references a task and names a unit; roles and unit types in their sets.",
    ),
    # A task whose units cell is empty (or holds only △) still has its targets: it lands, and this warns with
    # the file and line to mend, instead of one cell stopping every report.
    Gate(
        "every_task_has_a_unit",
        table_key(RAW_UNIT_ASSIGNMENTS),
        ("raw_task_units",),
        False,
        "Every task has at least one responsible unit, and its leads are among its units (a warning naming the "
        "file and line).",
    ),
    Gate(
        "targets_valid",
        table_key(RAW_TARGET_MENTIONS),
        ("raw_target_mentions",),
        True,
        "Targets reference tasks; comparators, directions and unit kinds in their sets; values finite; each span "
        "is the exact substring of its requirement.",
    ),
    Gate(
        "actuals_valid",
        table_key(RAW_ACTUAL_MENTIONS),
        ("raw_actual_mentions",),
        True,
        "Actuals reference tasks; values finite; a period for each; each span is the exact substring of its "
        "completion text.",
    ),
    Gate(
        "target_coverage_within_band",
        table_key(RAW_TARGET_MENTIONS),
        ("raw_target_coverage",),
        False,
        "Drift alarm: a report of 3 or more tasks where under 20% of them have a numeric target (on 24 real "
        "reports: 33-100% where read well; docs/operating.md).",
    ),
    Gate(
        "achievement_valid",
        FCT_TARGET_ACHIEVEMENT,
        ("fct_target_achievement",),
        True,
        "Statuses in their set, met/missed only with a paired actual (or a statement of completion), ratios finite: "
        "the gate before publishing.",
    ),
)


def run_gate(
    gate: Gate, run_id: str, warehouse_build: WarehouseBuildResource, quality: QualityGates
) -> dg.AssetCheckResult:
    """Validate each of the gate's suites on its frame, read from the run's build; one result."""
    per_suite: dict[str, list[SuiteResult]] = {suite: [] for suite in gate.suites}
    with warehouse_build.get_connection() as con:
        # The rows checked before stay checked (quality.frames); the others a batch of reports at a time.
        for reports in report_batches(con, reports_to_rebuild(con)) or [[]]:
            for suite, results in per_suite.items():
                results.append(quality.validate(suite, SUITE_FRAMES[suite](con, reports), run_name=run_id))
    results = [merged(r) for r in per_suite.values()]
    failed = [f for r in results for f in r.failed]
    return dg.AssetCheckResult(
        passed=all(r.success for r in results),
        severity=dg.AssetCheckSeverity.ERROR if gate.blocking else dg.AssetCheckSeverity.WARN,
        description="; ".join(r.summary() for r in results if not r.success) or None,
        metadata={
            "suites": ", ".join(gate.suites),
            "rows_checked": sum(r.rows for r in results),
            "expectations_evaluated": sum(r.evaluated for r in results),
            "expectations_failed": len(failed),
            "failures": dg.MetadataValue.md("\n\n".join(f"**{r.suite}**\n\n{r.markdown()}" for r in results)),
        },
    )


def gate_check(gate: Gate) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        name=gate.name,
        asset=gate.asset,
        blocking=gate.blocking,
        description=gate.description,
        additional_deps=list(gate.reads_also),
        pool=WAREHOUSE_POOL,
    )
    def check(
        context: dg.AssetCheckExecutionContext,
        warehouse_build: WarehouseBuildResource,
        quality: dg.ResourceParam[QualityGates],
    ) -> dg.AssetCheckResult:
        result = run_gate(gate, context.run.run_id, warehouse_build, quality)
        (context.log.info if result.passed else context.log.error)(result.description or f"{gate.name} passed")
        return result

    return check


@dg.asset_check(asset=table_key(REJECTED_ROWS), blocking=False, pool=WAREHOUSE_POOL)
def no_rows_quarantined(warehouse_build: WarehouseBuildResource) -> dg.AssetCheckResult:
    """A warning, not a stop: good rows carry on, and the rejected ones wait here with their reason."""
    with warehouse_build.get_connection() as con:
        rejected = read_table(con, REJECTED_ROWS.qualified)
    by_reason = rejected.group_by("reason").len().sort("len", descending=True)
    sample = rejected.head(SAMPLE_SIZE).select("report_id", "source_line", "reason", "raw_text")
    return dg.AssetCheckResult(
        passed=rejected.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{rejected.height} source rows quarantined in {REJECTED_ROWS.qualified}"
        if rejected.height
        else None,
        metadata={
            "rejected_rows": rejected.height,
            "reports_with_rejects": rejected.get_column("report_id").n_unique(),
            "by_reason": dg.MetadataValue.md(
                "\n".join(f"- {reason}: {n}" for reason, n in by_reason.iter_rows()) or "none"
            ),
            "sample": markdown_table(["report", "line", "reason", "text"], sample.iter_rows()),
        },
    )


def files_result(files: pl.DataFrame, what: str, severity: dg.AssetCheckSeverity) -> dg.AssetCheckResult:
    """Passed when `files` (status, file, place, reason) is empty; else each file, as a table in the UI."""
    names = ", ".join(Path(file).name for file in files["file"])
    return dg.AssetCheckResult(
        passed=files.is_empty(),
        severity=severity,
        description=f"{what} ({files.height}): {names}" if files.height else None,
        metadata={
            "files": files_table(files.iter_rows()),
            **{status: int((files["status"] == status).sum()) for status in STATUSES},
        },
    )


# Blocking, but it fails as an ERROR (and so blocks the marts and the publish) only under PIPELINE_STRICT=1:
# otherwise a WARN, and the other reports publish.
@dg.asset_check(asset=table_key(RAW_REPORTS), blocking=True, pool=WAREHOUSE_POOL)
def every_file_read(warehouse_build: WarehouseBuildResource, raw_folder: RawFolderResource) -> dg.AssetCheckResult:
    """Every report file was read: a file rejected (with its place and reason) or a report-like entry skipped
    (a symbolic link, a FIFO, a name not UTF-8, a report id already taken) warns, naming each; with
    PIPELINE_STRICT=1 it fails the run."""
    with warehouse_build.get_connection() as con:
        rejected = rejected_reports(con)
    skipped = pl.DataFrame(
        [("skipped", s.name, "not opened", s.reason) for s in skipped_files(raw_folder.directory) if s.warns],
        schema=dict.fromkeys(COLUMNS, pl.String),
        orient="row",
    )
    strict = dg.AssetCheckSeverity.ERROR if settings.strict() else dg.AssetCheckSeverity.WARN
    return files_result(pl.concat([rejected, skipped]), "files not read", strict)


@dg.asset_check(asset=table_key(RAW_REPORTS), blocking=False, pool=WAREHOUSE_POOL)
def every_report_has_tasks(warehouse_build: WarehouseBuildResource) -> dg.AssetCheckResult:
    """A report whose header was found but no task row under it lands, empty, and warns naming its file."""
    with warehouse_build.get_connection() as con:
        empty = reports_without_tasks(con)
    return files_result(empty, "reports without a task", dg.AssetCheckSeverity.WARN)


FILE_CHECKS = ("every_file_read", "every_report_has_tasks")
ASSET_CHECKS = [gate_check(gate) for gate in GATES] + [no_rows_quarantined, every_file_read, every_report_has_tasks]
