-- Missed targets, by the unit accountable for them (lead, sole or joint), worst shortfall first.
select
    u.unit_place,
    u.unit_name,
    u.role,
    a.report_id,
    a.task_id,
    a.metric,
    a.target_value,
    a.target_unit,
    a.actual_value,
    a.actual_unit,
    a.actual_period,
    round(a.achievement_ratio, 3) as achievement_ratio,
    a.target_span,
    a.actual_span
from marts.fct_target_achievement as a
inner join marts.fct_unit_assignments as u on a.task_key = u.task_key and u.role in ('lead', 'sole', 'joint')
where a.status = 'missed'
order by u.unit_place, u.unit_name, a.achievement_ratio;
