"""The tables the pipeline writes into the `staging` schema, each declared once: name, meaning, and each column's
type and meaning.

The core modules build their frames with these schemas, the Dagster assets describe their tables
from them (description and column schema in the UI), and dbt reads them as sources
(`dbt_project/models/staging/__sources.yml`), whose staging views add the task key and nothing else.
`raw_*` tables are written by Python from the raw files; `stg_*` belongs to dbt alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

STAGING = "staging"
MARTS = "marts"


class Column(NamedTuple):
    dtype: pl.DataType
    description: str  # what a person reads beside the column in the UI's column schema
    # How DuckDB stores it, where its own choice is not the best: prose (a task's texts, hundreds of characters
    # of Chinese) takes a third less room in zstd than in FSST, the choice for short strings.
    compression: str | None = None


# The columns many tables share, described once.
REPORT_ID = "The report: its raw file's name without extension."
TASK_ID = "The task's number (序号) within its report."
SOURCE_FILE = "Path of the raw file read."


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: dict[str, Column]

    @property
    def schema(self) -> dict[str, pl.DataType]:
        """The columns' types, as the frames are built with."""
        return {name: column.dtype for name, column in self.columns.items()}

    @property
    def qualified(self) -> str:
        return f"{STAGING}.{self.name}"

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)


RAW_TASKS = Table(
    "raw_tasks",
    "One row per task read from a raw report, texts normalised (full-width ASCII, stray spaces).",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "requirement": Column(
            pl.String,
            "内容与要求 (主要工作, 重点工作 …), what was promised, with its numeric targets (normalised text).",
            "zstd",
        ),
        "completion": Column(
            pl.String,
            "完成情况 / 进展情况, what was achieved (normalised text); null where the table has no such column.",
            "zstd",
        ),
        "units_raw": Column(
            pl.String,
            "责任单位 as written, whitespace collapsed; null when the table has no such column.",
        ),
        "lead_units_raw": Column(
            pl.String,
            "牵头单位 as written, where the table has a lead-units column; its units are leads.",
        ),
        "support_units_raw": Column(
            pl.String,
            "配合单位 as written, where the table has a support-units column; its units support.",
        ),
        "source_file": Column(pl.String, SOURCE_FILE),
        "first_line": Column(
            pl.Int64,
            "First line of the row in the file (1-based; a row of the table read from a page, workbook or document).",
        ),
        "last_line": Column(pl.Int64, "Last line of the row (a cell may run over several lines)."),
        "task_label": Column(
            pl.String,
            "The task's id as written (`1`, `1.`, `（一）`); task_id is its number where unique, else its order.",
        ),
        "task_group": Column(
            pl.String,
            "The heading the task stands under (`一、…`) or its group column (分块); null when none.",
        ),
        "task_subgroup": Column(
            pl.String,
            "The headings nested inside the task's group (`（一）…`, then `1.…`, joined by ` / `); null when none.",
        ),
        "continues_merged_cell": Column(
            pl.Boolean,
            "A cell merged over several rows (牵头单位, 分块 …) was taken from the row above.",
        ),
        "sub_rows": Column(
            pl.Int64,
            "Rows below the task's own that continue it; their text was added to the requirement after a `;`.",
        ),
        "completion_statement": Column(
            pl.String,
            "The completion's clause stating the target reached without a number (`提前完成年度任务`), or null.",
        ),
        "text_read_in_part": Column(
            pl.Boolean,
            "The requirement or completion is over rules.MAX_READ_CHARS (5,000 characters): only its start "
            "was read for numbers; the whole text is kept.",
        ),
    },
)
RAW_TASK_ATTRIBUTES = Table(
    "raw_task_attributes",
    "One row per (task, other column): the cells of the columns a task is not built from (备注, 一季度目标, "
    "配合单位 …), with the column's header and role (null when no rule knows it). Nothing a table holds is lost.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "column_position": Column(pl.Int64, "1-based position of the column in the table."),
        "column_name": Column(pl.String, "The column's header, whitespace removed."),
        "role": Column(
            pl.String,
            "The column's role from the header rules (status, target, note, support_units …); null when no "
            "rule knows it.",
        ),
        "value": Column(pl.String, "The cell's text in the task's row."),
    },
)
RAW_TASK_LEADERS = Table(
    "raw_task_leaders",
    "One row per (task, leader in charge): a person, never a unit, from a leader column (分管市领导) or from the "
    "group heading the task stands under (一、汤飞帆市长牵头重点工作), with the title written beside the name.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "position": Column(
            pl.Int64,
            "1-based order of the leader for the task (the leader column's first, then the heading's).",
        ),
        "leader_name": Column(
            pl.String,
            "The person's name as written (`汤飞帆`); a cell part that does not read as a name is kept whole.",
        ),
        "leader_title": Column(pl.String, "The title written with the name (`市长`, `常务副市长`); null when none."),
        "source": Column(pl.String, "Where the leader was read: `leader_column` or `group_heading`."),
    },
)
RAW_COLUMN_READINGS = Table(
    "raw_column_readings",
    "One row per (report, column) of the work-plan table read: the role the column was given and the evidence it "
    "rests on (its header's words, what its cells read as, or a person's override in "
    "dbt_project/seeds/column_roles.csv), so that a wrong reading is seen and corrected once.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "column_number": Column(pl.Int64, "1-based position of the column in the header."),
        "header_text": Column(
            pl.String, "The column's header, whitespace removed (header rows joined: 责任单位牵头单位)."
        ),
        "role": Column(
            pl.String,
            "The role read: requirement, completion, units, lead_units, target, progress_percent, status, …; null "
            "when none (the cells are kept as attributes).",
        ),
        "evidence": Column(
            pl.String,
            "What the role rests on: `header 责任单位 -> units; cells: 12 unit of 12`, or `override: <reason>`.",
        ),
        "confidence": Column(
            pl.Float64,
            "How sure the reading is, 0-1: about 0.5 for the header's words alone, near 1 when the cells agree, "
            "1 for an override, 0 for no role.",
        ),
    },
)
REJECTED_ROWS = Table(
    "rejected_rows",
    "Source rows that could not be read as a task, with the reason (the quarantine): the line of a text file, or "
    "the row of the table named in source_place (`sheet 任务`, `table 2 of 3`).",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "source_file": Column(pl.String, SOURCE_FILE),
        "source_line": Column(
            pl.Int64,
            "First line of the rejected row in the file (1-based; a row of the table in source_place).",
        ),
        "last_line": Column(pl.Int64, "Last line of the rejected row (a cell may run over several lines)."),
        "raw_text": Column(
            pl.String,
            "The row as read: the line of a text file, or the cells of a table row joined by ` | `.",
        ),
        "reason": Column(
            pl.String,
            "Why it is not a task (`expected 4 cells, found 2`; for a file not read, how to convert it).",
        ),
        "source_place": Column(
            pl.String,
            "The table read within the file (`table 2 of 3`, `sheet 任务`); empty for text.",
        ),
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
        "report_id": Column(pl.String, REPORT_ID),
        "source_file": Column(pl.String, SOURCE_FILE),
        "encoding": Column(
            pl.String,
            "Detected encoding of a text file or page (utf-8, utf-8-bom, gb18030); binary for workbooks and documents.",
        ),
        "line_count": Column(
            pl.Int64,
            "Physical lines of a text file; rows of the table read from a page, workbook or document.",
        ),
        "header_line": Column(pl.Int64, "The line (row of the table) of the header, after any title lines."),
        "task_rows": Column(pl.Int64, "Rows that landed as tasks."),
        "rejected_rows": Column(pl.Int64, "Rows quarantined in staging.rejected_rows."),
        "group_heading_lines": Column(
            pl.Int64,
            "Lines that head a group of tasks (`一、…`); their text is the tasks' task_group.",
        ),
        "header_lines": Column(pl.Int64, "Lines the header row spans (a header cell may run over two lines)."),
        "title": Column(pl.String, "The title lines' text; null when the table has none."),
        "title_lines": Column(pl.Int64, "Title lines above the header (`2021年市政府重点工作完成情况表`)."),
        "column_roles": Column(
            pl.String,
            "Each column's header and the role read from it (`序号: task_id | 备注: note`); `-` where no rule "
            "knows it.",
        ),
        "place": Column(
            pl.String,
            "The place the report is of (`柯桥区`), from the title or the file name's first word; null when "
            "nothing says.",
        ),
        "year": Column(pl.Int64, "The plan's year, from the title or the file name; null when nothing says."),
        "period": Column(
            pl.String,
            "The part of the year covered (`1-3月`, `1-9月`, `全年`), from the title, a header or the file name; "
            "or null.",
        ),
        "months_covered": Column(
            pl.Int64,
            "Months the period covers from January (9 for 1-9月, 12 for the year); null with period.",
        ),
        "report_kind": Column(
            pl.String,
            "plan (no completion column), progress (a part of the year) or completion (the whole year); or null.",
        ),
        "plan_type": Column(
            pl.String,
            "The kind of plan (重点工作, 民生实事, 政府工作报告), from the title, header or file name; or null.",
        ),
        "context_evidence": Column(
            pl.String,
            "Where each of place, year, period, kind and plan_type was read, and the words read: title, page title, "
            "header, else file name (`place: title (柯桥区); period: header (前三季度); year: file name (2023)`).",
        ),
        "source_format": Column(
            pl.String,
            "The file's format as read: txt (pipe text), html, xlsx, xls, docx, csv, tsv; doc / pdf are not read.",
        ),
        "source_place": Column(
            pl.String,
            "The table read within the file (`table 2 of 3`, `sheet 任务`); empty for text.",
        ),
        "source_rows": Column(
            pl.Int64,
            "The source's own count of the rows read (an HTML table's <tr>, a sheet's rows to its last filled one, a "
            "Word table's rows, a text's lines); the line-accounting gate compares it with line_count. Null where "
            "the format has none.",
        ),
        "read_status": Column(pl.String, "`read`, or `rejected`: the file could not be read at all (no tasks)."),
        "rejected_reason": Column(pl.String, "Why a rejected file was not read (names the cap, cell or header)."),
        "rejected_place": Column(pl.String, "Where it was refused: `line 3`, `sheet 任务, row 4`, `whole file`."),
    },
)
RAW_UNIT_ASSIGNMENTS = Table(
    "raw_unit_assignments",
    "One row per (task, responsible unit), as read from the units cells (units, 牵头单位, 配合单位 columns), "
    "with the unit's other name where the table gives one in brackets.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "unit_name": Column(
            pl.String,
            "The unit's full name as read from the units cells (stray spaces mended, shared suffixes expanded).",
        ),
        "position": Column(
            pl.Int64,
            "1-based order of the unit in its cell, after reading (shared-suffix lists expanded in place).",
        ),
        "role": Column(
            pl.String,
            "lead (marked △ ▲ ★, or in a 牵头单位 column), support, sole (the only unit) or joint (none leading).",
        ),
        "unit_type": Column(
            pl.String,
            "Kind of unit from its name: city_department, district_county_government, state_owned_company … or other.",
        ),
        "unit_alias": Column(
            pl.String,
            "The unit's other name, given in brackets (`发改局(服务业发展局)`: 服务业发展局); null otherwise.",
        ),
    },
)
RAW_TARGET_MENTIONS = Table(
    "raw_target_mentions",
    "Numeric targets read from each task's requirement text (one row per target).",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "target_seq": Column(pl.Int64, "1-based order of the target in the requirement text."),
        "metric": Column(pl.String, "The words the target measures (新增上云企业, 固定资产投资增长)."),
        "value": Column(pl.Float64, "The number as written (8 for 8万亩; Chinese numerals converted, 两 -> 2)."),
        "unit": Column(pl.String, "The unit as written right after the number (%, 家, 万亩, 亿元, 个百分点)."),
        "upper_value": Column(pl.Float64, "The upper bound of a range (40 in 30—40家); null otherwise."),
        "normalised_value": Column(
            pl.Float64,
            "value × the unit's multiplier (1.7万家 -> 17000), for comparing across units.",
        ),
        "normalised_unit": Column(
            pl.String, "The unit without multiplier, count words merged (万家 -> 个, 亿元 -> 元)."
        ),
        "unit_kind": Column(pl.String, "rate (%, 个百分点), count (家, 个, 人 …) or amount (元, 亩, 公里 …)."),
        "comparator": Column(
            pl.String, "gte (以上, 不低于), lte (以内, 不超过), approx (左右, 约) or eq (a bare quota)."
        ),
        "direction": Column(pl.String, "increase, decrease or level: which way the metric is to move."),
        "is_cumulative": Column(pl.Boolean, "A cumulative level (累计…), which a cumulative actual can meet."),
        "span": Column(pl.String, "The exact substring of the requirement the target was read from."),
        "span_start": Column(pl.Int64, "0-based character offset of the span in the requirement."),
        "span_end": Column(pl.Int64, "0-based character offset just past the span."),
    },
)
RAW_ACTUAL_MENTIONS = Table(
    "raw_actual_mentions",
    "Numbers read from each task's completion text (one row per actual), with period and estimate flag. Where the "
    "text states no period, the report's (a header such as 前三季度完成情况, the title, the file name) applies.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "actual_seq": Column(pl.Int64, "1-based order of the number in the completion text."),
        "metric": Column(pl.String, "The words the number measures (新增上云企业, 固定资产投资增长)."),
        "value": Column(pl.Float64, "The number as written; a decline (下降4.7%, 降幅2.4%) is negative."),
        "unit": Column(pl.String, "The unit as written right after the number."),
        "normalised_value": Column(pl.Float64, "value × the unit's multiplier."),
        "normalised_unit": Column(pl.String, "The unit without multiplier, count words merged."),
        "unit_kind": Column(pl.String, "rate (%, 个百分点), count (家, 个, 人 …) or amount (元, 亩, 公里 …)."),
        "direction": Column(pl.String, "decrease when the number reports a decline, else increase or level."),
        "period": Column(
            pl.String,
            "The period the number covers, as written (全年, 1-11月, 前三季度); the report's where the text says none.",
        ),
        "is_part_year": Column(
            pl.Boolean,
            "The period does not cover the whole year (a shortfall may be the missing months).",
        ),
        "is_estimate": Column(pl.Boolean, "The number is a forecast (预计, 有望, 预估)."),
        "is_completion_ratio": Column(
            pl.Boolean,
            "A completion ratio (完成率124.1%); never paired with a target of another metric.",
        ),
        "months_covered": Column(
            pl.Int64,
            "Months the period covers (12 for the year, 11 for 1-11月, 9 for 前三季度); null when unclear.",
        ),
        "period_stated": Column(
            pl.Boolean,
            "The completion text states the period; else it is the report's (raw_reports.period) or the year.",
        ),
        "statement": Column(
            pl.String,
            "The stated-completion phrase in the number's sentence (已全部完成, 均已完工); null when none.",
        ),
        "span": Column(pl.String, "The exact substring of the completion text the number was read from."),
        "span_start": Column(pl.Int64, "0-based character offset of the span in the completion text."),
        "span_end": Column(pl.Int64, "0-based character offset just past the span."),
    },
)
RAW_TARGET_PAIRS = Table(
    "raw_target_pairs",
    "For each target, the actual that reports the same metric (or none), with the similarity and the evidence for "
    "a shortfall (metric_coverage: the share of the actual's metric words the target's words hold); with no actual, "
    "the clause that states the target reached by naming it (statement); for a target for each of several things, "
    "the actuals of its parts (part_actual_seqs).",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "target_seq": Column(pl.Int64, "The target (raw_target_mentions.target_seq)."),
        "actual_seq": Column(
            pl.Int64,
            "The actual that reports the target's metric (raw_actual_mentions.actual_seq); null when none.",
        ),
        "pairing_similarity": Column(
            pl.Float64,
            "Share of the target metric's character bigrams found around the actual (0-1).",
        ),
        "metric_coverage": Column(
            pl.Float64,
            "Share of the actual's own metric words that the target's words hold (0-1).",
        ),
        "statement": Column(
            pl.String,
            "With no actual, the completion's clause stating this target reached by naming it; else null.",
        ),
        "part_actual_seqs": Column(
            pl.List(pl.Int64),
            "For a target for each of several things (`4个结构性指标均实现…`), the actuals of its parts.",
        ),
        "under_way": Column(
            pl.String,
            "The word of the actual's clause saying its work is under way or planned (正在, 招标, 计划 …) where "
            "the target does not say it too: the figure shows no achievement; else null.",
        ),
        "other_scope": Column(
            pl.String,
            "With no actual, why the target is another scope's figure, which a statement for the whole task does "
            "not decide: same_metric (a reported target has its metric and unit: the province's total beside the "
            "city's share) or aside (it stands in brackets, quoting another requirement); else null.",
        ),
    },
)
# What a template's reading (pipelines.core.extraction.templates) leaves to each task that has it: a
# mention's words, and where its numbers stand, which the task's own text fills in (the template's value
# keeps a decline's sign and a Chinese numeral's value).
READING_PLACES = {
    "num_start": pl.Int64,
    "num_len": pl.Int64,
    "upper_start": pl.Int64,
    "upper_len": pl.Int64,
    "template_value": pl.Float64,
    "template_upper": pl.Float64,
    "multiplier": pl.Float64,
}
_TARGET_WORDS = ("target_seq", "metric", "unit", "normalised_unit", "unit_kind", "comparator", "direction",
                 "is_cumulative", "span_start", "span_end")  # fmt: skip
_ACTUAL_WORDS = ("actual_seq", "metric", "unit", "normalised_unit", "unit_kind", "direction", "period",
                 "is_part_year", "is_estimate", "is_completion_ratio", "months_covered", "period_stated",
                 "statement", "span_start", "span_end")  # fmt: skip
_PAIR_WORDS = ("target_seq", "actual_seq", "pairing_similarity", "metric_coverage", "statement", "part_actual_seqs",
               "under_way", "other_scope")  # fmt: skip
READING_WORDS: dict[str, dict[str, pl.DataType]] = {
    "targets": {**{c: RAW_TARGET_MENTIONS.schema[c] for c in _TARGET_WORDS}, **READING_PLACES},
    "actuals": {**{c: RAW_ACTUAL_MENTIONS.schema[c] for c in _ACTUAL_WORDS}, **READING_PLACES},
    "pairs": {c: RAW_TARGET_PAIRS.schema[c] for c in _PAIR_WORDS},
}
TEMPLATE_READINGS = Table(
    "template_readings",
    "Each template's reading, kept across runs: a task whose texts repeat an earlier report's phrasing with other "
    "numbers (its template: the texts with their numbers masked) takes this reading instead of being read again. "
    "Rows of another extraction code are dropped when the code changes, so every template is read once per code.",
    {
        "template_key": Column(pl.String, "BLAKE2b of the requirement's and the completion's templates."),
        "extraction_code": Column(pl.String, "Fingerprint of the extraction code that read it."),
        **{
            name: Column(pl.List(pl.Struct(words)), f"The template's {name[:-1]} readings, in order.")
            for name, words in READING_WORDS.items()
        },
    },
)
BUILD_STATE = Table(
    "build_state",
    "What each table of this warehouse was built from: per report and step, the file's hash, the code's "
    "fingerprint and the run that read it; one `marts` row for the transform (dbt project, GE suites).",
    {
        "table_name": Column(
            pl.String,
            "The table the row is about (`staging.raw_tasks`: the report's reading), or `marts` for the transform.",
        ),
        "report_id": Column(pl.String, "The report; null in the `marts` row."),
        "content_hash": Column(pl.String, "SHA-256 of the file's bytes when it was read."),
        "code_version": Column(
            pl.String,
            "Fingerprint of the code that built the rows (a change rebuilds them); of the dbt project and GE "
            "suites for `marts`.",
        ),
        "pipeline_version": Column(pl.String, "Version of this pipeline that built them."),
        "reading_run": Column(pl.String, "The Dagster run that read the report's file."),
        "built_by_run": Column(pl.String, "The Dagster run that wrote the table's rows for the report."),
        "built_at": Column(pl.Datetime("us", "UTC"), "When they were written (UTC)."),
    },
)
REFRESH_LOG = Table(
    "refresh_log",
    "One row per publish of this warehouse: the run, when, how many reports and tasks.",
    {
        "run_id": Column(pl.String, "The Dagster run that published."),
        "published_at": Column(pl.Datetime("us", "UTC"), "When the warehouse was published (UTC)."),
        "pipeline_version": Column(pl.String, "Version of this pipeline that built it."),
        "reports": Column(pl.Int64, "Reports in the published warehouse."),
        "tasks": Column(pl.Int64, "Tasks in the published warehouse."),
    },
)

RAW_REPORT_PLANS = Table(
    "raw_report_plans",
    "One row per report: the plan it belongs to (place-year-plan type), from what the report says of itself or, "
    "where the mapping file dbt_project/seeds/report_plans.csv gives a value, from the mapping; null where neither "
    "can tell. report_seq: the report's place in its plan (breakdown, then progress by months covered, then "
    "completion).",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "place": Column(pl.String, "The plan's place."),
        "year": Column(pl.Int64, "The plan's year."),
        "plan_type": Column(pl.String, "The kind of plan (重点工作, 民生实事, 政府工作报告)."),
        "plan_id": Column(pl.String, "`place-year-plan_type`; null when neither the report nor the mapping can tell."),
        "plan_assigned_by": Column(
            pl.String,
            "`report` (what the report says of itself), `mapping` (dbt_project/seeds/report_plans.csv) or `tasks` "
            "(its plan type unknown, its tasks match the plan of its place and year).",
        ),
        "report_seq": Column(
            pl.Int64,
            "The report's place in its plan (1 = the first: breakdown, then progress by months, then completion).",
        ),
    },
)
RAW_TASK_LINKS = Table(
    "raw_task_links",
    "One row per task: the plan task it is (`<report>/<task>` of the plan's first report that lists it), how it was "
    "linked (first_seen, same, similar) and the similarity of the requirements, with the next best plan task's.",
    {
        "report_id": Column(pl.String, REPORT_ID),
        "task_id": Column(pl.Int64, TASK_ID),
        "plan_id": Column(
            pl.String,
            "The plan (raw_report_plans.plan_id); null when the report's plan cannot be told.",
        ),
        "plan_task_id": Column(
            pl.String,
            "The plan task: `<report>/<task>` of the plan's first report that lists this task.",
        ),
        "link_method": Column(
            pl.String,
            "`first_seen` (the plan task starts here), `same` (the same requirement once normalised) or `similar`.",
        ),
        "similarity": Column(
            pl.Float64,
            "Similarity of the requirement with the plan task's (0 to 1; null for first_seen).",
        ),
        "runner_up_similarity": Column(
            pl.Float64,
            "The requirement's similarity with the next most similar plan task (how clear the link is).",
        ),
    },
)

# What dbt reads as sources, in lineage order.
SOURCES = (
    RAW_TASKS,
    RAW_TASK_ATTRIBUTES,
    RAW_TASK_LEADERS,
    REJECTED_ROWS,
    RAW_REPORTS,
    RAW_COLUMN_READINGS,
    RAW_UNIT_ASSIGNMENTS,
    RAW_TARGET_MENTIONS,
    RAW_ACTUAL_MENTIONS,
    RAW_TARGET_PAIRS,
    RAW_REPORT_PLANS,
    RAW_TASK_LINKS,
    BUILD_STATE,
)


def column_compression(qualified: str) -> dict[str, str]:
    """The columns of a staging table stored in a compression of their own (Column.compression)."""
    table = next((t for t in SOURCES if t.qualified == qualified), None)
    return {name: c.compression for name, c in table.columns.items() if c.compression} if table else {}
