"""The one Dagster entry point (`dagster dev` loads it through workspace.yaml)."""

import dagster as dg

from pipelines.assets.checks import ASSET_CHECKS
from pipelines.assets.dbt import warehouse_dbt_models
from pipelines.assets.publish import published_warehouse
from pipelines.assets.report import achievement_report
from pipelines.assets.staging import (
    RAW_WORK_PLANS,
    extract_targets_and_actuals,
    ingest_reports,
    stg_unit_assignments,
)
from pipelines.jobs import nightly_refresh, raw_folder_changed, refresh_warehouse
from pipelines.resources import build_resources

defs = dg.Definitions(
    assets=[
        RAW_WORK_PLANS,
        ingest_reports,
        stg_unit_assignments,
        extract_targets_and_actuals,
        warehouse_dbt_models,
        published_warehouse,
        achievement_report,
    ],
    asset_checks=ASSET_CHECKS,
    jobs=[refresh_warehouse],
    schedules=[nightly_refresh],
    sensors=[raw_folder_changed],
    resources=build_resources(),
    # Runs launched from the UI ("Materialize all") also run in one process: see jobs.py.
    executor=dg.in_process_executor,
)
