{#- Every metric the targets were read with (its words and unit kind), folded (seeds/metric_fillers.csv) and
    matched to a canonical indicator (seeds/indicators.csv) by the aliases (seeds/indicator_aliases.csv): a
    metric has the indicator when exactly one indicator's aliases match it in full, for its unit kind. Unmatched
    metrics that recur over places are the candidates for a new alias. -#}
with targets as (
    select coalesce(metric, '') as metric, unit_kind, report_id from {{ ref('stg_target_mentions') }}
),

reports as (
    select report_id, place from {{ ref('stg_reports') }}
),

metrics as (
    select
        targets.metric,
        targets.unit_kind,
        count(*) as n_targets,
        count(distinct targets.report_id) as n_reports,
        count(distinct reports.place) as n_places,
        min(targets.report_id) as first_report_id
    from targets
    left join reports on targets.report_id = reports.report_id
    group by targets.metric, targets.unit_kind
),

-- The filler words as two alternations: those dropped at the start of the metric, those dropped anywhere.
at_start as (
    select {{ dbt.listagg('words', "'|'", 'order by words') }} as words
    from {{ ref('metric_fillers') }}
    where place = 'start'
),

anywhere as (
    select {{ dbt.listagg('words', "'|'", 'order by words') }} as words
    from {{ ref('metric_fillers') }}
    where place = 'anywhere'
),

folded as (
    select
        metrics.*,
        {{ regex_replace_all(
            "regexp_replace(replace(metrics.metric, ' ', ''), '^(' || coalesce(at_start.words, '') || ')', '')",
            "'(' || coalesce(anywhere.words, '') || ')'",
            "''",
        ) }} as folded_metric
    from metrics
    cross join at_start
    cross join anywhere
),

matches as (
    select
        folded.metric,
        folded.unit_kind,
        aliases.indicator_code,
        aliases.pattern
    from folded
    inner join {{ ref('indicator_aliases') }} as aliases
        on folded.unit_kind = aliases.unit_kind
        and {{ regex_full_match('folded.folded_metric', 'aliases.pattern') }}
),

matched as (
    select
        metric,
        unit_kind,
        count(distinct indicator_code) as n_indicators,
        min(indicator_code) as indicator_code,
        {{ dbt.listagg('indicator_code', "','", 'order by indicator_code') }} as indicator_codes,
        min(pattern) as pattern
    from matches
    group by metric, unit_kind
)

select
    folded.metric,
    folded.unit_kind,
    folded.folded_metric,
    case when matched.n_indicators = 1 then matched.indicator_code end as indicator_code,
    case
        when matched.n_indicators = 1 then 'indicator'
        when matched.n_indicators > 1 then 'ambiguous'
        else 'none'
    end as indicator_match,
    case when matched.n_indicators = 1 then matched.pattern else matched.indicator_codes end as match_evidence,
    folded.n_targets,
    folded.n_reports,
    folded.n_places,
    folded.first_report_id
from folded
left join matched
    on folded.metric = matched.metric and coalesce(folded.unit_kind, '') = coalesce(matched.unit_kind, '')
