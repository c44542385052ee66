"""A workbook, .xlsx or .xls: the visible sheet holding the work-plan table, merged ranges resolved
(python-calamine). Hidden sheets are not read (a person opening the file does not see them); an .xlsx sheet
is checked from its own XML before calamine builds it (workbook_xml: the cell cap, formulas never computed)."""

from __future__ import annotations

import io
from pathlib import Path

from pipelines.core.sources import limits
from pipelines.core.sources.grid import (
    Grid,
    LayoutHints,
    SourceFileError,
    brief_error,
    choose_table,
    grid_from_rows,
)
from pipelines.core.sources.workbook_xml import scan_sheet, sheet_parts, unsaved_formulas_reason

ZIP_MAGIC = b"PK\x03\x04"


def read_excel(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """A workbook (.xlsx or .xls, told by its bytes): of its visible sheets, the one holding the work-plan
    table, merged ranges resolved, whole numbers written without ".0" (an id 1, not 1.0)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    kind = "xlsx" if data.startswith(ZIP_MAGIC) else "xls"
    archive = limits.open_zip(path, data, "workbook") if kind == "xlsx" else None
    parts = sheet_parts(archive) if archive else {}
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = workbook.sheets_metadata
    except Exception as err:  # calamine raises its own error types per format
        raise SourceFileError(path, f"not a readable workbook ({brief_error(err)})") from None
    shown = [s.name for s in sheets if s.visible == SheetVisibleEnum.Visible and s.typ == SheetTypeEnum.WorkSheet]
    hidden = sum(s.visible != SheetVisibleEnum.Visible for s in sheets)
    note = f" ({hidden} hidden sheet{'s' * (hidden > 1)} not read)" if hidden else ""
    grids, formulas = [], {}
    for name in shown:
        place = f"sheet {name}{note}"
        if name in parts:
            formulas[place] = scan_sheet(path, archive, parts[name], place).unsaved_formulas
        grids.append(_sheet_grid(path, workbook, name, kind, place))
    try:
        chosen = choose_table(path, [g for g in grids if g.rows], hints.is_work_plan, "workbook")
    except SourceFileError:
        _refuse_unsaved_formulas(path, formulas)  # cells read empty may be why no table reads as a work plan
        raise
    plans = {g.place for g in grids if g.rows and hints.is_work_plan(g)}  # the chosen sheet(s) among them
    _refuse_unsaved_formulas(path, {place: cells for place, cells in formulas.items() if place in plans})
    return chosen


def _sheet_grid(path: Path, workbook, name: str, kind: str, place: str) -> Grid:
    """One sheet as a grid; refused before its cells are made Python values when it reaches too far."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        end = sheet.end or (-1, -1)  # 0-based (row, column) of the last filled cell; None: an empty sheet
        cells = (end[0] + 1) * (end[1] + 1)
        if cells > limits.MAX_SHEET_CELLS:
            raise SourceFileError(
                path,
                f"its last filled cell is row {end[0] + 1}, column {end[1] + 1} "
                f"({limits.count_words(cells)} cells from A1), "
                f"over the cap of {limits.MAX_SHEET_CELLS:,} cells (MAX_SHEET_CELLS)",
                place=place,
            )
        values = [[_excel_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        ranges = sheet.merged_cell_ranges or []
    except SourceFileError:
        raise
    except Exception as err:  # calamine's XmlError and the like: a corrupt sheet
        raise SourceFileError(path, f"not a readable workbook ({brief_error(err)})", place=place) from None
    merged: list[set[int]] = [set() for _ in values]
    for (top, left), (bottom, right) in ranges:
        for r in range(top, min(bottom, len(values) - 1) + 1):
            for c in range(left, right + 1):
                if c >= len(values[r]) or (r, c) == (top, left):
                    continue
                if c == left:  # merged over rows: the value in each row, flagged
                    values[r][c] = values[top][left]
                    merged[r].add(c)
                else:  # merged across columns: the first column only
                    values[r][c] = ""
    rows = [(row, frozenset(m)) for row, m in zip(values, merged, strict=False)]
    while rows and not any(rows[-1][0]):
        rows.pop()
    return grid_from_rows(rows, kind, "binary", place, None, source_rows=len(rows))


def _refuse_unsaved_formulas(path: Path, formulas: dict[str, list[str]]) -> None:
    for place, cells in formulas.items():
        if cells:
            raise SourceFileError(path, unsaved_formulas_reason(cells), place=place)


def _excel_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()
