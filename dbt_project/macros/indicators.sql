{#- Matching a target's metric words to a canonical indicator (models/marts/dim_metrics.sql). Patterns are regular
    expressions in the common part of RE2 (DuckDB) and Java's (Spark): groups, alternation, ?, classes. -#}

{#- Whether the whole text matches the pattern (a column or a literal).
    regex_full_match("'地区生产总值增长'", "'(地区)?生产总值(增长|增速)'") -> true -#}
{% macro regex_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_full_match(text, pattern) -%}
    ({{ text }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}

{#- The text with every match of the pattern replaced (DuckDB replaces the first only without 'g').
    regex_replace_all("'全市同比增长'", "'同比'", "''") -> '全市增长' -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
