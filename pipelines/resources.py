"""Resources: the warehouse (DuckDB), the raw folder and dbt. Configured from the environment."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines import publishing, settings
from pipelines.project import dbt_project


class RawFolderResource(dg.ConfigurableResource):
    """The folder of raw report files; each file is one report."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path)


class WarehouseResource(dg.ConfigurableResource):
    """The published DuckDB warehouse, and each run's private build of it (see publishing.py).

    Assets read and write the build of their run; only the publish step touches the published file.
    """

    path: str

    @property
    def published(self) -> Path:
        return Path(self.path)

    def build_path(self, run_id: str) -> Path:
        """This run's build (made, and the refresh lock taken, on first use)."""
        return publishing.prepare_build(self.published, run_id)

    @contextmanager
    def get_connection(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        # DuckDBResource retries while another process holds the file.
        with DuckDBResource(database=str(self.build_path(run_id))).get_connection() as con:
            yield con

    def publish(self, run_id: str) -> Path:
        return publishing.publish(self.published, run_id)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project venv), so an un-activated venv works too."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse_path())),
        "raw_folder": RawFolderResource(path=str(settings.raw_dir())),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
