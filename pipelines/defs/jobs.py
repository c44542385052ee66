"""The job that refreshes the warehouse, and the one way to ask for it: `make run`, the nightly
schedule and the raw-folder sensor all call `refresh_request`, so they launch the same job the same
way, and all skip when nothing changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import dagster as dg

from pipelines.core.planning import Plan, code_fingerprint, file_hash, transform_fingerprint
from pipelines.defs import partitions

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


@dataclass(frozen=True)
class RefreshRequest:
    """What to do about the raw folder now: the partition changes, and a run's tags or why there is none."""

    partition_requests: list = field(default_factory=list)
    run_tags: dict[str, str] | None = None
    skip_reason: str | None = None


def refresh_request(instance: dg.DagsterInstance, plan: Plan) -> RefreshRequest:
    if not plan.files:  # a folder gone or emptied by mistake keeps the partitions' history
        return RefreshRequest(skip_reason="the raw folder has no reports")
    requests = partitions.partition_requests(instance, plan)
    if plan.nothing_to_do:
        return RefreshRequest(requests, skip_reason=f"up to date: {plan.describe()}")
    tags = {**partitions.range_tags(partitions.partition_order(instance, requests), plan),
            "refresh/plan": plan.describe()[:200]}
    return RefreshRequest(requests, run_tags=tags)


def plan_key(plan: Plan) -> str:
    """Names a raw-folder state (files and code), so the sensor launches one run per state."""
    digest = hashlib.sha256(f"{code_fingerprint()}|{transform_fingerprint()}".encode())
    for report_id, path in sorted(plan.files.items()):
        digest.update(f"|{report_id}:{file_hash(path)}".encode())
    return digest.hexdigest()[:20]
