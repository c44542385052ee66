"""The one shape every reader gives: rows of cells, each row with where it stands in the source, and the
errors that name a file that cannot be read.

Cells are strings, line breaks inside a cell kept as "\\n"; `first`..`last` are lines of a text file or rows
of a table; `merged` names the cells that continue a cell merged from the row above. Merged cells are
resolved as published: a cell merged over rows gives its value to each row it spans, flagged as continued;
a cell merged across columns stands in its first column, the others left empty.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pipelines.core.rules import CELL_SEPARATOR, FULLWIDTH_TO_ASCII, TASK_ID_FORMS

# Tried in order; the first that decodes the whole file wins and is recorded.
# utf-8-sig also accepts plain UTF-8 (it only strips a BOM when there is one).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
# A page declaring one of these is decoded as GB18030, its superset (browsers do the same).
GB_FAMILY = ("gb2312", "gbk", "gb18030", "x-gbk", "cp936")
ID_FORMS = tuple(re.compile(pattern) for pattern, _ in TASK_ID_FORMS)
FULLWIDTH = str.maketrans(FULLWIDTH_TO_ASCII)
_HAS_FULLWIDTH = re.compile(f"[{''.join(FULLWIDTH_TO_ASCII)}]")


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII as ASCII. Translated only where there is one: str.translate looks every character
    up, ~15× the cost of a regex search over the Chinese text that usually has none."""
    return text.translate(FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


class SourceFileError(ValueError):
    """A raw file that cannot be read at all. The message is one line: file, place, reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, place: str | None = None):
        where = f"{path}:{line}" if line is not None else f"{path}"
        if place:
            where = f"{where} ({place})"
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.reason, self.place = str(path), line, reason, place


def brief_error(err: BaseException) -> str:
    """A library's error as one short line: its type and the start of its message (never a file's content
    beyond that)."""
    message = " ".join(str(err).split())
    return f"{type(err).__name__}: {message[:120]}{'…' * (len(message) > 120)}" if message else type(err).__name__


class UnreadFormat(SourceFileError):
    """A file in a format the pipeline does not read (.doc, .pdf): said clearly, the other reports land."""


@dataclass(frozen=True)
class GridRow:
    cells: list[str]
    first: int  # 1-based: a line of a text file, a row of a table
    last: int
    merged: frozenset[int] = frozenset()  # columns whose value continues a cell merged from the row above
    raw: str | None = None  # the source text of the row, where the format has one (pipe text)

    @property
    def text(self) -> str:
        return self.raw if self.raw is not None else f" {CELL_SEPARATOR} ".join(self.cells)


@dataclass(frozen=True)
class Grid:
    rows: list[GridRow]
    source_format: str  # txt, html, xlsx, xls, docx, csv
    encoding: str  # as decoded; "binary" for formats that are not text
    size: int  # lines of a text file, rows of the table read: every one is accounted for
    place: str = ""  # which table or sheet: "sheet 任务", "table 2 of 3"
    page_title: str | None = None  # <title>, <h1>, <caption>, a document's title
    # The source's own count of the rows read, where the format has one (a table's <tr>, a sheet's rows to its
    # last filled one, a Word table's rows, a text file's lines or records), for a check to hold `size` to:
    # it counts from the table's first row, so a sheet's empty margin rows above the table are in it, not in size.
    source_rows: int | None = None
    # Set where the grid is a document's lines of text, one row each, given for want of a work-plan table: why no
    # table was read. The layout reads them as a plan written as paragraphs, or rejects the file with this reason.
    no_table: str | None = None


def paragraphs_grid(
    no_table: SourceFileError, lines: list[str], source_format: str, encoding: str, title: str | None
) -> Grid:
    """A document's lines of text as one-cell rows, for want of a work-plan table (`no_table` says why); a
    document of fewer than two lines of text raises `no_table` as it is."""
    if sum(bool(line.strip()) for line in lines) < 2:
        raise no_table
    rows = [([line], frozenset()) for line in lines]
    grid = grid_from_rows(rows, source_format, encoding, "paragraphs", title, len(rows))
    return replace(grid, no_table=no_table.reason)


@dataclass(frozen=True)
class LayoutHints:
    """What the layout reading tells a reader about a table it cannot judge alone: whether a table reads as
    a work plan (to choose among a file's tables), and whether a header's columns may have been merged over
    rows (pipe text closes a row one cell short then)."""

    is_work_plan: Callable[[Grid], bool]
    may_merge: Callable[[list[str]], bool]


# --- text -------------------------------------------------------------------------------


def decode(data: bytes, path: Path | str, declared: str | None = None) -> tuple[str, str]:
    """Decode the file's bytes (the declared encoding first, if any); return (text, encoding name)."""
    if not data.strip():
        raise SourceFileError(path, "file is empty")
    # UTF-16 with its byte-order mark (Excel's "Unicode text"): its NUL bytes are half its characters.
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as err:
                line = data[len(bom) : len(bom) + err.start].decode(encoding, errors="replace").count("\n") + 1
                raise SourceFileError(
                    path, f"cannot decode as {encoding} (its byte-order mark says so)", line
                ) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        reason = (
            "NUL bytes: UTF-16 without a byte-order mark? save it as UTF-8"
            if _looks_utf16(data)
            else "binary content (NUL byte), not a text table"
        )
        raise SourceFileError(path, reason, line)
    encodings = ENCODINGS
    if declared and declared.lower() in GB_FAMILY:  # a page saying GB2312 is GBK as browsers read it
        encodings = ("gb18030", "utf-8-sig")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, (
            "utf-8-bom"
            if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf")
            else "utf-8"
            if encoding in ("utf-8-sig", "utf8")
            else encoding
        )
    # Name the first line that UTF-8 cannot read: that is where a person should look.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceFileError(
            path, f"cannot decode as {' or '.join(encodings)} (byte 0x{data[err.start]:02x})", line
        ) from None
    raise AssertionError("unreachable")


def _looks_utf16(data: bytes) -> bool:
    """Nearly every NUL byte on one side of its pair (UTF-16 text: ASCII characters have a NUL high byte;
    a few CJK characters, 一 U+4E00, a NUL low byte)."""
    head = data[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return max(odd, even) >= 8 and max(odd, even) >= 10 * min(odd, even)


def split_lines(text: str) -> list[str]:
    """Physical lines. Only CR/LF end a line: str.splitlines would also split on
    U+2028, form feeds and other characters that may stand inside a cell."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def split_cells(text: str) -> list[str]:
    """Cells of one logical row: split on the separator, dropping the trailing one."""
    text = text.strip()
    if text.endswith(CELL_SEPARATOR):
        text = text[: -len(CELL_SEPARATOR)]
    return [cell.strip() for cell in text.split(CELL_SEPARATOR)]


# --- tables: spans resolved --------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def resolve_spans(table: list[list[Cell]]) -> list[tuple[list[str], frozenset[int]]]:
    """Rows of cells with spans (HTML, Word) -> a full grid. A cell spanning rows repeats in each (those
    after its first flagged); a cell spanning columns stands in its first column, the others empty."""
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    out: list[tuple[list[str], frozenset[int]]] = []
    for cells in table:
        row: list[str] = []
        merged: set[int] = set()
        queue = list(cells)
        column = 0
        while queue or any(c >= column for c in pending):
            if column in pending:
                text, left = pending[column]
                row.append(text)
                merged.add(column)
                if left > 1:
                    pending[column] = (text, left - 1)
                else:
                    del pending[column]
                column += 1
                continue
            if not queue:
                row.append("")
                column += 1
                continue
            cell = queue.pop(0)
            for offset in range(cell.colspan):
                row.append(cell.text if offset == 0 else "")
                if cell.rowspan > 1:
                    pending[column + offset] = (cell.text if offset == 0 else "", cell.rowspan - 1)
            column += cell.colspan
        out.append((row, frozenset(merged)))
    width = max((len(r) for r, _ in out), default=0)
    return [(r + [""] * (width - len(r)), m) for r, m in out]


def grid_from_rows(
    rows: list[tuple[list[str], frozenset[int]]],
    source_format: str,
    encoding: str,
    place: str,
    page_title: str | None,
    source_rows: int | None = None,
) -> Grid:
    """Rows numbered from 1 as in the source; empty rows above the table (a sheet's margin) are not its rows."""
    numbered = [(i, cells, merged) for i, (cells, merged) in enumerate(rows, start=1)]
    while numbered and not any(c.strip() for c in numbered[0][1]):
        numbered.pop(0)
    return Grid(
        [GridRow(cells or [""], i, i, merged) for i, cells, merged in numbered],
        source_format,
        encoding,
        len(numbered),
        place,
        page_title,
        source_rows,
    )


def _header_cells(grid: Grid) -> tuple[str, ...]:
    """A table's first row with two filled cells, whitespace removed: what tables of one plan share."""
    row = next((r for r in grid.rows if sum(bool(c.strip()) for c in r.cells) > 1), None)
    return tuple("".join(c.split()) for c in row.cells) if row else ()


def choose_table(path: Path, candidates: list[Grid], is_work_plan: Callable[[Grid], bool], what: str) -> Grid:
    """The work-plan table among a file's tables: the largest whose header reads as a work plan, read
    together with the other tables that have its header (a document setting out one table per section
    or per page). Their rows are numbered on from one table to the next."""
    if not candidates:
        raise SourceFileError(path, f"no table in this {what}")
    plans = [g for g in candidates if is_work_plan(g)]
    if not plans:
        raise SourceFileError(
            path,
            f"none of its {len(candidates)} tables has a work-plan header (no column reads as "
            "what is promised: e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
        )
    chosen = max(plans, key=lambda g: g.size)
    same = [g for g in plans if _header_cells(g) == _header_cells(chosen)]
    if len(same) == 1:
        return chosen
    rows, offset = [], 0
    for grid in same:
        rows += [GridRow(r.cells, r.first + offset, r.last + offset, r.merged, r.raw) for r in grid.rows]
        offset = rows[-1].last
    numbers = [g.place.split()[1] for g in same]  # "table 2 of 5" -> "2"
    place = f"tables {', '.join(numbers)} of {same[0].place.split()[-1]} (rows numbered on)"
    counts = [g.source_rows for g in same]
    source_rows = None if None in counts else sum(counts)
    return Grid(
        rows, chosen.source_format, chosen.encoding, sum(g.size for g in same), place, same[0].page_title, source_rows
    )
