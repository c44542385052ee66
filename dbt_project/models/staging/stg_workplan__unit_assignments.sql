with source as (
    select * from {{ source('workplan', 'stg_unit_assignments') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    report_id,
    cast(task_id as integer) as task_id,
    unit_name,
    cast(position as integer) as position,
    role,
    unit_type
from source
