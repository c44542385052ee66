"""The formats the raw folder may hold, one row each: suffixes -> reader -> what it reads, and the
signatures that tell a file's format from its bytes (an `.xls` from a government site is often a saved web
page). A new format is a row here and a reader module beside this one; the README, the tests and the bench
iterate these tables."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.rules import INVISIBLE_CHARACTERS
from pipelines.core.sources.excel import read_excel
from pipelines.core.sources.grid import Grid, LayoutHints, SourceFileError, UnreadFormat, brief_error
from pipelines.core.sources.html import read_html
from pipelines.core.sources.limits import check_file_size
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
    Format(
        "mhtml",
        (),
        None,
        "a single-file web page (MHTML, Excel's 'Single File Web Page'); open it in Excel and save it as .xlsx",
    ),
    Format("spreadsheetml", (), None, "an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"),
    Format("wps", (".wps",), None, "WPS document; save it as .docx"),
    Format("et", (".et",), None, "WPS spreadsheet; save it as .xlsx"),
)


def _zip_holds(part: str) -> Callable[[bytes], bool]:
    def test(data: bytes) -> bool:
        try:
            return data.startswith(b"PK\x03\x04") and part in zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError):
            return False

    return test


def _text_head(data: bytes) -> str | None:
    """The file's first 64 KB as text, to look at its markup and separators (None: not text)."""
    head = data[:65536]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    # Separators and markup are ASCII, which GBK and UTF-8 never use inside a character (tab, comma, "<").
    return None if b"\x00" in head else head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")


def _text_with(pattern: str, start: str = "") -> Callable[[bytes], bool]:
    def test(data: bytes) -> bool:
        head = _text_head(data)
        return head is not None and head.startswith(start) and re.search(pattern, head, re.IGNORECASE) is not None

    return test


@dataclass(frozen=True)
class Signature:
    name: str
    test: Callable[[bytes], bool]
    formats: tuple[str, ...]  # FORMATS names it may be: the suffix's when among them, else the first
    any_suffix: bool  # False: only a file whose suffix names a format that is not text (.xls holding text)
    example: str


SIGNATURES: tuple[Signature, ...] = (
    Signature("ZIP with a workbook", _zip_holds("xl/workbook.xml"), ("excel",), True, "an .xlsx, named .xls"),
    Signature("ZIP with a Word document", _zip_holds("word/document.xml"), ("docx",), True, "a .docx"),
    Signature(
        "OLE2 compound file",
        lambda data: data.startswith(bytes.fromhex("d0cf11e0a1b11ae1")),
        ("excel", "doc", "wps", "et"),
        True,
        "an Excel 97-2003 .xls (or an old .doc: kept as its suffix says)",
    ),
    Signature("PDF", lambda data: data.startswith(b"%PDF-"), ("pdf",), True, "a scanned plan named .xls"),
    Signature(
        "MHTML page", _text_with(r"^MIME-Version:", ""), ("mhtml",), True, "an .xls saved as 'Single File Web Page'"
    ),
    Signature(
        "Excel 2003 XML",
        _text_with(r"urn:schemas-microsoft-com:office:spreadsheet", "<?xml"),
        ("spreadsheetml",),
        True,
        '<?xml …><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"> named .xls',
    ),
    Signature(
        "HTML page", _text_with(r"<(table|html)[\s>]", "<"), ("html",), True, "an .xls saved from a site: <html><table>"
    ),
    Signature("tab-separated text", _text_with(r"\t"), ("tsv",), False, "Excel's 'Text (Tab delimited)' named .xls"),
    Signature("pipe text", _text_with(r"\|"), ("txt",), False, "序号 | 内容 | named .doc"),
    Signature("comma-separated text", _text_with(","), ("csv",), False, "序号,内容,责任单位 named .xlsx"),
)
TEXT_FORMATS = ("txt", "html", "csv", "tsv")
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}
_BY_NAME = {f.name: f for f in FORMATS}
READ_SUFFIXES = tuple(sorted(s for f in FORMATS if f.read for s in f.suffixes))
# Searched for, then dropped where found: str.translate looks every character up, ~15× a regex search.
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def format_of(path: Path | str) -> Format | None:
    """The format a file's suffix names (any case), or None: not a report format."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def sniff(path: Path | str, data: bytes) -> Format | None:
    """The format the file's bytes say (SIGNATURES, the first that matches), else its suffix's (None: neither
    knows it). Binary signatures and HTML decide whatever the suffix; separators only for a file whose
    suffix names a format that is not text."""
    by_suffix = format_of(path)
    text_suffix = by_suffix is not None and by_suffix.name in TEXT_FORMATS
    for signature in SIGNATURES:
        if (signature.any_suffix or not text_suffix) and signature.test(data):
            keep = by_suffix is not None and by_suffix.name in signature.formats
            return by_suffix if keep else _BY_NAME[signature.formats[0]]
    return by_suffix


def read_grid(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """The file's grid (its bytes, read once by the caller, under the file-size cap), read as what its
    content is (`sniff`: an .xls page is read as HTML, `Grid.source_format` says so), by its suffix when the
    content does not say, as pipe text when neither does; a format not read says how to convert it. Any
    error of a reader's library becomes a SourceFileError naming the file. Characters that carry no text are
    dropped from every cell (the raw line keeps them)."""
    check_file_size(path, len(data))
    found = sniff(path, data) or FORMATS[0]  # a file the caller chose, of no known suffix: pipe text
    if found.read is None:
        suffix = path.suffix.lower()
        what = f"{suffix} files are" if format_of(path) is found else f"this {suffix} file is {found.name}, which is"
        raise UnreadFormat(path, f"{what} not read ({found.description}); formats read: {' '.join(READ_SUFFIXES)}")
    try:
        grid = found.read(path, data, hints)
    except SourceFileError:
        raise
    except BaseException as err:  # a library's own error on a corrupt file, named as this file's
        # A panic in a Rust library (pyo3's PanicException) is a BaseException; an interrupt stays one.
        if not isinstance(err, Exception) and type(err).__name__ != "PanicException":
            raise
        raise SourceFileError(path, f"not readable as {found.name} ({brief_error(err)})") from None
    for row in grid.rows:
        row.cells[:] = [_INVISIBLE.sub("", cell) if _INVISIBLE.search(cell) else cell for cell in row.cells]
    return grid
