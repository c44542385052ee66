{#- Target achievement per kind of accountable unit (lead, sole or joint), per report. -#}
select
    report_id,
    unit_type,
    count(*) as n_units,
    sum(n_tasks) as n_tasks,
    sum(n_targets) as n_targets,
    sum(n_met) as n_met,
    sum(n_missed) as n_missed,
    sum(n_unknown) as n_unknown,
    cast(sum(n_met) as double) / nullif(sum(n_met) + sum(n_missed), 0) as met_share_of_known
from {{ ref('achievement_by_unit') }}
group by report_id, unit_type
