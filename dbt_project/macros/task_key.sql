{#- One string key per task across reports: `<report_id>/<task_id>`. Plain SQL concatenation,
    so the marts stay portable to other adapters. -#}
{% macro task_key(report_id, task_id) -%}
    {{ report_id }} || '/' || cast({{ task_id }} as varchar)
{%- endmacro %}
