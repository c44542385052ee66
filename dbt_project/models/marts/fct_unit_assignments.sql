{#- A unit is a place and a name: 市发改委 of two cities is two units. The place is the report's (dim_reports.place);
    a report whose place is not known is a place of its own, so its units are never pooled with another's. -#}
{{ config(**per_report_config()) }}
-- depends_on: {{ ref('stg_changed_reports') }}
with assignments as (
    select * from {{ ref('stg_unit_assignments') }}{{ changed_reports_only() }}
),

reports as (
    select report_id, place from {{ ref('stg_reports') }}
),

placed as (
    select
        assignments.*,
        coalesce(reports.place, {{ dbt.concat(["'report '", "assignments.report_id"]) }}) as unit_place
    from assignments
    left join reports on assignments.report_id = reports.report_id
)

select
    task_key,
    report_id,
    task_id,
    {{ dbt.concat(["unit_place", "'/'", "unit_name"]) }} as unit_key,
    unit_place,
    unit_name,
    position,
    role,
    unit_alias
from placed
