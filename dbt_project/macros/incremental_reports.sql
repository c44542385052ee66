{#- The per-report marts (a row belongs to one report, and nothing of another report changes it) are incremental: a
    refresh rebuilds only the reports whose staging rows changed since the marts were last published
    (stg_changed_reports), and drops the rows of those and of reports gone from the raw folder before it inserts
    their new rows. A first build, or a changed transform (the dbt project, its seeds, the GE suites: the refresh
    passes --full-refresh), rebuilds every report. On DuckDB the rows are deleted; on Spark, whose Parquet tables
    take no delete, each report is a partition of its own, dropped (delete_rebuilt_reports). -#}
{% macro per_report_config() -%}
    {%- set incremental = {
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': "{{ delete_rebuilt_reports() }}",
    } -%}
    {%- if target.type == 'duckdb' -%}
        {{ return(incremental) }}
    {%- elif target.type == 'spark' -%}
        {{ return(dict(incremental, partition_by=['report_id'])) }}
    {%- else -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
{%- endmacro %}

{#- In a per-report mart's driving relation: only the reports to rebuild, on an incremental run. -#}
{% macro changed_reports_only(report_id='report_id') -%}
    {%- if is_incremental() %}
where {{ report_id }} in (select changed.report_id from {{ ref('stg_changed_reports') }} as changed)
    {%- endif %}
{%- endmacro %}

{#- Before an incremental run inserts: the rows of the reports it rebuilds, and of reports no longer read. -#}
{% macro delete_rebuilt_reports() -%}
    {{ return(adapter.dispatch('delete_rebuilt_reports')()) }}
{%- endmacro %}

{% macro rebuilt_reports_condition() -%}
report_id in (select changed.report_id from {{ ref('stg_changed_reports') }} as changed)
    or report_id not in (select raw_reports.report_id from {{ source('workplan', 'raw_reports') }} as raw_reports)
{%- endmacro %}

{% macro default__delete_rebuilt_reports() -%}
    {%- if is_incremental() -%}
delete from {{ this }}
where {{ rebuilt_reports_condition() }}
    {%- endif -%}
{%- endmacro %}

{#- Spark: the partitions of those reports dropped, one statement each (run here: the hook itself stays empty). -#}
{% macro spark__delete_rebuilt_reports() -%}
    {%- if is_incremental() and execute -%}
        {%- set rebuilt = run_query('select distinct report_id from ' ~ this ~ ' where ' ~ rebuilt_reports_condition()) -%}
        {%- for row in rebuilt.rows -%}
            {%- do run_query(
                'alter table ' ~ this ~ " drop if exists partition (report_id = '"
                ~ (row[0] | replace('\\', '\\\\') | replace("'", "\\'")) ~ "')"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The marts that repeat staging's long texts (the tasks' requirement and completion, the mentions' spans) are views
    over it on DuckDB, so the warehouse holds each text once: a table copy of each made the warehouse 2.6× the
    raw text it was read from (issue 30). Other adapters (Spark, whose marts DuckDB reads as files) build tables. -#}
{% macro shared_text_config() -%}
    {{ return({'materialized': 'view' if target.type == 'duckdb' else 'table'}) }}
{%- endmacro %}
