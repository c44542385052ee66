{#- The targets as staged: the columns (and their order) are raw_target_mentions' plus task_key,
    described in fct_targets.yml. -#}
{{ config(**per_report_config()) }}
-- depends_on: {{ ref('stg_changed_reports') }}
select * from {{ ref('stg_target_mentions') }}{{ changed_reports_only() }}
