"""A Word document (.docx): the work-plan table among its tables (python-docx)."""

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
    paragraphs_grid,
)


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

    _check_size(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # a corrupt or mislabelled file
        raise SourceFileError(path, f"not a readable Word document ({brief_error(err)})") from None
    title = next((p.text.strip() for p in document.paragraphs if p.text.strip()), None)
    grids = []
    for number, table in enumerate(document.tables, start=1):
        place = f"table {number} of {len(document.tables)}"
        _check_cells(path, table._tbl, place)
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
        grids.append(grid_from_rows(rows, "docx", "binary", place, title, source_rows=len(rows)))
    try:
        return choose_table(path, grids, hints.is_work_plan, "document")
    except SourceFileError as no_table:
        # A plan written as paragraphs, not as a table: its body paragraphs, for the layout to read as labelled
        # items (PARAGRAPH_FORM); where they read as none, the file is rejected with both reasons.
        body = [paragraph_text(p).strip() for p in document.element.body.iterchildren(qn("w:p"))]
        return paragraphs_grid(no_table, body, "docx", "binary", title)


def _check_size(path: Path, data: bytes) -> None:
    """The document's own XML under MAX_WORD_XML_BYTES, before python-docx builds its tree."""
    archive = limits.open_zip(path, data, "Word document")
    info = next((i for i in archive.infolist() if i.filename == "word/document.xml"), None)
    if info is not None and info.file_size > limits.MAX_WORD_XML_BYTES:
        raise SourceFileError(
            path,
            f"word/document.xml unzips to {info.file_size / limits.MB:,.0f} MB, over the cap of "
            f"{limits.MAX_WORD_XML_BYTES / limits.MB:g} MB (MAX_WORD_XML_BYTES)",
        )


def _check_cells(path: Path, tbl, place: str) -> None:
    """A table's cells, each counted as wide as it spans, under MAX_TABLE_CELLS before they are made."""
    cells = sum(tc.grid_span for tr in tbl.tr_lst for tc in tr.tc_lst)
    if cells > limits.MAX_TABLE_CELLS:
        raise SourceFileError(
            path, f"{cells:,} cells, over the cap of {limits.MAX_TABLE_CELLS:,} cells (MAX_TABLE_CELLS)", place=place
        )
