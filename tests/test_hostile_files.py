"""Files that would make a reader read what a person does not see, lose rows without a word, or take the process
down: each generated here, each read as a person sees it or refused with a one-line reason naming the file, the
place and the cap (pipelines/core/sources: excel, workbook_xml, html, formats, limits)."""

from __future__ import annotations

import zipfile

import pytest

from pipelines.core.layout.header import HINTS
from pipelines.core.layout.tasks import read_report
from pipelines.core.sources import limits
from pipelines.core.sources.formats import SIGNATURES, read_grid, sniff
from pipelines.core.sources.grid import SourceFileError
from pipelines.tooling.fixtures import write_docx, write_html, write_xlsx

HEAD = ["序号", "内容与要求", "责任单位"]
ROWS = [HEAD, ["1", "新增企业10家。", "市经信局"], ["2", "新增学位800个。", "市教育局"]]
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx_by_hand(path, sheet_data: str, dimension: str = "A1:C3"):
    """The smallest .xlsx: one sheet, 任务, whose <sheetData> is given (a few hundred bytes zipped)."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {_MAIN} xmlns:r="{_DOC_RELS}"><sheets>'
        '<sheet name="任务" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet {_MAIN}><dimension ref="{dimension}"/>'
        f"<sheetData>{sheet_data}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def _inline_row(number: int, cells: list[str]) -> str:
    return (
        f'<row r="{number}">'
        + "".join(f'<c r="{"ABC"[i]}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(cells))
        + "</row>"
    )


# --- 1. workbooks: visible sheets only -----------------------------------------------------


def test_hidden_and_very_hidden_sheets_are_not_read(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    for sheet, state, ids in (
        (workbook.active, "visible", (1, 2)),
        (None, "hidden", (1, 2, 3)),
        (None, "veryHidden", (1, 2, 3, 4)),
    ):
        sheet = sheet or workbook.create_sheet(state)
        sheet.title, sheet.sheet_state = ("任务" if state == "visible" else state), state
        sheet.append(HEAD)
        for task_id in ids:  # the hidden sheets: the same ids, more of them, other words
            sheet.append([task_id, f"{state}要求{task_id}。", "市经信局"])
    workbook.save(tmp_path / "hidden.xlsx")
    report = read_report(tmp_path / "hidden.xlsx")
    assert report.tasks.select("task_id", "requirement").rows() == [(1, "visible要求1。"), (2, "visible要求2。")]
    assert report.source_place == "sheet 任务 (2 hidden sheets not read)"


# --- 2, 3. HTML: rows as the browser shows them, however deep -------------------------------


@pytest.mark.parametrize("wrapper", ["form", "font", "span", "div"])
def test_html_rows_wrapped_between_table_and_tr_are_kept(tmp_path, wrapper):
    rows = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in ROWS[1:])
    head = "".join(f"<th>{c}</th>" for c in HEAD)
    page = f"<html><body><table><tr>{head}</tr><{wrapper}>{rows}</{wrapper}></table></body></html>"
    (tmp_path / "wrapped.html").write_text(page, encoding="utf-8")
    report = read_report(tmp_path / "wrapped.html")
    assert report.tasks.select("task_id", "units_raw").rows() == [(1, "市经信局"), (2, "市教育局")]


def test_rows_of_a_nested_table_stay_out_of_the_outer_table(tmp_path):
    nested = "<table><tr><td>3</td><td>附表行。</td><td>市财政局</td></tr></table>"
    page = (
        f"<table><tr>{''.join(f'<th>{c}</th>' for c in HEAD)}</tr>"
        f"<tr><td>1</td><td>新增企业10家。{nested}</td><td>市经信局</td></tr></table>"
    )
    (tmp_path / "nested.html").write_text(page, encoding="utf-8")
    grid = read_grid(tmp_path / "nested.html", page.encode(), HINTS)
    assert (grid.place, grid.size, grid.source_rows) == ("table 1 of 2", 2, 2)


def _deep_page(depth: int) -> str:
    deep = "<div>" * depth + "深层内容。" + "</div>" * depth
    rows = "".join(
        f"<tr><td>{n}</td><td>{deep if n == 2 else f'要求{n}。'}</td><td>市经信局</td></tr>" for n in range(1, 6)
    )
    return f"<html><body><table><tr>{''.join(f'<th>{c}</th>' for c in HEAD)}</tr>{rows}</table></body></html>"


def test_a_cell_nested_300_deep_does_not_end_the_page(tmp_path):
    (tmp_path / "deep.html").write_text(_deep_page(300), encoding="utf-8")
    report = read_report(tmp_path / "deep.html")
    assert report.tasks["task_id"].to_list() == [1, 2, 3, 4, 5]
    assert "深层内容" in report.tasks["requirement"][1]


def test_a_page_nested_past_what_the_parser_reads_is_refused_not_cut(tmp_path):
    (tmp_path / "deeper.html").write_text(_deep_page(3000), encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"deeper.html:1: the page nests elements too deep to read whole"):
        read_report(tmp_path / "deeper.html")


# --- 4. content first, the suffix as fallback -----------------------------------------------


def test_an_xls_that_is_a_gbk_page_declaring_gb2312_is_read_as_html(tmp_path):
    page = write_html(tmp_path / "page.html", ROWS, "进展", encoding="gbk", declared="gb2312")
    (tmp_path / "page.xls").write_bytes(page.read_bytes())
    report = read_report(tmp_path / "page.xls")
    assert (report.source_format, report.encoding, report.tasks.height) == ("html", "gb18030", 2)
    assert report.summary()["source_format"] == "html"


def test_an_xls_holding_tab_separated_text_is_read_as_tsv(tmp_path):
    (tmp_path / "export.xls").write_text("\n".join("\t".join(row) for row in ROWS) + "\n", encoding="utf-8")
    report = read_report(tmp_path / "export.xls")
    assert (report.source_format, report.tasks.height) == ("tsv", 2)


def test_a_docx_that_is_a_saved_page_is_read_as_html(tmp_path):
    page = write_html(tmp_path / "page.html", ROWS, "进展")
    (tmp_path / "page.docx").write_bytes(page.read_bytes())
    report = read_report(tmp_path / "page.docx")
    assert (report.source_format, report.tasks.height) == ("html", 2)


def test_an_xlsx_named_xls_is_read_as_xlsx(tmp_path):
    workbook = write_xlsx(tmp_path / "book.xlsx", ROWS, "进展")
    (tmp_path / "book.xls").write_bytes(workbook.read_bytes())
    assert read_report(tmp_path / "book.xls").source_format == "xlsx"


def test_an_xls_that_is_an_excel_2003_xml_spreadsheet_says_how_to_convert_it(tmp_path):
    path = tmp_path / "2003.xls"
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "<Worksheet><Table><Row><Cell><Data>序号</Data></Cell></Row></Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    with pytest.raises(
        SourceFileError, match=r"this \.xls file is spreadsheetml, which is not read .*save it as \.xlsx"
    ):
        read_report(path)


def test_pipe_text_with_a_tab_stays_pipe_text(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("序号 | 内容与要求 | 责任单位 |\n1 | 新增\t企业。 | 市经信局 |\n", encoding="utf-8")
    assert sniff(path, path.read_bytes()).name == "txt"  # separators decide only under a suffix that is not text


def test_every_signature_names_a_format_and_an_example():
    assert all(s.formats and s.example for s in SIGNATURES)


# --- 5. formulas never computed ----------------------------------------------------------------


def test_formulas_without_a_saved_value_are_named_by_cell(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务"
    for row in ROWS:
        sheet.append(row)
    sheet["C4"], sheet["C5"] = "=1+1", "=1+1"  # openpyxl saves no value for a formula
    sheet["A4"], sheet["A5"] = 3, 4
    workbook.save(tmp_path / "script.xlsx")
    with pytest.raises(SourceFileError) as raised:
        read_report(tmp_path / "script.xlsx")
    assert str(raised.value) == (
        f"{tmp_path / 'script.xlsx'} (sheet 任务): cells C4, C5: formulas with no saved value (a program wrote the "
        "file without computing them): open and save it in Excel or LibreOffice"
    )


# --- 6. limits, before reading ---------------------------------------------------------------


def test_a_tiny_workbook_with_a_cell_at_xfd1048576_is_refused_by_the_cell_cap(tmp_path):
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = _xlsx_by_hand(tmp_path / "far.xlsx", _inline_row(1, HEAD) + far, dimension="A1:XFD1048576")
    assert path.stat().st_size < 2000
    with pytest.raises(
        SourceFileError,
        match=r"\(sheet 任务\): declares A1:XFD1048576 and has a cell at XFD1048576 "
        r"\(17.2 billion cells from A1\), over the cap of 5,000,000 cells",
    ):
        read_report(path)


def test_an_xls_reaching_past_the_cell_cap_is_refused_before_its_cells_are_made(tmp_path, monkeypatch):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("任务")
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            sheet.write(r, c, text)
    sheet.write(1999, 99, "远")
    book.save(str(tmp_path / "far.xls"))
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 100_000)
    with pytest.raises(
        SourceFileError,
        match=r"\(sheet 任务\): its last filled cell is row 2000, column 100 "
        r"\(200,000 cells from A1\), over the cap of 100,000 cells",
    ):
        read_report(tmp_path / "far.xls")


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path, monkeypatch):
    page = write_html(tmp_path / "big.html", ROWS, "进展")
    monkeypatch.setenv("PIPELINE_MAX_FILE_MB", str(page.stat().st_size / 2 / limits.MB))
    with pytest.raises(SourceFileError, match=r"big.html: 0.0 MB, over the cap of .* MB for one file"):
        read_report(page)


def test_a_workbook_unzipping_past_the_cap_is_refused_as_a_zip_bomb(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "bomb.xlsx", ROWS, "进展")
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(SourceFileError, match=r"bomb.xlsx: its parts unzip to .* MB, over the cap .*zip bomb"):
        read_report(path)


def test_a_word_document_over_the_xml_cap_is_refused(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "long.docx", ROWS, "进展")
    monkeypatch.setattr(limits, "MAX_WORD_XML_BYTES", 100)
    with pytest.raises(SourceFileError, match=r"long.docx: word/document.xml unzips to .* over the cap"):
        read_report(path)


def test_an_html_table_spanning_past_the_cell_cap_is_refused(tmp_path, monkeypatch):
    wide = "<tr>" + '<td colspan="1000">宽</td>' * 5 + "</tr>"
    page = f"<table><tr>{''.join(f'<th>{c}</th>' for c in HEAD)}</tr>{wide}<tr><td>1</td></tr></table>"
    (tmp_path / "wide.html").write_text(page, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 10_000)
    with pytest.raises(SourceFileError, match=r"wide.html \(table 1 of 1\): 3 rows × 5,000 columns as spanned "):
        read_report(tmp_path / "wide.html")


def test_a_word_table_over_the_cell_cap_is_refused(tmp_path, monkeypatch):
    path = write_docx(tmp_path / "wide.docx", ROWS, "进展")
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 5)
    with pytest.raises(SourceFileError, match=r"wide.docx \(table \d of \d\): \d+ cells, over the cap of 5 cells"):
        read_report(path)


# --- 7. a library's error on a corrupt file is the file's error ----------------------------------


def test_a_corrupt_sheet_is_refused_naming_the_file_and_sheet(tmp_path):
    path = _xlsx_by_hand(tmp_path / "corrupt.xlsx", _inline_row(1, HEAD) + "<row r='2'><c r='A2'><v>1</c></row>")
    with pytest.raises(SourceFileError, match=r"corrupt.xlsx \(sheet 任务\): not a readable workbook \(XMLSyntaxError"):
        read_report(path)


def test_a_corrupt_zip_member_is_refused_naming_the_file(tmp_path):
    path = write_xlsx(tmp_path / "crc.xlsx", ROWS, "进展")
    data = bytearray(path.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 10
    data[start : start + 20] = bytes(20)  # damage the sheet's compressed bytes
    path.write_bytes(bytes(data))
    with pytest.raises(
        SourceFileError, match=r"crc.xlsx \(sheet \w+\): not a readable workbook \(error: Error -3 while decompressing"
    ):
        read_report(path)


# --- 8. the source's own row count ----------------------------------------------------------------


def test_each_table_format_records_its_own_row_count(tmp_path):
    page = write_html(tmp_path / "p.html", ROWS, "进展")
    book = _xlsx_by_hand(tmp_path / "b.xlsx", "".join(_inline_row(n, r) for n, r in enumerate(ROWS, start=1)))
    document = write_docx(tmp_path / "d.docx", ROWS, "进展")
    counts = {p.suffix: read_grid(p, p.read_bytes(), HINTS).source_rows for p in (page, book, document)}
    assert counts == {".html": 3, ".xlsx": 3, ".docx": 3}
    assert read_report(page).summary()["source_rows"] == 3  # raw_reports.source_rows
