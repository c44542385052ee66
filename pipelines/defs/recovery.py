"""Recovery of the Dagster instance, done where a refresh starts (`make run`, the sensor, the schedule, the
resource `warehouse_build`): a `DAGSTER_HOME` deleted by mistake is recreated from the committed
`.dagster/dagster.yaml`, and a run left STARTED by a process that is gone (killed, crashed, the machine
restarted) is marked failed, which frees its slot in the `warehouse` pool so queued runs can start.

A run says which process runs it in its tag `refresh/process` (host, pid and the process's start time, so a
pid the OS has since given to another process is not taken for it): `make run` sets it when it launches the
run, the resource `warehouse_build` when a run launched by the UI, the sensor or the schedule starts. The
refresh lock beside the warehouse names the run that holds it, which is running whatever its tag says.
Dagster's own run monitoring (`run_monitoring` in dagster.yaml) fails runs stuck STARTING; it cannot tell
that a STARTED run's process died with the default run launcher, hence this check.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.core import settings
from pipelines.core.warehouse.build import lock_holder

PROCESS_TAG = "refresh/process"  # "<host> <pid> <start time in clock ticks>"
# The statuses of a run whose process should be alive.
RUNNING = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def _start_ticks(pid: int) -> str:
    """When the process started (/proc/<pid>/stat, field 22), or "-" where that cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "-"
    return stat.rsplit(")", 1)[1].split()[19]  # fields after the command name start at field 3


def process_identity(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{socket.gethostname()} {pid} {_start_ticks(pid)}"


def process_alive(identity: str) -> bool | None:
    """Whether the process named by `process_identity` still runs; None when it ran on another host."""
    host, pid, ticks = identity.split()
    if host != socket.gethostname():
        return None
    if ticks != "-":
        return _start_ticks(int(pid)) == ticks
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def fail_dead_runs(instance: dg.DagsterInstance, published: Path, this_run: str | None = None) -> list[str]:
    """Mark failed every STARTING/STARTED run of the instance whose process is gone (not `this_run`, nor the
    run holding the refresh lock of `published`); returns their ids. Their pool slots are freed with them."""
    holder = lock_holder(published) or ""
    failed = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=RUNNING)):
        run = record.dagster_run
        identity = run.tags.get(PROCESS_TAG)
        if run.run_id == this_run or identity is None or f"run {run.run_id}," in holder:
            continue
        if process_alive(identity) is False:
            instance.report_run_failed(
                run, f"its process ({identity}) is gone (killed or crashed): marked failed by the next refresh"
            )
            if instance.event_log_storage.supports_global_concurrency_limits:
                instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            failed.append(run.run_id)
    return failed


def ensure_dagster_home() -> Path | None:
    """Recreate `DAGSTER_HOME` with its dagster.yaml when either is missing; returns the file written, or None.

    The template is the committed `.dagster/dagster.yaml`; when that folder is the one deleted, git has it."""
    home = settings.dagster_home()
    if home is None or (home / "dagster.yaml").exists():
        return None
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if settings.INSTANCE_TEMPLATE.exists():
        shutil.copyfile(settings.INSTANCE_TEMPLATE, target)
    else:
        committed = settings.INSTANCE_TEMPLATE.relative_to(settings.REPO_ROOT).as_posix()
        target.write_bytes(
            subprocess.run(
                ["git", "-C", str(settings.REPO_ROOT), "show", f"HEAD:{committed}"], capture_output=True, check=True
            ).stdout
        )
    return target


if __name__ == "__main__":  # `make dev` runs this before starting the UI
    if written := ensure_dagster_home():
        print(f"DAGSTER_HOME was missing: recreated {written}", file=sys.stderr)
