{#- One row per unit: a place and a name (fct_unit_assignments.unit_key). -#}
with assignments as (
    select * from {{ ref('fct_unit_assignments') }}
),

types as (
    select distinct unit_name, unit_type from {{ ref('stg_unit_assignments') }}
)

select
    assignments.unit_key,
    assignments.unit_place,
    assignments.unit_name,
    -- The type comes from the name alone, so it is the same on every row of a unit.
    min(types.unit_type) as unit_type,
    count(*) as n_tasks,
    sum(case when assignments.role = 'lead' then 1 else 0 end) as n_lead_tasks,
    sum(case when assignments.role = 'sole' then 1 else 0 end) as n_sole_tasks,
    count(distinct assignments.report_id) as n_reports
from assignments
left join types on assignments.unit_name = types.unit_name
group by assignments.unit_key, assignments.unit_place, assignments.unit_name
