"""The raw-folder sensor: a report file appeared, changed or went away."""

import dagster as dg

from pipelines.core import settings
from pipelines.core.refresh.changes import current_changes
from pipelines.defs.jobs import changes_key, refresh_request, refresh_warehouse


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=30,
    description="Every 30 s: launch one refresh run when a report file of the raw folder appeared, changed or "
    "went away, "
    "or the code changed (once per folder state).",
    default_status=dg.DefaultSensorStatus.RUNNING if settings.automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_folder_changed(context: dg.SensorEvaluationContext):
    """Refresh when anything in the raw folder changed since the published warehouse was built."""
    changes = current_changes()
    request = refresh_request(changes)
    if request.skip_reason:
        return dg.SkipReason(f"nothing to do: {request.skip_reason}")
    return dg.RunRequest(run_key=changes_key(changes), tags=request.run_tags)
