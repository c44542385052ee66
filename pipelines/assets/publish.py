"""The last step of a run: publish the run's build of the warehouse by atomic rename."""

import dagster as dg
import duckdb

from pipelines.assets.dbt import warehouse_dbt_models
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
    path = warehouse.publish(context.run_id)
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
