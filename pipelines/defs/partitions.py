"""The report partitions: one per raw report file, kept in step with the raw folder.

Only `staging/raw_reports` is partitioned (Dagster records an event per partition and asset, which
at 1,000 reports costs more than the work; see docs/scaling.md); the other staging assets recompute
the reports read anew. A run covers the shortest range of partitions that holds every new and
changed report, so a refresh that changes one report of a thousand touches one partition.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import dagster as dg

from pipelines.core import settings
from pipelines.core.planning import Plan

# Dagster marks backfill_policy as beta; the single-run policy is what makes many reports one run.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)

def partitions_name(warehouse: Path) -> str:
    """The name of a warehouse's report partitions: `reports` for the default warehouse, `reports_<hash of
    its path>` for any other. Two warehouses refreshed at once from one checkout share the Dagster instance;
    each keeps its own partitions in step with its own raw folder, never deleting the other's."""
    if warehouse.resolve() == (settings.REPO_ROOT / settings.DEFAULT_WAREHOUSE_PATH).resolve():
        return "reports"
    return "reports_" + hashlib.sha1(str(warehouse.resolve()).encode()).hexdigest()[:10]


REPORTS = dg.DynamicPartitionsDefinition(name=partitions_name(settings.warehouse_path()))
ONE_RUN = dg.BackfillPolicy.single_run()

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


def apply_requests(instance: dg.DagsterInstance, requests: list) -> None:
    """What a sensor's result does with its partition requests, for callers that are not sensors."""
    for request in requests:
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


def range_tags(keys: list[str], plan: Plan) -> dict[str, str]:
    """The tags of one run over the shortest range of report partitions (in the instance's order) that
    holds every new and changed report. Removed reports need no partition."""
    wanted = [keys.index(k) for k in plan.to_read if k in keys] or [0]
    return {RANGE_START: keys[min(wanted)], RANGE_END: keys[max(wanted)]}
