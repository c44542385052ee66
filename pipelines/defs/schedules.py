"""The nightly refresh."""

import dagster as dg

from pipelines.core import settings
from pipelines.core.refresh.changes import current_changes
from pipelines.defs.jobs import refresh_request, refresh_warehouse


@dg.schedule(
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 (Asia/Shanghai): refresh the warehouse if a report file appeared, changed or "
    "went away, or the code changed; otherwise skip, saying it is up to date.",
    default_status=dg.DefaultScheduleStatus.RUNNING if settings.automation_on() else dg.DefaultScheduleStatus.STOPPED,
)
def nightly_refresh(context: dg.ScheduleEvaluationContext):
    """02:00 Asia/Shanghai: refresh if anything changed since the published warehouse was built."""
    request = refresh_request(current_changes())
    if request.skip_reason:
        return dg.SkipReason(request.skip_reason)
    return dg.RunRequest(tags=request.run_tags)
