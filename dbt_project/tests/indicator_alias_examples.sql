{#- Every alias is a rule with its example: the example matches its own pattern in full, and no alias of another
    indicator (of the same unit kind) matches it, so that each row's example is also a proof of precision. -#}
with aliases as (
    select * from {{ ref('indicator_aliases') }}
),

own as (
    select indicator_code, unit_kind, pattern, example
    from aliases
    where not {{ regex_full_match('example', 'pattern') }}
),

others as (
    select aliases.indicator_code, aliases.unit_kind, other.pattern, aliases.example
    from aliases
    inner join aliases as other
        on aliases.unit_kind = other.unit_kind
        and aliases.indicator_code <> other.indicator_code
        and {{ regex_full_match('aliases.example', 'other.pattern') }}
)

select 'does not match its own pattern' as problem, * from own
union all
select 'matches another indicator''s pattern' as problem, * from others
