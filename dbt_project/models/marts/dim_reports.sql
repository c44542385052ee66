select
    report_id,
    source_file,
    content_hash,
    encoding,
    line_count,
    header_line,
    task_rows,
    rejected_rows,
    loaded_at,
    loaded_by_run,
    code_version,
    pipeline_version
from {{ ref('stg_workplan__reports') }}
