{{ config(severity='warn') }}
{#- A reviewed verdict that no longer names a target (or, with decision = actual, an actual) of its task:
    the report's text changed since the review. The verdict is not applied; review the target again. -#}
with reviews as (
    select {{ task_key('report_id', 'task_id') }} as task_key, * from {{ ref('reviewed_verdicts') }}
)

select reviews.*
from reviews
left join {{ ref('stg_target_mentions') }} as targets
    on reviews.task_key = targets.task_key and reviews.target_span = targets.span
left join {{ ref('stg_actual_mentions') }} as actuals
    on reviews.task_key = actuals.task_key and reviews.actual_span = actuals.span
where targets.task_key is null or (reviews.decision = 'actual' and actuals.task_key is null)
