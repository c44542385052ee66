"""A saved web page: the work-plan table among its tables (lxml)."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.core.sources.grid import Cell, Grid, LayoutHints, choose_table, decode, grid_from_rows, resolve_spans

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read_html(path: Path, data: bytes, hints: LayoutHints) -> Grid:
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
    page_title = next(
        (" ".join(e.text_content().split()) for e in document.iter("h1", "h2", "h3") if e.text_content().strip()), None
    )
    if page_title is None and (title := document.find(".//title")) is not None and title.text_content().strip():
        page_title = " ".join(title.text_content().split())

    def cell_text(element) -> str:
        raw = element.text_content().replace("\xa0", " ")
        return "\n".join(line.strip() for line in raw.split("\n") if line.strip())

    grids, innermost = [], []
    for number, table in enumerate(tables, start=1):
        rows = [
            [Cell(cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in tr.xpath("./td|./th")]
            for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        ]
        caption = table.find("caption")
        title = " ".join(caption.text_content().split()) if caption is not None else page_title
        grids.append(grid_from_rows(resolve_spans(rows), "html", encoding, f"table {number} of {len(tables)}", title))
        innermost.append(not table.xpath(".//table"))
    # A table holding other tables lays out the page; the work plan is among the innermost, unless it
    # holds a table itself (then any table whose header reads as a work plan will do).
    inner = [g for g, leaf in zip(grids, innermost, strict=False) if leaf]
    if any(hints.is_work_plan(g) for g in inner):
        return choose_table(path, inner, hints.is_work_plan, "page")
    return choose_table(path, grids, hints.is_work_plan, "page")


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as a browser reads it: a positive whole number, else 1."""
    match = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1
