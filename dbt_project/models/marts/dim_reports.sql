{#- The reports as staged (raw_reports with what each was read from, from build_state);
    the columns are described in dim_reports.yml. -#}
select * from {{ ref('stg_reports') }}
