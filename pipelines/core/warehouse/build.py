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
killed run never blocks the next; the file names its holder (`run <id>, pid <pid>`, `lock_holder`).
A published file that is not a whole database any more (truncated, overwritten: `is_damaged`) is moved
aside by `open()` as `<name>.damaged-<UTC time>`, and the run builds the warehouse anew from the raw folder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import duckdb

from pipelines.core import settings
from pipelines.core.warehouse.connection import connect_read_only, duckdb_config
from pipelines.core.warehouse.state import read_built

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


# What DuckDB says of a file that is no longer a whole database; any other error (a lock, a permission) is not
# damage and is raised as it is.
DAMAGE_SIGNS = (
    "not a valid DuckDB database file",  # overwritten with something else, or emptied
    "Could not read enough bytes",  # truncated
    "checksum",  # a block overwritten
    "corrupt",
)
# DuckDB's file starts with a main header and two database headers of 4 KiB each, then its blocks.
DUCKDB_HEADER_BYTES = 3 * 4096
# warehouse.duckdb -> warehouse.duckdb.damaged-20261206T051500Z
DAMAGED_SUFFIX = ".damaged-"


def is_damaged(err: BaseException) -> bool:
    return isinstance(err, duckdb.Error) and any(sign.lower() in str(err).lower() for sign in DAMAGE_SIGNS)


def damage_of(path: Path) -> str | None:
    """Why the warehouse file at `path` cannot be read as a database (DuckDB's first line), or None."""
    try:
        read_built(path)
        with connect_read_only(path) as con:
            blocks, block_size = con.execute("select used_blocks, block_size from pragma_database_size()").fetchone()
    except duckdb.Error as err:
        if not is_damaged(err):
            raise
        return str(err).splitlines()[0]
    # A file cut short past the blocks that were read above (its catalog whole, its data not): DuckDB says how
    # many blocks it uses, after its fixed headers. Not its total: free blocks at the end need not be on disk.
    if (size := path.stat().st_size) < (needed := DUCKDB_HEADER_BYTES + blocks * block_size):
        return f"truncated: {size:,} bytes of the {needed:,} its {blocks} used blocks take"
    return None


@dataclass(frozen=True)
class SetAside:
    """A damaged warehouse file, moved to `path` because: `reason`."""

    path: Path
    reason: str


def damaged_copies(published: Path) -> list[Path]:
    """The damaged files set aside beside the warehouse, oldest first."""
    return sorted(published.parent.glob(f"{published.name}{DAMAGED_SUFFIX}*"))


def lock_holder(published: Path) -> str | None:
    """What the lock file says of the refresh holding the lock (`run <id>, pid <pid>`), or None when none does."""
    lock = published.parent / LOCK_FILE
    if not lock.exists():
        return None
    with open(lock) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "unknown"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class WarehouseBuild:
    """One refresh's build of the published warehouse `published`, held by run `run_id`."""

    def __init__(self, published: Path, run_id: str, wait_seconds: float | None = None):
        self.published, self.run_id = Path(published), run_id
        self.path = build_path(self.published)
        self.wait_seconds = settings.lock_wait_seconds() if wait_seconds is None else wait_seconds
        self._lock: IO[str] | None = None
        self.set_aside: SetAside | None = None  # the damaged published file this build moved aside

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
        takes (a run that failed on a full disk left it): then it is discarded, which frees that room.
        A damaged published file is moved aside first (the build then starts empty: every report is read), and
        a damaged unpublished build is discarded."""
        self._take_lock()
        self._set_aside_damaged()
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

    def _set_aside_damaged(self) -> None:
        if self.path.exists() and damage_of(self.path):
            self.discard()
        if self.published.exists() and (reason := damage_of(self.published)):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self.published.with_name(f"{self.published.name}{DAMAGED_SUFFIX}{stamp}")
            os.replace(self.published, aside)
            wal = self.published.with_name(self.published.name + ".wal")
            if wal.exists():
                os.replace(wal, aside.with_name(aside.name + ".wal"))
            self.set_aside = SetAside(aside, reason)

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
        return duckdb.connect(str(self.path), config=duckdb_config())

    def publish(self) -> Path:
        """Checkpoint the build and move it over the published file, atomically."""
        if not self.is_open or not self.path.exists():
            raise FileNotFoundError(f"no build of run {self.run_id} to publish at {self.path}")
        with duckdb.connect(str(self.path), config=duckdb_config()) as con:
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
