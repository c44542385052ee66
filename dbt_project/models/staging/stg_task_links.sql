with source as (
    select * from {{ source('workplan', 'raw_task_links') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    *
from source
