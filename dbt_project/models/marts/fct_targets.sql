{#- The targets as staged: the columns (and their order) are raw_target_mentions' plus task_key,
    described in fct_targets.yml. -#}
{{ config(**shared_text_config()) }}
select * from {{ ref('stg_target_mentions') }}
