"""Starting a refresh: the plan, the report partitions kept in step with the raw folder, the run's tags.

Shared by `make run`, the nightly schedule and the raw-folder sensor, so all three launch the same
job the same way: one run over every report partition (re-reading only what changed).
"""

from __future__ import annotations

import dagster as dg

from pipelines.assets.staging import REPORTS
from pipelines.planning import Plan

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def partition_requests(instance: dg.DagsterInstance, plan: Plan) -> list:
    """Add a partition per new report file, delete those whose file is gone."""
    existing = set(instance.get_dynamic_partitions(REPORTS.name))
    requests = []
    if added := sorted(set(plan.files) - existing):
        requests.append(REPORTS.build_add_request(added))
    if gone := sorted(existing - set(plan.files)):
        requests.append(REPORTS.build_delete_request(gone))
    return requests


def sync_partitions(instance: dg.DagsterInstance, plan: Plan) -> None:
    for request in partition_requests(instance, plan):
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(REPORTS.name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(REPORTS.name, key)


def partition_order(instance: dg.DagsterInstance, requests: list) -> list[str]:
    """The report partitions in the instance's order once the requests are applied."""
    keys = list(instance.get_dynamic_partitions(REPORTS.name))
    for request in requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            keys += [k for k in request.partition_keys if k not in keys]
        else:
            keys = [k for k in keys if k not in set(request.partition_keys)]
    return keys


def run_tags(keys: list[str], plan: Plan) -> dict[str, str]:
    """One run over the shortest range of report partitions (in the instance's order) that holds every
    new and changed report: Dagster records each partition it materialises, so a refresh that changes
    one report of a thousand touches one partition, not a thousand. Removed reports need no partition."""
    wanted = [keys.index(k) for k in plan.to_extract if k in keys] or [0]
    return {RANGE_START: keys[min(wanted)], RANGE_END: keys[max(wanted)], "refresh/plan": plan.describe()[:200]}


def plan_key(plan: Plan) -> str:
    """Names a raw-folder state, so the sensor launches one run per state."""
    import hashlib

    from pipelines.planning import code_fingerprint, file_hash, transform_fingerprint

    digest = hashlib.sha256(f"{code_fingerprint()}|{transform_fingerprint()}".encode())
    for report_id, path in sorted(plan.files.items()):
        digest.update(f"|{report_id}:{file_hash(path)}".encode())
    return digest.hexdigest()[:20]
