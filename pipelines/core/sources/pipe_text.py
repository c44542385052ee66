"""Pipe text as copied by hand (`cell | cell |`), a row possibly running over several lines."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.core.rules import (
    CELL_SEPARATOR,
    GROUP_HEADING_FORMS,
    MAX_HEADER_LINES,
    MAX_TITLE_LINES,
    NUMBERED_LINE_FORMS,
)
from pipelines.core.sources.grid import (
    ID_FORMS,
    Grid,
    GridRow,
    LayoutHints,
    SourceFileError,
    decode,
    fold_fullwidth,
    split_cells,
    split_lines,
)

_NUMBERED_LINE = tuple(re.compile(pattern) for pattern, _ in NUMBERED_LINE_FORMS)
_HEADING = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
MAX_ROW_LINES = 40  # how far a row broken over lines is looked ahead for its end
_ROW_START = re.compile(r"^\s*[^|\s]{1,16}\s*\|")  # a short first cell, then a separator


def starts_a_task(line: str) -> bool:
    """A line whose first cell is a task id as TASK_ID_FORMS writes one ("12 | ..."): a row of its own,
    never a continuation."""
    if CELL_SEPARATOR not in line:
        return False
    first = fold_fullwidth(line.split(CELL_SEPARATOR, 1)[0]).strip()
    return any(form.match(first) for form in ID_FORMS)


def _ends_before_a_row(row_lines: list[str], chunk: list[str], separators: int, n_columns: int) -> bool:
    """Whether a row whose last line ends with the separator is complete before `chunk` (the next lines, up to
    one ending with the separator): the chunk starts like an item (a task id, a number, a group's title), or
    joined to the row it would give more cells than the header has. Else the chunk may be the rest of a row
    broken after a separator; so is a chunk that makes a numbered row whole (`1 | 要求 |` then `1.完成…` /
    `2.完成… | 市教育局 |`: a numbered list in its completion cell)."""
    line, joined = chunk[0], separators + "\n".join(chunk).count(CELL_SEPARATOR)
    if not row_lines[-1].rstrip().endswith(CELL_SEPARATOR) or not line.split(CELL_SEPARATOR, 1)[0].strip():
        return False
    if starts_a_task(line) or _a_heading(row_lines) or _a_lone_cell(row_lines):
        return True
    if any(form.match(line.strip()) for form in _NUMBERED_LINE):
        return not (starts_a_task(row_lines[0]) and joined == n_columns)
    return joined > n_columns


def _a_heading(row_lines: list[str]) -> bool:
    """Whether the row read so far is a group's heading alone (`(一)坚持项目为王 |`): it never runs on."""
    filled = [c for c in split_cells("\n".join(row_lines)) if c]
    return len(filled) == 1 and any(form.match(fold_fullwidth(filled[0])) for form in _HEADING)


def _a_lone_cell(row_lines: list[str]) -> bool:
    """Whether the row read so far is one cell with no task id (`乙中心签约256人 |`): a row of its own (the rest
    of its cells merged from above, not repeated), never the start of a row broken after a separator."""
    text = "\n".join(row_lines)
    return text.count(CELL_SEPARATOR) == 1 and not starts_a_task(text) and bool(split_cells(text)[0])


def _continues(row_lines: list[str], chunk: list[str], n_columns: int, merging: bool, ends_rows: bool) -> bool:
    """Whether the chunk's first line continues the open row (see read_pipe_text); `ends_rows`: the file's rows
    end with the separator."""
    separators, line = "\n".join(row_lines).count(CELL_SEPARATOR), chunk[0]
    if separators >= n_columns or (ends_rows and _ends_before_a_row(row_lines, chunk, separators, n_columns)):
        return False
    starts_new = _ROW_START.match(line) and separators + line.count(CELL_SEPARATOR) > n_columns
    short_but_closed = (
        merging
        and separators == n_columns - 1
        and row_lines[-1].rstrip().endswith(CELL_SEPARATOR)
        and starts_a_task(line)
    )
    return not (starts_new or short_but_closed)


def _chunk(lines: list[str], start: int) -> list[str]:
    """The lines from `start` (0-based) to the first one ending with the separator (a row's worth at most)."""
    end = start
    while end < len(lines) - 1 and end - start < MAX_ROW_LINES and not lines[end].rstrip().endswith(CELL_SEPARATOR):
        end += 1
    return lines[start : end + 1]


def _pipe_header(lines: list[str]) -> tuple[int, int] | None:
    """(first, last) line (1-based) of the header row: the first row with two filled cells after at most
    MAX_TITLE_LINES title lines; a header cell may run over lines, the row ending at a line ending with
    the separator (MAX_HEADER_LINES at most)."""
    titles = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if sum(bool(c) for c in split_cells(line)) <= 1 and titles < MAX_TITLE_LINES:
            titles += 1
            continue
        last, text = lineno, line
        while (
            not text.rstrip().endswith(CELL_SEPARATOR)
            and last < len(lines)
            and last - lineno + 1 < MAX_HEADER_LINES
            and lines[last].strip()
            and not starts_a_task(lines[last])
        ):
            last += 1
            text += "\n" + lines[last - 1]
        return lineno, last
    return None


def read_pipe_text(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """Pipe text as copied by hand. A row is open while it has fewer separators than the header has
    cells; an open row takes the next line as its continuation, unless that line starts like a row and
    joining it would give too many cells. Where a column may have been merged (`hints.may_merge(header
    cells)`), a row one cell short is complete once it ends with the separator and the next line starts
    with a task number. Where the header row ends with the separator, so does every row (`a | b |`): a row
    whose line ends with it is complete, however many cells it leaves out (merged cells it does not repeat,
    placed later by content), once the next line starts like an item (NUMBERED_LINE_FORMS: `2.募集… |`,
    `五、安心托幼行动`) or holds a whole row; another line still continues it (a row broken after a
    separator, its rest on the next line). Blank lines are rows of their own (one empty cell), to be
    accounted for."""
    text, encoding = decode(data, path)
    lines = split_lines(text)
    found = _pipe_header(lines)
    if found is None:
        raise SourceFileError(path, "file is empty")
    header_first, header_last = found
    header_text = "\n".join(lines[header_first - 1 : header_last])
    header_cells = split_cells(header_text)
    n_columns = len(header_cells)
    merging = hints.may_merge(header_cells)
    rows_end_with_separator = header_text.rstrip().endswith(CELL_SEPARATOR)
    rows: list[GridRow] = []
    current: list[int] | None = None  # [first, last] of the open row
    current_lines: list[str] = []

    def close() -> None:
        nonlocal current, current_lines
        if current is not None:
            text = "\n".join(current_lines)
            rows.append(GridRow(split_cells(text), current[0], current[1], raw=text))
        current, current_lines = None, []

    for lineno, line in enumerate(lines, start=1):
        if lineno < header_first:
            rows.append(GridRow(split_cells(line), lineno, lineno, raw=line))  # titles and blank lines
            continue
        if lineno == header_first:
            rows.append(GridRow(header_cells, header_first, header_last, raw=header_text))
            continue
        if lineno <= header_last:
            continue
        if current is not None and _continues(
            current_lines, _chunk(lines, lineno - 1), n_columns, merging, rows_end_with_separator
        ):
            current_lines.append(line)
            current[1] = lineno
            continue
        close()
        if not line.strip():
            rows.append(GridRow([""], lineno, lineno, raw=line))
            continue
        current, current_lines = [lineno, lineno], [line]
    close()
    return Grid(rows, "txt", encoding, len(lines), source_rows=len(lines))
