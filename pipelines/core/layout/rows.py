"""A table's rows after its header -> task rows: group headings (nested: group and subgroup), repeated
headers, rows continuing the task above (sub-rows, merged id cells), short rows placed by content (merged
cells taken from the row above, empty trailing cells; ambiguous ones rejected), rows whose cells plainly
misfit their columns (rejected with the reason) and the rest of the wrong width rejected; then each task
row's number, one row per number."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, TypeVar

import cn2an

from pipelines.core.layout.content import cell_kind, column_kinds, fits, misfit
from pipelines.core.layout.header import Header, header_target, names_of
from pipelines.core.rules import (
    CONTINUING_ROW_ROLES,
    GROUP_HEADING_FORMS,
    ITEM_NUMBER_IN_REQUIREMENT,
    ITEM_ROW_MERGED_ROLES,
    LONG_ROW_JOINED_ROLES,
    MERGEABLE_BESIDE,
    MERGEABLE_ROLES,
    NUMBERED_LINE_FORMS,
    PROFILE_FIT_WEIGHT,
    ROLE_KINDS,
    SHORT_ROW_MAX_MISSING,
    SPLIT_HEADING_TITLE,
    SUB_ROW_TEXT_ROLES,
    SUBGROUP_JOIN,
    THIRD_HEADING_FORM,
    UNDROPPED_ROLES,
    UNNUMBERED_HEADING_FORM,
    UNNUMBERED_ROW_ROLES,
)
from pipelines.core.sources.grid import ID_FORMS, GridRow, fold_fullwidth

_Way = TypeVar("_Way")  # a way of placing a row's cells
_HEADING_FORMS = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
_BARE_HEADING = re.compile(UNNUMBERED_HEADING_FORM[0])
ROLE_KINDS_OF = dict(ROLE_KINDS)
TEXT_ROLES = ("requirement", "completion")  # a unit's name there means the row shifted


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
    text = fold_fullwidth(written).strip()
    for form in ID_FORMS:
        if match := form.match(text):
            number = match.group(1)
            return int(number) if number.isascii() else int(cn2an.cn2an(number, "smart"))
    return None


def group_heading(cells: list[str]) -> str | None:
    """The title of a row that heads a group of tasks (`一、…` with the rest of the row empty), or None."""
    return heading_level(cells, third=False)[0]


def heading_level(cells: list[str], third: bool, bare: bool = False) -> tuple[str | None, int]:
    """A heading row's title and its level (1 for `一、`, 2 for `（一）`, 3 for `1.…` where `third` says a
    heading may stand at that level: THIRD_HEADING_FORM; 4 for a bare phrase where `bare` says one may:
    UNNUMBERED_HEADING_FORM), or (None, 0). The number may stand in a cell of its own (SPLIT_HEADING_TITLE)."""
    first = _split_heading(cells)
    if first is None:
        if any(c.strip() for c in cells[1:]):
            return None, 0
        first = fold_fullwidth(cells[0]).strip()
    for level, form in enumerate(_HEADING_FORMS, start=1):
        if form.match(first):
            return first, level
    if third and re.match(THIRD_HEADING_FORM[0], first) and task_number(first) is None:
        return first, len(_HEADING_FORMS) + 1
    if bare and _BARE_HEADING.match(first):
        return first, len(_HEADING_FORMS) + 2
    return None, 0


def _split_heading(cells: list[str]) -> str | None:
    """`(一) | 做强做优先进制造业 |` as one title: a Chinese-numbered id, then a short title with no figure."""
    if len(cells) < 2 or any(c.strip() for c in cells[2:]):
        return None
    number, title = (fold_fullwidth(c).strip() for c in cells[:2])
    if not title or len(title) > SPLIT_HEADING_TITLE[0] or any(c.isdigit() for c in title):
        return None
    return f"{number}{title}" if task_number(number) is not None and not number.isascii() else None


@dataclass
class Headings:
    """The headings above the current row, by level: the outermost is the group, the others the subgroup."""

    titles: dict[int, str] = field(default_factory=dict)
    third_seen: bool = False

    def enter(self, title: str, level: int) -> None:
        self.titles = {lv: t for lv, t in self.titles.items() if lv < level} | {level: title}
        self.third_seen |= level == len(_HEADING_FORMS) + 1

    def of_task(self) -> tuple[str | None, str, int, str | None]:
        """A task's group, label, id and subgroup fields as TaskRow takes them."""
        levels = sorted(self.titles)
        inner = [self.titles[lv] for lv in levels[1:]]
        return (self.titles[levels[0]] if levels else None), "", 0, SUBGROUP_JOIN.join(inner) or None


def _is_the_header(cells: list[str], header: Header) -> bool:
    """The header row again (a table copied across pages). The first cell is compared first: it is cheap."""
    same = len(cells) == len(header.names) and "".join(fold_fullwidth(cells[0]).split()) == header.names[0]
    return same and names_of(cells) == header.names


def short_row_columns(
    cells: list[str], header: Header, profiles: list[Counter[str]], mode: str = "row"
) -> tuple[tuple[int, ...], int] | None:
    """For a row short of cells (copied from a web page): the merged columns it leaves out and how many
    trailing columns it drops, placed by content (SHORT_ROW_MAX_MISSING). `mode` "item": the row is one more
    item of the task above, its id and requirement merged from it (ITEM_ROW_MERGED_ROLES, both left out);
    "unnumbered": a row whose empty id cell was lost (UNNUMBERED_ROW_ROLES, left out); "realign": a row padded
    at its end whose cells misfit, which may also leave out a column MERGEABLE_BESIDE another. None when no way
    fits or two fit equally well: the row is then quarantined, not guessed."""
    ranked = _ranked_ways(cells, header, profiles, mode)
    return _best(ranked)


def _ranked_ways(
    cells: list[str], header: Header, profiles: list[Counter[str]], mode: str
) -> list[tuple[tuple[float, int], _Way]]:
    """Every way a short row's cells may stand (see short_row_columns), with its score."""
    missing = len(header.names) - len(cells)
    if not 0 < missing <= SHORT_ROW_MAX_MISSING:
        return []
    n = len(header.names)
    own = {"item": ITEM_ROW_MERGED_ROLES, "unnumbered": UNNUMBERED_ROW_ROLES}.get(mode, ())
    required = {i for i, role in enumerate(header.roles) if role in own}
    merged_roles = (*MERGEABLE_ROLES, *own, *(_merged_beside(header) if mode == "realign" else ()))
    scored: list[tuple[tuple[float, int], tuple[tuple[int, ...], int]]] = []
    for trailing in range(missing + 1):
        if any(header.roles[i] in UNDROPPED_ROLES for i in range(n - trailing, n)):
            continue
        mergeable = [i for i in range(n - trailing) if header.roles[i] in merged_roles or header.roles[i] is None]
        for left_out in combinations(mergeable, missing - trailing):
            if not required <= set(left_out):
                continue
            id_left_out = mode in ("item", "unnumbered")  # else the row's own id must be a task number
            score = _fit_score(_placed(cells, left_out, n), header, profiles, id_left_out=id_left_out)
            if score is not None:
                # Equal fits: the way with fewer empty trailing cells (a merged cell is the commoner loss).
                scored.append(((score, -trailing), (left_out, trailing)))
    return scored


def item_row_columns(cells: list[str], header: Header, profiles: list[Counter[str]]) -> _Way | None:
    """A short row with no number right below a task, placed as one more item of that task (mode "item"), unless
    it fits at least as well as a task of its own whose id alone was merged from above (mode "unnumbered": a
    project row under an action numbered once, `新增城镇就业(人) | 2287人 | 2360 | 96.9% |`): None then."""
    item, own = (_ranked_ways(cells, header, profiles, mode) for mode in ("item", "unnumbered"))
    if (best := _best(item)) is None:
        return None
    return None if own and max(own)[0][0] >= max(item)[0][0] else best


def _best(scored: list[tuple[Any, _Way]]) -> _Way | None:
    """The way with the highest score (scores compare as tuples or numbers), None when there is none or two
    share it: a tie is quarantined, never guessed."""
    ranked = sorted(scored, key=lambda s: s[0], reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def long_row_cells(cells: list[str], header: Header, profiles: list[Counter[str]]) -> list[str] | None:
    """A row one cell too many: a cell nested in a text column (a sub-item beside its indicator, `最低生活保障 |
    农村标准(元/月)` under one 目标任务) or an empty cell at its end. Each way of joining two neighbouring cells in
    a text column (LONG_ROW_JOINED_ROLES) or dropping the empty end is tried; the best fit wins, a tie is None."""
    if len(cells) != len(header.names) + 1:
        return None
    ways = [cells[:-1]] if not cells[-1].strip() else []
    ways += [
        [*cells[:i], f"{cells[i]};{cells[i + 1]}", *cells[i + 2 :]]
        for i, role in enumerate(header.roles)
        if role in LONG_ROW_JOINED_ROLES and cells[i].strip() and cells[i + 1].strip()
    ]
    return _best([(score, way) for way in ways if (score := _fit_score(way, header, profiles)) is not None])


def _merged_beside(header: Header) -> tuple[str, ...]:
    """The roles this table may merge because a column beside says what they say (MERGEABLE_BESIDE)."""
    # A target beside must be the whole year's (a 一季度目标 milestone does not say what is promised).
    present = {"target": header_target(header) >= 0}
    return tuple(role for role, beside, _ in MERGEABLE_BESIDE if present.get(beside, beside in header.roles))


def _placed(cells: list[str], left_out: tuple[int, ...], n: int) -> list[str | None]:
    """The row's cells in their columns, None where a column is left out or dropped."""
    given = iter(cells)
    return [None if i in left_out else next(given, None) for i in range(n)]


def _fit_score(
    full: list[str | None], header: Header, profiles: list[Counter[str]], id_left_out: bool = False
) -> float | None:
    """How many placed cells fit their column (its role's kinds and the kinds its full rows hold); None
    when the id is not a task number, a cell misfits (CONTENT_MISFITS) or a text column holds no text."""
    id_column = header.column("task_id")
    if id_column is not None and not id_left_out and task_number(full[id_column] or "") is None:
        return None
    score = 0.0
    for i, cell in enumerate(full):
        if cell is None or not cell.strip():
            continue
        role, kind = header.roles[i], cell_kind(cell)
        if misfit(role, cell) is not None or (role in TEXT_ROLES and not fits(role, kind)):
            return None
        in_profile = i < len(profiles) and kind in profiles[i]  # a kind the column's full rows hold
        if role is not None and role in ROLE_KINDS_OF:
            # A kind the role takes, half as much again where the column's full rows hold it too (a label fits
            # a group role, better in a column of labels than in one of numbered titles).
            score += fits(role, kind) + PROFILE_FIT_WEIGHT * (fits(role, kind) and in_profile)
        elif in_profile:
            score += 1
    return score


@dataclass
class TaskRow:
    """A row read as a task: its cells (merged and sub-row cells filled in), its group heading, the id as
    written and the task's integer id."""

    row: Row
    cells: list[str]
    group: str | None
    label: str = ""
    task_id: int = 0
    subgroup: str | None = None  # the headings inside the group's (`（一）…`), outermost first


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
    headings = Headings()
    above: list[str] | None = None  # the last full row read: where merged cells hold their value
    profiles = column_profiles(rows, header)
    for grid_row in rows:
        row = as_row(grid_row)
        cells = row.cells
        if _below_a_rejected_row(out, row):
            above = None  # a merged cell's value stood in a row not read: left empty, never taken from further up
        if all(not c.strip() for c in cells):
            out.rejected.append((row, empty_reason if cells == [""] else "empty row"))
        elif _is_the_header(cells, header):
            out.repeated_headers.append(row)  # the header again (a table copied across pages)
        elif (heading := _heading(cells, headings, out, row))[0] is not None:
            out.headings.append(row)
            headings.enter(*heading)
        elif _follows_a_task(out, row) and (
            (id_column is not None and id_column in row.merged and len(cells) == n_columns)
            or (column := sub_row_column(cells, header)) is not None
        ):
            if id_column is not None and id_column in row.merged:
                own = [(i, c) for i, c in enumerate(cells) if i not in row.merged and c.strip()]
            else:
                own = [(_likeliest_column(cells[0], out.tasks[-1].cells, header, column), cells[0])]
            _continue_task(out, out.tasks[-1], row, own)
        elif _follows_a_task(out, row) and (own := _continuing_cells(cells, header)):
            _continue_task(out, out.tasks[-1], row, own)
        elif (placing := short_row_columns(cells, header, profiles)) is not None:
            cells = _filled(cells, placing, above)
            out.merged_rows.add(row.first_line)
            above = _task_or_misfit(out, TaskRow(row, cells, *headings.of_task()), header) or above
        elif _unnumbered(row) and _follows_a_task(out, row) and (placing := item_row_columns(cells, header, profiles)):
            placed = _placed(cells, placing[0], n_columns)
            _continue_task(out, out.tasks[-1], row, [(i, c) for i, c in enumerate(placed) if c and c.strip()])
        elif _unnumbered(row) and (placing := short_row_columns(cells, header, profiles, "unnumbered")) is not None:
            cells = _filled(cells, placing, above, empty=(id_column,))
            out.merged_rows.add(row.first_line)
            above = _task_or_misfit(out, TaskRow(row, cells, *headings.of_task()), header) or above
        elif (joined := long_row_cells(cells, header, profiles)) is not None:
            out.merged_rows.add(row.first_line)
            above = _task_or_misfit(out, TaskRow(row, joined, *headings.of_task()), header) or above
        elif len(cells) != n_columns:
            out.rejected.append((row, f"expected {n_columns} cells, found {len(cells)}"))
        else:
            if (realigned := _realigned(cells, header, profiles, above)) is not None:
                cells = realigned
            if row.merged or realigned is not None:
                out.merged_rows.add(row.first_line)  # a cell merged from the row above, resolved
            above = _task_or_misfit(out, TaskRow(row, cells, *headings.of_task()), header) or above
    return out


def _likeliest_column(text: str, above: list[str], header: Header, default: int) -> int:
    """The text column (SUB_ROW_TEXT_ROLES) whose text in the task above shares most pairs of characters with a
    sub-row's text; `default` where none shares more than it."""

    def pairs(s: str) -> set[str]:
        s = "".join(s.split())
        return {s[i : i + 2] for i in range(len(s) - 1)}

    own = pairs(text)
    shared = {i: len(own & pairs(above[i])) for i, r in enumerate(header.roles) if r in SUB_ROW_TEXT_ROLES[0]}
    best = max(shared, key=lambda i: (shared[i], i == default), default=default)
    return best if shared[best] > shared.get(default, 0) else default


def _continuing_cells(cells: list[str], header: Header) -> list[tuple[int, str]]:
    """The filled cells of a row that continues the task above (CONTINUING_ROW_ROLES), else none."""
    if len(cells) != len(header.names):
        return []
    own = [(i, c) for i, c in enumerate(cells) if c.strip()]
    return own if all(header.roles[i] in CONTINUING_ROW_ROLES[0] for i, _ in own) else []


def _below_a_rejected_row(out: SortedRows, row: Row) -> bool:
    """Whether the row right above this one was rejected (a blank line is no row)."""
    if not out.rejected:
        return False
    last = out.rejected[-1][0]
    return last.last_line == row.first_line - 1 and bool(last.text.strip())


def _follows_a_task(out: SortedRows, row: Row) -> bool:
    """Whether the row stands right below the last task read (a row continuing a task must)."""
    return bool(out.tasks) and out.tasks[-1].row.last_line == row.first_line - 1


def _unnumbered(row: Row) -> bool:
    """Whether a row has no task number of its own in its first cell."""
    return task_number(row.cells[0]) is None


def _heading(cells: list[str], headings: Headings, out: SortedRows, row: Row) -> tuple[str | None, int]:
    """The row as a heading: a third-level one only right below a heading, or in a table that has one."""
    below_heading = bool(out.headings) and out.headings[-1].last_line == row.first_line - 1
    return heading_level(cells, third=below_heading or headings.third_seen, bare=below_heading)


def _filled(
    cells: list[str], placing: tuple[tuple[int, ...], int], above: list[str] | None, empty: tuple = ()
) -> list[str]:
    """A short row's cells in their columns: a left-out merged column takes the row above's value (those in
    `empty` stay empty: a lost empty id cell), a dropped trailing column is empty."""
    left_out, trailing = placing
    n = len(cells) + len(left_out) + trailing
    given = iter(cells)
    return [("" if i in empty or not above else above[i]) if i in left_out else next(given, "") for i in range(n)]


def _realigned(
    cells: list[str], header: Header, profiles: list[Counter[str]], above: list[str] | None
) -> list[str] | None:
    """A row as wide as the header only by empty cells at its end, whose cells misfit their columns (a row
    that lost a merged cell, padded at the end as a web page's table is): its filled cells placed by content
    (short_row_columns), or None when it fits as it stands or no placing fits."""
    if not any(misfit(role, cell) for role, cell in zip(header.roles, cells, strict=False)):
        return None
    filled = len(cells)
    while filled and not cells[filled - 1].strip():
        filled -= 1
    if filled == len(cells) or (placing := short_row_columns(cells[:filled], header, profiles, "realign")) is None:
        return None
    return _filled(cells[:filled], placing, above)


def _task_or_misfit(out: SortedRows, task: TaskRow, header: Header) -> list[str] | None:
    """The row as a task, or quarantined with the reason when a cell plainly misfits its column's role
    (CONTENT_MISFITS: a sentence as the unit, a person as the progress): its cells are not what the header
    says, and stored they would be wrong silently. The task's cells, or None when quarantined."""
    for i, cell in enumerate(task.cells):
        if (reason := misfit(header.roles[i], cell)) is not None:
            out.rejected.append((task.row, f"{reason} ({header.names[i]}: {cell.strip()[:40]!r})"))
            return None
    out.tasks.append(task)
    return task.cells


def column_profiles(rows: list[GridRow], header: Header) -> list[Counter[str]]:
    """Each column's kinds of content (CELL_KINDS) over the rows as wide as the header."""
    full = [r.cells for r in rows if len(r.cells) == len(header.names)]
    return [column_kinds(cells[i] for cells in full) for i in range(len(header.names))]


def _continue_task(out: SortedRows, task: TaskRow, row: Row, own: list[tuple[int, str]]) -> None:
    """The row continues the task above: its id cell was merged over both rows (a grid says so) or copied
    into the first cell alone (pipe text). Its own cells' text joins the task's."""
    for i, text in own:
        # A clause break, not a line break: normalising drops line breaks, and the sub-row is an item.
        task.cells[i] = f"{task.cells[i]};{text}" if task.cells[i].strip() else text
    task.row.last_line = row.last_line
    task.row.text = f"{task.row.text}\n{row.text}"
    out.sub_rows[task.row.first_line] = out.sub_rows.get(task.row.first_line, 0) + 1


_ITEM_NUMBER = re.compile(NUMBERED_LINE_FORMS[0][0])


def label_items(tasks: list[TaskRow], requirement_column: int | None) -> None:
    """With no id column: the item number opening most tasks' requirements is their label, cut from the
    requirement (ITEM_NUMBER_IN_REQUIREMENT)."""
    if requirement_column is None:
        return
    found = [_ITEM_NUMBER.match(t.cells[requirement_column].strip()) for t in tasks]
    if not tasks or sum(m is not None for m in found) < ITEM_NUMBER_IN_REQUIREMENT[0] * len(tasks):
        return
    for task, number in zip(tasks, found, strict=True):
        if number is not None:
            task.label = number.group()
            task.cells[requirement_column] = task.cells[requirement_column].strip()[number.end() :].strip()


def number_tasks(sorted_rows: SortedRows, id_column: int | None) -> list[TaskRow]:
    """The task rows with their ids: a row whose id is not a task number is rejected; of rows with one
    number in one group, a repeat of the same content is rejected as a duplicate, and different contents
    are all rejected (neither can be trusted over the other). The integer id is the written number where it
    is unique in the report, else the order (always, with no id column: a label read from the requirement,
    label_items, is kept as written)."""
    # (group, number) -> its rows: numbering may restart in each group.
    numbered: dict[tuple[str | None, str | None, int | None], list[TaskRow]] = {}
    for order, task in enumerate(sorted_rows.tasks, start=1):
        if id_column is None:  # no id: the order
            task.label = task.label or str(order)
            numbered[(task.group, task.subgroup, order)] = [task]
            continue
        task.label = task.cells[id_column].strip()
        if not task.label and task.row.first_line in sorted_rows.merged_rows:
            # A lost empty 序号 cell (UNNUMBERED_ROW_ROLES): numbered by its order below.
            numbered.setdefault((task.group, task.subgroup, -task.row.first_line), []).append(task)
        elif (reason := _not_a_task_number(task.label)) is not None:
            sorted_rows.rejected.append((task.row, reason))
        else:
            numbered.setdefault((task.group, task.subgroup, task_number(task.label)), []).append(task)
    good: list[TaskRow] = []
    for (_, _, number), same in numbered.items():
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
    if len(set(numbers)) != len(numbers) or any(n < 0 for n in numbers):  # numbering restarts, or none: the order
        for order, task in enumerate(good, start=1):
            task.task_id = order
    return good


def _not_a_task_number(label: str) -> str | None:
    """Why an id cell is not a task number, or None when it is one."""
    number = task_number(label)
    if number is None and fold_fullwidth(label).strip().isdigit():
        return f"task id has {len(label.strip())} digits, more than a task number has (6): {label[:40]!r}"
    if number is None:
        return f"task id is not a number: {label[:40]!r}"
    if number <= 0:
        return f"task id must be positive: {label}"
    return None
