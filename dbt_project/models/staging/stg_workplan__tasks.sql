with source as (
    select * from {{ source('workplan', 'stg_tasks') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    report_id,
    cast(task_id as integer) as task_id,
    requirement,
    completion,
    units_raw,
    source_file,
    cast(first_line as integer) as first_line,
    cast(last_line as integer) as last_line
from source
