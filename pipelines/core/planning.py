"""What a refresh has to do: compare the raw folder with what the published warehouse was built from.

A report is read again when its file's content hash differs from the one recorded in
`staging.build_state`, or when the code that reads and extracts changed (the code fingerprint);
a report whose file is gone leaves the warehouse. The marts are rebuilt when any report changed or
the transform layer (dbt project, GE suites) changed. When nothing did, there is nothing to run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.core.build_state import read_built
from pipelines.core.reading import report_files, report_id_for, skipped_files
from pipelines.core.settings import DBT_PROJECT_DIR, REPO_ROOT
from pipelines.core.warehouse_build import build_path

# The core modules whose rules decide what lands in staging: a change re-reads every report.
STAGING_CODE = ("grids.py", "reading.py", "report_context.py", "units.py", "leaders.py", "rules.py", "extraction.py",
                "pairing.py", "mentions.py", "templates.py", "tables.py", "refresh_steps.py")
# What decides the marts and their checks: a change rebuilds the marts from staging.
TRANSFORM_SOURCES = (
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "tests",
    REPO_ROOT / "expectations" / "gx",
)


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    return _hash_files(REPO_ROOT / "pipelines" / "core" / name for name in STAGING_CODE)


@lru_cache(maxsize=1)
def transform_fingerprint() -> str:
    files = []
    for source in TRANSFORM_SOURCES:
        files += [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else [source]
    return _hash_files(files)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Plan:
    files: dict[str, Path]  # every report in the raw folder
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    transform_changed: bool = False
    skipped: list[str] = field(default_factory=list)  # files in the raw folder that are not reports
    # A build the last refresh left unpublished (it failed, or was stopped): the next refresh finishes and
    # publishes it, so assets shown failed turn green once the cause is fixed.
    unpublished_build: bool = False

    @property
    def to_read(self) -> list[str]:
        return sorted(self.new + self.changed)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.new or self.changed or self.removed or self.transform_changed or self.unpublished_build)

    def describe(self) -> str:
        parts = [f"{len(self.files)} reports: {len(self.new)} new, {len(self.changed)} changed, "
                 f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"]
        if self.transform_changed:
            parts.append("the dbt project or the GE suites changed")
        if self.unpublished_build:
            parts.append("the last refresh did not publish")
        if self.skipped:
            parts.append(f"skipped, not a report format: {', '.join(self.skipped)}")
        return "; ".join(parts)


def make_plan(raw_dir: Path, warehouse: Path) -> Plan:
    files = {report_id_for(p): p for p in report_files(raw_dir)}
    built = read_built(warehouse)
    plan = Plan(files=files, transform_changed=built.transform_version != transform_fingerprint(),
                skipped=skipped_files(raw_dir), unpublished_build=build_path(warehouse).exists())
    for report_id, path in sorted(files.items()):
        if report_id not in built.reports:
            plan.new.append(report_id)
        elif built.reports[report_id] != (file_hash(path), code_fingerprint()):
            plan.changed.append(report_id)
        else:
            plan.unchanged.append(report_id)
    plan.removed = sorted(set(built.reports) - set(files))
    return plan


def current_plan() -> Plan:
    """The plan for the configured raw folder and warehouse."""
    from pipelines.core import settings

    return make_plan(settings.raw_dir(), settings.warehouse_path())
