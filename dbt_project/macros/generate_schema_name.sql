{#- Plain schema names (`staging`, `marts`) instead of dbt's default `<target_schema>_<custom>`:
    the warehouse contract names the schemas, and analysts type them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
