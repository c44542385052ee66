"""The dbt project as Dagster assets: one `dbt build` (models, data tests, unit tests) per run."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.project import dbt_project, dbt_vars
from pipelines.resources import WarehouseResource


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Key every dbt node as `<schema>/<name>`, so dbt sources land on the staging assets that write
    them (`staging/stg_tasks`) and marts read as `marts/dim_tasks`: one connected lineage graph."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        name = props.get("identifier") or props["name"]
        return spec.replace_attributes(key=dg.AssetKey([props["schema"], name]), group_name=props["schema"])


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=WarehouseDbtTranslator())
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    warehouse.build_path(context.run.run_id)  # the build exists, and this run holds it
    # Unit tests check the SQL, not the data: they run in `make test` (tests/test_dbt_unit_tests.py),
    # not in every refresh, as dbt advises for production runs.
    args = ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars(warehouse.published)]
    yield from dbt.cli(args, context=context).stream()
