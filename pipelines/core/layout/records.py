"""A table written as record forms: one project per block of `label | value` rows (项目名称 | …, 进展情况 | …),
blocks apart by a title line. Read as a table: the labels are its header, each block one row spanning its lines,
the title line above a block its group (RECORD_FORM)."""

from __future__ import annotations

from dataclasses import replace

from pipelines.core.layout.header import header_role, names_of
from pipelines.core.rules import HEADER_CELL_MAX_CHARS, RECORD_FORM
from pipelines.core.sources.grid import Grid, GridRow

_GROUP_HEADER, _MIN_SHARE, _MIN_RECORDS = RECORD_FORM[:3]


def _label(row: GridRow) -> str | None:
    """The label of a `label | value` row (a short cell naming a role, no digit), else None."""
    if len(row.cells) != 2:
        return None
    name = names_of(row.cells[:1])[0]
    if not name or len(name) > HEADER_CELL_MAX_CHARS[0] or any(c.isdigit() for c in name):
        return None
    return name if header_role(name) is not None else None


def _mended(rows: list[GridRow]) -> list[GridRow]:
    """Label rows as a person reads them from copied text: a label broken over two rows ("项 目" above
    "名 称 | …") is one, and a title line glued on top of a label ("2021年…月报表\n项目名称 | …") stands apart."""
    out: list[GridRow] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and _is_title(prev) and len(row.cells) == 2 and _label(row) is None:
            joined = GridRow([f"{prev.cells[0]}{row.cells[0]}", row.cells[1]], prev.first, row.last)
            if _label(joined) is not None:
                out[-1] = joined
                continue
        lines = row.cells[0].split("\n") if len(row.cells) == 2 and row.first < row.last else []
        for cut in range(1, len(lines)):
            label = GridRow(["".join(lines[cut:]), row.cells[1]], row.first + cut, row.last)
            if _label(label) is not None and _label(row) is None:
                out += [GridRow(["\n".join(lines[:cut])], row.first, row.first + cut - 1), label]
                break
        else:
            out.append(row)
    return out


def _is_title(row: GridRow) -> bool:
    return sum(bool(c.strip()) for c in row.cells) == 1 and len(row.cells) <= 2 and _label(row) is None


def as_records(grid: Grid) -> Grid:
    """The grid as a table when it is written as record forms; else the grid as it is. The header row stands on
    the title line above the first block (else on the block's first row), so each source line is in one row."""
    mended = _mended(grid.rows)
    filled = [r for r in mended if any(c.strip() for c in r.cells)]
    labelled = [r for r in filled if _label(r) is not None]
    if not labelled or len(labelled) < _MIN_SHARE * sum(not _is_title(r) for r in filled):
        return grid
    first = _label(labelled[0])
    starts = [i for i, r in enumerate(mended) if _label(r) == first]
    if len(starts) < _MIN_RECORDS or header_role(first) != "requirement":
        return grid
    return _as_table(replace(grid, rows=mended), starts, list(dict.fromkeys(_label(r) for r in labelled)))


def _as_table(grid: Grid, starts: list[int], labels: list[str]) -> Grid:
    """The record forms as a table: the labels its header, each block one row."""
    # A block begins at the title lines right above its first row: the nearest of them is its group.
    begins = [_block_begin(grid.rows, i, floor) for i, floor in zip(starts, [0, *starts[:-1]], strict=True)]
    rows = grid.rows[: begins[0]]
    for n, (begin, start) in enumerate(zip(begins, starts, strict=True)):
        block = grid.rows[begin : begins[n + 1] if n + 1 < len(begins) else len(grid.rows)]
        group = grid.rows[start - 1].cells[0].strip() if start > begin else ""
        values = {_label(r): r.cells[1] for r in block if _label(r)}
        first_line = block[0].first
        if n == 0:  # the header takes the block's first line (its title, else its first label)
            rows.append(GridRow([_GROUP_HEADER, *labels], first_line, block[0].last))
            first_line = block[0].last + 1
        rows.append(GridRow([group, *(values.get(label, "") for label in labels)], first_line, block[-1].last))
    return replace(grid, rows=rows)


def _block_begin(rows: list[GridRow], start: int, floor: int) -> int:
    """Where the block whose first label row is `start` begins: its title line right above, if any."""
    return start - 1 if start - 1 >= floor and _is_title(rows[start - 1]) else start
