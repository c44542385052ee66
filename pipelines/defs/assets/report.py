"""The achievement report: static HTML beside the warehouse, rebuilt after each publish."""

import dagster as dg

from pipelines.core.report.html import write_report
from pipelines.defs.assets.publish import PUBLISHED_WAREHOUSE
from pipelines.defs.resources import WAREHOUSE_POOL, PublishedWarehouseResource

ACHIEVEMENT_REPORT = dg.AssetKey(["reports", "achievement_report"])


@dg.asset(
    key=ACHIEVEMENT_REPORT,
    deps=[PUBLISHED_WAREHOUSE],
    group_name="reports",
    kinds={"html", "plotly"},
    pool=WAREHOUSE_POOL,
)
def achievement_report(warehouse: PublishedWarehouseResource) -> dg.MaterializeResult:
    """Headline counts, status by lead unit and by unit type, the missed targets beside what was
    reported (with the text each came from), and the tasks with no numeric target. Opens offline."""
    with warehouse.get_connection() as con:
        path, h = write_report(con, warehouse.published)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "tasks": h.tasks,
            "targets": h.targets,
            "met": h.met,
            "missed": h.missed,
            "unknown": h.unknown,
            "tasks_without_target": h.tasks - h.tasks_with_target,
        }
    )
