select
    task_key,
    report_id,
    task_id,
    unit_name,
    position,
    role,
    unit_alias
from {{ ref('stg_unit_assignments') }}
