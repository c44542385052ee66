-- Which tasks were behind (a target missed, or in an in-year report behind its pace) at the latest report of
-- their plan, and what every report of the plan said of each: one row per (task, report), earliest report
-- first, the latest marked.
with behind as (
    select plan_task_id
    from marts.fct_task_progress
    where is_latest_report and task_status in ('missed', 'behind')
)

select
    p.plan_id,
    p.plan_task_id,
    p.report_seq,
    p.report_id,
    p.period,
    p.task_status,
    p.is_latest_report,
    p.accountable_units,
    p.requirement,
    p.completion,
    p.targets_said
from marts.fct_task_progress as p
inner join behind on p.plan_task_id = behind.plan_task_id
order by p.plan_id, p.plan_task_id, p.report_seq
