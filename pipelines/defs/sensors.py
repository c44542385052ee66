"""The raw-folder sensor: a report file appeared, changed or went away (or a seed, the code, the published
warehouse); a failed refresh is tried again after a growing wait (jobs.sensor_request)."""

import time

import dagster as dg

from pipelines.core import settings
from pipelines.core.refresh.changes import current_changes
from pipelines.defs.jobs import refresh_warehouse, sensor_request


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=30,
    description="Every 30 s: launch one refresh run when a report file of the raw folder appeared, changed or "
    "went away, or the code, the dbt project or a seed changed (once per state, never while another refresh "
    "is queued or running); a failed refresh is tried again after 1 min, 5 min, 30 min, then every 6 h.",
    default_status=dg.DefaultSensorStatus.RUNNING if settings.automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_folder_changed(context: dg.SensorEvaluationContext):
    """Refresh when anything in the raw folder changed since the published warehouse was built."""
    return sensor_request(current_changes(), context.instance, time.time())
