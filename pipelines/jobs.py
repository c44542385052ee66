"""The job that refreshes the warehouse, and what starts it: `make run`, a nightly schedule, and a
sensor on the raw folder. All three skip when nothing changed and run every report partition in
one run otherwise (only changed reports are re-read)."""

import dagster as dg

from pipelines import refresh, settings
from pipelines.planning import current_plan

# In-process: on a 2-core machine each step's process start-up (imports of dbt, polars, GE)
# costs more than the work itself. The tag lets the run queue keep refreshes one at a time.
REFRESH_TAG = {"warehouse/refresh": "true"}

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    tags=REFRESH_TAG,
    description="Read new and changed raw reports, drop removed ones, rebuild the marts, check, publish.",
)


@dg.schedule(
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING if settings.automation_on() else dg.DefaultScheduleStatus.STOPPED,
)
def nightly_refresh(context: dg.ScheduleEvaluationContext):
    """02:00 Asia/Shanghai: refresh if anything changed since the published warehouse was built."""
    plan = current_plan()
    if not plan.files:
        return dg.SkipReason("the raw folder has no reports")
    refresh.sync_partitions(context.instance, plan)
    if plan.nothing_to_do:
        return dg.SkipReason(f"up to date: {plan.describe()}")
    return dg.RunRequest(tags=refresh.run_tags(refresh.partition_order(context.instance, []), plan))


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING if settings.automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_folder_changed(context: dg.SensorEvaluationContext):
    """A report file appeared, changed or went away: keep the report partitions in step, and refresh."""
    plan = current_plan()
    requests = refresh.partition_requests(context.instance, plan)
    if not plan.files or plan.nothing_to_do:
        return dg.SensorResult(skip_reason=f"nothing to do: {plan.describe()}", dynamic_partitions_requests=requests)
    keys = refresh.partition_order(context.instance, requests)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=refresh.plan_key(plan), tags=refresh.run_tags(keys, plan))],
        dynamic_partitions_requests=requests,
    )
