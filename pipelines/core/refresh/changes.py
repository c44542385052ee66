"""What a refresh has to do: compare the raw folder with what the published warehouse was built from.

A report is read again when `state.needs_reading` says so (its file's content hash or the code fingerprint
differs from the ones recorded in `staging.build_state`); a report whose file is gone leaves the warehouse.
The marts are rebuilt when any report changed or the transform layer (dbt project and its seeds, GE suites)
changed. When nothing did, there is nothing to run. A published file that is damaged (`build.damage_of`) reads
as an empty warehouse: the refresh sets it aside and builds anew.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.core import settings
from pipelines.core.refresh.fingerprint import code_fingerprint, transform_fingerprint
from pipelines.core.sources.files import Skipped, report_files, report_id_for, skipped_files
from pipelines.core.warehouse.build import build_path, damage_of
from pipelines.core.warehouse.state import (
    Built,
    needs_reading,
    read_built,
    transform_version,
    written_since_publish,
)
from pipelines.core.warehouse.tables import BUILD_STATE


def reports_to_rebuild(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    """The reports whose marts and checks a refresh redoes: those written since the last publish; None (every
    report) where the transform the marts were built with changed, or nothing was published yet."""
    if transform_version(con) != transform_fingerprint():
        return None
    return written_since_publish(con)


# Above this share of the reports changed, the marts are built anew rather than report by report: deleting and
# inserting most of a table costs more than building it, and at 10,000 reports all re-read (an extraction code
# change) the incremental delete of fct_target_achievement ran out of DUCKDB_MEMORY_LIMIT where a build did not.
FULL_REFRESH_SHARE = 0.5


def marts_built_whole(con: duckdb.DuckDBPyConnection, share: float = FULL_REFRESH_SHARE) -> bool:
    """Whether the refresh's dbt build rebuilds every report (--full-refresh): where reports_to_rebuild says every
    report, or more than `share` of the reports recorded changed."""
    changed = reports_to_rebuild(con)
    if changed is None:
        return True
    (recorded,) = con.execute(
        f"select count(distinct report_id) from {BUILD_STATE.qualified} where report_id is not null"
    ).fetchone()
    return len(changed) > share * recorded


@dataclass
class Changes:
    files: dict[str, Path]  # every report in the raw folder
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    transform_changed: bool = False
    skipped: list[Skipped] = field(default_factory=list)  # entries of the raw folder not read, with the reason
    # A build the last refresh left unpublished (it failed, or was stopped): the next refresh finishes and
    # publishes it, so assets shown failed turn green once the cause is fixed.
    unpublished_build: bool = False
    published_run: str | None = None  # the run that published the warehouse (None: none, or it is damaged)
    damaged: str | None = None  # why the published file cannot be read as a database

    @property
    def to_read(self) -> list[str]:
        return sorted(self.new + self.changed)

    @property
    def nothing_to_do(self) -> bool:
        return not (
            self.new or self.changed or self.removed or self.transform_changed or self.unpublished_build or self.damaged
        )

    def describe(self) -> str:
        parts = [
            f"{len(self.files)} reports: {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"
        ]
        if self.damaged:
            parts.append(f"the published warehouse is damaged ({self.damaged}): it is set aside and built anew")
        if self.transform_changed:
            parts.append("the dbt project (models, seeds) or the GE suites changed")
        if self.unpublished_build:
            parts.append("the last refresh did not publish")
        by_reason: dict[str, list[str]] = {}
        for entry in self.skipped:
            by_reason.setdefault(entry.reason, []).append(entry.name)
        parts += [f"skipped, {reason}: {', '.join(names)}" for reason, names in by_reason.items()]
        return "; ".join(parts)


def find_changes(raw_dir: Path, warehouse: Path) -> Changes:
    files = {report_id_for(p): p for p in report_files(raw_dir)}
    damaged = damage_of(warehouse) if warehouse.exists() else None
    built = Built({}, None) if damaged else read_built(warehouse)
    changes = Changes(
        files=files,
        transform_changed=not damaged and built.transform_version != transform_fingerprint(),
        skipped=skipped_files(raw_dir),
        unpublished_build=build_path(warehouse).exists(),
        published_run=built.published_run,
        damaged=damaged,
    )
    for report_id, path in sorted(files.items()):
        if report_id not in built.reports:
            changes.new.append(report_id)
        elif needs_reading(built.reports[report_id], path, code_fingerprint()):
            changes.changed.append(report_id)
        else:
            changes.unchanged.append(report_id)
    changes.removed = sorted(set(built.reports) - set(files))
    return changes


def current_changes() -> Changes:
    """The changes for the configured raw folder and warehouse."""
    return find_changes(settings.raw_dir(), settings.warehouse_path())
