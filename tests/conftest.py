"""Shared fixtures. The end-to-end materialisation runs once per session and every e2e test reads it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "raw" / "shaoxing-2020-work-progress.txt"
SEED_REPORT_ID = SEED.stem
# The seed's header, for small crafted reports.
HEADER = "序号 | 内容与要求 | 完成情况 | 责任单位 |"

# No network at run time: telemetry off for everything the tests start.
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@dataclass
class PipelineRun:
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> PipelineRun:
        assert self.returncode == 0, f"make run failed:\n{self.stdout}\n{self.stderr}"
        return self


@dataclass
class Workspace:
    """A raw folder, a warehouse path and a Dagster home of its own, in a temporary folder."""

    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "warehouse.duckdb"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PIPELINE_RAW_DIR": str(self.raw_dir),
            "WAREHOUSE_PATH": str(self.warehouse),
            "DAGSTER_HOME": str(self.root / "dagster_home"),
        }

    def run_pipeline(self, **env: str) -> PipelineRun:
        """What `make run` does: one Dagster run of every asset, as a separate process (`env`: settings added)."""
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.run"],
            cwd=REPO_ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=600,
        )
        return PipelineRun(proc.returncode, proc.stdout, proc.stderr)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def make_workspace(root: Path, raw_files: list[Path]) -> Workspace:
    ws = Workspace(root)
    ws.raw_dir.mkdir(parents=True)
    ws.warehouse.parent.mkdir(parents=True)
    (root / "dagster_home").mkdir()
    # The project's instance settings (telemetry off, the `warehouse` pool's limit), in a home of its own.
    shutil.copy(REPO_ROOT / ".dagster" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    for f in raw_files:
        shutil.copy(f, ws.raw_dir / f.name)
    return ws


@pytest.fixture(scope="session")
def seed_workspace(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("seed"), [SEED])


@pytest.fixture(scope="session")
def seed_run(seed_workspace) -> PipelineRun:
    """The one end-to-end materialisation of the seed that e2e tests share."""
    return seed_workspace.run_pipeline().check()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dbt_manifest() -> dict:
    """The dbt project's parsed manifest (make test writes it first): what the project holds, so that tests
    count models and unit tests from it instead of numbers that change whenever one is added."""
    return json.loads((REPO_ROOT / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))


def dbt_marts() -> set[str]:
    """The names of the dbt models built into the marts schema."""
    return {
        n["name"] for n in dbt_manifest()["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"
    }


def dbt_unit_tests() -> int:
    return len(dbt_manifest()["unit_tests"])


def dbt_run_hooks() -> int:
    """The project's on-run-start/end hooks: dbt counts each as a passing node of every invocation."""
    return sum(node["resource_type"] == "operation" for node in dbt_manifest()["nodes"].values())
