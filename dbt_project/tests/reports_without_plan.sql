{{ config(severity='warn') }}
{#- A report whose plan its own words cannot tell (place, year or plan type missing) and the mapping file does
    not give: its tasks are not linked to any other report's. Add a line for it to seeds/report_plans.csv. -#}
select report_id, place, year, plan_type
from {{ ref('stg_report_plans') }}
where plan_id is null
