{#- One row per target: the paired actual and whether the target was met.
    Values compare after exact unit conversion (万 <-> 亿; the normalised_* columns). -#}
with targets as (
    select * from {{ ref('stg_target_mentions') }}
),

pairs as (
    select * from {{ ref('stg_target_pairs') }}
),

actuals as (
    select * from {{ ref('stg_actual_mentions') }}
),

tasks as (
    select * from {{ ref('stg_tasks') }}
),

joined as (
    select
        targets.task_key,
        targets.report_id,
        targets.task_id,
        targets.target_seq,
        pairs.actual_seq,
        targets.metric,
        targets.value as target_value,
        targets.unit as target_unit,
        targets.comparator,
        targets.direction,
        targets.is_cumulative,
        actuals.value as actual_value,
        actuals.unit as actual_unit,
        actuals.period as actual_period,
        actuals.is_part_year,
        actuals.months_covered,
        actuals.direction as actual_direction,
        actuals.is_estimate,
        targets.normalised_value as target_normalised,
        actuals.normalised_value as actual_normalised,
        targets.normalised_unit = actuals.normalised_unit as units_convert,
        targets.unit_kind,
        targets.span as target_span,
        actuals.span as actual_span,
        -- A plan (task breakdown) has no progress text: nothing to compare yet, not a shortfall.
        coalesce(length(trim(tasks.completion)), 0) > 0 as has_progress_text
    from targets
    inner join tasks
        on targets.task_key = tasks.task_key
    left join pairs
        on targets.task_key = pairs.task_key and targets.target_seq = pairs.target_seq
    left join actuals
        on pairs.task_key = actuals.task_key and pairs.actual_seq = actuals.actual_seq
),

compared as (
    select
        *,
        case
            when actual_seq is null or not units_convert or target_normalised = 0 then null
            -- A running stock (累计建成 …, no change word) cannot show this year's count.
            when actual_period = '累计' and actual_direction = 'level' and not is_cumulative and unit_kind = 'count'
                then null
            -- A decrease target is met by a decline of at least its size; declines are negative actuals.
            when direction = 'decrease' then -actual_normalised / target_normalised
            else actual_normalised / target_normalised
        end as achievement_ratio
    from joined
),

judged as (
    select
        *,
        case when comparator = 'approx' then {{ var('approx_tolerance', 0.9) }} else 1.0 end as required_ratio
    from compared
)

select
    task_key,
    report_id,
    task_id,
    target_seq,
    actual_seq,
    metric,
    target_value,
    target_unit,
    comparator,
    direction,
    actual_value,
    actual_unit,
    actual_period,
    is_estimate,
    achievement_ratio,
    case
        when achievement_ratio is null then 'unknown'
        when comparator = 'lte' then
            case
                when achievement_ratio <= 1 then 'met'
                when is_part_year and unit_kind = 'rate' then 'unknown'
                else 'missed'
            end
        when achievement_ratio >= required_ratio then 'met'
        when not is_part_year then 'missed'
        -- A part-year count or amount short even at its own pace over the missing months is missed;
        -- otherwise the shortfall may be only those months (and a part-year rate does not add up).
        when unit_kind <> 'rate' and months_covered > 0 and achievement_ratio * 12.0 / months_covered < required_ratio
            then 'missed'
        else 'unknown'
    end as status,
    target_span,
    actual_span,
    has_progress_text
from judged
