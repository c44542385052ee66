with source as (
    select * from {{ source('workplan', 'stg_target_pairs') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    report_id,
    cast(task_id as integer) as task_id,
    cast(target_seq as integer) as target_seq,
    cast(actual_seq as integer) as actual_seq,
    pairing_similarity
from source
