with assignments as (
    select * from {{ ref('stg_unit_assignments') }}
)

select
    unit_name,
    -- The type comes from the name alone, so it is the same on every row of a unit.
    min(unit_type) as unit_type,
    count(*) as n_tasks,
    sum(case when role = 'lead' then 1 else 0 end) as n_lead_tasks,
    sum(case when role = 'sole' then 1 else 0 end) as n_sole_tasks,
    count(distinct report_id) as n_reports
from assignments
group by unit_name
