"""A workbook, .xlsx or .xls: the sheet holding the work-plan table, merged ranges resolved (python-calamine)."""

from __future__ import annotations

import io
from pathlib import Path

from pipelines.core.sources.grid import Grid, LayoutHints, SourceFileError, choose_table, grid_from_rows


def read_excel(path: Path, data: bytes, hints: LayoutHints) -> Grid:
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
        rows = [(row, frozenset(m)) for row, m in zip(values, merged, strict=False)]
        while rows and not any(rows[-1][0]):
            rows.pop()
        grids.append(grid_from_rows(rows, path.suffix.lstrip(".").lower(), "binary", f"sheet {name}", None))
    return choose_table(path, [g for g in grids if g.rows], hints.is_work_plan, "workbook")


def _excel_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()
