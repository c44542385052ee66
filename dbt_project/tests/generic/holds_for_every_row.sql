{#- A condition every row meets (a rule between columns, such as "a rejected report has a reason"). -#}
{% test holds_for_every_row(model, condition) %}
select *
from {{ model }}
where not ({{ condition }})
{% endtest %}
