{#- Target achievement per accountable unit (a place and a name): the lead (△), the sole unit, or each joint unit.
    Supporting units are left out: they do not own the task's targets. -#}
with achievement as (
    select * from {{ ref('fct_target_achievement') }}
),

accountable as (
    select task_key, report_id, unit_key, role
    from {{ ref('fct_unit_assignments') }}
    where role in ('lead', 'sole', 'joint')
),

units as (
    select unit_key, unit_place, unit_name, unit_type from {{ ref('dim_units') }}
),

tasks_per_unit as (
    select report_id, unit_key, count(*) as n_tasks
    from accountable
    group by report_id, unit_key
)

select
    tasks_per_unit.report_id,
    tasks_per_unit.unit_key,
    units.unit_place,
    units.unit_name,
    units.unit_type,
    tasks_per_unit.n_tasks,
    count(achievement.target_seq) as n_targets,
    sum(case when achievement.status = 'met' then 1 else 0 end) as n_met,
    sum(case when achievement.status = 'missed' then 1 else 0 end) as n_missed,
    sum(case when achievement.status = 'unknown' then 1 else 0 end) as n_unknown,
    cast(sum(case when achievement.status = 'met' then 1 else 0 end) as double)
    / nullif(sum(case when achievement.status in ('met', 'missed') then 1 else 0 end), 0) as met_share_of_known
from tasks_per_unit
inner join units on tasks_per_unit.unit_key = units.unit_key
left join accountable
    on tasks_per_unit.report_id = accountable.report_id and tasks_per_unit.unit_key = accountable.unit_key
left join achievement on accountable.task_key = achievement.task_key
group by
    tasks_per_unit.report_id, tasks_per_unit.unit_key, units.unit_place, units.unit_name, units.unit_type,
    tasks_per_unit.n_tasks
