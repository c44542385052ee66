"""The achievement report: static HTML beside the warehouse, rebuilt after each publish."""

import os

import dagster as dg
import duckdb

from pipelines.assets.publish import PUBLISHED_WAREHOUSE
from pipelines.reporting import build_report
from pipelines.resources import WarehouseResource

ACHIEVEMENT_REPORT = dg.AssetKey(["reports", "achievement_report"])


def report_path(warehouse: WarehouseResource):
    return warehouse.published.parent / "reports" / "achievement.html"


@dg.asset(key=ACHIEVEMENT_REPORT, deps=[PUBLISHED_WAREHOUSE], group_name="reports", kinds={"html", "plotly"})
def achievement_report(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Headline counts, status by lead unit and by unit type, the missed targets beside what was
    reported (with the text each came from), and the tasks with no numeric target. Opens offline."""
    with duckdb.connect(str(warehouse.published), read_only=True) as con:
        html, h = build_report(con, str(warehouse.published))
    path = report_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)  # whoever has the report open keeps a whole file
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "open": dg.MetadataValue.url(path.as_uri()),
            "tasks": h.tasks,
            "targets": h.targets,
            "met": h.met,
            "missed": h.missed,
            "unknown": h.unknown,
            "tasks_without_target": h.tasks - h.tasks_with_target,
        }
    )
