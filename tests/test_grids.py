"""Reading each source format into one grid: the seed in every format reads as the seed text, merged cells
are resolved as published, and formats not read are said clearly (fixtures written by pipelines/tooling/fixtures.py)."""

from __future__ import annotations

import pytest

from pipelines.core.layout.tasks import read_or_quarantine, read_report
from pipelines.core.sources.files import HIDDEN, NOT_A_REPORT, report_files, skipped_files
from pipelines.core.sources.formats import FORMATS, format_of
from pipelines.core.sources.grid import Cell, SourceFileError, UnreadFormat, resolve_spans
from pipelines.tooling.fixtures import (
    WRITERS,
    table_of,
    write_all,
    write_csv,
    write_docx,
    write_html,
    write_xls,
    write_xlsx,
)
from tests.conftest import HEADER, SEED

TITLE = "2020年绍兴市政府工作报告重点任务完成情况"
COLUMNS = ["task_id", "task_label", "requirement", "completion", "units_raw", "task_group", "continues_merged_cell"]


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory):
    return write_all(tmp_path_factory.mktemp("formats"), "seed", table_of(SEED), TITLE)


@pytest.fixture(scope="module")
def seed_tasks():
    return read_report(SEED).tasks.select(COLUMNS)


def test_every_format_read_has_a_fixture_writer(seed_files):
    """The registry and the fixtures agree: each format read is written by a fixture (pipe text is the seed)."""
    written = {format_of(path).name for path in seed_files.values()} | {format_of(SEED).name}
    assert written == {f.name for f in FORMATS if f.read is not None}


@pytest.mark.parametrize("name", WRITERS)
def test_the_seed_in_every_format_reads_as_the_seed_text(seed_files, seed_tasks, name):
    report = read_report(seed_files[name])
    assert report.tasks.select(COLUMNS).equals(seed_tasks)
    assert report.rejected.is_empty()
    # Every row of the table read is accounted for: title rows, the header, the 177 tasks.
    task_rows = (report.tasks["last_line"] - report.tasks["first_line"] + 1).sum()
    assert len(report.header.title_lines) + report.header.lines + task_rows == report.line_count


@pytest.mark.parametrize(
    ("name", "source_format", "place", "encoding", "title_rows"),
    [
        ("html", "html", "table 2 of 3", "utf-8", 0),  # the layout table (1) and the contact box (3) are not it
        ("gbk", "html", "table 2 of 3", "gb18030", 0),  # declared gb2312: read as GB18030, as browsers do
        ("xlsx", "xlsx", "sheet 任务", "binary", 1),  # the sheet with the table; its merged title row
        ("xls", "xls", "sheet 任务", "binary", 1),
        ("docx", "docx", "table 2 of 2", "binary", 0),  # the document's second table
        ("csv", "csv", "", "utf-8-bom", 0),
        ("tsv", "tsv", "", "utf-8", 0),
    ],
)
def test_where_each_format_found_the_table(seed_files, name, source_format, place, encoding, title_rows):
    report = read_report(seed_files[name])
    assert (report.source_format, report.source_place, report.encoding) == (source_format, place, encoding)
    assert len(report.header.title_lines) == title_rows
    if source_format not in ("csv", "tsv"):
        assert report.header.title == TITLE and report.context.year == 2020


MERGED = [
    ["序号", "项目内容", "牵头单位", "落实情况"],
    ["1", "新增老年大学3所。", "县教育局", "建成3所。"],
    ["2", "开展培训3350人次。", "", "开展培训4348人次。"],
    ["3", "新建ICU床位10张。", "县卫生健康局", "完成。"],
]


@pytest.mark.parametrize("writer", [write_html, write_xlsx, write_xls, write_docx], ids=["html", "xlsx", "xls", "docx"])
def test_a_units_cell_merged_over_rows_gives_each_task_its_units(tmp_path, writer):
    path = writer(tmp_path / f"merged.{writer.__name__.removeprefix('write_')}", MERGED, "民生实事", merges=[(1, 2, 2)])
    report = read_report(path)
    assert report.tasks.select("task_id", "lead_units_raw", "continues_merged_cell").rows() == [
        (1, "县教育局", False),
        (2, "县教育局", True),
        (3, "县卫生健康局", False),
    ]


SUB_ROW = [
    ["序号", "工作任务", "责任单位", "进展情况"],
    ["1", "新改扩建公办中小学校1所", "教体局", "室内装修完成80%。"],
    ["", "新增学位810个", "", ""],
    ["2", "保障入学", "教体局", "已公布政策。"],
]


@pytest.mark.parametrize("writer", [write_html, write_xlsx, write_docx], ids=["html", "xlsx", "docx"])
def test_an_id_merged_over_two_rows_makes_one_task(tmp_path, writer):
    # 序号, 责任单位 and 进展情况 merged over the task's two requirement rows.
    path = writer(
        tmp_path / f"sub.{writer.__name__.removeprefix('write_')}",
        SUB_ROW,
        "民生实事",
        merges=[(1, 0, 2), (1, 2, 2), (1, 3, 2)],
    )
    report = read_report(path)
    assert report.tasks.select("task_id", "requirement", "units_raw", "sub_rows").rows() == [
        (1, "新改扩建公办中小学校1所;新增学位810个", "教体局", 1),
        (2, "保障入学", "教体局", 0),
    ]
    assert report.rejected.is_empty()


def test_html_line_breaks_paragraphs_and_spaces(tmp_path):
    page = (
        "<html><head><meta charset='utf-8'><title>进展</title></head><body><table>"
        "<tr><th>序号</th><th>主要工作任务</th><th>责任<br>单位</th></tr>"
        "<tr><td>1</td><td><p>新增企业10家。</p><p>新增学位800个。</p></td><td>市经信局&nbsp;市教育局</td></tr>"
        "<tr><td colspan='3'>二、民生实事</td></tr>"
        "<tr><td>2</td><td>建成公园2个<br/>改造绿道5公里</td><td>市建设局</td></tr></table></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = read_report(path, normalised=False)
    assert report.header.names == ["序号", "主要工作任务", "责任单位"]
    assert report.tasks.select("requirement", "units_raw", "task_group").rows() == [
        ("新增企业10家。\n新增学位800个。", "市经信局 市教育局", None),
        ("建成公园2个\n改造绿道5公里", "市建设局", "二、民生实事"),
    ]  # a colspan heading row heads a group
    assert report.header.title == "进展"


def test_a_page_without_a_work_plan_table_names_the_file(tmp_path):
    path = tmp_path / "contact.html"
    path.write_text("<table><tr><td>联系电话</td><td>12345</td></tr></table>", encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"contact.html: none of its 1 tables has a work-plan header"):
        read_report(path)


def test_spans_resolved_rows_down_and_columns_across():
    rows = resolve_spans(
        [
            [Cell("a", rowspan=2), Cell("b", colspan=2)],
            [Cell("c"), Cell("d")],
        ]
    )
    assert rows == [(["a", "b", ""], frozenset()), (["a", "c", "d"], frozenset({0}))]


def test_csv_cells_may_hold_line_breaks(tmp_path):
    path = write_csv(
        tmp_path / "t.csv",
        [["序号", "内容与要求", "责任单位"], ["1", "新增企业10家。\n新增学位800个。", "市经信局"]],
        encoding="gb18030",
    )
    report = read_report(path, normalised=False)
    assert report.encoding == "gb18030"
    assert report.tasks.select("requirement", "first_line", "last_line").rows() == [
        ("新增企业10家。\n新增学位800个。", 2, 2)
    ]


@pytest.mark.parametrize("suffix", [".doc", ".pdf"])
def test_formats_not_read_are_quarantined_with_how_to_convert(tmp_path, suffix):
    path = tmp_path / f"old{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 binary")
    with pytest.raises(UnreadFormat, match=rf"old\{suffix}: \{suffix} files are not read"):
        read_report(path)
    report = read_or_quarantine(path)
    assert report.tasks.is_empty() and report.source_format == suffix[1:]
    [reason] = report.rejected.get_column("reason").to_list()
    assert "soffice" in reason and ".docx" in reason


def test_other_files_are_skipped_and_named(tmp_path):
    (tmp_path / "report.txt").write_text(f"{HEADER}\n1 | 要求 | 完成 | 市发改委 |\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    (tmp_path / ".draft.txt").write_text("x", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf")
    assert [p.name for p in report_files(tmp_path)] == ["old.doc", "report.txt"]
    assert [(s.name, s.reason, s.warns) for s in skipped_files(tmp_path)] == [
        (".draft.txt", HIDDEN, False),
        ("notes.md", NOT_A_REPORT, False),
    ]


def test_a_workbook_that_is_not_one_names_the_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceFileError, match=r"broken.xlsx: not a readable workbook"):
        read_report(path)


def test_excel_ids_are_read_as_written(tmp_path):
    path = write_xlsx(
        tmp_path / "ids.xlsx",
        [["序号", "内容与要求", "责任单位"], ["1", "甲。", "市发改委"], ["2", "乙。", "市经信局"]],
        "标题",
    )
    # Stored as numbers, read back as written: 1, not 1.0.
    assert read_report(path).tasks.select("task_id", "task_label").rows() == [(1, "1"), (2, "2")]


def test_a_work_plan_table_holding_a_table_is_still_found(tmp_path):
    page = (
        "<table><tr><th>序号</th><th>主要工作任务</th><th>责任单位</th></tr>"
        "<tr><td>1</td><td>新增企业10家。<table><tr><td>附表</td></tr></table></td><td>市经信局</td></tr></table>"
    )
    path = tmp_path / "nested.html"
    path.write_text(page, encoding="utf-8")
    report = read_report(path)
    assert (report.source_place, report.tasks.height) == ("table 1 of 2", 1)


def test_empty_rows_above_a_sheets_table_are_its_margin(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B4"], sheet["C4"], sheet["D4"] = "序号", "内容与要求", "责任单位"
    sheet["B5"], sheet["C5"], sheet["D5"] = 1, "新增企业10家。", "市经信局"
    workbook.save(tmp_path / "margin.xlsx")
    report = read_report(tmp_path / "margin.xlsx")
    assert (report.header.line, report.line_count, report.rejected.height) == (4, 2, 0)
    assert report.tasks.select("task_id", "first_line").rows() == [(1, 5)]


def test_tables_sharing_the_work_plan_header_are_read_together(tmp_path):
    header = "<tr><th>序号</th><th>主要工作任务</th><th>责任单位</th></tr>"
    page = (
        f"<h2>一、经济发展</h2><table>{header}<tr><td>1</td><td>新增企业10家。</td><td>市经信局</td></tr></table>"
        "<table><tr><td>联系人</td><td>张三</td></tr></table>"
        f"<h2>二、民生实事</h2><table>{header}<tr><td>2</td><td>新增学位800个。</td><td>市教育局</td></tr>"
        "<tr><td>3</td><td>建成公园2个。</td><td>市建设局</td></tr></table>"
    )
    path = tmp_path / "sections.html"
    path.write_text(page, encoding="utf-8")
    report = read_report(path)
    assert report.source_place == "tables 1, 3 of 3 (rows numbered on)"
    assert report.tasks.select("task_id", "first_line").rows() == [(1, 2), (2, 4), (3, 5)]
    assert report.rejected.is_empty() and report.summary()["header_lines"] == 2  # the second header is one again


def test_utf16_with_its_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "unicode-text.txt"  # Excel's "Unicode text": UTF-16 LE with a BOM
    path.write_bytes(f"{HEADER}\n1 | 新增企业10家。 | 完成12家 | 市经信局 |\n".encode("utf-16"))
    report = read_report(path)
    assert report.tasks.height == 1 and report.summary()["encoding"] == "utf-16-le"


def test_utf16_without_a_byte_order_mark_is_named_not_called_binary(tmp_path):
    path = tmp_path / "no-bom.txt"
    path.write_bytes(f"{HEADER}\n1 | 新增企业10家。 | 完成12家 | 市经信局 |\n".encode("utf-16-le"))
    with pytest.raises(SourceFileError, match="UTF-16 without a byte-order mark"):
        read_report(path)


def test_a_file_name_in_a_foreign_encoding_is_skipped_with_how_to_rename_it(tmp_path):
    import os

    (tmp_path / "ok.txt").write_text(f"{HEADER}\n1 | 新增企业10家。 | 完成 | 市经信局 |\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), "绍兴进展".encode("gbk") + b".txt"), "wb") as f:
        f.write(b"x")
    assert [p.name for p in report_files(tmp_path)] == ["ok.txt"]  # the other report is read
    [skipped] = skipped_files(tmp_path)
    assert skipped.name == "绍兴进展.txt" and skipped.warns
    assert "not UTF-8" in skipped.reason and "convmv -f gbk -t utf-8" in skipped.reason
