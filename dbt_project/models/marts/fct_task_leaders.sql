{#- Leaders (people) in charge of tasks, apart from the units; the columns are described in fct_task_leaders.yml. -#}
{{ config(**per_report_config()) }}
-- depends_on: {{ ref('stg_changed_reports') }}
select * from {{ ref('stg_task_leaders') }}{{ changed_reports_only() }}
