{#- The column's text stands, character for character, in the parent's text at [start, start+len). -#}
{% test is_substring_of(model, column_name, start_column, to, field, key) %}
select child.{{ key }}, child.{{ column_name }}
from {{ model }} as child
inner join {{ to }} as parent on child.{{ key }} = parent.{{ key }}
where substr(parent.{{ field }}, child.{{ start_column }} + 1, length(child.{{ column_name }})) <> child.{{ column_name }}
   or child.{{ column_name }} is null
   or length(child.{{ column_name }}) = 0
{% endtest %}
