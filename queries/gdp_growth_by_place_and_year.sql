-- GDP growth target and result by place and year, whatever words each plan used for it (地区生产总值增长,
-- GDP增速, 生产总值增长: one canonical indicator, seeds/indicator_aliases.csv). Another indicator: change the code
-- (seeds/indicators.csv lists them).
select
    place,
    year,
    period,
    report_kind,
    target_value,
    target_unit,
    comparator,
    actual_value,
    actual_unit,
    status,
    pace,
    target_span,
    actual_span,
    report_id
from marts.indicator_by_place_year
where indicator_code = 'gdp_growth'
order by place, year, months_covered nulls last, report_id
