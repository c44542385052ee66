{#- One string key per task across reports: `<report_id>/<task_id>`. Plain SQL concatenation and dbt's
    string type (Spark 4 refuses `varchar` without a length), so the marts stay portable to other adapters. -#}
{% macro task_key(report_id, task_id) -%}
    {{ report_id }} || '/' || cast({{ task_id }} as {{ dbt.type_string() }})
{%- endmacro %}
