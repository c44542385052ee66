-- Actuals that cover only part of the year (1-11月, 前三季度, 截至11月末 …), with the target they answer.
select
    x.report_id,
    x.task_id,
    x.actual_period,
    f.months_covered,
    x.metric,
    x.target_value,
    x.target_unit,
    x.actual_value,
    x.actual_unit,
    x.status,
    x.actual_span
from marts.fct_target_achievement as x
inner join marts.fct_actuals as f on x.task_key = f.task_key and x.actual_seq = f.actual_seq
where f.is_part_year
order by x.report_id, x.task_id, x.target_seq;
