{#- The refresh's marts on Spark (PIPELINE_MARTS_ENGINE=spark): the refresh exports the build's staging tables as
    Parquet files into one folder (var staging_parquet, pipelines/core/spark/catalog.py), and before the build each
    dbt source becomes a Spark table over its file. Anywhere else (DuckDB; Spark in a session that registered the
    sources itself) this does nothing. -#}
{% macro register_staging_parquet() -%}
    {%- set folder = var('staging_parquet', none) -%}
    {%- if execute and target.type == 'spark' and folder -%}
        {%- for source in graph.sources.values() -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- do run_query('drop table if exists ' ~ source.schema ~ '.' ~ source.name) -%}
            {%- do run_query(
                'create table ' ~ source.schema ~ '.' ~ source.name
                ~ " using parquet location '" ~ folder ~ '/' ~ source.name ~ ".parquet'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A seed's table on Spark, given one Parquet file even without rows (dbt loads no rows into it then, so Spark writes
    none): DuckDB reads the table's schema from its files (core/spark/catalog.py). An empty insert writes a file
    with the schema and no rows. Nothing elsewhere. -#}
{% macro spark_schema_file() -%}
    {%- if target.type == 'spark' -%}
insert into {{ this }} select * from {{ this }} where 1 = 0
    {%- endif -%}
{%- endmacro %}
