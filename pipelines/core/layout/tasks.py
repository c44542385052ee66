"""Read one raw report file into task rows and rejected rows.

A file becomes a grid of cells (`sources`: pipe text, HTML, Excel, Word, CSV); `header` finds the title,
the header and each column's role, `rows` turns the rows after it into task rows; this module makes the
report's frames. Every row of the grid (a line of a text file, a row of a table) ends up a title, a header,
a group heading, part of a task, or a rejected row.

Whole-file problems (undecodable bytes, empty file, no work-plan header, a corrupt workbook) raise
:class:`SourceFileError` naming the file, the place and the reason from `read_report`; `read_or_quarantine`
turns them (and any reader's failure on one file) into a rejected report, so that one bad file holds back
no other. Row problems are collected as rejects so that the good rows still land.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.core.layout.header import (
    HINTS,
    Header,
    bracketed_unit,
    find_header,
    sole_unit,
    unit_after,
    unit_of,
    with_roles_by_cells,
)
from pipelines.core.layout.identity import ReportContext, report_context
from pipelines.core.layout.normalise import normalise_attributes, normalise_tasks
from pipelines.core.layout.paragraphs import as_paragraphs
from pipelines.core.layout.records import as_records
from pipelines.core.layout.rows import Row, SortedRows, TaskRow, as_row, label_items, number_tasks, sort_rows
from pipelines.core.rules import BARE_FIGURE_UNIT, BARE_VALUE_START, PART_YEAR_HEADER_WORDS
from pipelines.core.sources.files import read_report_bytes, report_id_for
from pipelines.core.sources.formats import format_of, read_grid
from pipelines.core.sources.grid import SourceFileError
from pipelines.core.units.leaders import leaders_in_cell, leaders_in_heading
from pipelines.core.warehouse.state import file_hash
from pipelines.core.warehouse.tables import (
    RAW_COLUMN_READINGS,
    RAW_TASK_ATTRIBUTES,
    RAW_TASK_LEADERS,
    RAW_TASKS,
    REJECTED_ROWS,
)

_BARE_VALUE = re.compile(BARE_VALUE_START)
_BARE_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Report:
    report_id: str
    source_file: str
    encoding: str | None  # None: a file not read
    content_hash: str
    line_count: int  # lines of a text file, rows of the table read
    header: Header
    group_heading_lines: int
    repeated_header_lines: int
    tasks: pl.DataFrame
    rejected: pl.DataFrame
    attributes: pl.DataFrame  # the cells of the columns a task row is not built from
    leaders: pl.DataFrame  # the leaders in charge of each task (a leader column, a group heading)
    context: ReportContext
    source_format: str = "txt"
    source_place: str = ""  # the sheet or table read: "sheet 任务", "table 2 of 3"
    source_rows: int | None = None  # the source's own count of the rows read (Grid.source_rows)
    rejected_reason: str | None = None  # a file not read at all: why (then no tasks, one rejected row)
    rejected_place: str | None = None  # and where: "line 3", "sheet 任务, row 4", "whole file"

    @property
    def columns(self) -> pl.DataFrame:
        """raw_column_readings' rows: each column's header, role, evidence and confidence."""
        evidence = self.header.evidence or tuple(("", 0.0) for _ in self.header.names)
        return pl.DataFrame(
            [
                (self.report_id, i + 1, name, role, said, confidence)
                for i, (name, role, (said, confidence)) in enumerate(
                    zip(self.header.names, self.header.roles, evidence, strict=True)
                )
            ],
            schema=RAW_COLUMN_READINGS.schema,
            orient="row",
        )

    @property
    def header_line(self) -> int:
        return self.header.line

    @property
    def read_status(self) -> str:
        return "read" if self.rejected_reason is None else "rejected"

    def summary(self) -> dict:
        """The report's row of raw_reports."""
        return {
            "report_id": self.report_id,
            "source_file": self.source_file,
            "encoding": self.encoding,
            "line_count": self.line_count,
            "header_line": self.header.line,
            "task_rows": self.tasks.height,
            "rejected_rows": self.rejected.height,
            "group_heading_lines": self.group_heading_lines,
            "header_lines": self.header.lines + self.repeated_header_lines,
            "title": self.header.title,
            "title_lines": len(self.header.title_lines),
            "column_roles": " | ".join(
                f"{n}: {r or '-'}" for n, r in zip(self.header.names, self.header.roles, strict=True)
            ),
            **{k: v for k, v in self.context.__dict__.items()},
            "source_format": self.source_format,
            "source_place": self.source_place,
            "source_rows": self.source_rows,
            "read_status": self.read_status,
            "rejected_reason": self.rejected_reason,
            "rejected_place": self.rejected_place,
        }


def read_report(path: Path, normalised: bool = True) -> Report:
    """The report's tasks, rejected rows and the other columns' cells. `normalised=False` leaves the
    cells as written, for a caller that normalises many reports at once (one polars pass)."""
    data = read_report_bytes(path)
    found = format_of(path)
    if not data.strip() and (found is None or found.read is not None):  # a format not read says so instead
        raise SourceFileError(path, "file is empty")
    grid = as_paragraphs(as_records(read_grid(path, data, HINTS)))
    if grid.no_table is not None:  # a document's lines of text that read as no plan either
        raise SourceFileError(
            path, f"{grid.no_table}; nor do its paragraphs read as a plan (numbered items, 牵头单位:… lines)"
        )
    header, after = find_header(grid, path)
    header = with_roles_by_cells(header, grid.rows[after:])
    empty_reason = "empty line" if grid.source_format == "txt" else "empty row"
    rows = sort_rows(grid.rows[after:], header, empty_reason)
    # Rows above the header that are not titles: blank lines (a title or header row has text).
    titles = set(header.title_lines)
    rows.rejected[:0] = [
        (as_row(r), empty_reason) for r in grid.rows[:after] if r.first < header.line and r.first not in titles
    ]
    columns = header.task_columns()
    if "task_id" not in columns:
        label_items(rows.tasks, columns.get("requirement"))
    tasks = with_requirement(number_tasks(rows, columns.get("task_id")), header, rows)
    report_id, source_file = report_id_for(path), str(path)
    task_frame = _task_frame(report_id, source_file, header, tasks, rows)
    attributes = _attribute_frame(report_id, header, tasks)
    if normalised:
        task_frame, attributes = normalise_tasks(task_frame), normalise_attributes(attributes)
    # What says how far the work is: the completion text, else a progress-percent column.
    progress = header.task_columns().get("completion", header.column("progress_percent"))
    return Report(
        report_id=report_id,
        source_file=source_file,
        encoding=grid.encoding,
        content_hash=hashlib.sha256(data).hexdigest(),
        line_count=grid.size,
        header=header,
        group_heading_lines=sum(r.last_line - r.first_line + 1 for r in rows.headings),
        repeated_header_lines=sum(r.last_line - r.first_line + 1 for r in rows.repeated_headers),
        tasks=task_frame,
        rejected=_rejected_frame(report_id, source_file, grid.place, rows.rejected),
        attributes=attributes,
        leaders=_leader_frame(report_id, header, tasks),
        context=report_context(
            header.title,
            header.names[progress] if progress is not None else None,
            path.stem,
            progress is not None,
            page_title=grid.page_title,
            header_names=tuple(header.names),
        ),
        source_format=grid.source_format,
        source_place=grid.place,
        source_rows=grid.source_rows,
    )


NO_REQUIREMENT = "a task row with no requirement text (its task and target cells are empty)"


def with_requirement(tasks: list[TaskRow], header: Header, rows: SortedRows) -> list[TaskRow]:
    """The tasks that say what was promised. A row whose requirement and target cells are both empty is
    quarantined with the reason: nothing in it can be judged, and as a task it would stop every report at the
    staging gate."""
    said = [c for c in (header.task_columns().get("requirement"), header.column("target")) if c is not None]
    kept = []
    for task in tasks:
        if any(task.cells[c].strip() for c in said):
            kept.append(task)
        else:
            rows.rejected.append((task.row, NO_REQUIREMENT))
    return kept


def with_target(requirement: str | None, target: str | None) -> str | None:
    """The requirement with the target column's cell joined (rules: a bare value right after the words)."""
    target = (target or "").strip()
    if not target:
        return requirement
    words = (requirement or "").rstrip()
    if _BARE_VALUE.match(target):
        return words.rstrip("。;；,，") + target
    return f"{words};{target}" if words else target


def _task_frame(
    report_id: str, source_file: str, header: Header, tasks: list[TaskRow], rows: SortedRows
) -> pl.DataFrame:
    """raw_tasks' rows: the columns a task is built from (TASK_ROLES), a target column joined to the
    requirement, bare numbers given the unit-of-measure column's unit, the group."""
    at = header.task_columns()
    target_column = next(  # a milestone for part of the year (一季度目标) is an attribute only
        (
            i
            for i, (name, role) in enumerate(zip(header.names, header.roles, strict=True))
            if role == "target" and not any(w in name for w in PART_YEAR_HEADER_WORDS)
        ),
        None,
    )
    measure_column = header.column("measure_unit")
    group_column = header.column("group")  # a group column (分块) gives the group where no heading row does

    def cell(cells: list[str], role: str) -> str | None:
        return cells[at[role]] if role in at else None

    def measured(cells: list[str], column: int | None) -> str | None:
        """A bare number is a quantity in the unit-of-measure column's unit ("6.5" + "%"); a target's, else in
        the unit bracketed in the requirement (新增就业(人) + 5000) or its header (目标(万元)); a progress
        figure's, else in its target's unit (BARE_FIGURE_UNIT), part by part where sub-rows joined them."""
        if column is None:
            return None
        value = cells[column].strip()
        unit = cells[measure_column].strip() if measure_column is not None else ""
        if not unit and column == target_column:
            unit = bracketed_unit(cell(cells, "requirement") or "") or bracketed_unit(header.names[column]) or ""
        if not unit and column != target_column and target_column is not None:
            return _in_target_units(value, cells[target_column], cell(cells, "requirement") or "") or cells[column]
        return value + unit if unit and _BARE_NUMBER.match(value) else cells[column]

    def group(task: TaskRow) -> str | None:
        return task.group if task.group is not None or group_column is None else task.cells[group_column] or None

    n = len(tasks)
    return pl.DataFrame(
        {
            "report_id": [report_id] * n,
            "task_id": [t.task_id for t in tasks],
            "requirement": [with_target(cell(t.cells, "requirement"), measured(t.cells, target_column)) for t in tasks],
            "completion": [measured(t.cells, at.get("completion")) for t in tasks],
            "units_raw": [cell(t.cells, "units") for t in tasks],
            "lead_units_raw": [cell(t.cells, "lead_units") for t in tasks],
            "support_units_raw": [cell(t.cells, "support_units") for t in tasks],
            "source_file": [source_file] * n,
            "first_line": [t.row.first_line for t in tasks],
            "last_line": [t.row.last_line for t in tasks],
            "task_label": [t.label for t in tasks],
            "task_group": [group(t) for t in tasks],
            "task_subgroup": [t.subgroup for t in tasks],
            "continues_merged_cell": [t.row.first_line in rows.merged_rows for t in tasks],
            "sub_rows": [rows.sub_rows.get(t.row.first_line, 0) for t in tasks],
            "completion_statement": [None] * n,  # read when normalised
            "text_read_in_part": [None] * n,  # read when normalised
        },
        schema=RAW_TASKS.schema,
    )


def _in_target_units(value: str, target: str, requirement: str) -> str | None:
    """Bare progress figures ("1063;4", one per joined sub-row) in the units of their targets, part by part
    ("1100;4" beside "城镇新增就业1100人;“三公里”充分就业社区4个" -> "1063人;4个"), or None where a part is not
    a bare number, the parts do not match the targets' one by one, or a target's unit is not written."""
    separator = BARE_FIGURE_UNIT[0]
    parts, targets = value.split(separator), target.split(separator)
    if not value or len(parts) != len(targets) or not all(_BARE_NUMBER.match(p.strip()) for p in parts):
        return None
    requirements = requirement.split(separator)
    units = []
    for i, written in enumerate(targets):
        written = written.strip()
        own = requirements[i] if len(requirements) == len(targets) else requirement
        unit = unit_of(written) or (unit_after(written, own) if _BARE_NUMBER.match(written) else sole_unit(written))
        if unit is None:
            return None
        units.append(unit)
    return separator.join(f"{p.strip()}{u}" for p, u in zip(parts, units, strict=True))


def _attribute_frame(report_id: str, header: Header, tasks: list[TaskRow]) -> pl.DataFrame:
    """raw_task_attributes' rows: each filled cell of the columns a task row is not built from."""
    kept = set(header.task_columns().values())
    return pl.DataFrame(
        [
            (report_id, t.task_id, i + 1, header.names[i], header.roles[i], value)
            for t in tasks
            for i, value in enumerate(t.cells)
            if i not in kept and value.strip()
        ],
        schema=RAW_TASK_ATTRIBUTES.schema,
        orient="row",
    )


def _leader_frame(report_id: str, header: Header, tasks: list[TaskRow]) -> pl.DataFrame:
    """raw_task_leaders' rows: the leaders in charge from a leader column, then from the group heading."""
    leader_column = header.column("leader")

    def task_leaders(task: TaskRow) -> list[tuple[str, str | None, str]]:
        found = [
            (lead.name, lead.title, "leader_column")
            for lead in (leaders_in_cell(task.cells[leader_column]) if leader_column is not None else [])
        ]
        heading = task.group
        found += [
            (lead.name, lead.title, "group_heading")
            for lead in (leaders_in_heading(heading) if heading else [])
            if lead.name not in {name for name, *_ in found}
        ]
        return found

    return pl.DataFrame(
        [
            (report_id, t.task_id, position, name, title, source)
            for t in tasks
            for position, (name, title, source) in enumerate(task_leaders(t), start=1)
        ],
        schema=RAW_TASK_LEADERS.schema,
        orient="row",
    )


def _rejected_frame(report_id: str, source_file: str, place: str, rejected: list[tuple[Row, str]]) -> pl.DataFrame:
    """rejected_rows' rows, in the order of the source."""
    rejected = sorted(rejected, key=lambda rr: rr[0].first_line)
    return pl.DataFrame(
        {
            "report_id": [report_id] * len(rejected),
            "source_file": [source_file] * len(rejected),
            "source_line": [r.first_line for r, _ in rejected],
            "last_line": [r.last_line for r, _ in rejected],
            "raw_text": [r.text for r, _ in rejected],
            "reason": [reason for _, reason in rejected],
            "source_place": [place] * len(rejected),
        },
        schema=REJECTED_ROWS.schema,
    )


def read_or_quarantine(path: Path, normalised: bool = True) -> Report:
    """read_report, except that a file that cannot be read at all becomes a rejected report (no tasks, one
    rejected row giving the place and the reason): a format not read (.doc, .pdf, with how to convert it), an
    empty or undecodable file, no work-plan header, a corrupt workbook, or a reader failing on the file. The
    run names it, and the other reports land."""
    try:
        return read_report(path, normalised)
    except SourceFileError as err:
        return rejected_report(path, err.reason, err.line, err.place)
    except Exception as err:  # a reader's own failure on this file: this file alone is rejected
        return rejected_report(path, f"the reader failed on this file ({type(err).__name__}: {err})")


def rejected_place(line: int | None, place: str | None) -> str:
    """Where a file was refused: "line 3" (of the file), "sheet 任务, row 4" (of a table), "whole file"."""
    if place:
        return f"{place}, row {line}" if line is not None else place
    return f"line {line}" if line is not None else "whole file"


def rejected_report(path: Path, reason: str, line: int | None = None, place: str | None = None) -> Report:
    """A report with no tasks and one rejected row (the whole file, at the line the reason points at). It counts
    as one line (its rejected row), so that the line accounting holds; its encoding is not known."""
    report_id = report_id_for(path)
    content_hash = file_hash(path)  # as the refresh's planning hashes it, so the file is not read again each run
    at = line if line is not None else 1
    rejected = pl.DataFrame(
        {
            "report_id": [report_id],
            "source_file": [str(path)],
            "source_line": [at],
            "last_line": [at],
            "raw_text": [path.name],
            "reason": [reason],
            "source_place": [place or ""],
        },
        schema=REJECTED_ROWS.schema,
    )
    return Report(
        report_id=report_id,
        source_file=str(path),
        encoding=None,
        content_hash=content_hash,
        line_count=1,
        header=Header(1, [], [], 0),
        group_heading_lines=0,
        repeated_header_lines=0,
        tasks=RAW_TASKS.empty(),
        rejected=rejected,
        attributes=RAW_TASK_ATTRIBUTES.empty(),
        leaders=RAW_TASK_LEADERS.empty(),
        context=ReportContext(None, None, None, None, None, None, "file not read"),
        source_format=format_name(path),
        source_place=place or "",
        rejected_reason=reason,
        rejected_place=rejected_place(line, place),
    )


def format_name(path: Path) -> str:
    """The format as dim_reports names it without reading the file: the format's name where it is one of its
    suffixes (.htm: html, .psv: txt), else the suffix (a workbook: xlsx or xls, as its reader says)."""
    found, suffix = format_of(path), path.suffix.lower().lstrip(".")
    return found.name if found is not None and f".{found.name}" in found.suffixes else suffix
