"""Build into a private copy of the warehouse, publish it by atomic rename.

Each run writes into `<warehouse dir>/.builds/<run_id>/<warehouse file name>`: a copy of the
published file (so tables a run does not rebuild carry over), or a new file for the first run.
Only when every step and blocking check has passed does the publish step replace the published
file with `os.replace`, which is atomic on one filesystem: an analyst's open connection keeps
reading the old file, new connections see the new one, and a failed or killed run leaves the
published file exactly as it was. The build keeps the published file's name (in its own folder)
because DuckDB names the catalog after the file, and views refer to it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

BUILDS_DIR = ".builds"
# Builds left behind by runs that died are removed after this long.
STALE_BUILD_SECONDS = 6 * 3600


def build_path(published: Path, run_id: str) -> Path:
    return published.parent / BUILDS_DIR / run_id / published.name


def prepare_build(published: Path, run_id: str) -> Path:
    """The run's build file, created on first use from the published one (or empty)."""
    path = build_path(published, run_id)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(published, keep=run_id)
    if published.exists():
        partial = path.with_name(path.name + ".copying")
        shutil.copyfile(published, partial)
        os.replace(partial, path)
    return path


def publish(published: Path, run_id: str) -> Path:
    """Checkpoint the run's build and move it over the published file, atomically."""
    path = build_path(published, run_id)
    if not path.exists():
        raise FileNotFoundError(f"no build to publish for run {run_id} at {path}")
    with duckdb.connect(str(path)) as con:
        con.execute("checkpoint")  # everything in the main file, no WAL left beside it
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, published)
    shutil.rmtree(path.parent, ignore_errors=True)
    return published


def discard_build(published: Path, run_id: str) -> None:
    shutil.rmtree(build_path(published, run_id).parent, ignore_errors=True)


def remove_stale_builds(published: Path, keep: str | None = None) -> list[Path]:
    root = published.parent / BUILDS_DIR
    removed = []
    if not root.is_dir():
        return removed
    now = time.time()
    for run_dir in root.iterdir():
        if run_dir.name != keep and now - run_dir.stat().st_mtime > STALE_BUILD_SECONDS:
            shutil.rmtree(run_dir, ignore_errors=True)
            removed.append(run_dir)
    return removed
