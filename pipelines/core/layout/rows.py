"""A table's rows after its header -> task rows: group headings, repeated headers, rows continuing the task
above (sub-rows, merged id cells), rows one merged cell short, and the rest rejected with a reason; then
each task row's number, one row per number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cn2an

from pipelines.core.layout.header import Header, names_of
from pipelines.core.rules import (
    GROUP_HEADING_FORMS,
    LEAD_MARKS,
    MERGEABLE_ROLES,
    SHARED_NAME_SEPARATOR,
    UNIT_SEPARATORS,
)
from pipelines.core.sources.grid import FULLWIDTH, ID_FORMS, GridRow
from pipelines.core.units.names import unit_suffix

_HEADING_FORMS = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
_UNIT_BREAK = re.compile("[\\s" + re.escape("".join((*UNIT_SEPARATORS, SHARED_NAME_SEPARATOR))) + "]+")


@dataclass
class Row:
    """A grid row on its way to a task: where it stands, its cells, the text as written."""

    first_line: int
    last_line: int
    cells: list[str]
    text: str
    merged: frozenset[int] = field(default_factory=frozenset)


def sub_row_column(cells: list[str], header: Header) -> int | None:
    """A row without a task id holding text in its first cell only (`新增学位810个 | |||||`) continues
    the task above: the published table merged the other cells over both rows. Its text belongs to the
    first column after the id that is never merged (the requirement). None for any other row."""
    id_column = header.column("task_id")
    if id_column is None or not cells[0].strip() or any(c.strip() for c in cells[1:]):
        return None
    if task_number(cells[0]) is not None or group_heading(cells) is not None:
        return None
    return next(
        (
            i
            for i, role in enumerate(header.roles)
            if i > id_column and role not in MERGEABLE_ROLES and role != "task_id"
        ),
        None,
    )


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
    return same and names_of(cells) == header.names


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


@dataclass
class TaskRow:
    """A row read as a task: its cells (merged and sub-row cells filled in), its group heading, the id as
    written and the task's integer id."""

    row: Row
    cells: list[str]
    group: str | None
    label: str = ""
    task_id: int = 0


@dataclass
class SortedRows:
    """Every grid row after the header, sorted: task rows, rejected rows (with the reason), group headings,
    headers repeated, and which task rows continue a merged cell or took sub-rows."""

    tasks: list[TaskRow] = field(default_factory=list)
    rejected: list[tuple[Row, str]] = field(default_factory=list)
    headings: list[Row] = field(default_factory=list)
    repeated_headers: list[Row] = field(default_factory=list)
    merged_rows: set[int] = field(default_factory=set)  # first lines of rows that continue a merged cell
    sub_rows: dict[int, int] = field(default_factory=dict)  # first line of a task -> rows below it that continue it


def as_row(r: GridRow) -> Row:
    return Row(r.first, r.last, list(r.cells), r.text, r.merged)


def sort_rows(rows: list[GridRow], header: Header, empty_reason: str) -> SortedRows:
    """Each row after the header: blank, the header again, a group heading, a row continuing the task above,
    a task row (one merged cell short, or whole), or a row of the wrong width (rejected)."""
    out = SortedRows()
    n_columns = len(header.names)
    id_column = header.column("task_id")
    group: str | None = None
    above: list[str] | None = None  # the last full row read: where merged cells hold their value
    for grid_row in rows:
        row = as_row(grid_row)
        cells = row.cells
        if all(not c.strip() for c in cells):
            out.rejected.append((row, empty_reason if cells == [""] else "empty row"))
        elif _is_the_header(cells, header):
            out.repeated_headers.append(row)  # the header again (a table copied across pages)
        elif (title := group_heading(cells)) is not None:
            out.headings.append(row)
            group = title
        elif (
            out.tasks
            and out.tasks[-1].row.last_line == row.first_line - 1
            and (
                (id_column is not None and id_column in row.merged and len(cells) == n_columns)
                or (column := sub_row_column(cells, header)) is not None
            )
        ):
            if id_column is not None and id_column in row.merged:
                own = [(i, c) for i, c in enumerate(cells) if i not in row.merged and c.strip()]
            else:
                own = [(column, cells[0])]
            _continue_task(out, out.tasks[-1], row, own)
        elif (column := merged_column(cells, header)) is not None:
            cells = [*cells[:column], above[column] if above else "", *cells[column:]]
            out.merged_rows.add(row.first_line)
            out.tasks.append(TaskRow(row, cells, group))
            above = cells
        elif len(cells) != n_columns:
            out.rejected.append((row, f"expected {n_columns} cells, found {len(cells)}"))
        else:
            if row.merged:
                out.merged_rows.add(row.first_line)  # a grid resolved a cell merged from the row above
            out.tasks.append(TaskRow(row, cells, group))
            above = cells
    return out


def _continue_task(out: SortedRows, task: TaskRow, row: Row, own: list[tuple[int, str]]) -> None:
    """The row continues the task above: its id cell was merged over both rows (a grid says so) or copied
    into the first cell alone (pipe text). Its own cells' text joins the task's."""
    for i, text in own:
        # A clause break, not a line break: normalising drops line breaks, and the sub-row is an item.
        task.cells[i] = f"{task.cells[i]};{text}" if task.cells[i].strip() else text
    task.row.last_line = row.last_line
    task.row.text = f"{task.row.text}\n{row.text}"
    out.sub_rows[task.row.first_line] = out.sub_rows.get(task.row.first_line, 0) + 1


def number_tasks(sorted_rows: SortedRows, id_column: int | None) -> list[TaskRow]:
    """The task rows with their ids: a row whose id is not a task number is rejected; of rows with one
    number in one group, a repeat of the same content is rejected as a duplicate, and different contents
    are all rejected (neither can be trusted over the other). The integer id is the written number where it
    is unique in the report, else the order."""
    # (group, number) -> its rows: numbering may restart in each group.
    numbered: dict[tuple[str | None, int], list[TaskRow]] = {}
    for order, task in enumerate(sorted_rows.tasks, start=1):
        task.label = task.cells[id_column].strip() if id_column is not None else str(order)  # no id: the order
        if (reason := _not_a_task_number(task.label)) is not None:
            sorted_rows.rejected.append((task.row, reason))
        else:
            numbered.setdefault((task.group, task_number(task.label)), []).append(task)
    good: list[TaskRow] = []
    for (_, number), same in numbered.items():
        first = same[0]
        if len(same) == 1 or all(t.cells == first.cells for t in same):
            # One row, or the same row repeated: keep the first copy, quarantine the repeats.
            first.task_id = number
            good.append(first)
            sorted_rows.rejected += [
                (t.row, f"duplicate of task {number} on line {first.row.first_line} (same content)") for t in same[1:]
            ]
        else:
            lines_text = ", ".join(str(t.row.first_line) for t in same)
            sorted_rows.rejected += [
                (t.row, f"task id {number} appears on lines {lines_text} with different content") for t in same
            ]
    good.sort(key=lambda t: t.row.first_line)
    numbers = [t.task_id for t in good]
    if len(set(numbers)) != len(numbers):  # numbering restarts: the order
        for order, task in enumerate(good, start=1):
            task.task_id = order
    return good


def _not_a_task_number(label: str) -> str | None:
    """Why an id cell is not a task number, or None when it is one."""
    number = task_number(label)
    if number is None and label.translate(FULLWIDTH).strip().isdigit():
        return f"task id has {len(label.strip())} digits, more than a task number has (6): {label[:40]!r}"
    if number is None:
        return f"task id is not a number: {label[:40]!r}"
    if number <= 0:
        return f"task id must be positive: {label}"
    return None
