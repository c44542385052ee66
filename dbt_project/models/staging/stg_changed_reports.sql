{#- The reports whose staging rows were written since the marts were last published: a step's rows for a
    report are recorded in build_state when written, and the `marts` row when the warehouse is published. Every
    report, before the first publish. The per-report marts rebuild these only (macros/incremental_reports.sql). -#}
with state as (
    select * from {{ source('workplan', 'build_state') }}
),

published as (
    select max(built_at) as published_at
    from state
    where table_name = 'marts'
)

select distinct state.report_id
from state
cross join published
where
    state.report_id is not null
    and (published.published_at is null or state.built_at > published.published_at)
