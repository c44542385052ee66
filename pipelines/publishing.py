"""Build into a private copy of the warehouse, publish it by atomic rename.

Each run writes into `<warehouse dir>/.builds/current/<warehouse file name>`: a copy of the
published file (so tables a run does not rebuild carry over), or a new file for the first run.
One refresh runs at a time (the refresh lock), so the build has a fixed place, which keeps dbt's
arguments the same from run to run (dbt then re-parses only what changed); a marker file names
the run working on it. A build that a run left unpublished (a backfill the UI split into several
runs, or a run that failed or was killed) is continued by the next run, not thrown away: every
table write is one transaction, and the staging steps work out from the build itself what is
still to do, so nothing done is lost and nothing half-done is published.
Only when every step and blocking check has passed does the publish step replace the published
file with `os.replace`, which is atomic on one filesystem: an analyst's open connection keeps
reading the old file, new connections see the new one, and a failed or killed run leaves the
published file exactly as it was. The build keeps the published file's name (in its own folder)
because DuckDB names the catalog after the file, and views refer to it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import IO

import duckdb

BUILDS_DIR = ".builds"
CURRENT = "current"
OWNER_FILE = "RUN_ID"
LOCK_FILE = ".refresh.lock"
# How long a run waits for another refresh of the same warehouse before it gives up.
LOCK_WAIT_SECONDS = float(os.environ.get("REFRESH_LOCK_WAIT_SECONDS", "900"))


def build_path(published: Path) -> Path:
    return published.parent / BUILDS_DIR / CURRENT / published.name


def build_owner(published: Path) -> str | None:
    marker = build_path(published).parent / OWNER_FILE
    return marker.read_text().strip() if marker.exists() else None


class RefreshBusy(RuntimeError):
    pass


# Locks held by runs in this process: the file stays open (and locked) until the run publishes or
# the process ends. The OS drops the lock with the process, so a killed run never leaves it behind.
_held: dict[tuple[Path, str], IO[str]] = {}


def acquire_refresh_lock(published: Path, run_id: str, wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
    """One refresh of a warehouse at a time: wait for the one in progress, or fail saying which."""
    key = (published, run_id)
    if key in _held:
        return
    published.parent.mkdir(parents=True, exist_ok=True)
    handle = open(published.parent / LOCK_FILE, "a+")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise RefreshBusy(
                    f"another refresh of {published} is running ({holder}); gave up after {wait_seconds:.0f}s"
                ) from None
            time.sleep(0.5)
    handle.seek(0)
    handle.truncate()
    handle.write(f"run {run_id}, pid {os.getpid()}\n")
    handle.flush()
    _held[key] = handle


def release_refresh_lock(published: Path, run_id: str) -> None:
    handle = _held.pop((published, run_id), None)
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def prepare_build(published: Path, run_id: str) -> Path:
    """The run's build file: the one an earlier run left unpublished, else a copy of the published
    file (or a new one). The first use takes the warehouse's refresh lock for the run."""
    path = build_path(published)
    if (published, run_id) in _held and build_owner(published) == run_id:
        return path
    acquire_refresh_lock(published, run_id)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if published.exists():
            partial = path.with_name(path.name + ".copying")
            shutil.copyfile(published, partial)
            os.replace(partial, path)
    (path.parent / OWNER_FILE).write_text(run_id)
    return path


def publish(published: Path, run_id: str) -> Path:
    """Checkpoint the run's build and move it over the published file, atomically."""
    path = build_path(published)
    if build_owner(published) != run_id or not path.exists():
        raise FileNotFoundError(f"no build of run {run_id} to publish at {path} (owner: {build_owner(published)})")
    with duckdb.connect(str(path)) as con:
        con.execute("checkpoint")  # everything in the main file, no WAL left beside it
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, published)
    shutil.rmtree(path.parent, ignore_errors=True)
    release_refresh_lock(published, run_id)
    return published

