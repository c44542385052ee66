"""What an .xlsx's own XML says about a sheet before python-calamine builds it (one streaming pass over the
sheet's XML): how far its filled cells reach from A1 (calamine builds every cell of that range, so a tiny
file with one cell at XFD1048576 would ask for hundreds of GB), and which formula cells have no saved value
(calamine reads them as empty; a workbook written by a program that does not compute its formulas)."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipelines.core.sources import limits
from pipelines.core.sources.grid import SourceFileError, brief_error

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_OFFICE_DOCUMENT = "officeDocument"  # the relationship type's last word: the workbook part
_SHOWN_FORMULAS = 5  # cells named in the message; the count says how many more


@dataclass
class SheetScan:
    dimension: str | None = None  # as declared: "A1:F120"
    rows: int = 0  # the last row and column holding a value (1-based), as calamine will build from A1
    columns: int = 0
    unsaved_formulas: list[str] = field(default_factory=list)  # cell references: "C4"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML ({} when the workbook's parts cannot be followed: the
    reader then relies on calamine and the cap checked after it builds the sheet)."""
    try:
        workbook = _target(archive, "_rels/.rels", "", _OFFICE_DOCUMENT) or "xl/workbook.xml"
        folder = posixpath.dirname(workbook)
        rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        parts = {}
        for sheet in etree.fromstring(archive.read(workbook)).iter("{*}sheet"):
            rel_id = next((v for k, v in sheet.attrib.items() if etree.QName(k).localname == "id"), None)
            target = _target(archive, rels, folder, rel_id=rel_id)
            if target:
                parts[sheet.get("name")] = target
        return parts
    except (KeyError, etree.XMLSyntaxError):
        return {}


def _target(archive: zipfile.ZipFile, rels: str, folder: str, kind: str = "", rel_id: str | None = None) -> str:
    """The member a relationship points to (by its type's last word or its id), resolved from `folder`."""
    for rel in etree.fromstring(archive.read(rels)).iter("{*}Relationship"):
        if (kind and rel.get("Type", "").endswith("/" + kind)) or (rel_id and rel.get("Id") == rel_id):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return ""


def scan_sheet(path: Path, archive: zipfile.ZipFile, member: str, place: str) -> SheetScan:
    """One pass over the sheet's XML, a row at a time (its cells looked at in a plain loop: this pass costs
    about twice what calamine's own read does), stopping at the first row reaching past MAX_SHEET_CELLS from A1."""
    scan, row = SheetScan(), 0
    with archive.open(member) as stream:
        rows = etree.iterparse(stream, events=("end",), tag=("{*}dimension", "{*}row"))
        try:
            for _, element in rows:
                if element.tag.endswith("dimension"):
                    scan.dimension = element.get("ref")
                    continue
                row = int(element.get("r") or row + 1)
                last = _note_row(scan, element, row)
                if last is not None:
                    scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, _column(last))
                    if scan.rows * scan.columns > limits.MAX_SHEET_CELLS:
                        raise SourceFileError(path, _over_cap(scan, last[0].get("r")), place=place)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except (etree.XMLSyntaxError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as err:  # broken XML or zip
            if isinstance(err, SourceFileError):
                raise
            raise SourceFileError(path, f"not a readable workbook ({brief_error(err)})", place=place) from None
    return scan


def _note_row(scan: SheetScan, row_element, row: int) -> tuple | None:
    """The row's last cell holding a value, with its place among the row's cells (None: no value); its
    formula cells with no saved value noted on the scan."""
    last = None
    for index, cell in enumerate(row_element):
        value = formula = None
        filled = False
        for part in cell:
            tag = part.tag[part.tag.rfind("}") + 1 :]
            if tag == "v":
                value, filled = part, bool(part.text)
            elif tag == "is":
                filled = True
            elif tag == "f":
                formula = part
        if filled:
            last = (cell, index)
        # A formula's empty saved value is a value when the formula gives text (t="str"): "" is its result.
        elif formula is not None and not (value is not None and cell.get("t") == "str"):
            scan.unsaved_formulas.append(cell.get("r") or f"row {row} column {index + 1}")
    return last


def _column(last: tuple) -> int:
    """A cell's column (1-based): from its reference, else its place in the row (a row written without
    references lists its cells from column A)."""
    cell, index = last
    match = _CELL_REF.match(cell.get("r") or "")
    if not match:
        return index + 1
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return number


def _over_cap(scan: SheetScan, ref: str | None) -> str:
    cells = scan.rows * scan.columns
    declared = f"declares {scan.dimension} and " if scan.dimension else ""
    return (
        f"{declared}has a cell at {ref or f'row {scan.rows}'} ({limits.count_words(cells)} cells from A1), "
        f"over the cap of {limits.MAX_SHEET_CELLS:,} cells (MAX_SHEET_CELLS)"
    )


def unsaved_formulas_reason(cells: list[str]) -> str:
    shown = ", ".join(cells[:_SHOWN_FORMULAS]) + (f" and {len(cells) - _SHOWN_FORMULAS} more" if len(cells) > 5 else "")
    return (
        f"cells {shown}: formulas with no saved value (a program wrote the file without computing them): "
        "open and save it in Excel or LibreOffice"
    )
