"""The code's shape as rules: core's packages say what they own, no function runs past a screen, the code
fingerprint covers every module that decides what lands in staging, and a report is read again exactly when
its file or that code changed."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from pipelines.core.refresh.fingerprint import STAGING_STEPS, hash_files, imported_files
from pipelines.core.settings import REPO_ROOT
from pipelines.core.warehouse.state import file_hash, needs_reading

CORE = REPO_ROOT / "pipelines" / "core"
PACKAGES = sorted(p.parent.name for p in CORE.glob("*/__init__.py"))
MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("package", PACKAGES)
def test_each_core_package_says_what_it_owns(package):
    doc = importlib.import_module(f"pipelines.core.{package}").__doc__
    assert doc and doc.strip(), f"pipelines/core/{package}/__init__.py needs a docstring saying what it owns"


def test_no_function_runs_past_a_screen():
    long = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in sorted((REPO_ROOT / "pipelines").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_bytes()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long


def test_the_code_fingerprint_covers_what_decides_staging():
    """Every module of the packages that read, extract and link is in it (plan linking too, which a hand-kept
    list once left out); the report, the GE suites, Spark and Dagster's layer are not."""
    files = {p.relative_to(CORE).as_posix() for p in imported_files(STAGING_STEPS)}
    for package in ("sources", "layout", "units", "extraction", "plans"):
        in_package = {p.relative_to(CORE).as_posix() for p in (CORE / package).glob("*.py")}
        assert in_package <= files, f"{package}: {sorted(in_package - files)} not in the code fingerprint"
    assert {"rules.py", "refresh/steps.py", "warehouse/tables.py"} <= files
    assert not {f for f in files if f.split("/")[0] in ("report", "quality", "spark")}


def test_a_changed_module_changes_the_fingerprint(tmp_path):
    """The fingerprint hashes each file's path (relative to the root) and bytes: an edit to any one of them
    changes it."""
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("X = 1\n")
    b.write_text("Y = 2\n")
    before = hash_files([a, b], tmp_path)
    b.write_text("Y = 3\n")
    assert hash_files([a, b], tmp_path) != before
    assert hash_files([b, a], tmp_path) == hash_files([a, b], tmp_path)  # whatever order the imports were found in


def test_a_report_is_read_again_when_its_file_or_the_code_changed(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("序号 | 内容与要求 |\n", encoding="utf-8")
    recorded = (file_hash(path), "code-1")
    assert not needs_reading(recorded, path, "code-1")
    assert needs_reading(recorded, path, "code-2")  # the reading code changed
    assert needs_reading(None, path, "code-1")  # never read
    path.write_text("序号 | 内容与要求 | 完成情况 |\n", encoding="utf-8")
    assert needs_reading(recorded, path, "code-1")  # the file changed


def test_python_assets_and_dbt_models_link_to_their_source():
    from pipelines.defs.definitions import defs

    graph = defs.resolve_asset_graph()
    missing = []
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        references = node.metadata.get("dagster/code_references")
        paths = [Path(r.file_path) for r in references.code_references] if references else []
        if not paths or not all(p.is_file() for p in paths):
            missing.append(key.to_user_string())
    assert not missing


def test_the_docs_name_every_format_of_the_registry():
    """docs/operating.md's formats table and the registry agree: a new format row is documented."""
    from pipelines.core.sources.formats import FORMATS

    text = (REPO_ROOT / "docs" / "operating.md").read_text(encoding="utf-8")
    assert [s for f in FORMATS for s in f.suffixes if f"`{s}`" not in text] == []
