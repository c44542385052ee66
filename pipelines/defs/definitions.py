"""The one Dagster entry point (`dagster dev` loads it through workspace.yaml)."""

import warnings

import dagster as dg

from pipelines.defs.assets.dbt import warehouse_dbt_models
from pipelines.defs.assets.publish import published_warehouse
from pipelines.defs.assets.report import achievement_report
from pipelines.defs.assets.staging import (
    BUILD_STATE_TABLE,
    RAW_WORK_PLANS,
    extract_targets_and_actuals,
    ingest_reports,
    link_plan_tasks,
    raw_unit_assignments,
)
from pipelines.defs.checks import ASSET_CHECKS
from pipelines.defs.jobs import refresh_warehouse
from pipelines.defs.resources import build_resources
from pipelines.defs.schedules import nightly_refresh
from pipelines.defs.sensors import raw_folder_changed

# Each asset links to its source in the UI: the Python assets to their function (file and line), the dbt models
# to their .sql (enabled in assets/dbt.py). Dagster marks code references beta; the links are worth it, and the
# warning on every import is not news to a user.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    ASSETS = dg.with_source_code_references(
        [
            RAW_WORK_PLANS,
            BUILD_STATE_TABLE,
            ingest_reports,
            raw_unit_assignments,
            extract_targets_and_actuals,
            link_plan_tasks,
            warehouse_dbt_models,
            published_warehouse,
            achievement_report,
        ]
    )

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=[refresh_warehouse],
    schedules=[nightly_refresh],
    sensors=[raw_folder_changed],
    resources=build_resources(),
    # Runs launched from the UI ("Materialize all") also run in one process: see jobs.py.
    executor=dg.in_process_executor,
)
