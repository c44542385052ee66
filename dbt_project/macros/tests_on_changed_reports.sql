{#- What a data test reads (dbt's get_where_subquery, overridden here). On an incremental refresh on DuckDB, a
    relation with a report_id (the per-report marts, and the views over staging) is tested on the reports rebuilt
    since the last publish (stg_changed_reports) only: each rule the tests hold is about one report's rows (a
    unique key holds the report), and the other reports' rows passed when they were built. A full refresh (a
    first build, or a changed transform) tests every row; so are the summaries across reports, which have no
    report_id. Without this, a refresh that changes one report among 10,000 re-tested 10,000 (issue 30). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if execute and target.type == 'duckdb' and not flags.FULL_REFRESH
        and 'report_id' in adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
        {%- set changed = api.Relation.create(
            database=relation.database, schema='staging', identifier='stg_changed_reports') -%}
        {%- set only_changed = 'report_id in (select changed.report_id from ' ~ changed ~ ' as changed)' -%}
        {%- set where = '(' ~ where ~ ') and ' ~ only_changed if where else only_changed -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
