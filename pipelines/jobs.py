"""The job that refreshes the whole warehouse, and when it runs."""

import dagster as dg

# In-process: on a 2-core machine each step's process start-up (imports of dbt, polars, GE)
# costs more than the work itself.
refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Read every raw report, rebuild staging and the marts.",
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
