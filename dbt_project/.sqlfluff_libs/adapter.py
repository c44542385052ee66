"""dbt's `adapter.dispatch` for sqlfluff's jinja templater: the project's `duckdb__` or `default__` macro.

The macros in dbt_project/macros are in the template's context (.sqlfluff: `load_macros_from_path`), so
`adapter.dispatch('unnest_list')(column)` renders `default__unnest_list(column)`, as dbt does on DuckDB.
"""

from jinja2 import pass_context


@pass_context
def dispatch(context, macro_name, macro_namespace=None):
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise LookupError(f"adapter.dispatch: no duckdb__ or default__ macro for {macro_name!r} in dbt_project/macros")
