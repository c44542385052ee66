{#- Every filler word is a rule with its example: the example, folded as dim_metrics folds a metric, gives `folded`. -#}
with fillers as (
    select * from {{ ref('metric_fillers') }}
),

folded as (
    select
        fillers.*,
        case
            when place = 'start' then regexp_replace(example, '^(' || words || ')', '')
            else {{ regex_replace_all('example', 'words', "''") }}
        end as got
    from fillers
)

select * from folded
where got <> folded or place not in ('start', 'anywhere')
