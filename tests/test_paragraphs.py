"""Plans written as labelled paragraphs (PARAGRAPH_FORM): numbered items with labelled lines below them or their
labels in brackets at their end, read as a table; every source line in one row."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.core.layout.tasks import read_report
from pipelines.core.units.names import unit_assignments

LABELLED_LINES = (
    "2020年江北市政府重点工作任务分解表\n"
    "一、全力稳住经济基本盘\n"
    "1.推动工业经济稳定增长。全年规模以上工业增加值增长7%左右。\n"
    "牵头负责领导:张建国\n"
    "牵头责任单位:市经信局\n"
    "协同责任单位:市发改委、市统计局等,\n"
    "各县、市、区政府\n"
    "\n"
    "2.扩大有效投资。全年固定资产投资增长9%以上。\n"
    "牵头负责领导:李明\n"
    "牵头责任单位:市发改委\n"
)
INLINE_LABELS = (
    "南湖区2023年政府工作报告重点工作任务分解\n"
    "一、聚力项目建设\n"
    "(一)扩大有效投资\n"
    "1.全年实施重点项目120个以上。(责任领导:陈刚、刘洋;牵头单位:区发改局;责任单位:各乡镇人民政府)\n"
    "2.改造提升城区道路12公里。(责任领导:刘洋;牵头单位:区交通运输局)\n"
)


def read(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def units(report) -> dict[int, list[tuple[str, str]]]:
    found = unit_assignments(report.tasks)
    return {
        task: list(zip(group["unit_name"], group["role"], strict=True))
        for (task,), group in found.sort("task_id", "position").group_by("task_id", maintain_order=True)
    }


def test_labelled_lines_below_an_item_are_its_columns(tmp_path):
    report = read(tmp_path, LABELLED_LINES)
    roles = dict(zip(report.header.names, report.header.roles, strict=True))
    assert roles == {"序号": "task_id", "工作任务": "requirement", "牵头负责领导": "leader",
                     "牵头责任单位": "lead_units", "协同责任单位": "support_units"}  # fmt: skip
    tasks = report.tasks.to_dicts()
    assert [t["requirement"][:10] for t in tasks] == ["推动工业经济稳定增长", "扩大有效投资。全年固"]
    assert {t["task_group"] for t in tasks} == {"一、全力稳住经济基本盘"}
    # A unit list broken over lines continues its label; 等 closes a list; the collective keeps its 、.
    assert units(report)[1] == [("市经信局", "lead"), ("市发改委", "support"), ("市统计局", "support"),
                                ("各县、市、区政府", "support")]  # fmt: skip
    assert report.leaders.filter(pl.col("task_id") == 2)["leader_name"].to_list() == ["李明"]
    assert report.header.title == "2020年江北市政府重点工作任务分解表"


def test_labels_in_brackets_at_an_items_end_are_its_columns(tmp_path):
    report = read(tmp_path, INLINE_LABELS)
    tasks = report.tasks.to_dicts()
    assert tasks[0]["requirement"] == "全年实施重点项目120个以上。"
    assert (tasks[0]["task_group"], tasks[0]["task_subgroup"]) == ("一、聚力项目建设", "(一)扩大有效投资")
    assert units(report)[1] == [("区发改局", "lead"), ("各乡镇人民政府", "support")]
    assert report.leaders.filter(pl.col("task_id") == 1)["leader_name"].to_list() == ["陈刚", "刘洋"]


def test_every_line_of_a_paragraph_plan_is_accounted_for(tmp_path):
    report = read(tmp_path, LABELLED_LINES)
    summary = report.summary()
    task_lines = sum(t["last_line"] - t["first_line"] + 1 for t in report.tasks.to_dicts())
    blank = report.rejected["reason"].to_list()
    accounted = summary["header_lines"] + summary["title_lines"] + task_lines + report.group_heading_lines
    assert blank == ["empty line"]  # a blank line is accounted for as every reader's are
    assert accounted + len(blank) == report.line_count == len(LABELLED_LINES.splitlines())


def test_a_table_with_cells_is_never_read_as_paragraphs(tmp_path):
    text = "序号 | 工作任务 | 责任单位 |\n1 | 新建学校3所。(牵头单位:市教育局) | 市教育局 |\n"
    report = read(tmp_path, text)
    assert report.header.names == ["序号", "工作任务", "责任单位"]
    assert report.tasks["requirement"].to_list() == ["新建学校3所。(牵头单位:市教育局)"]


def test_paragraphs_with_fewer_labelled_items_than_the_form_needs_stay_unread(tmp_path):
    # One labelled item is no form (PARAGRAPH_FORM needs two): the file is rejected as before, by itself.
    text = "标题\n1.新建学校3所。\n牵头单位:市教育局\n2.新建公园2个。\n"
    try:
        read(tmp_path, text)
    except ValueError as err:
        assert "not a known work-plan table header" in str(err) or "no header" in str(err)
    else:  # pragma: no cover - the form must not be read
        raise AssertionError("read as a paragraph plan")


def write_docx_paragraphs(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_word_document_of_labelled_paragraphs_is_read_as_a_table(tmp_path):
    path = write_docx_paragraphs(tmp_path / "report.docx", LABELLED_LINES.splitlines())
    report = read_report(path)
    assert [t["requirement"][:6] for t in report.tasks.to_dicts()] == ["推动工业经济", "扩大有效投资"]
    assert units(report)[2] == [("市发改委", "lead")]
    assert report.source_place == "body paragraphs read as a table"


def test_a_word_document_with_no_table_and_no_plan_in_its_paragraphs_is_rejected_with_both_reasons(tmp_path):
    from pipelines.core.sources.grid import SourceFileError

    path = write_docx_paragraphs(tmp_path / "report.docx", ["关于做好2024年工作的通知", "各单位:", "请认真贯彻落实。"])
    try:
        read_report(path)
    except SourceFileError as err:
        assert "no table in this document" in err.reason and "nor do its paragraphs" in err.reason
    else:  # pragma: no cover
        raise AssertionError("a letter read as a plan")


def test_a_web_page_of_labelled_paragraphs_is_read_as_a_table(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in LABELLED_LINES.splitlines() if line)
    path = tmp_path / "report.html"
    path.write_text(f"<html><head><title>通知</title></head><body>{body}</body></html>", encoding="utf-8")
    report = read_report(path)
    assert [t["requirement"][:6] for t in report.tasks.to_dicts()] == ["推动工业经济", "扩大有效投资"]
    assert units(report)[1][0] == ("市经信局", "lead")


def test_a_blank_line_inside_an_item_is_part_of_it_not_a_row_of_its_own(tmp_path):
    # The labels stand after a blank line: the item spans it, so no line is counted twice.
    text = "标题\n1.新建学校3所。\n\n牵头单位:市教育局\n2.新建公园2个。\n牵头单位:市住建局\n"
    report = read(tmp_path, text)
    assert [(t["first_line"], t["last_line"]) for t in report.tasks.to_dicts()] == [(2, 4), (5, 6)]
    assert report.rejected.height == 0
    assert units(report)[1] == [("市教育局", "lead")]
