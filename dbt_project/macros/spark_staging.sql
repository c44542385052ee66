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

{#- Each table's schema on Spark, as one Parquet file without rows (var spark_schemas, in the refresh): a table Spark
    built without rows has no file (an empty seed; a per-report mart partitioned by report, with no report's rows),
    and DuckDB reads a table's schema from its files (pipelines/core/spark/catalog.py). Nothing elsewhere. -#}
{% macro spark_schema_file() -%}
    {%- set folder = var('spark_schemas', none) -%}
    {%- if target.type == 'spark' and folder and model.config.materialized in ('table', 'incremental', 'seed') -%}
insert overwrite directory '{{ folder }}/{{ this.schema }}/{{ this.identifier }}' using parquet
select * from {{ this }} where 1 = 0
    {%- endif -%}
{%- endmacro %}
