"""The header of a work-plan table and each column's role: read from the header's words (HEADER_ROLES), a
second header row below it, and columns re-read by their cells (ROLES_BY_CELLS)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.rules import (
    BASE_UNITS,
    HEADER_ROLES,
    MAX_TITLE_LINES,
    MERGEABLE_ROLES,
    MULTIPLIERS,
    RATE_DENOMINATORS,
    ROLES_BY_CELLS,
    TASK_ROLES,
)
from pipelines.core.sources.grid import FULLWIDTH, Grid, GridRow, LayoutHints, SourceFileError

_MEASURE_UNIT = re.compile(
    f"^(?:{'|'.join(map(re.escape, sorted(MULTIPLIERS, key=len, reverse=True)))})?"
    f"(?:{'|'.join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True)))})?"
    f"(?:/(?:{'|'.join(map(re.escape, RATE_DENOMINATORS))}))?$"
)


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


def header_role(text: str) -> str | None:
    """The role of a column named `text`: the first rule of HEADER_ROLES whose words it contains."""
    name = "".join(text.translate(FULLWIDTH).split())
    return next((role for role, words, _ in HEADER_ROLES if any(w in name for w in words)), None)


def names_of(cells: list[str]) -> list[str]:
    return ["".join(c.translate(FULLWIDTH).split()) for c in cells]


def _second_header_row(row: GridRow | None, names: list[str], roles: list[str | None]) -> list[str] | None:
    """The header's names with a second header row below them ("责任单位 |  |" over "牵头单位 | 配合单位"), or
    None when the row after the header is not one: its id cell is empty and each filled cell reads as a
    header (a role, no digits). A top cell left empty belongs to the merged cell on its left."""
    if row is None:
        return None
    cells = names_of(row.cells)
    id_column = roles.index("task_id") if "task_id" in roles else None
    if len(cells) != len(names) or not any(cells) or (id_column is not None and cells[id_column]):
        return None
    if any(c and (header_role(c) is None or re.search(r"\d", c)) for c in cells):
        return None
    combined, left = [], ""
    for top, bottom in zip(names, cells, strict=False):
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
        names = names_of(row.cells)
        roles = [header_role(n) for n in names]
        if "requirement" not in roles:
            raise SourceFileError(
                path,
                f"not a known work-plan table header: {row.text.strip()!r} (no column reads as what is promised: "
                f"a header with {', '.join(next(w for r, w, _ in HEADER_ROLES if r == 'requirement'))}; "
                "e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
                row.first,
                grid.place or None,
            )
        last, after = row.last, index + 1
        below = grid.rows[after] if after < len(grid.rows) else None
        if (parts := _second_header_row(below, names, roles)) is not None:
            names, roles, last, after = parts, [header_role(n) for n in parts], below.last, after + 1
        title = " ".join(c.strip() for t in titles for c in t.cells if c.strip()) or grid.page_title
        return Header(row.first, names, roles, last, title, tuple(t.first for t in titles)), after
    raise SourceFileError(
        path, "file is empty" if not titles else "no header row after the title", place=grid.place or None
    )


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


# What the readers of formats with several tables (or merged rows) are told about a work-plan table.
HINTS = LayoutHints(is_work_plan=reads_as_work_plan, may_merge=may_be_merged)


def with_roles_by_cells(header: Header, rows: list[GridRow]) -> Header:
    """Columns re-read by their cells (ROLES_BY_CELLS): a header's words say one role, every filled cell another."""
    roles = [*header.roles]
    for by_header, header_pattern, cell_pattern, by_cells, _ in ROLES_BY_CELLS:
        column = header.column(by_header)
        if column is None or not re.search(header_pattern, re.sub(r"\s", "", header.names[column])):
            continue
        pattern = _MEASURE_UNIT if cell_pattern == "measure unit" else re.compile(cell_pattern)
        values = {
            r.cells[column].translate(FULLWIDTH).strip()
            for r in rows
            if len(r.cells) == len(header.names) and r.cells[column].strip()
        }
        if values and all(pattern.match(v) for v in values):
            roles[column] = by_cells
    if roles == header.roles:
        return header
    return Header(header.line, header.names, roles, header.last_line, header.title, header.title_lines)
