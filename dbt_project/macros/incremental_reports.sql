{#- The per-report marts (a row belongs to one report, and nothing of another report changes it) are incremental on
    DuckDB: a refresh rebuilds only the reports whose staging rows changed since the marts were last published
    (stg_changed_reports), and drops the rows of those and of reports gone from the raw folder before it inserts
    their new rows. A first build, or a changed transform (the dbt project, its seeds, the GE suites: the refresh
    passes --full-refresh), rebuilds every report. Other adapters (Spark) rebuild the whole table. -#}
{% macro per_report_config() -%}
    {%- if target.type == 'duckdb' -%}
        {{ return({
            'materialized': 'incremental',
            'incremental_strategy': 'append',
            'on_schema_change': 'fail',
            'pre_hook': "{{ delete_rebuilt_reports() }}",
        }) }}
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
    {%- if is_incremental() -%}
delete from {{ this }}
where report_id in (select changed.report_id from {{ ref('stg_changed_reports') }} as changed)
    or report_id not in (select raw_reports.report_id from {{ source('workplan', 'raw_reports') }} as raw_reports)
    {%- endif -%}
{%- endmacro %}

{#- The marts that repeat staging's long texts (the tasks' requirement and completion, the mentions' spans) are views
    over it on DuckDB, so the warehouse holds each text once: a table copy of each made the warehouse 2.6× the
    raw text it was read from (issue 30). Other adapters (Spark, whose marts DuckDB reads as files) build tables. -#}
{% macro shared_text_config() -%}
    {{ return({'materialized': 'view' if target.type == 'duckdb' else 'table'}) }}
{%- endmacro %}
