with source as (
    select * from {{ source('workplan', 'stg_target_mentions') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    report_id,
    cast(task_id as integer) as task_id,
    cast(target_seq as integer) as target_seq,
    metric,
    value,
    unit,
    upper_value,
    normalised_value,
    normalised_unit,
    unit_kind,
    comparator,
    direction,
    is_cumulative,
    span,
    cast(span_start as integer) as span_start,
    cast(span_end as integer) as span_end
from source
