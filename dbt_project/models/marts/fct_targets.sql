{#- The targets as staged, each with the canonical indicator its metric measures (dim_metrics): the columns
    (and their order) are raw_target_mentions' plus task_key and indicator_code, described in fct_targets.yml. -#}
{{ config(**shared_text_config()) }}
with targets as (
    select * from {{ ref('stg_target_mentions') }}
),

metrics as (
    select metric, unit_kind, indicator_code from {{ ref('dim_metrics') }}
)

select
    targets.*,
    metrics.indicator_code
from targets
left join metrics
    on coalesce(targets.metric, '') = metrics.metric
    and coalesce(targets.unit_kind, '') = coalesce(metrics.unit_kind, '')
