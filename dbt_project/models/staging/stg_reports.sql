{#- One row per report file read, with what it was read from: the build_state rows of raw_tasks
    (ingest writes raw_tasks, rejected_rows and raw_reports together and records them under raw_tasks). -#}
with source as (
    select * from {{ source('workplan', 'raw_reports') }}
),

readings as (
    select * from {{ source('workplan', 'build_state') }}
    where table_name = 'staging.raw_tasks'
)

select
    source.report_id,
    source.source_file,
    readings.content_hash,
    source.encoding,
    source.line_count,
    source.header_line,
    source.task_rows,
    source.rejected_rows,
    readings.built_at as loaded_at,
    readings.reading_run as loaded_by_run,
    readings.code_version,
    readings.pipeline_version,
    source.group_heading_lines,
    source.header_lines,
    source.title_lines,
    source.title,
    source.column_roles,
    source.place,
    source.year,
    source.period,
    source.months_covered,
    source.report_kind,
    source.plan_type,
    source.context_evidence,
    source.source_format,
    source.source_place,
    source.read_status,
    source.rejected_reason,
    source.rejected_place
from source
left join readings on source.report_id = readings.report_id
