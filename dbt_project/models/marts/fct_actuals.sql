{#- The actuals as staged: the columns (and their order) are raw_actual_mentions' plus task_key,
    described in fct_actuals.yml. -#}
{{ config(**shared_text_config()) }}
select * from {{ ref('stg_actual_mentions') }}
