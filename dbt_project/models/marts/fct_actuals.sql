{#- The actuals as staged: the columns (and their order) are raw_actual_mentions' plus task_key,
    described in fct_actuals.yml. -#}
{{ config(**per_report_config()) }}
-- depends_on: {{ ref('stg_changed_reports') }}
select * from {{ ref('stg_actual_mentions') }}{{ changed_reports_only() }}
