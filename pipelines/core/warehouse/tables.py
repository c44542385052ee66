"""The tables the pipeline writes into the `staging` schema, each declared once: name, columns, meaning.

The core modules build their frames with these schemas, the Dagster assets describe their tables
from them (description and column schema in the UI), and dbt reads them as sources
(`dbt_project/models/staging/__sources.yml`), whose staging views add the task key and nothing else.
`raw_*` tables are written by Python from the raw files; `stg_*` belongs to dbt alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

STAGING = "staging"
MARTS = "marts"


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    schema: dict[str, pl.DataType]

    @property
    def qualified(self) -> str:
        return f"{STAGING}.{self.name}"

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)


RAW_TASKS = Table(
    "raw_tasks",
    "One row per task read from a raw report, texts normalised (full-width ASCII, stray spaces).",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "requirement": pl.String,
        "completion": pl.String,
        "units_raw": pl.String,
        "lead_units_raw": pl.String,
        "support_units_raw": pl.String,
        "source_file": pl.String,
        "first_line": pl.Int64,
        "last_line": pl.Int64,
        "task_label": pl.String,
        "task_group": pl.String,
        "continues_merged_cell": pl.Boolean,
        "sub_rows": pl.Int64,
        "completion_statement": pl.String,
        "text_read_in_part": pl.Boolean,
    },
)
RAW_TASK_ATTRIBUTES = Table(
    "raw_task_attributes",
    "One row per (task, other column): the cells of the columns a task is not built from (备注, 一季度目标, "
    "配合单位 …), with the column's header and role (null when no rule knows it). Nothing a table holds is lost.",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "column_position": pl.Int64,
        "column_name": pl.String,
        "role": pl.String,
        "value": pl.String,
    },
)
RAW_TASK_LEADERS = Table(
    "raw_task_leaders",
    "One row per (task, leader in charge): a person, never a unit, from a leader column (分管市领导) or from the "
    "group heading the task stands under (一、汤飞帆市长牵头重点工作), with the title written beside the name.",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "position": pl.Int64,
        "leader_name": pl.String,
        "leader_title": pl.String,
        "source": pl.String,
    },
)
REJECTED_ROWS = Table(
    "rejected_rows",
    "Source rows that could not be read as a task, with the reason (the quarantine): the line of a text file, or "
    "the row of the table named in source_place (`sheet 任务`, `table 2 of 3`).",
    {
        "report_id": pl.String,
        "source_file": pl.String,
        "source_line": pl.Int64,
        "last_line": pl.Int64,
        "raw_text": pl.String,
        "reason": pl.String,
        "source_place": pl.String,
    },
)
RAW_REPORTS = Table(
    "raw_reports",
    "One row per raw report file: encoding, line and row counts, the header's column roles, the title, and "
    "what the report is (place, year, period covered, kind: plan / progress / completion) with where each was read "
    "(what it was built from: build_state). read_status: `read`, or `rejected` for a file that could not be read "
    "at all (an unknown header, an empty, undecodable or corrupt file, a format not read), with rejected_reason "
    "and rejected_place (`line 3`, `sheet 任务, row 4`, `whole file`); a rejected file has no tasks and one row in "
    "rejected_rows, and counts as one line.",
    {
        "report_id": pl.String,
        "source_file": pl.String,
        "encoding": pl.String,
        "line_count": pl.Int64,
        "header_line": pl.Int64,
        "task_rows": pl.Int64,
        "rejected_rows": pl.Int64,
        "group_heading_lines": pl.Int64,
        "header_lines": pl.Int64,
        "title": pl.String,
        "title_lines": pl.Int64,
        "column_roles": pl.String,
        "place": pl.String,
        "year": pl.Int64,
        "period": pl.String,
        "months_covered": pl.Int64,
        "report_kind": pl.String,
        "plan_type": pl.String,
        "context_evidence": pl.String,
        "source_format": pl.String,
        "source_place": pl.String,
        "source_rows": pl.Int64,
        "read_status": pl.String,
        "rejected_reason": pl.String,
        "rejected_place": pl.String,
    },
)
RAW_UNIT_ASSIGNMENTS = Table(
    "raw_unit_assignments",
    "One row per (task, responsible unit), as read from the units cells (units, 牵头单位, 配合单位 columns), "
    "with the unit's other name where the table gives one in brackets.",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "unit_name": pl.String,
        "position": pl.Int64,
        "role": pl.String,
        "unit_type": pl.String,
        "unit_alias": pl.String,
    },
)
RAW_TARGET_MENTIONS = Table(
    "raw_target_mentions",
    "Numeric targets read from each task's requirement text (one row per target).",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "target_seq": pl.Int64,
        "metric": pl.String,
        "value": pl.Float64,
        "unit": pl.String,
        "upper_value": pl.Float64,
        "normalised_value": pl.Float64,
        "normalised_unit": pl.String,
        "unit_kind": pl.String,
        "comparator": pl.String,
        "direction": pl.String,
        "is_cumulative": pl.Boolean,
        "span": pl.String,
        "span_start": pl.Int64,
        "span_end": pl.Int64,
    },
)
RAW_ACTUAL_MENTIONS = Table(
    "raw_actual_mentions",
    "Numbers read from each task's completion text (one row per actual), with period and estimate flag. Where the "
    "text states no period, the report's (a header such as 前三季度完成情况, the title, the file name) applies.",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "actual_seq": pl.Int64,
        "metric": pl.String,
        "value": pl.Float64,
        "unit": pl.String,
        "normalised_value": pl.Float64,
        "normalised_unit": pl.String,
        "unit_kind": pl.String,
        "direction": pl.String,
        "period": pl.String,
        "is_part_year": pl.Boolean,
        "is_estimate": pl.Boolean,
        "is_completion_ratio": pl.Boolean,
        "months_covered": pl.Int64,
        "period_stated": pl.Boolean,
        "statement": pl.String,
        "span": pl.String,
        "span_start": pl.Int64,
        "span_end": pl.Int64,
    },
)
RAW_TARGET_PAIRS = Table(
    "raw_target_pairs",
    "For each target, the actual that reports the same metric (or none), with the similarity and the evidence for "
    "a shortfall (metric_coverage: the share of the actual's metric words the target's words hold); with no actual, "
    "the clause that states the target reached by naming it (statement); for a target for each of several things, "
    "the actuals of its parts (part_actual_seqs).",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "target_seq": pl.Int64,
        "actual_seq": pl.Int64,
        "pairing_similarity": pl.Float64,
        "metric_coverage": pl.Float64,
        "statement": pl.String,
        "part_actual_seqs": pl.List(pl.Int64),
    },
)
BUILD_STATE = Table(
    "build_state",
    "What each table of this warehouse was built from: per report and step, the file's hash, the code's "
    "fingerprint and the run that read it; one `marts` row for the transform (dbt project, GE suites).",
    {
        "table_name": pl.String,
        "report_id": pl.String,
        "content_hash": pl.String,
        "code_version": pl.String,
        "pipeline_version": pl.String,
        "reading_run": pl.String,
        "built_by_run": pl.String,
        "built_at": pl.Datetime("us", "UTC"),
    },
)
REFRESH_LOG = Table(
    "refresh_log",
    "One row per publish of this warehouse: the run, when, how many reports and tasks.",
    {
        "run_id": pl.String,
        "published_at": pl.Datetime("us", "UTC"),
        "pipeline_version": pl.String,
        "reports": pl.Int64,
        "tasks": pl.Int64,
    },
)

RAW_REPORT_PLANS = Table(
    "raw_report_plans",
    "One row per report: the plan it belongs to (place-year-plan type), from what the report says of itself or, "
    "where the mapping file dbt_project/seeds/report_plans.csv gives a value, from the mapping; null where neither "
    "can tell. report_seq: the report's place in its plan (breakdown, then progress by months covered, then "
    "completion).",
    {
        "report_id": pl.String,
        "place": pl.String,
        "year": pl.Int64,
        "plan_type": pl.String,
        "plan_id": pl.String,
        "plan_assigned_by": pl.String,
        "report_seq": pl.Int64,
    },
)
RAW_TASK_LINKS = Table(
    "raw_task_links",
    "One row per task: the plan task it is (`<report>/<task>` of the plan's first report that lists it), how it was "
    "linked (first_seen, same, similar) and the similarity of the requirements, with the next best plan task's.",
    {
        "report_id": pl.String,
        "task_id": pl.Int64,
        "plan_id": pl.String,
        "plan_task_id": pl.String,
        "link_method": pl.String,
        "similarity": pl.Float64,
        "runner_up_similarity": pl.Float64,
    },
)

# What dbt reads as sources, in lineage order.
SOURCES = (
    RAW_TASKS,
    RAW_TASK_ATTRIBUTES,
    RAW_TASK_LEADERS,
    REJECTED_ROWS,
    RAW_REPORTS,
    RAW_UNIT_ASSIGNMENTS,
    RAW_TARGET_MENTIONS,
    RAW_ACTUAL_MENTIONS,
    RAW_TARGET_PAIRS,
    RAW_REPORT_PLANS,
    RAW_TASK_LINKS,
    BUILD_STATE,
)
