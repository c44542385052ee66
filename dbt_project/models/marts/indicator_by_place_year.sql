{#- One row per canonical indicator and report: how a place did on one indicator in one report (a plan's
    breakdown, a progress report of some months, a completion table), comparable across places and years. Where a
    report sets the indicator more than once, the first target (by task, then by place in the text) stands for it,
    and the counts say how many there were and how they were judged. -#}
with achievement as (
    select * from {{ ref('fct_target_achievement') }}
    where indicator_code is not null
),

ranked as (
    select
        *,
        row_number() over (partition by indicator_code, report_id order by task_id, target_seq) as target_rank,
        count(*) over (partition by indicator_code, report_id) as n_targets,
        sum(case when status = 'met' then 1 else 0 end) over (partition by indicator_code, report_id) as n_met,
        sum(case when status = 'missed' then 1 else 0 end) over (partition by indicator_code, report_id) as n_missed
    from achievement
),

reports as (
    select report_id, place, year, period, months_covered, report_kind, plan_type
    from {{ ref('stg_reports') }}
),

indicators as (
    select * from {{ ref('indicators') }}
)

select
    ranked.indicator_code,
    indicators.name_zh as indicator_name,
    indicators.better,
    reports.place,
    reports.year,
    reports.period,
    reports.months_covered,
    reports.report_kind,
    reports.plan_type,
    ranked.report_id,
    ranked.task_id,
    ranked.target_seq,
    ranked.metric,
    ranked.target_value,
    ranked.target_unit,
    ranked.comparator,
    ranked.direction,
    ranked.actual_value,
    ranked.actual_unit,
    ranked.actual_period,
    ranked.achievement_ratio,
    ranked.status,
    ranked.status_reason,
    ranked.pace,
    ranked.confidence,
    ranked.target_span,
    ranked.actual_span,
    ranked.n_targets,
    ranked.n_met,
    ranked.n_missed
from ranked
inner join indicators on ranked.indicator_code = indicators.indicator_code
left join reports on ranked.report_id = reports.report_id
where ranked.target_rank = 1
