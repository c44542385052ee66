"""The dbt project, on its own so that importing it is cheap (dagster-dbt reads the manifest at import)."""

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses the project on start; `make` targets run `dbt parse` beforehand.
dbt_project.prepare_if_dev()
