"""The last step of a run: publish the run's build of the warehouse by atomic rename."""

from datetime import datetime, timezone

import dagster as dg
import duckdb
import polars as pl

from pipelines import settings
from pipelines.assets.dbt import warehouse_dbt_models
from pipelines.planning import code_fingerprint, transform_fingerprint
from pipelines.resources import WarehouseResource
from pipelines.warehouse import table_row_counts

PUBLISHED_WAREHOUSE = dg.AssetKey(["warehouse", "published"])


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=list(warehouse_dbt_models.keys),
    group_name="publish",
    kinds={"duckdb"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """What analysts open (`WAREHOUSE_PATH`). Replaced only when every upstream step and blocking
    check of the run has passed; a failed or killed run leaves it as it was."""
    with warehouse.get_connection(context.run.run_id) as con:
        # What this warehouse was built from: the next refresh compares against it.
        log = pl.DataFrame(
            {
                "run_id": [context.run.run_id],
                "published_at": [datetime.now(timezone.utc)],
                "code_version": [code_fingerprint()],
                "transform_version": [transform_fingerprint()],
                "pipeline_version": [settings.pipeline_version()],
                "reports": [con.execute("select count(*) from staging.stg_reports").fetchone()[0]],
                "tasks": [con.execute("select count(*) from staging.stg_tasks").fetchone()[0]],
            }
        )
        arrow = log.to_arrow()  # noqa: F841 - read by DuckDB below
        con.execute("create table if not exists staging.refresh_log as select * from arrow where false")
        con.execute("insert into staging.refresh_log select * from arrow")
    path = warehouse.publish(context.run.run_id)
    with duckdb.connect(str(path), read_only=True) as con:
        counts = table_row_counts(con)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_mb": round(path.stat().st_size / 2**20, 2),
            "tables": dg.MetadataValue.md(
                "| table | rows |\n|---|---|\n" + "\n".join(f"| {s}.{t} | {n} |" for s, t, n in counts)
            ),
        }
    )
