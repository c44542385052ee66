-- Units that lead (△) the most tasks, with how their targets went. A unit is a place and a name.
select
    d.unit_place,
    d.unit_name,
    d.unit_type,
    d.n_lead_tasks,
    d.n_tasks,
    coalesce(sum(a.n_met), 0) as targets_met,
    coalesce(sum(a.n_missed), 0) as targets_missed,
    coalesce(sum(a.n_unknown), 0) as targets_unknown
from marts.dim_units as d
left join marts.achievement_by_unit as a on d.unit_key = a.unit_key
where d.n_lead_tasks > 0
group by d.unit_place, d.unit_name, d.unit_type, d.n_lead_tasks, d.n_tasks
order by d.n_lead_tasks desc, d.n_tasks desc, d.unit_place asc, d.unit_name asc;
