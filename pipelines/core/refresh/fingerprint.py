"""What the warehouse's contents depend on, as fingerprints: the code that decides what lands in staging (a
change re-reads every report) and the transform layer (a change rebuilds the marts).

The transform fingerprint is computed anew at each call: the dbt project and its seeds are read by dbt at
run time, so a long-lived process (the daemon's sensor, the UI's code server) must see an edited seed
(`reviewed_verdicts.csv`, `report_plans.csv`) without being restarted."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipelines.core.settings import COLUMN_ROLES_FILE, REPO_ROOT, marts_engine

# The module that writes staging: the code fingerprint is every project module it imports, transitively.
STAGING_STEPS = "pipelines.core.refresh.steps"
# The module that reads targets and actuals: its fingerprint keys the template readings kept across runs.
EXTRACTION = "pipelines.core.extraction.batch"
# What decides the marts and their checks, relative to the repository root: a change rebuilds the marts from
# staging. The seeds are data the marts are built from (a reviewed verdict, a report's plan), edited by hand.
TRANSFORM_SOURCES = (
    "dbt_project/dbt_project.yml",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/tests",
    "dbt_project/seeds",  # e.g. seeds/reviewed_verdicts.csv
    "expectations/gx",
)


def _module_file(name: str) -> Path | None:
    """The file of a project module (`pipelines.…`), a package's __init__.py, or None (not the project's)."""
    if not name.startswith("pipelines."):
        return None
    base = REPO_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported(path: Path) -> set[str]:
    """The modules a file imports, wherever the import stands (a function's deferred import too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` imports a module too.
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_files(module: str) -> list[Path]:
    """The files of `module` and of every project module it imports, transitively, in path order."""
    seen: dict[str, Path] = {}
    queue = [module]
    while queue:
        name = queue.pop()
        if name in seen or (path := _module_file(name)) is None:
            continue
        seen[name] = path
        # A module's packages run on import too (their __init__).
        parents = [".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)]
        queue += [*_imported(path), *parents]
    return sorted(set(seen.values()))


def hash_files(paths: Iterable[Path], root: Path = REPO_ROOT) -> str:
    """The files' paths (relative to `root`) and contents, hashed: the same tree elsewhere hashes the same."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The code that reads and extracts: every module the staging steps import (plan linking included), and a
    person's column-role overrides (read with the reports: a changed line reads them again)."""
    overrides = [COLUMN_ROLES_FILE] if COLUMN_ROLES_FILE.exists() else []
    return hash_files([*imported_files(STAGING_STEPS), *overrides])


@lru_cache(maxsize=1)
def extraction_fingerprint() -> str:
    """The code that reads a template (every module the extraction imports): a change reads every template again."""
    return hash_files(imported_files(EXTRACTION))


def transform_fingerprint(root: Path = REPO_ROOT) -> str:
    """The dbt project (models, macros, tests, seeds) and the GE suites under `root` (a few dozen small files), and
    the engine that builds the marts where it is not DuckDB (marts built elsewhere are built anew)."""
    files = []
    for source in (root / name for name in TRANSFORM_SOURCES):
        files += [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else [source]
    engine = marts_engine()
    return hash_files(files, root) + ("" if engine == "duckdb" else f"+{engine}")
