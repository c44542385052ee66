"""dbt's `target` for sqlfluff's jinja templater: the models are linted as DuckDB compiles them (`target.type`)."""

type = "duckdb"  # noqa: A001 - the attribute dbt's target has
name = "dev"
