{#- Every filler word is a rule with its example: the example, folded as dim_metrics folds a metric, gives `folded`. -#}
with fillers as (
    select * from {{ ref('metric_fillers') }}
),

folded as (
    select
        fillers.*,
        case
            when fillers.place = 'start' then regexp_replace(fillers.example, '^(' || fillers.words || ')', '')
            else {{ regex_replace_all('fillers.example', 'fillers.words', "''") }}
        end as got
    from fillers
)

select * from folded
where got <> folded or place not in ('start', 'anywhere')
