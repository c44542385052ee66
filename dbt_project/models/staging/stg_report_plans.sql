select * from {{ source('workplan', 'raw_report_plans') }}
