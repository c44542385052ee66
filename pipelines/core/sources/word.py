"""A Word document (.docx): the work-plan table among its tables (python-docx)."""

from __future__ import annotations

import io
from pathlib import Path

from pipelines.core.sources.grid import Grid, LayoutHints, SourceFileError, choose_table, grid_from_rows


def read_docx(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """A Word document: the work-plan table among its tables; cells merged down (vMerge) resolved,
    across (gridSpan) in their first column, paragraphs inside a cell as line breaks. Read from each
    table's XML rows directly: python-docx's row.cells walks the whole table for every row."""
    import docx
    from docx.oxml.ns import qn

    text_of = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}

    def paragraph_text(p) -> str:
        """A paragraph's text as Word shows it (runs' text, tabs, line breaks), straight from its XML."""
        return "".join(e.text or "" if (fixed := text_of[e.tag]) is None else fixed for e in p.iter(*text_of))

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
        grids.append(grid_from_rows(rows, "docx", "binary", f"table {number} of {len(document.tables)}", title))
    return choose_table(path, grids, hints.is_work_plan, "document")
