{#- The few places where DuckDB and Spark SQL spell one thing differently, behind dbt's dispatch
    (`adapter.dispatch`): the default is DuckDB's spelling, `spark__` Spark's. -#}

{#- One row per element of a list column, in a select list: DuckDB `unnest`, Spark `explode`.
    [1, 2] -> two rows, 1 and 2; an empty or null list -> no row. -#}
{% macro unnest_list(column) -%}
    {{ return(adapter.dispatch('unnest_list')(column)) }}
{%- endmacro %}

{% macro default__unnest_list(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro spark__unnest_list(column) -%}
    explode({{ column }})
{%- endmacro %}

{#- dbt.safe_cast is a plain cast on both adapters (dbt-duckdb does not override it), which fails a whole
    model on one text that is not a number ('' from a regexp_extract that found nothing, as for a 累计进度 cell
    of 持续推进): try_cast gives null instead. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- dbt-spark's listagg ignores its order (a warning, then collect_list's order, which is the shuffle's): here
    the values are collected with their sort key, sorted, and joined. The key is the order clause's expression,
    ascending ("order by report_seq"). -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set key = order_by_clause | trim | replace('order by ', '', 1) -%}
        {%- if ' desc' in key | lower or ',' in key -%}
            {{ exceptions.raise_compiler_error("listagg on Spark sorts by one ascending key, not: " ~ order_by_clause) }}
        {%- endif -%}
        {%- set collected -%}
            transform(array_sort(collect_list(named_struct('k', {{ key }}, 'v', {{ measure }}))), x -> x.v)
        {%- endset -%}
    {%- else -%}
        {%- set collected = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join({{ collected }}, {{ delimiter_text }})
{%- endmacro %}

{#- A seed's value as a Spark SQL literal: null for an empty cell, quotes and backslashes escaped. dbt-spark's
    `session` method pastes each value between quotes as it stands ('None' for an empty cell; a note with an
    apostrophe, "Shaoxing's", breaks the statement), so the seed's rows are written as literals here. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
