{#- One row per (plan task, report): what each report of a plan says of the task, its targets' statuses at that
    time, and whether it is the task's latest report. The columns are described in fct_task_progress.yml. -#}
{{ config(**shared_text_config()) }}
with links as (
    select * from {{ ref('stg_task_links') }}
),

report_plans as (
    select * from {{ ref('stg_report_plans') }}
),

reports as (
    select * from {{ ref('dim_reports') }}
),

tasks as (
    select * from {{ ref('dim_tasks') }}
),

targets as (
    select
        task_key,
        count(*) as n_targets,
        sum(case when status = 'met' then 1 else 0 end) as n_met,
        sum(case when status = 'missed' then 1 else 0 end) as n_missed,
        sum(case when status = 'unknown' then 1 else 0 end) as n_unknown,
        sum(case when pace = 'behind' then 1 else 0 end) as n_behind,
        max(progress_percent) as progress_percent,
        {{ dbt.listagg(
            "target_span || ': ' || status || coalesce(', ' || pace, '') || coalesce(' (' || actual_span || ')', '')",
            "'; '", "order by target_seq") }} as targets_said
    from {{ ref('fct_target_achievement') }}
    group by task_key
),

progress as (
    select
        links.plan_id,
        links.plan_task_id,
        links.report_id,
        links.task_id,
        links.task_key,
        report_plans.report_seq,
        reports.period,
        reports.months_covered,
        reports.report_kind,
        links.link_method,
        links.similarity,
        tasks.requirement,
        tasks.completion,
        tasks.accountable_units,
        targets.progress_percent,
        coalesce(targets.n_targets, 0) as n_targets,
        coalesce(targets.n_met, 0) as n_met,
        coalesce(targets.n_missed, 0) as n_missed,
        coalesce(targets.n_unknown, 0) as n_unknown,
        coalesce(targets.n_behind, 0) as n_behind,
        targets.targets_said
    from links
    inner join report_plans on links.report_id = report_plans.report_id
    inner join reports on links.report_id = reports.report_id
    inner join tasks on links.task_key = tasks.task_key
    left join targets on links.task_key = targets.task_key
)

select
    *,
    case
        when n_targets = 0 then 'no_target'
        when n_missed > 0 then 'missed'
        -- In an in-year report no target is missed: a target behind its pace makes the task behind.
        when n_behind > 0 then 'behind'
        when n_met = n_targets then 'met'
        else 'unknown'
    end as task_status,
    row_number() over (partition by plan_task_id order by report_seq desc) = 1 as is_latest_report
from progress
