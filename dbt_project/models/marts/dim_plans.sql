{#- One row per plan (a place's work plan of one year and kind) with its reports in order; the columns are
    described in dim_plans.yml. -#}
with report_plans as (
    select * from {{ ref('stg_report_plans') }}
    where plan_id is not null
),

reports as (
    select * from {{ ref('dim_reports') }}
),

plan_tasks as (
    select plan_id, count(distinct plan_task_id) as n_plan_tasks
    from {{ ref('stg_task_links') }}
    where plan_id is not null
    group by plan_id
),

plans as (
    select
        report_plans.plan_id,
        max(report_plans.place) as place,
        max(report_plans.year) as year,
        max(report_plans.plan_type) as plan_type,
        count(*) as n_reports,
        {{ dbt.listagg("report_plans.report_id", "', '", "order by report_plans.report_seq") }} as report_ids,
        max(report_plans.report_seq) as last_report_seq,
        sum(case when report_plans.plan_assigned_by = 'mapping' then 1 else 0 end) as n_reports_mapped
    from report_plans
    group by report_plans.plan_id
)

select
    plans.plan_id,
    plans.place,
    plans.year,
    plans.plan_type,
    plans.n_reports,
    plans.report_ids,
    latest.report_id as latest_report_id,
    reports.period as latest_period,
    reports.months_covered as latest_months_covered,
    coalesce(plan_tasks.n_plan_tasks, 0) as n_plan_tasks,
    plans.n_reports_mapped
from plans
inner join report_plans as latest
    on plans.plan_id = latest.plan_id and plans.last_report_seq = latest.report_seq
inner join reports on latest.report_id = reports.report_id
left join plan_tasks on plans.plan_id = plan_tasks.plan_id
