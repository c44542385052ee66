with tasks as (
    select * from {{ ref('stg_tasks') }}
),

assignments as (
    select * from {{ ref('stg_unit_assignments') }}
),

units_per_task as (
    select
        task_key,
        count(*) as n_units,
        max(case when role = 'lead' then unit_name end) as lead_unit
    from assignments
    group by task_key
)

select
    tasks.task_key,
    tasks.report_id,
    tasks.task_id,
    tasks.requirement,
    tasks.completion,
    tasks.units_raw,
    units_per_task.lead_unit,
    coalesce(units_per_task.n_units, 0) as n_units,
    tasks.source_file,
    tasks.first_line,
    tasks.last_line,
    tasks.task_label,
    tasks.task_group,
    tasks.continues_merged_cell
from tasks
left join units_per_task on tasks.task_key = units_per_task.task_key
