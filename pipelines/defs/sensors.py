"""The raw-folder sensor: a report file appeared, changed or went away."""

import dagster as dg

from pipelines.core import settings
from pipelines.core.planning import current_plan
from pipelines.defs.jobs import plan_key, refresh_request, refresh_warehouse


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=30,
    description="Every 30 s: keep this warehouse's report partitions in step with the raw folder, and launch one "
                "refresh run over the new and changed reports (once per folder state).",
    default_status=dg.DefaultSensorStatus.RUNNING if settings.automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_folder_changed(context: dg.SensorEvaluationContext):
    """Keep the report partitions in step with the raw folder, and refresh when anything changed."""
    plan = current_plan()
    request = refresh_request(context.instance, plan)
    if request.skip_reason:
        return dg.SensorResult(skip_reason=f"nothing to do: {request.skip_reason}",
                               dynamic_partitions_requests=request.partition_requests)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=plan_key(plan), tags=request.run_tags)],
        dynamic_partitions_requests=request.partition_requests,
    )
