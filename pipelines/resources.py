"""Resources: the warehouse (DuckDB), the raw folder and dbt. Configured from the environment."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.project import dbt_project


class RawFolderResource(dg.ConfigurableResource):
    """The folder of raw report files; each file is one report."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project venv), so an un-activated venv works too."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "duckdb": DuckDBResource(database=str(settings.warehouse_path())),
        "raw_folder": RawFolderResource(path=str(settings.raw_dir())),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
