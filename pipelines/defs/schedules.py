"""The nightly refresh: every night, changed or not, so the published warehouse's freshness policy
(assets/publish.py) shows a night that did not publish."""

import dagster as dg

from pipelines.core import settings
from pipelines.core.refresh.changes import current_changes
from pipelines.defs.jobs import PLAN_TAG, busy_reason, refresh_request, refresh_warehouse


@dg.schedule(
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 (Asia/Shanghai): refresh the warehouse (only what changed is read again; "
    "the marts are rebuilt and every check runs), unless the raw folder is empty or a refresh is running.",
    default_status=dg.DefaultScheduleStatus.RUNNING if settings.automation_on() else dg.DefaultScheduleStatus.STOPPED,
)
def nightly_refresh(context: dg.ScheduleEvaluationContext):
    """02:00 Asia/Shanghai: refresh and publish, so the warehouse is checked and published every night."""
    changes = current_changes()
    request = refresh_request(changes)
    if not changes.files:
        return dg.SkipReason(request.skip_reason)
    if busy := busy_reason(context.instance):
        return dg.SkipReason(f"a refresh is queued or running: {busy}")
    return dg.RunRequest(tags=request.run_tags or {PLAN_TAG: f"nightly: {changes.describe()}"[:200]})
