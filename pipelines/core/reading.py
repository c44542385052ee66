"""Read one raw report file into task rows and rejected rows.

A file becomes a grid of cells (`grids.py`: pipe text, HTML, Excel, Word, CSV); this module reads the
grid's layout: title rows, the header and each column's role, then one row per task. Every row of the
grid (a line of a text file, a row of a table) ends up a title, a header, a group heading, part of a
task, or a rejected row.

Whole-file problems (undecodable bytes, empty file, no work-plan header) raise
:class:`SourceFileError` naming the file, the place and the reason; row problems are
collected as rejects so that the good rows still land.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import cn2an
import polars as pl

from pipelines.core.grids import (  # noqa: F401 - decode, split_* and SourceFileError are part of this module's API
    FULLWIDTH,
    ID_FORMS,
    READERS,
    UNREAD_FORMATS,
    Grid,
    GridRow,
    SourceFileError,
    UnreadFormat,
    decode,
    read_grid,
    split_cells,
    split_lines,
)
from pipelines.core.leaders import leaders_in_cell, leaders_in_heading
from pipelines.core.report_context import ReportContext, report_context
from pipelines.core.rules import (
    BARE_VALUE_START,
    BASE_UNITS,
    FULLWIDTH_TO_ASCII,
    GROUP_HEADING_FORMS,
    HEADER_ROLES,
    LEAD_MARKS,
    MAX_READ_CHARS,
    MAX_TITLE_LINES,
    MERGEABLE_ROLES,
    MULTIPLIERS,
    PART_YEAR_HEADER_WORDS,
    RATE_DENOMINATORS,
    ROLES_BY_CELLS,
    SHARED_NAME_SEPARATOR,
    STATED_COMPLETE_PHRASES,
    TASK_ROLES,
    THOUSANDS_SPACE,
    UNIT_SEPARATORS,
)
from pipelines.core.tables import RAW_TASK_ATTRIBUTES, RAW_TASK_LEADERS, RAW_TASKS, REJECTED_ROWS
from pipelines.core.units import unit_suffix

_HEADING_FORMS = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
_BARE_VALUE = re.compile(BARE_VALUE_START)
_BARE_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_MEASURE_UNIT = re.compile(
    f"^(?:{'|'.join(map(re.escape, sorted(MULTIPLIERS, key=len, reverse=True)))})?"
    f"(?:{'|'.join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True)))})?"
    f"(?:/(?:{'|'.join(map(re.escape, RATE_DENOMINATORS))}))?$"
)
_UNIT_BREAK = re.compile("[\\s" + re.escape("".join((*UNIT_SEPARATORS, SHARED_NAME_SEPARATOR))) + "]+")


@dataclass(frozen=True)
class Header:
    """The header row: each column's name (whitespace removed) and role (None: not known), the lines
    or rows it spans, and the title above it (title rows such as `2021年市政府重点工作完成情况表`, else
    the page's or document's title), if any."""

    line: int
    names: list[str]
    roles: list[str | None]
    last_line: int = 0
    title: str | None = None
    title_lines: tuple[int, ...] = ()

    @property
    def lines(self) -> int:
        return max(self.last_line, self.line) - self.line + 1 if self.names else 0

    def column(self, role: str) -> int | None:
        """The first column with this role."""
        return self.roles.index(role) if role in self.roles else None

    def task_columns(self) -> dict[str, int]:
        """Role -> column, for the roles a task row is built from."""
        found = {role: self.column(role) for role in TASK_ROLES}
        return {role: i for role, i in found.items() if i is not None}


@dataclass(frozen=True)
class Report:
    report_id: str
    source_file: str
    encoding: str
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

    @property
    def header_line(self) -> int:
        return self.header.line

    def summary(self) -> dict:
        """The report's row of raw_reports."""
        return {
            "report_id": self.report_id, "source_file": self.source_file, "encoding": self.encoding,
            "line_count": self.line_count, "header_line": self.header.line, "task_rows": self.tasks.height,
            "rejected_rows": self.rejected.height, "group_heading_lines": self.group_heading_lines,
            "header_lines": self.header.lines + self.repeated_header_lines, "title": self.header.title,
            "title_lines": len(self.header.title_lines),
            "column_roles": " | ".join(f"{n}: {r or '-'}" for n, r in zip(self.header.names, self.header.roles)),
            **{k: v for k, v in self.context.__dict__.items()},
            "source_format": self.source_format, "source_place": self.source_place,
        }


@dataclass
class _Row:
    """A grid row on its way to a task: where it stands, its cells, the text as written."""

    first_line: int
    last_line: int
    cells: list[str]
    text: str
    merged: frozenset[int] = field(default_factory=frozenset)


def report_id_for(path: Path) -> str:
    return path.stem


def header_role(text: str) -> str | None:
    """The role of a column named `text`: the first rule of HEADER_ROLES whose words it contains."""
    name = "".join(text.translate(FULLWIDTH).split())
    return next((role for role, words, _ in HEADER_ROLES if any(w in name for w in words)), None)


def _names(cells: list[str]) -> list[str]:
    return ["".join(c.translate(FULLWIDTH).split()) for c in cells]


def _second_header_row(row: GridRow | None, names: list[str], roles: list[str | None]) -> list[str] | None:
    """The header's names with a second header row below them ("责任单位 |  |" over "牵头单位 | 配合单位"), or
    None when the row after the header is not one: its id cell is empty and each filled cell reads as a
    header (a role, no digits). A top cell left empty belongs to the merged cell on its left."""
    if row is None:
        return None
    cells = _names(row.cells)
    id_column = roles.index("task_id") if "task_id" in roles else None
    if len(cells) != len(names) or not any(cells) or (id_column is not None and cells[id_column]):
        return None
    if any(c and (header_role(c) is None or re.search(r"\d", c)) for c in cells):
        return None
    combined, left = [], ""
    for top, bottom in zip(names, cells):
        top = top or (left if bottom else "")
        combined.append(top + bottom)
        left = top
    return combined


def find_header(grid: Grid, path: Path | str) -> tuple[Header, int]:
    """The header and the index of the grid's first row after it: the first row whose columns read as a
    work plan (one reads as the requirement), after at most MAX_TITLE_LINES title rows (at most one
    filled cell); a second header row below it is read with it."""
    titles: list[GridRow] = []
    for index, row in enumerate(grid.rows):
        if not any(c.strip() for c in row.cells):
            continue
        if sum(bool(c.strip()) for c in row.cells) <= 1 and len(titles) < MAX_TITLE_LINES:
            titles.append(row)
            continue
        names = _names(row.cells)
        roles = [header_role(n) for n in names]
        if "requirement" not in roles:
            raise SourceFileError(
                path,
                f"not a known work-plan table header: {row.text.strip()!r} (no column reads as what is promised: "
                f"a header with {', '.join(next(w for r, w, _ in HEADER_ROLES if r == 'requirement'))}; "
                "e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
                row.first, grid.place or None,
            )
        last, after = row.last, index + 1
        below = grid.rows[after] if after < len(grid.rows) else None
        if (parts := _second_header_row(below, names, roles)) is not None:
            names, roles, last, after = parts, [header_role(n) for n in parts], below.last, after + 1
        title = " ".join(c.strip() for t in titles for c in t.cells if c.strip()) or grid.page_title
        return Header(row.first, names, roles, last, title, tuple(t.first for t in titles)), after
    raise SourceFileError(path, "file is empty" if not titles else "no header row after the title",
                          place=grid.place or None)


def reads_as_work_plan(grid: Grid) -> bool:
    """Whether a table's header reads as a work plan (for choosing among a page's or workbook's tables)."""
    try:
        find_header(grid, "")
    except SourceFileError:
        return False
    return True


def may_be_merged(header_cells: list[str]) -> bool:
    """Whether a column of this header may have been merged over rows (MERGEABLE_ROLES)."""
    return any(header_role(c) in MERGEABLE_ROLES for c in header_cells)


def sub_row_column(cells: list[str], header: Header) -> int | None:
    """A row without a task id holding text in its first cell only (`新增学位810个 | |||||`) continues
    the task above: the published table merged the other cells over both rows. Its text belongs to the
    first column after the id that is never merged (the requirement). None for any other row."""
    id_column = header.column("task_id")
    if id_column is None or not cells[0].strip() or any(c.strip() for c in cells[1:]):
        return None
    if task_number(cells[0]) is not None or group_heading(cells) is not None:
        return None
    return next((i for i, role in enumerate(header.roles)
                 if i > id_column and role not in MERGEABLE_ROLES and role != "task_id"), None)


def task_number(written: str) -> int | None:
    """The number a task id holds as written (`1`, `1.`, `1、`, `(1)`, `（一）`), or None."""
    text = written.translate(FULLWIDTH).strip()
    for form in ID_FORMS:
        if match := form.match(text):
            number = match.group(1)
            return int(number) if number.isascii() else int(cn2an.cn2an(number, "smart"))
    return None


def group_heading(cells: list[str]) -> str | None:
    """The title of a row that heads a group of tasks (`一、…` with the rest of the row empty), or None."""
    if any(c.strip() for c in cells[1:]):
        return None
    first = cells[0].translate(FULLWIDTH).strip()
    return first if any(form.match(first) for form in _HEADING_FORMS) else None


def _reads_as_units(text: str) -> bool:
    """A cell that holds only unit names (市经信局, 发改局、财政局): not a requirement or progress text."""
    names = [n for n in _UNIT_BREAK.split(text.strip()) if n]
    return bool(names) and all(unit_suffix(n.lstrip(LEAD_MARKS)) for n in names)


def _is_the_header(cells: list[str], header: Header) -> bool:
    """The header row again (a table copied across pages). The first cell is compared first: it is cheap."""
    same = len(cells) == len(header.names) and "".join(cells[0].translate(FULLWIDTH).split()) == header.names[0]
    return same and _names(cells) == header.names


def with_target(requirement: str | None, target: str | None) -> str | None:
    """The requirement with the target column's cell joined (rules: a bare value right after the words)."""
    target = (target or "").strip()
    if not target:
        return requirement
    words = (requirement or "").rstrip()
    if _BARE_VALUE.match(target):
        return words.rstrip("。;；,，") + target
    return f"{words};{target}" if words else target


def _with_roles_by_cells(header: Header, rows: list[GridRow]) -> Header:
    """Columns re-read by their cells (ROLES_BY_CELLS): a header's words say one role, every filled cell another."""
    roles = [*header.roles]
    for by_header, header_pattern, cell_pattern, by_cells, _ in ROLES_BY_CELLS:
        column = header.column(by_header)
        if column is None or not re.search(header_pattern, re.sub(r"\s", "", header.names[column])):
            continue
        pattern = _MEASURE_UNIT if cell_pattern == "measure unit" else re.compile(cell_pattern)
        values = {r.cells[column].translate(FULLWIDTH).strip() for r in rows
                  if len(r.cells) == len(header.names) and r.cells[column].strip()}
        if values and all(pattern.match(v) for v in values):
            roles[column] = by_cells
    if roles == header.roles:
        return header
    return Header(header.line, header.names, roles, header.last_line, header.title, header.title_lines)


def merged_column(cells: list[str], header: Header) -> int | None:
    """For a row one cell short: the merged column it leaves out, when exactly one mergeable column
    (MERGEABLE_ROLES) fits: without it the id cell reads as a task number and no text column would hold
    only unit names. None when none or several fit: the row is then quarantined, not guessed."""
    if len(cells) != len(header.names) - 1:
        return None
    texts = [header.column(role) for role in ("requirement", "completion")]
    id_column = header.column("task_id")
    fits = []
    for role in MERGEABLE_ROLES:
        column = header.column(role)
        if column is None or column in fits:
            continue
        full = [*cells[:column], "", *cells[column:]]
        if id_column is not None and task_number(full[id_column]) is None:
            continue
        if any(i is not None and _reads_as_units(full[i]) for i in texts):
            continue
        fits.append(column)
    return fits[0] if len(fits) == 1 else None


def read_report(path: Path, normalised: bool = True) -> Report:
    """The report's tasks, rejected rows and the other columns' cells. `normalised=False` leaves the
    cells as written, for a caller that normalises many reports at once (one polars pass)."""
    data = path.read_bytes()
    if not data.strip() and path.suffix.lower() not in UNREAD_FORMATS:
        raise SourceFileError(path, "file is empty")
    grid = read_grid(path, data, reads_as_work_plan, may_be_merged)
    header, after = find_header(grid, path)
    header = _with_roles_by_cells(header, grid.rows[after:])
    n_columns = len(header.names)
    at = header.task_columns()
    report_id, source_file = report_id_for(path), str(path)
    titles = set(header.title_lines)
    empty_reason = "empty line" if grid.source_format == "txt" else "empty row"

    def as_row(r: GridRow) -> _Row:
        return _Row(r.first, r.last, list(r.cells), r.text, r.merged)

    # Rows above the header that are not titles: blank lines (a title or header row has text).
    rejected: list[tuple[_Row, str]] = [
        (as_row(r), empty_reason) for r in grid.rows[:after] if r.first < header.line and r.first not in titles]
    headings: list[_Row] = []
    repeated_headers: list[_Row] = []
    parsed: list[tuple[_Row, list[str], str | None]] = []
    group: str | None = None
    merged_rows: set[int] = set()  # first lines of rows that continue a merged cell
    sub_rows: dict[int, int] = {}  # first line of a task -> rows below it that continue it
    above: list[str] | None = None  # the last full row read: where merged cells hold their value
    id_column = header.column("task_id")
    for grid_row in grid.rows[after:]:
        row = as_row(grid_row)
        cells = row.cells
        if all(not c.strip() for c in cells):
            rejected.append((row, empty_reason if cells == [""] else "empty row"))
        elif _is_the_header(cells, header):
            repeated_headers.append(row)  # the header again (a table copied across pages)
        elif (title := group_heading(cells)) is not None:
            headings.append(row)
            group = title
        elif (parsed and parsed[-1][0].last_line == row.first_line - 1
              and ((id_column is not None and id_column in row.merged and len(cells) == n_columns)
                   or (column := sub_row_column(cells, header)) is not None)):
            # The row continues the task above: its id cell was merged over both rows (a grid says so)
            # or copied into the first cell alone (pipe text). Its own cells' text joins the task's.
            task_row, task_cells, _ = parsed[-1]
            if id_column is not None and id_column in row.merged:
                own = [(i, c) for i, c in enumerate(cells) if i not in row.merged and c.strip()]
            else:
                own = [(column, cells[0])]
            for i, text in own:
                # A clause break, not a line break: normalising drops line breaks, and the sub-row is an item.
                task_cells[i] = f"{task_cells[i]};{text}" if task_cells[i].strip() else text
            task_row.last_line = row.last_line
            task_row.text = f"{task_row.text}\n{row.text}"
            sub_rows[task_row.first_line] = sub_rows.get(task_row.first_line, 0) + 1
        elif (column := merged_column(cells, header)) is not None:
            cells = [*cells[:column], above[column] if above else "", *cells[column:]]
            merged_rows.add(row.first_line)
            parsed.append((row, cells, group))
            above = cells
        elif len(cells) != n_columns:
            rejected.append((row, f"expected {n_columns} cells, found {len(cells)}"))
        else:
            if row.merged:
                merged_rows.add(row.first_line)  # a grid resolved a cell merged from the row above
            parsed.append((row, cells, group))
            above = cells

    # (group, number) -> its rows: numbering may restart in each group.
    numbered: dict[tuple[str | None, int], list[tuple[_Row, list[str], str, str | None]]] = {}
    for order, (row, cells, grp) in enumerate(parsed, start=1):
        label = cells[at["task_id"]].strip() if "task_id" in at else str(order)  # no id column: the order
        number = task_number(label)
        if number is None and label.translate(FULLWIDTH).strip().isdigit():
            rejected.append((row, f"task id has {len(label.strip())} digits, more than a task number has (6): {label[:40]!r}"))
        elif number is None:
            rejected.append((row, f"task id is not a number: {label[:40]!r}"))
        elif number <= 0:
            rejected.append((row, f"task id must be positive: {label}"))
        else:
            numbered.setdefault((grp, number), []).append((row, cells, label, grp))
    good: list[tuple[_Row, list[str], str, str | None, int]] = []
    for (_, number), same in numbered.items():
        first_row, first_cells, *_ = same[0]
        if len(same) == 1 or all(cells == first_cells for _, cells, *_ in same):
            # One row, or the same row repeated: keep the first copy, quarantine the repeats.
            good.append((*same[0], number))
            for row, *_ in same[1:]:
                rejected.append((row, f"duplicate of task {number} on line {first_row.first_line} (same content)"))
        else:
            # Same id, different content: neither can be trusted over the other.
            lines_text = ", ".join(str(r.first_line) for r, *_ in same)
            for row, *_ in same:
                rejected.append((row, f"task id {number} appears on lines {lines_text} with different content"))
    good.sort(key=lambda g: g[0].first_line)
    # A stable integer id: the written number where it is unique in the report, else the order.
    numbers = [number for *_, number in good]
    restarts = len(set(numbers)) != len(numbers)
    good = [(row, cells, label, grp, order if restarts else number)
            for order, (row, cells, label, grp, number) in enumerate(good, start=1)]

    def cell(cells: list[str], role: str) -> str | None:
        return cells[at[role]] if role in at else None

    target_column = header.column("target")
    if target_column is not None and any(w in header.names[target_column] for w in PART_YEAR_HEADER_WORDS):
        target_column = None  # a milestone for part of the year: an attribute only

    measure_column = header.column("measure_unit")

    def measured(cells: list[str], column: int | None) -> str | None:
        """A bare number in a table with a unit-of-measure column is a quantity in that unit ("6.5" + "%")."""
        if column is None:
            return None
        value = cells[column].strip()
        unit = cells[measure_column].strip() if measure_column is not None else ""
        return value + unit if unit and _BARE_NUMBER.match(value) else cells[column]

    def requirement(cells: list[str]) -> str | None:
        return with_target(cell(cells, "requirement"), measured(cells, target_column))

    group_column = header.column("group")  # a group column (分块) gives the group where no heading row does

    def task_group(cells: list[str], heading: str | None) -> str | None:
        return heading if heading is not None or group_column is None else cells[group_column] or None

    tasks = pl.DataFrame(
        {
            "report_id": [report_id] * len(good),
            "task_id": [task_id for *_, task_id in good],
            "requirement": [requirement(c) for _, c, *_ in good],
            "completion": [measured(c, at.get("completion")) for _, c, *_ in good],
            "units_raw": [cell(c, "units") for _, c, *_ in good],
            "lead_units_raw": [cell(c, "lead_units") for _, c, *_ in good],
            "support_units_raw": [cell(c, "support_units") for _, c, *_ in good],
            "source_file": [source_file] * len(good),
            "first_line": [r.first_line for r, *_ in good],
            "last_line": [r.last_line for r, *_ in good],
            "task_label": [label for _, _, label, _, _ in good],
            "task_group": [task_group(c, heading) for _, c, _, heading, _ in good],
            "continues_merged_cell": [r.first_line in merged_rows for r, *_ in good],
            "sub_rows": [sub_rows.get(r.first_line, 0) for r, *_ in good],
            "completion_statement": [None] * len(good),  # read when normalised
            "text_read_in_part": [None] * len(good),  # read when normalised
        },
        schema=RAW_TASKS.schema,
    )
    kept = set(at.values())
    attributes = pl.DataFrame(
        [(report_id, task_id, i + 1, header.names[i], header.roles[i], value)
         for _, cells, _, _, task_id in good for i, value in enumerate(cells) if i not in kept and value.strip()],
        schema=RAW_TASK_ATTRIBUTES.schema, orient="row",
    )
    leader_column = header.column("leader")

    def task_leaders(cells: list[str], heading: str | None) -> list[tuple[str, str | None, str]]:
        found = [(lead.name, lead.title, "leader_column")
                 for lead in (leaders_in_cell(cells[leader_column]) if leader_column is not None else [])]
        found += [(lead.name, lead.title, "group_heading") for lead in (leaders_in_heading(heading) if heading else [])
                  if lead.name not in {name for name, *_ in found}]
        return found

    leaders = pl.DataFrame(
        [(report_id, task_id, position, name, title, source)
         for _, cells, _, heading, task_id in good
         for position, (name, title, source) in enumerate(task_leaders(cells, heading), start=1)],
        schema=RAW_TASK_LEADERS.schema, orient="row",
    )
    if normalised:
        tasks, attributes = normalise_tasks(tasks), normalise_attributes(attributes)
    rejected.sort(key=lambda rr: rr[0].first_line)
    rejects = pl.DataFrame(
        {
            "report_id": [report_id] * len(rejected),
            "source_file": [source_file] * len(rejected),
            "source_line": [r.first_line for r, _ in rejected],
            "last_line": [r.last_line for r, _ in rejected],
            "raw_text": [r.text for r, _ in rejected],
            "reason": [reason for _, reason in rejected],
            "source_place": [grid.place] * len(rejected),
        },
        schema=REJECTED_ROWS.schema,
    )
    # What says how far the work is: the completion text, else a progress-percent column.
    progress = at["completion"] if "completion" in at else header.column("progress_percent")
    return Report(
        report_id=report_id,
        source_file=source_file,
        encoding=grid.encoding,
        content_hash=hashlib.sha256(data).hexdigest(),
        line_count=grid.size,
        header=header,
        group_heading_lines=sum(r.last_line - r.first_line + 1 for r in headings),
        repeated_header_lines=sum(r.last_line - r.first_line + 1 for r in repeated_headers),
        tasks=tasks,
        rejected=rejects,
        attributes=attributes,
        leaders=leaders,
        context=report_context(header.title, header.names[progress] if progress is not None else None,
                               path.stem, progress is not None),
        source_format=grid.source_format,
        source_place=grid.place,
    )


# --- text normalisation (polars expressions) ----------------------------------------

_NOT_WORD = r"[^A-Za-z0-9]"


def _fullwidth_to_ascii(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(FULLWIDTH_TO_ASCII), list(FULLWIDTH_TO_ASCII.values()))


_THOUSANDS_SPACE = re.compile(THOUSANDS_SPACE[0])


def _join_thousands(expr: pl.Expr) -> pl.Expr:
    """Spaces grouping a number's thousands removed (THOUSANDS_SPACE), only in the cells that have one."""
    def join(text: str) -> str:
        return _THOUSANDS_SPACE.sub(lambda m: m[1] + re.sub(r"\D", "", m[2]), text)

    spaced = expr.str.contains(r"\d[ \x{a0}\x{202f}\x{2009}]\d{3}")
    return pl.when(spaced).then(expr.map_elements(join, return_dtype=pl.String)).otherwise(expr)


def normalise_text(expr: pl.Expr) -> pl.Expr:
    """Requirement/completion text: full-width ASCII to ASCII; whitespace (line breaks inside a
    cell, stray spaces) removed, since Chinese does not space its words, except one space between
    two ASCII words or numbers ("增长 7 %" -> "增长7%", "PPP 项目" -> "PPP项目", "Wi Fi" stays)."""
    expr = _join_thousands(_fullwidth_to_ascii(expr)).str.replace_all(r"\s+", " ")
    expr = expr.str.replace_all(f"({_NOT_WORD}) ", "$1").str.replace_all(f" ({_NOT_WORD})", "$1")
    return expr.str.strip_chars()


_STATEMENT_CLAUSE = (
    r"([^,;:!?。]*(?:" + "|".join(p for p, scope, _ in STATED_COMPLETE_PHRASES if scope == "task") + r")[^,;:!?。]*)"
)


def completion_statement(completion: pl.Expr) -> pl.Expr:
    """The clause of a (normalised) completion text stating the target reached without a number, or null."""
    clause = completion.str.extract(_STATEMENT_CLAUSE, 1)
    return pl.when(clause.str.contains(r"\d")).then(None).otherwise(clause)


def normalise_tasks(tasks: pl.DataFrame) -> pl.DataFrame:
    """Cells as written -> cells as staged; then what is read from the staged texts."""
    staged = tasks.with_columns(
        normalise_text(pl.col("requirement")),
        normalise_text(pl.col("completion")),
        normalise_units_cell(pl.col("units_raw")),
        normalise_units_cell(pl.col("lead_units_raw")),
        normalise_units_cell(pl.col("support_units_raw")),
    )
    return staged.with_columns(
        completion_statement(pl.col("completion")).alias("completion_statement"),
        pl.max_horizontal(pl.col(c).str.len_chars().fill_null(0) for c in ("requirement", "completion"))
        .gt(MAX_READ_CHARS).alias("text_read_in_part"),
    )


def normalise_attributes(attributes: pl.DataFrame) -> pl.DataFrame:
    """Other columns' cells as staged: as a units cell is (full-width ASCII, whitespace collapsed)."""
    return attributes.with_columns(normalise_units_cell(pl.col("value")))


def normalise_units_cell(expr: pl.Expr) -> pl.Expr:
    """Units cell: full-width ASCII to ASCII; any whitespace run (line breaks too) to one space,
    since spaces separate unit names here. Stray spaces inside a name are mended by ``units``."""
    return _fullwidth_to_ascii(expr).str.replace_all(r"\s+", " ").str.strip_chars()


def read_or_quarantine(path: Path, normalised: bool = True) -> Report:
    """read_report, except that a file in a format not read (.doc, .pdf) becomes a report of one rejected
    row saying so and how to convert it: the run says it, and the other reports land."""
    try:
        return read_report(path, normalised)
    except UnreadFormat as err:
        return unread_report(path, err.reason)


def unread_report(path: Path, reason: str) -> Report:
    """A report with no tasks and one rejected row (the whole file) giving the reason."""
    report_id, data = report_id_for(path), path.read_bytes()
    rejected = pl.DataFrame(
        {"report_id": [report_id], "source_file": [str(path)], "source_line": [1], "last_line": [1],
         "raw_text": [path.name], "reason": [reason], "source_place": [""]},
        schema=REJECTED_ROWS.schema,
    )
    return Report(
        report_id=report_id, source_file=str(path), encoding="binary", content_hash=hashlib.sha256(data).hexdigest(),
        line_count=1, header=Header(1, [], [], 0), group_heading_lines=0, repeated_header_lines=0,
        tasks=RAW_TASKS.empty(), rejected=rejected, attributes=RAW_TASK_ATTRIBUTES.empty(),
        leaders=RAW_TASK_LEADERS.empty(),
        context=ReportContext(None, None, None, None, None, None, "file not read"),
        source_format=path.suffix.lower().lstrip("."),
    )


def is_report_file(path: Path) -> bool:
    """A file the raw folder holds as a report: a format read (READERS) or one said not to be (.doc, .pdf:
    each gets its reason in the quarantine). Hidden files and other suffixes (a README, .gitkeep) are not."""
    return (path.is_file() and not path.name.startswith(".")
            and (path.suffix.lower() in READERS or path.suffix.lower() in UNREAD_FORMATS))


def skipped_files(raw_dir: Path) -> list[str]:
    """Files in the raw folder that are not reports (named in the run's summary, never fatal)."""
    if not raw_dir.is_dir():
        return []
    return sorted(_shown_name(p) for p in raw_dir.iterdir() if p.is_file() and not is_report_file(p))


def _utf8_name(path: Path) -> bool:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name, held as surrogates
        return False
    return True


def _shown_name(path: Path) -> str:
    """The file's name as a person can read it: a name that is not UTF-8 read as GB18030, the encoding such
    names come in from Windows."""
    return path.name if _utf8_name(path) else os.fsencode(path.name).decode("gb18030", errors="replace")


def report_files(raw_dir: Path) -> list[Path]:
    """The report files in the raw folder, in name order (hidden files and other suffixes skipped)."""
    if not raw_dir.is_dir():
        raise SourceFileError(raw_dir, "raw folder does not exist")
    files = sorted(p for p in raw_dir.iterdir() if is_report_file(p))
    seen: dict[str, Path] = {}
    for path in files:
        if not _utf8_name(path):
            raise SourceFileError(raw_dir / _shown_name(path), "the file name is not UTF-8 (shown here as GB18030): "
                                  "rename the file (e.g. `convmv -f gbk -t utf-8 --notest`) and run again")
        if report_id_for(path) in seen:
            raise SourceFileError(path, f"same report id as {seen[report_id_for(path)].name}: rename one of them")
        seen[report_id_for(path)] = path
    return files
