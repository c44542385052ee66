"""The last step of a refresh: record what the build was made from, then publish it by atomic rename."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.core import settings
from pipelines.core.refresh.fingerprint import transform_fingerprint
from pipelines.core.spark.catalog import catalog_dir, prune_snapshots
from pipelines.core.warehouse import state
from pipelines.core.warehouse.connection import connect_read_only, drop_other_relations, table_columns, table_row_counts
from pipelines.core.warehouse.tables import RAW_REPORTS, RAW_TASKS, REFRESH_LOG, SOURCES, STAGING, TEMPLATE_READINGS
from pipelines.defs.assets.dbt import warehouse_dbt_models
from pipelines.defs.metadata import markdown_table
from pipelines.defs.resources import WAREHOUSE_POOL, WarehouseBuildResource

PUBLISHED_WAREHOUSE = dg.AssetKey(["warehouse", "published"])
# The nightly schedule (02:00 Asia/Shanghai) publishes every night: with no publish between 02:00 and 04:00 the
# asset shows as stale from 04:00 (Catalog; the daemon's freshness evaluation) until a refresh publishes.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 4 * * *", lower_bound_delta=timedelta(hours=2), timezone="Asia/Shanghai"
)


def published_runs(published: Path) -> list[str]:
    """The runs the published warehouse's refresh_log records (none before the first publish)."""
    if not published.exists():
        return []
    with connect_read_only(published) as con:
        if table_columns(con, REFRESH_LOG.qualified) is None:
            return []
        return [run for (run,) in con.execute(f"select run_id from {REFRESH_LOG.qualified}").fetchall()]


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=list(warehouse_dbt_models.keys),
    group_name="publish",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    freshness_policy=NIGHTLY_FRESHNESS,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse_build: WarehouseBuildResource):
    """What analysts open (`WAREHOUSE_PATH`). Replaced only when every upstream step and blocking
    check of the run has passed; a failed or killed run leaves it as it was."""
    run_id = context.run.run_id
    with warehouse_build.get_connection() as con:
        # The transform the marts were built with: the next refresh compares against it.
        state.record_transform(con, transform_fingerprint(), settings.pipeline_version(), run_id)
        log = pl.DataFrame(
            [
                {
                    "run_id": run_id,
                    "published_at": datetime.now(UTC),
                    "pipeline_version": settings.pipeline_version(),
                    "reports": con.execute(f"select count(*) from {RAW_REPORTS.qualified}").fetchone()[0],
                    "tasks": con.execute(f"select count(*) from {RAW_TASKS.qualified}").fetchone()[0],
                }
            ],
            schema=REFRESH_LOG.schema,
        )
        arrow = log.to_arrow()  # noqa: F841 - read by DuckDB below
        con.execute(f"create table if not exists {REFRESH_LOG.qualified} as select * from arrow where false")
        # A build left by a run killed before its rename holds that run's row: a publish that never happened.
        con.execute(
            f"delete from {REFRESH_LOG.qualified} where run_id not in (select unnest(?::varchar[]))",
            [published_runs(warehouse_build.published)],
        )
        con.execute(f"insert into {REFRESH_LOG.qualified} by name select * from arrow")
        retired = drop_other_relations(
            con,
            STAGING,
            {t.name for t in (*SOURCES, REFRESH_LOG, TEMPLATE_READINGS)}
            | {key.path[-1] for key in warehouse_dbt_models.keys if key.path[0] == STAGING},
        )
    if retired:
        context.log.info(f"dropped what an earlier version wrote: {', '.join(retired)}")
    path = warehouse_build.publish()
    with connect_read_only(path) as con:
        counts = table_row_counts(con)
        newest_first = con.execute(f"select run_id from {REFRESH_LOG.qualified} order by published_at desc").fetchall()
    # Marts built on Spark are views over a run's snapshot of files: this run's and the one before stay.
    prune_snapshots(catalog_dir(path), [run for (run,) in newest_first])
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_mb": round(path.stat().st_size / 2**20, 2),
            "tables": markdown_table(["table", "rows"], [(f"{s}.{t}", n) for s, t, n in counts]),
        }
    )
