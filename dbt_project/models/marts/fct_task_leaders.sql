{#- Leaders (people) in charge of tasks, apart from the units; the columns are described in fct_task_leaders.yml. -#}
select * from {{ ref('stg_task_leaders') }}
