with source as (
    select * from {{ source('workplan', 'stg_actual_mentions') }}
)

select
    {{ task_key('report_id', 'task_id') }} as task_key,
    report_id,
    cast(task_id as integer) as task_id,
    cast(actual_seq as integer) as actual_seq,
    metric,
    value,
    unit,
    normalised_value,
    normalised_unit,
    unit_kind,
    direction,
    period,
    is_part_year,
    is_estimate,
    is_completion_ratio,
    months_covered,
    span,
    cast(span_start as integer) as span_start,
    cast(span_end as integer) as span_end
from source
