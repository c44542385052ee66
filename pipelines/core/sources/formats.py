"""The formats the raw folder may hold, one row each: suffixes -> reader -> what it reads. A new format is a
row here and a reader module beside this one; the README, the tests and the bench iterate this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.rules import INVISIBLE_CHARACTERS
from pipelines.core.sources.excel import read_excel
from pipelines.core.sources.grid import Grid, LayoutHints, UnreadFormat
from pipelines.core.sources.html import read_html
from pipelines.core.sources.pipe_text import read_pipe_text
from pipelines.core.sources.separated import read_csv, read_tsv
from pipelines.core.sources.word import read_docx

Reader = Callable[[Path, bytes, LayoutHints], Grid]


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Reader | None  # None: a format recognised but not read; `description` says how to convert it
    description: str


FORMATS: tuple[Format, ...] = (
    Format(
        "txt",
        (".txt", ".psv"),
        read_pipe_text,
        "pipe text as copied by hand (`cell | cell |`, a row may run over several lines)",
    ),
    Format("html", (".html", ".htm"), read_html, "a saved page: the work-plan table among its tables (lxml)"),
    Format(
        "excel",
        (".xlsx", ".xls"),
        read_excel,
        "the sheet holding the table (python-calamine: both formats, merged ranges)",
    ),
    Format("docx", (".docx",), read_docx, "the table(s) of a Word document (python-docx)"),
    Format("csv", (".csv",), read_csv, "comma-separated text (the csv module)"),
    Format("tsv", (".tsv",), read_tsv, "tab-separated text (the csv module)"),
    Format("doc", (".doc",), None, "old binary Word; convert it: soffice --headless --convert-to docx FILE"),
    Format(
        "pdf",
        (".pdf",),
        None,
        "PDF; open it and save or export the table as .docx or .xlsx (or convert: soffice --headless "
        "--infilter=writer_pdf_import --convert-to docx FILE)",
    ),
    Format("wps", (".wps",), None, "WPS document; save it as .docx"),
    Format("et", (".et",), None, "WPS spreadsheet; save it as .xlsx"),
)
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}
READ_SUFFIXES = tuple(sorted(s for f in FORMATS if f.read for s in f.suffixes))
_INVISIBLE = str.maketrans("", "", INVISIBLE_CHARACTERS)


def format_of(path: Path | str) -> Format | None:
    """The format a file's suffix names (any case), or None: not a report format."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def read_grid(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """The file's grid (its bytes, read once by the caller), by its suffix (FORMATS; the first row for a file
    of no known suffix); a format not read says how to convert it. Characters that carry no text are dropped
    from every cell (the raw line keeps them)."""
    found = format_of(path) or FORMATS[0]  # a file the caller chose, of no known suffix: pipe text
    if found.read is None:
        suffix = path.suffix.lower()
        raise UnreadFormat(
            path, f"{suffix} files are not read ({found.description}); formats read: {' '.join(READ_SUFFIXES)}"
        )
    grid = found.read(path, data, hints)
    for row in grid.rows:
        row.cells[:] = [cell.translate(_INVISIBLE) for cell in row.cells]
    return grid
