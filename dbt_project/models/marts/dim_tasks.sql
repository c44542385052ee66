{{ config(**shared_text_config()) }}
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
        sum(case when role = 'lead' then 1 else 0 end) as n_leads,
        min(case when role = 'lead' then position end) as first_lead_position
    from assignments
    group by task_key
),

-- the first lead: the unit marked, or the first of a 牵头单位 column (which may name several)
first_lead as (
    select
        units_per_task.task_key,
        assignments.unit_name as lead_unit
    from units_per_task
    inner join assignments
        on units_per_task.task_key = assignments.task_key
        and units_per_task.first_lead_position = assignments.position
),

-- who answers for the task: its leads, or the unit responsible alone or jointly (as achievement_by_unit counts)
accountable as (
    select
        task_key,
        {{ dbt.listagg("unit_name", "'、'", "order by position") }} as accountable_units
    from assignments
    where role in ('lead', 'sole', 'joint')
    group by task_key
)

select
    tasks.task_key,
    tasks.report_id,
    tasks.task_id,
    tasks.requirement,
    tasks.completion,
    tasks.units_raw,
    first_lead.lead_unit,
    coalesce(units_per_task.n_units, 0) as n_units,
    tasks.source_file,
    tasks.first_line,
    tasks.last_line,
    tasks.task_label,
    tasks.task_group,
    tasks.task_subgroup,
    tasks.continues_merged_cell,
    tasks.lead_units_raw,
    tasks.support_units_raw,
    coalesce(units_per_task.n_leads, 0) as n_leads,
    tasks.sub_rows,
    tasks.text_read_in_part,
    accountable.accountable_units
from tasks
left join units_per_task on tasks.task_key = units_per_task.task_key
left join first_lead on tasks.task_key = first_lead.task_key
left join accountable on tasks.task_key = accountable.task_key
