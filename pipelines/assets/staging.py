"""Staging assets: raw report files -> DuckDB `staging` tables, one partition per report.

Thin: the rules live in the core modules. Every run considers the selected reports (all of them
for a refresh, in one run: single-run backfill policy) and re-reads only those whose file or
reading code changed; the rows of the others are carried over, and the rows of reports whose file
is gone leave every staging table.
"""

import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines import settings
from pipelines.planning import built_reports, code_fingerprint, file_hash
from pipelines.reading import REJECT_SCHEMA, TASK_SCHEMA, normalise_tasks, read_report, report_files, report_id_for
from pipelines.resources import RawFolderResource, WarehouseResource
from pipelines.units import unit_assignments
from pipelines.warehouse import read_query, replace_reports, report_ids_in

# Dagster marks backfill_policy as beta; the single-run policy is what makes many reports one run.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)

REPORTS = dg.DynamicPartitionsDefinition(name="reports")
ONE_RUN = dg.BackfillPolicy.single_run()

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
STG_TARGET_MENTIONS = dg.AssetKey(["staging", "stg_target_mentions"])
STG_ACTUAL_MENTIONS = dg.AssetKey(["staging", "stg_actual_mentions"])
STG_TARGET_PAIRS = dg.AssetKey(["staging", "stg_target_pairs"])

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
    "loaded_by_run": pl.String,
    "code_version": pl.String,
    "pipeline_version": pl.String,
}


class RefreshConfig(dg.Config):
    force: bool = False
    """Re-read the selected reports even when neither their file nor the reading code changed."""


def _markdown_preview(frame: pl.DataFrame, rows: int = 5, width: int = 60) -> dg.MetadataValue:
    head = frame.head(rows).with_columns(pl.col(pl.String).str.slice(0, width))
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in head.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(STG_TASKS, kinds=KINDS, deps=[RAW_WORK_PLANS], description="One row per task read from the raw reports."),
        dg.AssetSpec(REJECTED_ROWS, kinds=KINDS, deps=[RAW_WORK_PLANS], description="Source rows that could not be read, with why."),
        # The per-report asset: one partition per report file, so the UI shows each report's status.
        # Only this one is partitioned: Dagster writes an event per partition and asset.
        dg.AssetSpec(STG_REPORTS, kinds=KINDS, deps=[RAW_WORK_PLANS], partitions_def=REPORTS,
                     description="One row per raw report file read; a partition per report."),
    ],
    backfill_policy=ONE_RUN,
    group_name="staging",
)
def ingest_reports(
    context: dg.AssetExecutionContext, config: RefreshConfig, raw_folder: RawFolderResource, warehouse: WarehouseResource
):
    """Read the selected reports whose file or reading code changed: tasks to `stg_tasks`, unreadable
    rows to `rejected_rows`, one row per file to `stg_reports`. Reports whose file is gone are removed."""
    started = time.perf_counter()
    files = {report_id_for(p): p for p in report_files(raw_folder.directory)}
    run_id, code = context.run.run_id, code_fingerprint()
    with warehouse.get_connection(run_id) as con:
        built = built_reports(con)
        removed = sorted(set(built) - set(files))
        selected = [k for k in context.partition_keys if k in files]
        to_read = [k for k in selected if config.force or built.get(k) != (file_hash(files[k]), code)]
        reports = []
        every = max(1, len(to_read) // 10)
        for i, key in enumerate(to_read, start=1):
            reports.append(read_report(files[key], normalised=False))
            if i % every == 0 or i == len(to_read):
                context.log.info(f"progress: read {i}/{len(to_read)} reports "
                                 f"({sum(r.tasks.height for r in reports):,} tasks)")
        loaded_at = datetime.now(timezone.utc)
        tasks = normalise_tasks(pl.concat([r.tasks for r in reports])) if reports else pl.DataFrame(schema=TASK_SCHEMA)
        rejected = pl.concat([r.rejected for r in reports]) if reports else pl.DataFrame(schema=REJECT_SCHEMA)
        report_rows = pl.DataFrame(
            [
                (r.report_id, r.source_file, r.content_hash, r.encoding, r.line_count, r.header_line, r.tasks.height,
                 r.rejected.height, loaded_at, run_id, code, settings.pipeline_version())
                for r in reports
            ],
            schema=REPORT_SCHEMA,
            orient="row",
        )
        affected = to_read + removed
        replace_reports(con, "staging.stg_tasks", tasks, affected)
        replace_reports(con, "staging.rejected_rows", rejected, affected)
        replace_reports(con, "staging.stg_reports", report_rows, affected)
        total_tasks = con.execute("select count(*) from staging.stg_tasks").fetchone()[0]
        total_rejected = con.execute("select count(*) from staging.rejected_rows").fetchone()[0]

    context.log.info(
        f"{len(to_read)} reports read, {len(selected) - len(to_read)} unchanged, {len(removed)} removed "
        f"in {time.perf_counter() - started:.2f}s"
    )
    summary = {"reports_read": len(to_read), "reports_unchanged": len(selected) - len(to_read),
               "reports_removed": len(removed)}
    yield dg.MaterializeResult(
        asset_key=STG_TASKS,
        metadata={
            "dagster/row_count": total_tasks,
            **summary,
            "preview": _markdown_preview(tasks.select("report_id", "task_id", "requirement", "units_raw")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=REJECTED_ROWS,
        metadata={
            "dagster/row_count": total_rejected,
            "rejected_in_reports_read": rejected.height,
            "preview": _markdown_preview(rejected.select("report_id", "source_line", "reason", "raw_text")),
        },
    )
    yield dg.MaterializeResult(
        asset_key=STG_REPORTS,
        metadata={
            **summary,
            "reports": _markdown_preview(
                report_rows.select("report_id", "encoding", "line_count", "task_rows", "rejected_rows"), rows=20
            ),
        },
    )


def reports_to_rebuild(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[str]]:
    """(reports to recompute, reports to drop) for a table derived from stg_tasks.

    A report is recomputed when the table was last derived from another reading of it than the one
    in stg_reports (`staging.derived_state` records which): so only what ingest read anew, in this run
    or in an earlier run that did not finish, and nothing twice. Reports gone from stg_reports go.

    These assets are not partitioned: Dagster writes several events per partition and asset, which
    at 1,000 reports costs more than the work (see docs/scaling.md); per-report status lives on the
    ingest asset's partitions and in marts.dim_reports."""
    loaded = dict(con.execute("select report_id, loaded_by_run from staging.stg_reports").fetchall())
    con.execute(
        "create table if not exists staging.derived_state (table_name varchar, report_id varchar, source_run varchar)"
    )
    done = dict(con.execute(
        "select report_id, source_run from staging.derived_state where table_name = ?", [table]
    ).fetchall())
    rebuild = sorted(r for r, run in loaded.items() if done.get(r) != run)
    dropped = sorted((report_ids_in(con, table) | set(done)) - set(loaded))
    return rebuild, dropped


def record_derived(con: duckdb.DuckDBPyConnection, table: str, rebuild: list[str], dropped: list[str]) -> None:
    """Note which reading of each report the table now holds."""
    con.execute(
        "delete from staging.derived_state where table_name = ? and report_id in (select unnest(?::varchar[]))",
        [table, rebuild + dropped],
    )
    con.execute(
        "insert into staging.derived_state select ?, report_id, loaded_by_run from staging.stg_reports "
        "where report_id in (select unnest(?::varchar[]))",
        [table, rebuild],
    )


@dg.asset(key=STG_UNIT_ASSIGNMENTS, deps=[STG_TASKS], group_name="staging", kinds=KINDS)
def stg_unit_assignments(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per (task, responsible unit): the units cell read with its lead mark, stray spaces and
    shared suffixes resolved; position and role (lead, support, sole, joint) per unit."""
    with warehouse.get_connection(context.run.run_id) as con:
        rebuild, dropped = reports_to_rebuild(con, "staging.stg_unit_assignments")
        cells = read_query(con, "select report_id, task_id, units_raw from staging.stg_tasks "
                                "where report_id in (select unnest(?::varchar[]))", [rebuild])
        replace_reports(con, "staging.stg_unit_assignments", unit_assignments(cells), rebuild + dropped)
        record_derived(con, "staging.stg_unit_assignments", rebuild, dropped)
        rows, units = con.execute(
            "select count(*), count(distinct unit_name) from staging.stg_unit_assignments").fetchall()[0]
        roles = con.execute(
            "select role, count(*) from staging.stg_unit_assignments group by role order by role").fetchall()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "reports_recomputed": len(rebuild),
            "distinct_units": units,
            **{f"role_{role}": n for role, n in roles},
        }
    )


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
    # Imported here: the extraction (and scipy's assignment solver) loads only in the process that
    # extracts, not in every process that loads the definitions.
    from pipelines.mentions import extract_mentions_to_files

    with warehouse.get_connection(context.run.run_id) as con, tempfile.TemporaryDirectory(prefix="extraction-") as tmp:
        rebuild, dropped = reports_to_rebuild(con, "staging.stg_target_mentions")
        # The tasks go to the extraction workers, and their rows come back, as Parquet files: a
        # million rows at 1,000 reports never pass through this process's memory.
        tasks_file = Path(tmp) / "tasks.parquet"
        con.sql(
            "select report_id, task_id, requirement, completion from staging.stg_tasks "
            "where report_id in (select unnest(?::varchar[]))", params=[rebuild]
        ).write_parquet(str(tasks_file))
        n_tasks = con.execute("select count(*) from read_parquet(?)", [str(tasks_file)]).fetchone()[0]
        started = time.perf_counter()
        files = extract_mentions_to_files(tasks_file, Path(tmp), n_tasks)
        seconds = time.perf_counter() - started
        read = {table: f"read_parquet({[str(f) for f in paths]!r})" for table, paths in files.items()}
        written = {
            table: replace_reports(con, f"staging.{table}", read[name], rebuild + dropped)
            for table, name in (("stg_target_mentions", "targets"), ("stg_actual_mentions", "actuals"),
                                ("stg_target_pairs", "pairs"))
        }
        record_derived(con, "staging.stg_target_mentions", rebuild, dropped)
        totals = {t: con.execute(f"select count(*) from staging.{t}").fetchone()[0] for t in written}
        estimates, part_year = con.execute(
            f"select count(*) filter (is_estimate), count(*) filter (is_part_year) from {read['actuals']}"
        ).fetchall()[0]
        # fetchall: a relation (below) may not follow an execute() whose result was not read to its end.
        paired = con.execute(f"select count(actual_seq) from {read['pairs']}").fetchall()[0][0]
        preview = pl.from_arrow(con.sql(
            f"select task_id, span, value, unit, comparator, direction from {read['targets']} limit 5"
        ).to_arrow_table())
    context.log.info(f"{n_tasks} tasks: {written['stg_target_mentions']} targets, "
                     f"{written['stg_actual_mentions']} actuals in {seconds:.2f}s")
    speed = {"tasks_extracted": n_tasks,
             "tasks_per_second": round(n_tasks / seconds) if seconds and n_tasks else 0}
    yield dg.MaterializeResult(
        asset_key=STG_TARGET_MENTIONS,
        metadata={"dagster/row_count": totals["stg_target_mentions"], **speed, "preview": _markdown_preview(preview)},
    )
    yield dg.MaterializeResult(
        asset_key=STG_ACTUAL_MENTIONS,
        metadata={
            "dagster/row_count": totals["stg_actual_mentions"],
            "estimates_in_recomputed": estimates,
            "part_year_in_recomputed": part_year,
        },
    )
    yield dg.MaterializeResult(
        asset_key=STG_TARGET_PAIRS,
        metadata={"dagster/row_count": totals["stg_target_pairs"], "paired_in_recomputed": paired},
    )
