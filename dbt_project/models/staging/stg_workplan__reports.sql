with source as (
    select * from {{ source('workplan', 'stg_reports') }}
)

select
    report_id,
    source_file,
    content_hash,
    encoding,
    cast(line_count as integer) as line_count,
    cast(header_line as integer) as header_line,
    cast(task_rows as integer) as task_rows,
    cast(rejected_rows as integer) as rejected_rows,
    loaded_at,
    loaded_by_run,
    code_version,
    pipeline_version
from source
