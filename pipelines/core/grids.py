"""A raw file -> one grid of cells, whatever its format.

Each reader turns its format into the same shape: rows of cells (strings, line breaks inside a cell kept as
"\\n"), each row with where it stands in the source (`first`..`last`: lines of a text file, rows of a
table) and which of its cells continue a cell merged from the row above. The layout reading
(`reading.py`) turns a grid into tasks; it never sees the format.

    .txt .psv     pipe text as copied by hand (`cell | cell |`, a row may run over several lines)
    .html .htm    a saved page: the work-plan table among its tables (lxml)
    .xlsx .xls    the sheet holding the table (python-calamine: both formats, merged ranges)
    .docx         the table(s) of the document (python-docx)
    .csv .tsv     comma- or tab-separated text (the csv module)

Merged cells are resolved as published: a cell merged over rows gives its value to each row it spans,
flagged as continued; a cell merged across columns stands in its first column, the others left empty.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.rules import (
    CELL_SEPARATOR,
    FULLWIDTH_TO_ASCII,
    INVISIBLE_CHARACTERS,
    MAX_HEADER_LINES,
    MAX_TITLE_LINES,
    TASK_ID_FORMS,
)

# Tried in order; the first that decodes the whole file wins and is recorded.
# utf-8-sig also accepts plain UTF-8 (it only strips a BOM when there is one).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
# A page declaring one of these is decoded as GB18030, its superset (browsers do the same).
GB_FAMILY = ("gb2312", "gbk", "gb18030", "x-gbk", "cp936")
UNREAD_FORMATS: dict[str, str] = {
    ".doc": "old binary Word; convert it: soffice --headless --convert-to docx FILE",
    ".pdf": "PDF; open it and save or export the table as .docx or .xlsx (or convert: soffice --headless "
            "--infilter=writer_pdf_import --convert-to docx FILE)",
    ".wps": "WPS document; save it as .docx",
    ".et": "WPS spreadsheet; save it as .xlsx",
}


class SourceFileError(ValueError):
    """A raw file that cannot be read at all. The message is one line: file, place, reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, place: str | None = None):
        where = f"{path}:{line}" if line is not None else f"{path}"
        if place:
            where = f"{where} ({place})"
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


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


# --- text -------------------------------------------------------------------------------

def decode(data: bytes, path: Path | str, declared: str | None = None) -> tuple[str, str]:
    """Decode the file's bytes (the declared encoding first, if any); return (text, encoding name)."""
    if not data.strip():
        raise SourceFileError(path, "file is empty")
    # UTF-16 with its byte-order mark (Excel's "Unicode text"): its NUL bytes are half its characters.
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as err:
                line = data[len(bom): len(bom) + err.start].decode(encoding, errors="replace").count("\n") + 1
                raise SourceFileError(path, f"cannot decode as {encoding} (its byte-order mark says so)", line) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        reason = ("NUL bytes: UTF-16 without a byte-order mark? save it as UTF-8" if _looks_utf16(data)
                  else "binary content (NUL byte), not a text table")
        raise SourceFileError(path, reason, line)
    encodings = ENCODINGS
    if declared and declared.lower() in GB_FAMILY:  # a page saying GB2312 is GBK as browsers read it
        encodings = ("gb18030", "utf-8-sig")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, ("utf-8-bom" if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else
                      "utf-8" if encoding in ("utf-8-sig", "utf8") else encoding)
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


_ROW_START = re.compile(r"^\s*[^|\s]{1,16}\s*\|")  # a short first cell, then a separator
ID_FORMS = tuple(re.compile(pattern) for pattern, _ in TASK_ID_FORMS)
FULLWIDTH = str.maketrans(FULLWIDTH_TO_ASCII)


def starts_a_task(line: str) -> bool:
    """A line whose first cell is a task id as TASK_ID_FORMS writes one ("12 | ..."): a row of its own,
    never a continuation."""
    if CELL_SEPARATOR not in line:
        return False
    first = line.split(CELL_SEPARATOR, 1)[0].translate(FULLWIDTH).strip()
    return any(form.match(first) for form in ID_FORMS)


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
        while (not text.rstrip().endswith(CELL_SEPARATOR) and last < len(lines) and last - lineno + 1 < MAX_HEADER_LINES
               and lines[last].strip() and not starts_a_task(lines[last])):
            last += 1
            text += "\n" + lines[last - 1]
        return lineno, last
    return None


def read_pipe_text(path: Path, data: bytes, may_merge: Callable[[list[str]], bool]) -> Grid:
    """Pipe text as copied by hand. A row is open while it has fewer separators than the header has
    cells; an open row takes the next line as its continuation, unless that line starts like a row and
    joining it would give too many cells. Where a column may have been merged (`may_merge(header
    cells)`), a row one cell short is complete once it ends with the separator and the next line starts
    with a task number. Blank lines are rows of their own (one empty cell), to be accounted for."""
    text, encoding = decode(data, path)
    lines = split_lines(text)
    found = _pipe_header(lines)
    if found is None:
        raise SourceFileError(path, "file is empty")
    header_first, header_last = found
    header_text = "\n".join(lines[header_first - 1: header_last])
    header_cells = split_cells(header_text)
    n_columns = len(header_cells)
    merging = may_merge(header_cells)
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
        if current is not None:
            separators = "\n".join(current_lines).count(CELL_SEPARATOR)
            if separators < n_columns:
                starts_new = _ROW_START.match(line) and separators + line.count(CELL_SEPARATOR) > n_columns
                short_but_closed = (merging and separators == n_columns - 1
                                    and current_lines[-1].rstrip().endswith(CELL_SEPARATOR) and starts_a_task(line))
                if not (starts_new or short_but_closed):
                    current_lines.append(line)
                    current[1] = lineno
                    continue
        close()
        if not line.strip():
            rows.append(GridRow([""], lineno, lineno, raw=line))
            continue
        current, current_lines = [lineno, lineno], [line]
    close()
    return Grid(rows, "txt", encoding, len(lines))


def read_separated(path: Path, data: bytes, delimiter: str) -> Grid:
    """CSV or TSV: one record per row (a quoted cell may hold line breaks)."""
    text, encoding = decode(data, path)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [GridRow([c.strip() for c in record] or [""], i, i) for i, record in enumerate(records, start=1)]
    return Grid(rows, "csv" if delimiter == "," else "tsv", encoding, len(rows))


# --- tables: spans resolved --------------------------------------------------------------

@dataclass(frozen=True)
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def resolve_spans(table: list[list[_Cell]]) -> list[tuple[list[str], frozenset[int]]]:
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


def _grid_from_rows(rows: list[tuple[list[str], frozenset[int]]], source_format: str, encoding: str, place: str,
                    page_title: str | None) -> Grid:
    """Rows numbered from 1 as in the source; empty rows above the table (a sheet's margin) are not its rows."""
    numbered = [(i, cells, merged) for i, (cells, merged) in enumerate(rows, start=1)]
    while numbered and not any(c.strip() for c in numbered[0][1]):
        numbered.pop(0)
    return Grid([GridRow(cells or [""], i, i, merged) for i, cells, merged in numbered],
                source_format, encoding, len(numbered), place, page_title)


def _header_cells(grid: Grid) -> tuple[str, ...]:
    """A table's first row with two filled cells, whitespace removed: what tables of one plan share."""
    row = next((r for r in grid.rows if sum(bool(c.strip()) for c in r.cells) > 1), None)
    return tuple("".join(c.split()) for c in row.cells) if row else ()


def _choose(path: Path, candidates: list[Grid], is_work_plan: Callable[[Grid], bool], what: str) -> Grid:
    """The work-plan table among a file's tables: the largest whose header reads as a work plan, read
    together with the other tables that have its header (a document setting out one table per section
    or per page). Their rows are numbered on from one table to the next."""
    if not candidates:
        raise SourceFileError(path, f"no table in this {what}")
    plans = [g for g in candidates if is_work_plan(g)]
    if not plans:
        raise SourceFileError(path, f"none of its {len(candidates)} tables has a work-plan header (no column reads as "
                                    "what is promised: e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)")
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
    return Grid(rows, chosen.source_format, chosen.encoding, sum(g.size for g in same), place, same[0].page_title)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read_html(path: Path, data: bytes, is_work_plan: Callable[[Grid], bool]) -> Grid:
    """A saved page: its declared encoding honoured; of its innermost tables, the work-plan one; <br> and
    <p> inside a cell as line breaks, &nbsp; as a space; its title from <caption>, <h1>-<h3> or <title>."""
    from lxml import html

    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode(data, path, declared.group(1).decode("ascii") if declared else None)
    document = html.document_fromstring(text)
    for element in document.iter("script", "style"):
        element.drop_tree()
    for br in document.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in document.iter("p", "div", "li"):
        block.tail = "\n" + (block.tail or "")
    tables = list(document.iter("table"))
    page_title = next((" ".join(e.text_content().split()) for e in document.iter("h1", "h2", "h3")
                       if e.text_content().strip()), None)
    if page_title is None and (title := document.find(".//title")) is not None and title.text_content().strip():
        page_title = " ".join(title.text_content().split())

    def cell_text(element) -> str:
        raw = element.text_content().replace("\xa0", " ")
        return "\n".join(line.strip() for line in raw.split("\n") if line.strip())

    grids, innermost = [], []
    for number, table in enumerate(tables, start=1):
        rows = [[_Cell(cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in tr.xpath("./td|./th")]
                for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]
        caption = table.find("caption")
        title = " ".join(caption.text_content().split()) if caption is not None else page_title
        grids.append(_grid_from_rows(resolve_spans(rows), "html", encoding, f"table {number} of {len(tables)}", title))
        innermost.append(not table.xpath(".//table"))
    # A table holding other tables lays out the page; the work plan is among the innermost, unless it
    # holds a table itself (then any table whose header reads as a work plan will do).
    inner = [g for g, leaf in zip(grids, innermost) if leaf]
    if any(is_work_plan(g) for g in inner):
        return _choose(path, inner, is_work_plan, "page")
    return _choose(path, grids, is_work_plan, "page")


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as a browser reads it: a positive whole number, else 1."""
    match = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1


def read_excel(path: Path, data: bytes, is_work_plan: Callable[[Grid], bool]) -> Grid:
    """A workbook (.xlsx or .xls): the sheet holding the work-plan table, merged ranges resolved, whole
    numbers written without ".0" (an id 1, not 1.0)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as err:  # calamine raises its own error types per format
        raise SourceFileError(path, f"not a readable workbook ({type(err).__name__}: {err})") from None
    grids = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        values = [[_excel_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        merged: list[set[int]] = [set() for _ in values]
        for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
            for r in range(top, min(bottom, len(values) - 1) + 1):
                for c in range(left, right + 1):
                    if c >= len(values[r]) or (r, c) == (top, left):
                        continue
                    if c == left:  # merged over rows: the value in each row, flagged
                        values[r][c] = values[top][left]
                        merged[r].add(c)
                    else:  # merged across columns: the first column only
                        values[r][c] = ""
        rows = [(row, frozenset(m)) for row, m in zip(values, merged)]
        while rows and not any(rows[-1][0]):
            rows.pop()
        grids.append(_grid_from_rows(rows, path.suffix.lstrip(".").lower(), "binary", f"sheet {name}", None))
    return _choose(path, [g for g in grids if g.rows], is_work_plan, "workbook")


def _excel_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def read_docx(path: Path, data: bytes, is_work_plan: Callable[[Grid], bool]) -> Grid:
    """A Word document: the work-plan table among its tables; cells merged down (vMerge) resolved,
    across (gridSpan) in their first column, paragraphs inside a cell as line breaks. Read from each
    table's XML rows directly: python-docx's row.cells walks the whole table for every row."""
    import docx
    from docx.oxml.ns import qn

    text_of = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}

    def paragraph_text(p) -> str:
        """A paragraph's text as Word shows it (runs' text, tabs, line breaks), straight from its XML."""
        return "".join(e.text or "" if (fixed := text_of[e.tag]) is None else fixed
                       for e in p.iter(*text_of))

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # a corrupt or mislabelled file
        raise SourceFileError(path, f"not a readable Word document ({type(err).__name__}: {err})") from None
    title = next((p.text.strip() for p in document.paragraphs if p.text.strip()), None)
    grids = []
    for number, table in enumerate(document.tables, start=1):
        rows: list[tuple[list[str], frozenset[int]]] = []
        above: list[str] = []
        for tr in table._tbl.tr_lst:
            texts: list[str] = []
            merged: set[int] = set()
            for tc in tr.tc_lst:
                column = len(texts)
                if tc.vMerge == "continue":  # the cell above goes on down
                    texts.append(above[column] if column < len(above) else "")
                    merged.add(column)
                else:
                    lines = (paragraph_text(p).strip() for p in tc.p_lst)
                    texts.append("\n".join(line for line in lines if line))
                texts += [""] * (tc.grid_span - 1)
            rows.append((texts, frozenset(merged)))
            above = texts
        grids.append(_grid_from_rows(rows, "docx", "binary", f"table {number} of {len(document.tables)}", title))
    return _choose(path, grids, is_work_plan, "document")


READERS: dict[str, str] = {
    ".txt": "txt", ".psv": "txt", ".html": "html", ".htm": "html", ".xlsx": "excel", ".xls": "excel",
    ".docx": "docx", ".csv": "csv", ".tsv": "tsv",
}


_INVISIBLE = str.maketrans("", "", INVISIBLE_CHARACTERS)


def read_grid(path: Path, data: bytes, is_work_plan: Callable[[Grid], bool],
              may_merge: Callable[[list[str]], bool]) -> Grid:
    """The file's grid (its bytes, read once by the caller), by its extension (READERS); a format not read
    says how to convert it. Characters that carry no text are dropped from every cell (the raw line keeps
    them)."""
    grid = _read_by_format(path, data, is_work_plan, may_merge)
    for row in grid.rows:
        row.cells[:] = [cell.translate(_INVISIBLE) for cell in row.cells]
    return grid


def _read_by_format(path: Path, data: bytes, is_work_plan: Callable[[Grid], bool],
                    may_merge: Callable[[list[str]], bool]) -> Grid:
    suffix = path.suffix.lower()
    if suffix in UNREAD_FORMATS:
        raise UnreadFormat(path, f"{suffix} files are not read ({UNREAD_FORMATS[suffix]}); formats read: "
                                 f"{' '.join(sorted(READERS))}")
    kind = READERS.get(suffix)
    if kind in ("excel", "docx"):
        return read_excel(path, data, is_work_plan) if kind == "excel" else read_docx(path, data, is_work_plan)
    if kind == "html":
        return read_html(path, data, is_work_plan)
    if kind in ("csv", "tsv"):
        return read_separated(path, data, "," if kind == "csv" else "\t")
    return read_pipe_text(path, data, may_merge)
