{#- One row per target: the paired actual and whether the target was met.
    Values compare after exact unit conversion (万 <-> 亿; the normalised_* columns). -#}
{{ config(**per_report_config()) }}
-- depends_on: {{ ref('stg_changed_reports') }}
with targets as (
    select
        *,
        -- counted here, over the targets alone: a window over the joined rows holds their texts too
        count(*) over (partition by task_key) as n_task_targets
    from {{ ref('stg_target_mentions') }}{{ changed_reports_only() }}
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

-- The canonical indicator each metric measures (dim_metrics: the aliases of seeds/indicator_aliases.csv).
metrics as (
    select metric, unit_kind, indicator_code from {{ ref('dim_metrics') }}
),

-- What the report is: an in-year progress report judges no shortfall (a department is not behind its year in
-- May); a completion table and a plan's breakdown judge as the figures stand.
reports as (
    select report_id, report_kind, months_covered as report_months from {{ ref('stg_reports') }}
),

-- A progress percent (形象进度, a 当前进度 column) is evidence beside the verdict: how far the work is, not
-- whether the target's number was reached.
progress as (
    select
        task_key,
        max({{ dbt.safe_cast("regexp_extract(value, '([0-9]+([.][0-9]+)?)[ ]*%', 1)", dbt.type_float()) }})
            as progress_percent
    from {{ ref('stg_task_attributes') }}
    where role = 'progress_percent'
    group by task_key
),

reviews as (
    select
        {{ task_key('report_id', 'task_id') }} as task_key,
        target_span,
        decision,
        actual_span as reviewed_actual_span,
        status as reviewed_status,
        note as review_note
    from {{ ref('reviewed_verdicts') }}
),

-- A target for each of several things ("4个结构性指标均实现10%以上增长") is judged by its weakest part: the
-- part listed after the things' name whose ratio to the target is the smallest (the largest for a ceiling).
part_ratios as (
    select
        targets.task_key,
        targets.target_seq,
        actuals.actual_seq,
        case when targets.direction = 'decrease' then -1 else 1 end
        * actuals.normalised_value / targets.normalised_value
        * case when targets.comparator = 'lte' then -1 else 1 end as weakness_order
    from (
        select task_key, target_seq, {{ unnest_list('part_actual_seqs') }} as actual_seq from pairs
    ) as parts
    inner join targets
        on parts.task_key = targets.task_key and parts.target_seq = targets.target_seq
    inner join actuals
        on parts.task_key = actuals.task_key and parts.actual_seq = actuals.actual_seq
    where targets.normalised_value <> 0 and actuals.normalised_unit = targets.normalised_unit
),

weakest_parts as (
    select task_key, target_seq, actual_seq, n_parts
    from (
        select
            *,
            count(*) over (partition by task_key, target_seq) as n_parts,
            row_number() over (partition by task_key, target_seq order by weakness_order, actual_seq) as weakness_rank
        from part_ratios
    ) as ranked
    where weakness_rank = 1
),

-- The actual each target is compared with: the pairing's (its weakest part's, for a target for each of
-- several things), unless a reviewed verdict names another or none.
chosen as (
    select
        targets.task_key,
        targets.target_seq,
        case reviews.decision
            when 'no_actual' then null
            when 'actual' then reviewed.actual_seq
            else coalesce(weakest_parts.actual_seq, pairs.actual_seq)
        end as actual_seq,
        weakest_parts.n_parts,
        pairs.pairing_similarity,
        pairs.statement as stated_by_name,
        case when reviews.decision is null then pairs.under_way end as under_way,
        pairs.other_scope,
        -- a reviewed actual is the target's by a person's word; a part, by the list after the parts' name
        case
            when reviews.decision = 'actual' or weakest_parts.actual_seq is not null then 1.0
            else pairs.metric_coverage
        end as metric_coverage,
        reviews.decision as reviewed_decision,
        reviews.reviewed_status,
        reviews.review_note
    from targets
    left join pairs
        on targets.task_key = pairs.task_key and targets.target_seq = pairs.target_seq
    left join weakest_parts
        on targets.task_key = weakest_parts.task_key and targets.target_seq = weakest_parts.target_seq
    left join reviews
        on targets.task_key = reviews.task_key and targets.span = reviews.target_span
    left join actuals as reviewed
        on reviews.decision = 'actual' and targets.task_key = reviewed.task_key
        and reviews.reviewed_actual_span = reviewed.span
),

joined as (
    select
        targets.task_key,
        targets.report_id,
        targets.task_id,
        targets.target_seq,
        chosen.actual_seq,
        targets.metric,
        metrics.indicator_code,
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
        actuals.statement as actual_statement,
        -- A plan (task breakdown) has no progress text: nothing to compare yet, not a shortfall.
        coalesce(length(trim(tasks.completion)), 0) > 0 as has_progress_text,
        coalesce(tasks.completion_statement, chosen.stated_by_name) as completion_statement,
        progress.progress_percent,
        chosen.pairing_similarity,
        chosen.under_way,
        chosen.other_scope,
        chosen.stated_by_name is not null as statement_names_target,
        targets.n_task_targets,
        chosen.metric_coverage,
        chosen.n_parts,
        chosen.reviewed_decision,
        chosen.reviewed_status,
        chosen.review_note,
        reports.report_kind,
        reports.report_months
    from targets
    inner join tasks
        on targets.task_key = tasks.task_key
    left join reports
        on targets.report_id = reports.report_id
    inner join chosen
        on targets.task_key = chosen.task_key and targets.target_seq = chosen.target_seq
    left join actuals
        on chosen.task_key = actuals.task_key and chosen.actual_seq = actuals.actual_seq
    left join progress
        on targets.task_key = progress.task_key
    left join metrics
        on coalesce(targets.metric, '') = metrics.metric
        and coalesce(targets.unit_kind, '') = coalesce(metrics.unit_kind, '')
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
),

-- Which rule decides, in order (the first that applies); the status follows from the rule.
decided as (
    select
        *,
        case
            -- Another scope's figure (the province's total beside the city's share, an aside quoting another
            -- requirement) is not this report's: a statement for the whole task does not decide it.
            when actual_seq is null and other_scope is not null and not statement_names_target then 'other_scope'
            when actual_seq is null and completion_statement is not null then 'stated_complete'
            -- A number that equals its target inside a sentence saying the work is done only repeats the
            -- target ("10个新增急救站点已全部完成建设"): met by the statement, not by a count.
            when actual_statement is not null and units_convert and abs(actual_normalised) = target_normalised
                then 'stated_complete'
            when not has_progress_text then 'no_progress_text'
            when actual_seq is null then 'no_actual'
            when not units_convert then 'units_differ'
            -- A figure of work under way or planned ("400户改造正在施工") shows no achievement, met or missed.
            when under_way is not null then 'under_way'
            when achievement_ratio is null and target_normalised = 0 then 'target_zero'
            when achievement_ratio is null then 'running_stock'
            -- A pair whose words barely name the target's (a weak similarity, no list of parts, no person's
            -- word) is no ground for met or missed: unknown, to review.
            when
                reviewed_decision is null and n_parts is null
                and pairing_similarity < {{ var('min_verdict_similarity', 0.8) }} then 'weak_pair'
            when comparator = 'lte' and achievement_ratio <= 1 then 'value_reached'
            when comparator <> 'lte' and achievement_ratio >= required_ratio then 'value_reached'
            -- Short of the target from here. A shortfall accuses a department: it needs an actual whose
            -- own metric words the target's words hold (not a part of what the target counts).
            when metric_coverage < {{ var('missed_min_coverage', 0.6) }} then 'uncertain_pair'
            when report_kind = 'progress' then 'in_year_short'
            when comparator = 'lte' then 'value_over_limit'
            when not is_part_year then 'value_short'
            -- A part-year rate or share is compared as it stands; a part-year count may be short by
            -- the missing months only: missed when behind even at its own pace.
            when unit_kind = 'rate' then 'part_year_rate_short'
            when months_covered is null or months_covered <= 0 then 'part_year_unclear'
            when achievement_ratio * 12.0 / months_covered < required_ratio then 'part_year_behind_pace'
            else 'part_year_on_pace'
        end as rule_reason
    from judged
),

-- The actual the verdict rests on: none where the pair is uncertain or the number repeats the target;
-- the pairing's proposal stays as evidence (paired_actual_*).
verdicts as (
    select
        *,
        reviewed_decision = 'actual' or rule_reason not in ('uncertain_pair', 'stated_complete') as rests_on_actual,
        -- A count's ratio pro-rated to twelve months (the figure's months, else the report's), for its pace.
        achievement_ratio * 12.0 / nullif(coalesce(months_covered, report_months), 0) as pro_rated_ratio,
        -- How sure the verdict is: low ones are unknown and listed to review; medium ones rest on a pair of
        -- middling similarity, or on a statement for the whole task deciding one of its several targets.
        case
            when reviewed_decision is not null then 'high'
            when rule_reason in ('uncertain_pair', 'weak_pair') then 'low'
            when rule_reason = 'under_way' then 'medium'
            when rule_reason = 'stated_complete'
                then case
                    when statement_names_target or n_task_targets = 1 or actual_seq is not null then 'high'
                    else 'medium'
                end
            when actual_seq is null or not units_convert or achievement_ratio is null then 'high'
            when n_parts is not null then 'high'
            when
                pairing_similarity >= {{ var('high_confidence_similarity', 1.2) }}
                and metric_coverage >= {{ var('missed_min_coverage', 0.6) }} then 'high'
            else 'medium'
        end as confidence
    from decided
)

select
    task_key,
    report_id,
    task_id,
    target_seq,
    case when rests_on_actual then actual_seq end as actual_seq,
    metric,
    indicator_code,
    target_value,
    target_unit,
    comparator,
    direction,
    case when rests_on_actual then actual_value end as actual_value,
    case when rests_on_actual then actual_unit end as actual_unit,
    case when rests_on_actual then actual_period end as actual_period,
    case when rests_on_actual then is_estimate end as is_estimate,
    case when rests_on_actual then achievement_ratio end as achievement_ratio,
    case
        when reviewed_decision = 'status' then reviewed_status
        when rule_reason in ('value_reached', 'stated_complete') then 'met'
        when rule_reason in ('value_short', 'value_over_limit', 'part_year_rate_short', 'part_year_behind_pace')
            then 'missed'
        else 'unknown'
    end as status,
    target_span,
    case when rests_on_actual then actual_span end as actual_span,
    has_progress_text,
    case when reviewed_decision is not null then 'reviewed' else rule_reason end as status_reason,
    -- How an in-year shortfall stands against the months the figure covers: a rate or a ceiling as it stands, a
    -- count pro-rated (its figure's months, else the report's).
    case
        when rule_reason <> 'in_year_short' then null
        when unit_kind = 'rate' or comparator = 'lte' then 'behind'
        when pro_rated_ratio is null then null
        when pro_rated_ratio < required_ratio then 'behind'
        when pro_rated_ratio < {{ var('ahead_of_pace', 1.1) }} * required_ratio then 'on_pace'
        else 'ahead'
    end as pace,
    case when rests_on_actual then is_part_year end as is_part_year,
    pairing_similarity,
    metric_coverage,
    case
        when rule_reason = 'stated_complete' and actual_seq is not null then actual_statement
        else completion_statement
    end as completion_statement,
    rule_reason,
    confidence,
    other_scope,
    reviewed_decision,
    review_note,
    progress_percent,
    n_parts,
    actual_seq as paired_actual_seq,
    actual_value as paired_actual_value,
    actual_unit as paired_actual_unit,
    actual_span as paired_actual_span
from verdicts
