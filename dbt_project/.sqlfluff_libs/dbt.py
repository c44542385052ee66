"""dbt's cross-database macros (`dbt.listagg(...)`, `dbt.type_string()` ...) for sqlfluff's jinja templater.

sqlfluff lints the models without dbt (no database, no parse), so each macro the models call here returns what
dbt-duckdb compiles it to (see dbt_project/target/.../compiled): close enough to parse and lint as DuckDB SQL.
Loaded by .sqlfluff (`library_path`); a macro a model starts to call needs a line here.
"""


def type_string():
    return "text"


def type_float():
    return "float"


def safe_cast(field, type):
    return f"cast({field} as {type})"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    order = f" {order_by_clause}" if order_by_clause else ""
    if limit_num:
        return f"list_aggr((array_agg({measure}{order}))[1:{limit_num}], 'string_agg', {delimiter_text})"
    return f"string_agg({measure}, {delimiter_text}{order})"


def concat(fields):
    return f"({' || '.join(fields)})"
