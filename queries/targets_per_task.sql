-- Every task with its numeric targets and their outcome (tasks without a target show zero).
select
    t.report_id,
    t.task_id,
    t.lead_unit,
    count(a.target_seq) as n_targets,
    count(*) filter (where a.status = 'met') as n_met,
    count(*) filter (where a.status = 'missed') as n_missed,
    count(*) filter (where a.status = 'unknown') as n_unknown,
    string_agg(a.target_span, ' | ' order by a.target_seq) as targets
from marts.dim_tasks as t
left join marts.fct_target_achievement as a on t.task_key = a.task_key
group by t.report_id, t.task_id, t.lead_unit
order by t.report_id, t.task_id;
