select
    task_key,
    report_id,
    task_id,
    target_seq,
    metric,
    value,
    unit,
    upper_value,
    normalised_value,
    normalised_unit,
    comparator,
    direction,
    is_cumulative,
    span,
    span_start,
    span_end
from {{ ref('stg_workplan__target_mentions') }}
