"""A refresh builds into a private copy of the warehouse and publishes it by atomic rename.

`WarehouseBuild` owns one refresh of one warehouse, from `open()` to `close()` (or a `with` block):
it takes the warehouse's refresh lock (one refresh at a time; a second waits, then fails naming the
holder) and the build file `<warehouse dir>/.builds/current/<warehouse file name>`: the build an
earlier run left unpublished, else a copy of the published file (tables a run does not rebuild carry
over), else a new file. A build left unpublished (a backfill the UI split into several runs, a run
that failed or was killed) is continued, not thrown away: every table write is one transaction and
the steps work out from `staging.build_state` what is still to do, so nothing done is lost and
nothing half-done is published. The build has a fixed place, so dbt's arguments stay the same from
run to run (dbt then re-parses only what changed), and keeps the published file's name because
DuckDB names the catalog after the file and views refer to it.
`publish()` checkpoints the build and moves it over the published file with `os.replace`, atomic on
one filesystem: an analyst's open connection keeps reading the old file, new connections see the new
one, and a failed or killed run leaves the published file exactly as it was. The lock is an flock on
a file beside the warehouse, held by this object's open file: the OS drops it with the process, so a
killed run never blocks the next.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import IO

import duckdb

from pipelines.core import settings

BUILDS_DIR = ".builds"
CURRENT = "current"
LOCK_FILE = ".refresh.lock"


def build_path(published: Path) -> Path:
    return published.parent / BUILDS_DIR / CURRENT / published.name


class DiskFull(OSError):
    """The disk ran out of room while writing the build; the build was removed so it holds no space."""


def is_disk_full(err: BaseException) -> bool:
    return (isinstance(err, OSError) and err.errno == errno.ENOSPC) or "No space left on device" in str(err)


class RefreshBusy(RuntimeError):
    pass


class WarehouseBuild:
    """One refresh's build of the published warehouse `published`, held by run `run_id`."""

    def __init__(self, published: Path, run_id: str, wait_seconds: float | None = None):
        self.published, self.run_id = Path(published), run_id
        self.path = build_path(self.published)
        self.wait_seconds = settings.lock_wait_seconds() if wait_seconds is None else wait_seconds
        self._lock: IO[str] | None = None

    def __enter__(self) -> WarehouseBuild:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._lock is not None

    def open(self) -> None:
        """Take the refresh lock, then the build (the unpublished one, or a copy of the published file).

        An unpublished build is continued, unless its disk has less room left than the published file
        takes (a run that failed on a full disk left it): then it is discarded, which frees that room."""
        self._take_lock()
        if (
            self.path.exists()
            and self.published.exists()
            and shutil.disk_usage(self.path.parent).free < self.published.stat().st_size
        ):
            self.discard()
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.published.exists():
                partial = self.path.with_name(self.path.name + ".copying")
                try:
                    shutil.copyfile(self.published, partial)
                except OSError as err:
                    self.discard()
                    if is_disk_full(err):
                        raise DiskFull(
                            f"{self.path.parent}: no space left on the device to copy the warehouse "
                            f"({self.published.stat().st_size / 2**20:.0f} MB): free space and run "
                            "again"
                        ) from None
                    raise
                os.replace(partial, self.path)

    def close(self) -> None:
        """Release the lock; an unpublished build stays for the next run to continue."""
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def discard(self) -> None:
        """Remove the unpublished build (and its WAL): the next run starts from the published file."""
        shutil.rmtree(self.path.parent, ignore_errors=True)

    def connect(self) -> duckdb.DuckDBPyConnection:
        if not self.is_open:
            raise RuntimeError(f"the build of {self.published} is not open for run {self.run_id}")
        return duckdb.connect(str(self.path))

    def publish(self) -> Path:
        """Checkpoint the build and move it over the published file, atomically."""
        if not self.is_open or not self.path.exists():
            raise FileNotFoundError(f"no build of run {self.run_id} to publish at {self.path}")
        with duckdb.connect(str(self.path)) as con:
            con.execute("checkpoint")  # everything in the main file, no WAL left beside it
        os.replace(self.path, self.published)
        shutil.rmtree(self.path.parent, ignore_errors=True)
        return self.published

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        self.published.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.published.parent / LOCK_FILE, "a+")  # noqa: SIM115 - held open as the lock, closed on release
        deadline = time.monotonic() + self.wait_seconds
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
                        f"another refresh of {self.published} is running ({holder}); "
                        f"gave up after {self.wait_seconds:.0f}s"
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"run {self.run_id}, pid {os.getpid()}\n")
        handle.flush()
        self._lock = handle
