"""The job that refreshes the warehouse, and the one way to ask for it: `make run`, the nightly
schedule and the raw-folder sensor all call `refresh_request`, so they launch the same job the same
way, and `make run` and the sensor skip when nothing changed.

The sensor launches one run per state (`changes_key`: the raw folder, the code, the transform and the
published warehouse), never while another run is queued or running, and launches a failed state again
only after a growing wait (`RETRY_WAITS_SECONDS`): a passing cause (a held lock, a full disk) clears by
itself, a lasting one (a bad seed) is not relaunched every 30 s, and fixing it is a new state, run at once.
This is done in the sensor, from the instance's run records, rather than with Dagster's run retries
(`dagster/max_retries`): those re-execute at once, a fixed number of times, then never again, so a failure
whose cause clears an hour later would wait for someone to click."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import dagster as dg

from pipelines.core import settings
from pipelines.core.refresh.changes import Changes
from pipelines.core.refresh.fingerprint import code_fingerprint, transform_fingerprint
from pipelines.core.warehouse.state import file_hash
from pipelines.defs.recovery import fail_dead_runs

# In-process: on a 2-core machine each step's process start-up (imports of dbt, polars, GE)
# costs more than the work itself. One refresh at a time: every step is in the `warehouse` pool.
refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Read new and changed raw reports, drop removed ones, rebuild the marts, check, publish.",
)


# What a run launched by the sensor or the schedule was asked to do, as its tag (shown in the UI's runs list).
PLAN_TAG = "refresh/plan"
# The state (`changes_key`) a sensor's run refreshes: its earlier tries are the runs with the same tag.
STATE_TAG = "refresh/state"
# A run in one of these holds or waits for the `warehouse` pool: no other refresh is launched meanwhile.
IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
# After the n-th failed try of one state, the sensor waits the n-th of these before trying it again (the last
# one from then on): 1 min, 5 min, 30 min, then every 6 hours.
RETRY_WAITS_SECONDS = (60, 300, 1800, 6 * 3600)


@dataclass(frozen=True)
class RefreshRequest:
    """What to do about the raw folder now: a run's tags, or why there is none."""

    run_tags: dict[str, str] | None = None
    skip_reason: str | None = None


def refresh_request(changes: Changes) -> RefreshRequest:
    if not changes.files:  # a folder gone or emptied by mistake: the warehouse stays as it is
        return RefreshRequest(skip_reason="the raw folder has no reports")
    if changes.nothing_to_do:
        return RefreshRequest(skip_reason=f"up to date: {changes.describe()}")
    return RefreshRequest(run_tags={PLAN_TAG: changes.describe()[:200]})


def changes_key(changes: Changes) -> str:
    """Names a state: the raw folder's files, the code, the transform and the run that published the warehouse
    (so a folder back at an earlier state after another publish is a state of its own)."""
    digest = hashlib.sha256(
        f"{code_fingerprint()}|{transform_fingerprint()}|published by {changes.published_run}".encode()
    )
    for report_id, path in sorted(changes.files.items()):
        digest.update(f"|{report_id}:{file_hash(path)}".encode())
    return digest.hexdigest()[:20]


def busy_reason(instance: dg.DagsterInstance) -> str | None:
    """Why no refresh may be launched now (one is queued or running), or None. Runs whose process is gone are
    marked failed first, so a killed run does not hold the pool for ever."""
    fail_dead_runs(instance, settings.warehouse_path())
    running = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS), limit=1)
    return f"run {running[0].run_id} is {running[0].status.value.lower()}" if running else None


def sensor_request(changes: Changes, instance: dg.DagsterInstance, now: float) -> dg.RunRequest | dg.SkipReason:
    """The sensor's answer for this state at time `now`: a run (first try, or a retry whose wait is over) or why
    not."""
    request = refresh_request(changes)
    if request.skip_reason:
        return dg.SkipReason(f"nothing to do: {request.skip_reason}")
    if busy := busy_reason(instance):
        return dg.SkipReason(f"a refresh is queued or running: {busy}")
    key = changes_key(changes)
    tries = dg.RunsFilter(tags={STATE_TAG: key})
    tags = {**request.run_tags, STATE_TAG: key}
    last = instance.get_run_records(filters=tries, limit=1)
    if not last:
        return dg.RunRequest(run_key=key, tags=tags)
    run = last[0]
    if run.dagster_run.status == dg.DagsterRunStatus.SUCCESS:
        return dg.SkipReason(f"run {run.dagster_run.run_id} refreshed this state")
    n = instance.get_runs_count(filters=tries)
    wait = RETRY_WAITS_SECONDS[min(n, len(RETRY_WAITS_SECONDS)) - 1]
    retry_at = (run.end_time or run.update_timestamp.timestamp()) + wait
    if now < retry_at:
        return dg.SkipReason(
            f"run {run.dagster_run.run_id} failed on this state ({n} tries): tried again in "
            f"{retry_at - now:.0f}s unless something changes"
        )
    return dg.RunRequest(run_key=f"{key}-{n}", tags=tags)
