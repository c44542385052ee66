"""The dbt project as Dagster assets: one `dbt build` (models, data tests, unit tests) per run."""

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets

from pipelines.core.refresh.changes import marts_built_whole
from pipelines.core.settings import MARTS_ENGINES
from pipelines.core.spark.catalog import SPARK_TARGET, attach_snapshot, catalog_dir, export_staging, snapshot
from pipelines.core.spark.catalog import dbt_vars as dbt_catalog_vars
from pipelines.core.warehouse.tables import MARTS, SOURCES, STAGING
from pipelines.defs.assets.staging import table_key
from pipelines.defs.dbt_project import dbt_project, dbt_vars
from pipelines.defs.resources import WAREHOUSE_POOL, DbtResource, WarehouseBuildResource


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Key every dbt node as `<schema>/<name>`, so dbt sources land on the staging assets that write
    them (`staging/raw_tasks`) and marts read as `marts/dim_tasks`: one connected lineage graph."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        name = props.get("identifier") or props["name"]
        # The model's own description (its .yml), not dagster-dbt's default with the raw SQL appended: the
        # catalog is read by people; the SQL is one click away in the code.
        description = (props.get("description") or "").strip() or f"dbt {props['resource_type']} {name}"
        return spec.replace_attributes(
            key=dg.AssetKey([props["schema"], name]), group_name=props["schema"], description=description
        )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # Each model links to its .sql file in the UI (the asset's code references).
    dagster_dbt_translator=WarehouseDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=True)),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtResource, warehouse_build: WarehouseBuildResource):
    # dbt writes the run's build (held by warehouse_build from the run's start), named by its vars.
    # Unit tests check the SQL, not the data: they run in `make test` (tests/test_dbt_unit_tests.py),
    # not in every refresh, as dbt advises for production runs.
    args = ["build", "--exclude-resource-type", "unit_test"]
    extra_vars, attach = {}, None
    if dbt.engine == "spark":
        extra_vars, attach = on_spark(context, dbt, warehouse_build)
        args += ["--target", SPARK_TARGET]
    elif dbt.engine != "duckdb":
        raise ValueError(f"marts engine {dbt.engine!r} (PIPELINE_MARTS_ENGINE): use one of {', '.join(MARTS_ENGINES)}")
    # The per-report marts rebuild the changed reports only (macros/incremental_reports.sql); every report when
    # the transform that built them changed (the engine too), or most reports did.
    with warehouse_build.get_connection() as con:
        if marts_built_whole(con):
            args.append("--full-refresh")
    invocation = dbt.cli([*args, "--vars", dbt_vars(warehouse_build.published, **extra_vars)], context=context)
    yield from with_table_metadata(invocation.stream(), context, warehouse_build, attach)
    keep_partial_parse(invocation.target_path)
    prune_invocation_targets(invocation.target_path.parent, context.op_execution_context.op.name)


def on_spark(
    context: dg.AssetExecutionContext, dbt: DbtResource, warehouse_build: WarehouseBuildResource
) -> tuple[dict, Callable[[duckdb.DuckDBPyConnection], None]]:
    """The marts on Spark (core/spark/catalog.py): the build's staging exported where dbt's hook registers it; the
    run's dbt vars; and, for when dbt has ended, the step that makes what Spark built the build's marts (views over
    a snapshot of its files)."""
    folder = catalog_dir(warehouse_build.published)
    with warehouse_build.get_connection() as con:
        export_staging(con, folder)

    def attach(con: duckdb.DuckDBPyConnection) -> None:
        # Every relation of the project, not only those this run selected: a snapshot is whole, so the views never
        # point at an older snapshot, which a later publish removes.
        relations = [tuple(key.path) for key in context.assets_def.keys if len(key.path) == 2]
        attach_snapshot(con, snapshot(folder, context.run.run_id, relations))

    return dbt_catalog_vars(folder, dbt.spark_master or None), attach


# The schemas whose dbt relations get their row count and column types once dbt has ended: the marts, and the
# `stg_*` views and seeds beside the raw tables in `staging`.
DESCRIBED_SCHEMAS = (MARTS, STAGING)


def with_table_metadata(
    events: Iterator,
    context: dg.AssetExecutionContext,
    warehouse_build: WarehouseBuildResource,
    attach: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Iterator:
    """dbt's events, each model's and seed's with its row count and column types, as the catalog shows them. Read
    from the build once dbt has ended, as dagster-dbt's `fetch_row_counts()` / `fetch_column_metadata()` do
    on DuckDB, but in one query on the run's own connection: their in-process dbt adapter costs ~10 s a
    run here and keeps a DuckDB handle open that the next steps' connections then conflict with. Only the
    relations' events wait for dbt to end: tests' results are recorded while dbt runs. `attach`, given, first
    brings into the build what dbt built elsewhere (Spark)."""
    waiting = []
    try:
        for event in events:
            key = (
                context.asset_key_for_output(event.output_name)
                if isinstance(event, dg.Output)
                else getattr(event, "asset_key", None)
            )
            if key is not None and key.path[0] in DESCRIBED_SCHEMAS:
                waiting.append((key, event))
            else:
                yield event
    except Exception:
        yield from (event for _, event in waiting)  # what dbt built before it failed is still recorded
        raise
    built = {tuple(key.path) for key, event in waiting if isinstance(event, dg.Output)}
    with warehouse_build.get_connection() as con:
        if attach is not None:
            attach(con)
        tables = relation_metadata(con, built)
    for key, event in waiting:
        found = tables.get(tuple(key.path)) if isinstance(event, dg.Output) else None
        if found:
            found["dagster/column_schema"] = with_descriptions(found["dagster/column_schema"], context, key)
        yield event.with_metadata({**event.metadata, **found}) if found else event


def with_descriptions(schema: dg.TableSchema, context: dg.AssetExecutionContext, key: dg.AssetKey) -> dg.TableSchema:
    """The column types read from the build, each with its description: the model's .yml (as dagster-dbt reads
    it into the asset's definition), else the raw table's declaration (a `stg_*` view keeps its source's
    columns: core/warehouse/tables.py)."""
    spec = context.assets_def.specs_by_key[key]
    declared = spec.metadata.get("dagster/column_schema")
    described = {c.name: c.description for c in declared.columns if c.description} if declared else {}
    sources = {table_key(t): t for t in SOURCES}
    for dep in spec.deps:
        if dep.asset_key in sources:
            for name, column in sources[dep.asset_key].columns.items():
                described.setdefault(name, column.description)
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.type, description=described.get(c.name)) for c in schema.columns]
    )


def relation_metadata(con, relations: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """(schema, name) of each relation -> row count and column schema. A `stg_*` view's count runs its query: a
    projection of its raw table, as cheap as the table's."""
    columns: dict[tuple[str, str], list[dg.TableColumn]] = {}
    for schema, table, column, data_type in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where list_contains(?::varchar[][], [table_schema, table_name]) "
        "order by table_schema, table_name, ordinal_position",
        [[list(relation) for relation in sorted(relations)]],
    ).fetchall():
        columns.setdefault((schema, table), []).append(dg.TableColumn(column, data_type))
    metadata = {key: {"dagster/column_schema": dg.TableSchema(columns=cols)} for key, cols in columns.items()}
    for schema, table in metadata:
        (count,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0]
        metadata[(schema, table)]["dagster/row_count"] = count
    return metadata


def keep_partial_parse(invocation_target: Path) -> None:
    """Each invocation parses in a target folder of its own, starting from the project's
    `target/partial_parse.msgpack`; keep this run's, so that the next run with the same arguments
    (another warehouse path is another argument) parses only what changed (~1.5 s less)."""
    parsed = invocation_target / "partial_parse.msgpack"
    if parsed.exists():
        kept = dbt_project.project_dir / dbt_project.target_path / "partial_parse.msgpack"
        partial = kept.with_suffix(f".{os.getpid()}.partial")
        shutil.copyfile(parsed, partial)
        os.replace(partial, kept)  # a run starting now reads a whole file


# dagster-dbt gives each invocation a target folder of its own (~5 MB of compiled SQL, manifest and
# run results): the newest few stay for looking into a run, older ones go, so nightly runs do not
# fill the disk.
INVOCATION_TARGETS_KEPT = 5


def prune_invocation_targets(target_dir: Path, op_name: str, keep: int = INVOCATION_TARGETS_KEPT) -> list[Path]:
    """Remove all but the `keep` newest `<op_name>-*` invocation folders; returns the removed ones."""
    folders = sorted(
        (p for p in target_dir.glob(f"{op_name}-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in folders[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return folders[keep:]
