{#- One row per (plan, report): how the plan stood at each report, the share of targets met, missed and unknown,
    and the plan tasks the report does not mention. The columns are described in plan_progress.yml. -#}
with progress as (
    select * from {{ ref('fct_task_progress') }}
    where plan_id is not null
),

plans as (
    select * from {{ ref('dim_plans') }}
),

by_report as (
    select
        plan_id,
        report_id,
        max(report_seq) as report_seq,
        max(period) as period,
        max(months_covered) as months_covered,
        max(report_kind) as report_kind,
        count(*) as n_tasks_reported,
        sum(case when task_status = 'missed' then 1 else 0 end) as n_tasks_missed,
        sum(case when task_status = 'behind' then 1 else 0 end) as n_tasks_behind,
        sum(n_targets) as n_targets,
        sum(n_met) as n_met,
        sum(n_missed) as n_missed,
        sum(n_unknown) as n_unknown
    from progress
    group by plan_id, report_id
)

select
    by_report.*,
    plans.n_plan_tasks - by_report.n_tasks_reported as n_plan_tasks_not_reported,
    case when by_report.n_targets > 0 then cast(by_report.n_met as double) / by_report.n_targets end as met_share,
    case when by_report.n_targets > 0 then cast(by_report.n_missed as double) / by_report.n_targets end as missed_share,
    case when by_report.n_targets > 0 then cast(by_report.n_unknown as double) / by_report.n_targets end
        as unknown_share
from by_report
inner join plans on by_report.plan_id = plans.plan_id
