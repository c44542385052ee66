"""The dbt project, on its own so that importing it is cheap (dagster-dbt reads the manifest at import)."""

import json
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.core import settings
from pipelines.core.warehouse.build import build_path


def dbt_vars(warehouse: Path, **extra: object) -> str:
    """dbt writes the refresh's build of the warehouse, never the published file. The same
    arguments at parse time (make, dagster dev) and at run time let dbt parse only what changed. `extra`: the
    marts on Spark's settings (core/spark/catalog.py)."""
    return json.dumps({"warehouse_path": str(build_path(warehouse)), **extra})


dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR,
    prepare_project_cli_args=["parse", "--quiet", "--vars", dbt_vars(settings.warehouse_path())],
)
# `dagster dev` parses the project on start; `make` runs `dagster-dbt project prepare-and-package`.
dbt_project.prepare_if_dev()
