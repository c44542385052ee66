"""The job that refreshes the warehouse, and the one way to ask for it: `make run`, the nightly
schedule and the raw-folder sensor all call `refresh_request`, so they launch the same job the same
way, and all skip when nothing changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import dagster as dg

from pipelines.core.refresh.changes import Changes
from pipelines.core.refresh.fingerprint import code_fingerprint, transform_fingerprint
from pipelines.core.warehouse.state import file_hash

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
    """Names a raw-folder state (files and code), so the sensor launches one run per state."""
    digest = hashlib.sha256(f"{code_fingerprint()}|{transform_fingerprint()}".encode())
    for report_id, path in sorted(changes.files.items()):
        digest.update(f"|{report_id}:{file_hash(path)}".encode())
    return digest.hexdigest()[:20]
