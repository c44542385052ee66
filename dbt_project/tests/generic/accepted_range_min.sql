{#- Every value is at least min_value. -#}
{% test accepted_range_min(model, column_name, min_value) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
{% endtest %}
