"""Rows after the header: short rows placed by content, rows whose cells misfit their columns, group headings
in rows, columns and merged cells (issue 28). Each table is written in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.layout.content import cell_kind
from pipelines.core.layout.tasks import read_report

PROGRESS_HEADER = "序号 | 责任单位 | 实施内容 | 协同单位 | 分管领导 | 最新进度 | 是否达序时 | 未达序时原因 |"


def write(tmp_path: Path, text: str, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reasons(report) -> list[str]:
    return report.rejected.get_column("reason").to_list()


def test_short_row_takes_the_merged_leader_from_above_and_leaves_the_empty_end(tmp_path):
    text = (
        f"{PROGRESS_HEADER}\n"
        "14 | 民政局 | 新建养老服务中心2个 | 财政局 住建局 | 王伟 | 已开工建设,完成主体结构。 | 是 | |\n"
        "15 | 民政局 | 新增养老床位不少于300张,完成居家适老化改造400户。 | 财政局 住建局 瑞海集团 各区镇街道"
        " | 新增养老机构2家,新增床位近100张;适老化改造正在施工,9月底前完成。 | 是 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    fifteen = report.tasks.filter(report.tasks["task_id"] == 15).to_dicts()[0]
    assert fifteen["completion"].startswith("新增养老机构2家")
    assert fifteen["continues_merged_cell"]
    assert report.leaders.filter(report.leaders["task_id"] == 15).get_column("leader_name").to_list() == ["王伟"]


def test_short_row_that_fits_two_ways_is_quarantined(tmp_path):
    # 牵头单位 or 配合单位 left out: the content cannot tell which, so the row is not guessed.
    text = (
        "序号 | 工作任务 | 牵头单位 | 配合单位 |\n1 | 新建学校3所 | 市教育局 | 市财政局 |\n"
        "2 | 新建公园2个 | 市住建局 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert reasons(report) == ["expected 4 cells, found 3"]


def test_row_padded_at_its_end_is_placed_by_content(tmp_path):
    # Copied from a web page: the merged 分块 cell is gone and an empty cell pads the row's end.
    text = (
        "序号 | 分块 | 全年目标任务 | 分管领导 | 牵头单位 | 责任单位 | 推进情况 | 说明 |\n"
        "24 | 城市管理 | 优化提升50条背街后巷交通组织。 | 徐国江 | 城管局 | 市政局、相关街道"
        " | 已进场施工,完成60%。 | |\n"
        "25 | 新增四分类达标小区210个。 | 徐国江 | 城管局 | 市政局、环卫处、各街道 | 在46个小区建成38个厢房。 | |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.select("task_id", "task_group", "units_raw").rows() == [
        (24, "城市管理", "市政局、相关街道"),
        (25, "城市管理", "市政局、环卫处、各街道"),
    ]


def test_sentence_in_the_units_column_is_quarantined(tmp_path):
    text = (
        "序号 | 工作任务 | 完成情况 | 责任单位 |\n1 | 新建学校3所 | 已完成 | 市教育局 |\n"
        "2 | 新建公园2个 | | 已进场施工,完成主体工程的60%。 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert reasons(report) == ["a sentence in the units column (责任单位: '已进场施工,完成主体工程的60%。')"]


def test_person_as_the_progress_is_quarantined(tmp_path):
    text = "序号 | 工作任务 | 完成情况 | 分管领导 |\n1 | 新建学校3所 | 已完成 | 王伟 |\n2 | 新建公园2个 | 李关定 | |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert reasons(report) == ["a person's name as the progress (完成情况: '李关定')"]


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("财政局 住建局 行政审批局 城管局 瑞海集团 各区镇街道", "unit"),
        ("▲发改局,各部门,各镇乡(街道)", "unit"),
        ("▲科技局,各镇乡(街道)", "unit"),
        ("新建学校3所、医院2家、养老院5个", "prose"),
    ],
)
def test_unit_list_with_a_collective_reads_as_units(cell, kind):
    assert cell_kind(cell) == kind


def test_nested_headings_give_group_and_subgroup_never_tasks(tmp_path):
    text = (
        "序号 | 工作任务 | 责任单位 |\n"
        "一、经济发展 | | |\n"
        "(一)工业 | | |\n"
        "1.技术改造 | | |\n"
        "1 | 完成技改项目10个 | 市经信局 |\n"
        "2 | 新增规上企业5家 | 市经信局 |\n"
        "2.招商引资 | | |\n"
        "1 | 引进项目20个 | 市商务局 |\n"
        "(二)农业 | | |\n"
        "1 | 新建高标准农田1万亩 | 市农业农村局 |\n"
        "二、民生保障 | | |\n"
        "1 | 新增学位810个 | 市教育局 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.select("task_label", "task_group", "task_subgroup").rows() == [
        ("1", "一、经济发展", "(一)工业 / 1.技术改造"),
        ("2", "一、经济发展", "(一)工业 / 1.技术改造"),
        ("1", "一、经济发展", "(一)工业 / 2.招商引资"),
        ("1", "一、经济发展", "(二)农业"),
        ("1", "二、民生保障", None),
    ]


def test_numbered_item_below_a_task_stays_a_sub_row_not_a_heading(tmp_path):
    text = "序号 | 工作任务 | 责任单位 |\n1 | 新建学校3所 | 市教育局 |\n2.新增学位810个 | | |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks.select("task_id", "requirement", "task_subgroup", "sub_rows").rows() == [
        (1, "新建学校3所;2.新增学位810个", None, 1)
    ]


def test_group_heading_in_a_merged_cell_spanning_the_row(tmp_path):
    html = (
        "<table><tr><td>序号</td><td>工作任务</td><td>责任单位</td></tr>"
        "<tr><td colspan='3'>一、经济发展</td></tr>"
        "<tr><td>1</td><td>完成技改项目10个</td><td rowspan='2'>市经信局</td></tr>"
        "<tr><td>2</td><td>新增规上企业5家</td></tr>"
        "<tr><td colspan='3'>(一)民生</td></tr>"
        "<tr><td>3</td><td>新增学位810个</td><td>市教育局</td></tr></table>"
    )
    report = read_report(write(tmp_path, html, "report.html"))
    assert report.tasks.select("task_id", "task_group", "task_subgroup", "units_raw").rows() == [
        (1, "一、经济发展", None, "市经信局"),
        (2, "一、经济发展", None, "市经信局"),
        (3, "一、经济发展", "(一)民生", "市教育局"),
    ]


def test_date_in_the_lead_units_column_is_quarantined(tmp_path):
    text = "序号 | 工作任务 | 牵头单位 |\n1 | 新建学校3所 | 市教育局 |\n2 | 新建公园2个 | 10月底前 |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert reasons(report) == ["a date in the lead units column (牵头单位: '10月底前')"]
