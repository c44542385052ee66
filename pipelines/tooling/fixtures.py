"""Write a table (rows of cells) as each format cities publish, for the tests and the bench: a saved HTML page
with its furniture (a contact box, navigation), a GBK page declaring gb2312, an .xlsx with a merged title row
and a second sheet, an .xls, a .docx, a CSV and a TSV; pipe text is the seed itself. Every format of
`sources.formats.FORMATS` that is read has a writer here (a test holds them to it). Merges are given as
(first row, column, rows spanned), 0-based in `rows`, and written as each format writes them (rowspan, merged
ranges, vertically merged Word cells).

Nothing here is binary test data: every fixture is made from text by this script.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from pipelines.core.layout.header import HINTS
from pipelines.core.sources.pipe_text import read_pipe_text

Merge = tuple[int, int, int]  # (first row, column, rows spanned)


def table_of(text_file: Path) -> list[list[str]]:
    """The rows of a pipe-text report as cells (header first), as the text reader reads them."""
    grid = read_pipe_text(text_file, text_file.read_bytes(), HINTS)
    return [row.cells for row in grid.rows if any(c.strip() for c in row.cells)]


def _covered(merges: list[Merge]) -> set[tuple[int, int]]:
    return {(r, c) for first, c, span in merges for r in range(first + 1, first + span)}


def write_html(
    path: Path,
    rows: list[list[str]],
    title: str,
    merges: list[Merge] = (),
    encoding: str = "utf-8",
    declared: str = "utf-8",
) -> Path:
    covered, spans = _covered(merges), {(r, c): n for r, c, n in merges}

    def cell(r: int, c: int, text: str) -> str:
        tag = "th" if r == 0 else "td"
        span = f' rowspan="{spans[(r, c)]}"' if (r, c) in spans else ""
        body = "<br>".join(html.escape(line) for line in text.split("\n")).replace("  ", " &nbsp;")
        return f"<{tag}{span}><p>{body}</p></{tag}>"

    body = "\n".join(
        "<tr>" + "".join(cell(r, c, t) for c, t in enumerate(row) if (r, c) not in covered) + "</tr>"
        for r, row in enumerate(rows)
    )
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">
<title>{html.escape(title)} - 政府门户网站</title>
<script>var nav = "<table><tr><td>序号</td></tr></table>";</script></head>
<body><table class="layout"><tr><td>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<h1>{html.escape(title)}</h1>
<table class="work"><tbody>
{body}
</tbody></table>
<table class="contact"><tr><td>联系电话</td><td>0575-85200000</td></tr><tr><td>地址</td><td>人民中路</td></tr></table>
</td></tr></table></body></html>
"""
    path.write_bytes(page.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[str]], title: str, merges: list[Merge] = ()) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本表由市政府办公室汇总"])
    sheet = workbook.create_sheet("任务")
    sheet.append([title] + [None] * (len(rows[0]) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    covered = _covered(merges)
    for r, row in enumerate(rows):
        sheet.append([_excel_value(c, t) if (r, c) not in covered else None for c, t in enumerate(row)])
    for first, column, span in merges:  # +2: the title row, and 1-based rows
        sheet.merge_cells(start_row=first + 2, start_column=column + 1, end_row=first + span + 1, end_column=column + 1)
    workbook.save(path)
    return path


def write_xls(path: Path, rows: list[list[str]], title: str, merges: list[Merge] = ()) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("任务")
    sheet.write_merge(0, 0, 0, len(rows[0]) - 1, title)
    spans, covered = {(r, c): n for r, c, n in merges}, _covered(merges)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            if (r, c) in spans:
                sheet.write_merge(r + 1, r + spans[(r, c)], c, c, _excel_value(c, text))
            else:
                sheet.write(r + 1, c, _excel_value(c, text))
    workbook.save(str(path))
    return path


def _excel_value(column: int, text: str):
    """Ids as numbers, the way a spreadsheet holds them (read back as 1, not 1.0)."""
    return int(text) if column == 0 and text.isdigit() else text


def write_docx(path: Path, rows: list[list[str]], title: str, merges: list[Merge] = ()) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "附件"  # a small table before the work plan
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    covered = _covered(merges)
    # Cells through the rows' XML: python-docx's table.cell() walks the whole table at every call.
    from docx.table import _Cell

    for r, (row, tr) in enumerate(zip(rows, table._tbl.tr_lst, strict=False)):
        for c, (text, tc) in enumerate(zip(row, tr.tc_lst, strict=False)):
            if (r, c) in covered:
                continue
            cell = _Cell(tc, table)
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:  # a paragraph per line, as Word keeps them
                cell.add_paragraph(line)
    for first, column, span in merges:
        table.cell(first, column).merge(table.cell(first + span - 1, column))
    document.save(str(path))
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


# Report id suffix -> how to write it (file name <stem>-<suffix><extension>).
WRITERS = {
    "html": (".html", lambda path, rows, title, merges: write_html(path, rows, title, merges)),
    "gbk": (
        ".htm",
        lambda path, rows, title, merges: write_html(path, rows, title, merges, encoding="gb18030", declared="gb2312"),
    ),
    "xlsx": (".xlsx", write_xlsx),
    "xls": (".xls", write_xls),
    "docx": (".docx", write_docx),
    "csv": (".csv", lambda path, rows, title, merges: write_csv(path, rows)),
    "tsv": (".tsv", lambda path, rows, title, merges: write_csv(path, rows, encoding="utf-8", delimiter="\t")),
}


def write_as(
    name: str, directory: Path, stem: str, rows: list[list[str]], title: str, merges: list[Merge] = ()
) -> Path:
    extension, writer = WRITERS[name]
    return writer(directory / f"{stem}-{name}{extension}", rows, title, merges)


def write_all(
    directory: Path, stem: str, rows: list[list[str]], title: str, merges: list[Merge] = ()
) -> dict[str, Path]:
    """The table in every format read, one file each: <stem>-html.html, <stem>-gbk.htm, … (one report each),
    by writer name."""
    return {name: write_as(name, directory, stem, rows, title, merges) for name in WRITERS}
