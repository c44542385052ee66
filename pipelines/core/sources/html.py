"""A saved web page: the work-plan table among its tables (lxml), its rows as a browser shows them."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.core.sources import limits
from pipelines.core.sources.grid import (
    Cell,
    Grid,
    LayoutHints,
    SourceFileError,
    choose_table,
    decode,
    grid_from_rows,
    paragraphs_grid,
    resolve_spans,
    split_lines,
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read_html(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """A saved page: its declared encoding honoured; of its innermost tables, the work-plan one; <br> and
    <p> inside a cell as line breaks, &nbsp; as a space; its title from <caption>, <h1>-<h3> or <title>."""
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode(data, path, declared.group(1).decode("ascii") if declared else None)
    document = _parse(path, text)
    for element in document.iter("script", "style"):
        element.drop_tree()
    for br in document.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in document.iter("p", "div", "li"):
        block.tail = "\n" + (block.tail or "")
    page_title = next(
        (" ".join(e.text_content().split()) for e in document.iter("h1", "h2", "h3") if e.text_content().strip()), None
    )
    if page_title is None and (title := document.find(".//title")) is not None and title.text_content().strip():
        page_title = " ".join(title.text_content().split())
    tables = table_rows(document)
    grids, innermost = [], []
    for number, (table, rows) in enumerate(tables.items(), start=1):
        caption = table.find("caption")
        title = " ".join(caption.text_content().split()) if caption is not None else page_title
        cells = [[Cell(_cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in tr] for tr in rows]
        place = f"table {number} of {len(tables)}"
        _check_cells(path, cells, place)
        grids.append(grid_from_rows(resolve_spans(cells), "html", encoding, place, title, source_rows=len(rows)))
        innermost.append(not table.xpath(".//table"))
    # A table holding other tables lays out the page; the work plan is among the innermost, unless it
    # holds a table itself (then any table whose header reads as a work plan will do).
    inner = [g for g, leaf in zip(grids, innermost, strict=False) if leaf]
    try:
        if any(hints.is_work_plan(g) for g in inner):
            return choose_table(path, inner, hints.is_work_plan, "page")
        return choose_table(path, grids, hints.is_work_plan, "page")
    except SourceFileError as no_table:
        # A plan written as paragraphs on the page: its lines of text, one row each (see word.read_docx).
        body = document.find("body")
        lines = [" ".join(line.split()) for line in split_lines(body.text_content() if body is not None else "")]
        return paragraphs_grid(no_table, lines, "html", encoding, page_title)


def _parse(path: Path, text: str):
    """The page's tree. libxml2 stops silently at a nesting depth (256 levels, 2048 with huge_tree), dropping
    the rest of the page: past it the page is refused, never read short."""
    from lxml import html

    parser = html.HTMLParser(huge_tree=True)
    document = html.document_fromstring(text, parser=parser)
    cut = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if cut is not None:
        raise SourceFileError(
            path, f"the page nests elements too deep to read whole ({cut.message.split(',')[0]})", cut.line
        )
    return document


def table_rows(document) -> dict:
    """Each table (in page order) -> its rows, each a list of its cells: every <tr> whose nearest table is it,
    wherever it stands (a browser shows a <tr> wrapped in <form>, <font>, <span> or <div> as a row of the
    table), and every <td>/<th> whose nearest row is that row (the rows and cells of a table nested in a
    cell are that table's own)."""
    tables: dict = {table: [] for table in document.iter("table")}
    cells_of: dict = {}
    for tr in document.iter("tr"):
        table = next(tr.iterancestors("table"), None)
        if table is not None:
            tables[table].append(cells_of.setdefault(tr, []))
    for cell in document.iter("td", "th"):
        tr = next(cell.iterancestors("tr", "table"), None)
        if tr is not None and tr.tag == "tr":
            cells_of.setdefault(tr, []).append(cell)
    return tables


def _check_cells(path: Path, rows: list[list[Cell]], place: str) -> None:
    """The table as resolved (every row as wide as its widest, spans counted) under MAX_TABLE_CELLS, before
    it is made: a page of a few KB may ask for billions of cells with colspan="1000"."""
    width = max((sum(cell.colspan for cell in row) for row in rows), default=0)
    if (cells := width * len(rows)) > limits.MAX_TABLE_CELLS:
        raise SourceFileError(
            path,
            f"{len(rows):,} rows × {width:,} columns as spanned ({limits.count_words(cells)} cells), over the cap "
            f"of {limits.MAX_TABLE_CELLS:,} cells (MAX_TABLE_CELLS)",
            place=place,
        )


def _cell_text(element) -> str:
    raw = element.text_content().replace("\xa0", " ")
    return "\n".join(line.strip() for line in raw.split("\n") if line.strip())


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as a browser reads it: a positive whole number, else 1."""
    match = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1
