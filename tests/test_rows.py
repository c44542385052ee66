"""Rows after the header: short rows placed by content, rows whose cells misfit their columns, group headings
in rows, columns and merged cells (issue 28). Each table is written in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.core.layout.content import cell_kind
from pipelines.core.layout.tasks import read_report

SIMPLE_HEADER = "序号 | 工作任务 | 完成情况 | 责任单位 |\n"
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
        f"{SIMPLE_HEADER}1 | 新建学校3所 | 已完成 | 市教育局 |\n2 | 新建公园2个 | | 已进场施工,完成主体工程的60%。 |\n"
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


# A county block: 县区 and the group title merged down, so most rows hold only the task and its progress.
COUNTY_BLOCK = (
    "县区 | 项目名称 | 年度目标任务 | 完成进度 |\n"
    "寿县 | 一、就业促进行动\n(6项指标) | *1.力争9个城市社区达到充分就业社区标准 | 完成9个,完成率100% |\n"
    "2.募集青年就业见习岗位325个 | 完成330个,完成率101.54% |\n"
    "3.开发公益性岗位540个 | 完成838个,完成率155.19% |\n"
    "二、老年助餐服务行动(2项指标) | *1.新增城市老年食堂不少于6个 | 完成1个,完成率16.7% |\n"
    "6.新增设立市级公立口腔专科医院 | 无任务 |\n"
    "三、安心托幼行动\n(4项指标) | 1.新建成2-3个示范性托育服务机构 | 完成0个,完成率0% |\n"
)


def test_column_of_numbered_group_titles_is_the_group_not_the_requirement(tmp_path):
    report = read_report(write(tmp_path, COUNTY_BLOCK))
    assert dict(zip(report.header.names, report.header.roles, strict=True))["项目名称"] == "group"
    assert report.tasks.get_column("requirement").to_list()[0] == "力争9个城市社区达到充分就业社区标准"


def test_an_item_number_opening_the_requirements_is_the_label(tmp_path):
    # ITEM_NUMBER_IN_REQUIREMENT: no id column, and the items are numbered in the requirement cell; "3.90%" is
    # item 3 of 90%, not 3.90%.
    text = COUNTY_BLOCK.replace("3.开发公益性岗位540个", "3.90%的二级综合医院单独设置口腔科")
    tasks = read_report(write(tmp_path, text)).tasks
    assert tasks.get_column("task_label").to_list()[:3] == ["*1.", "2.", "3."]
    assert tasks.get_column("requirement").to_list()[2] == "90%的二级综合医院单独设置口腔科"


def test_a_requirement_opening_with_a_decimal_stays_whole_where_items_are_not_numbered(tmp_path):
    text = (
        "工作任务 | 牵头单位 |\n12.5%的企业完成改造 | 市经信局 |\n新建学校3所 | 市教育局 |\n新建公园2个 | 市住建局 |\n"
    )
    tasks = read_report(write(tmp_path, text)).tasks
    assert tasks.get_column("requirement").to_list()[0] == "12.5%的企业完成改造"
    assert tasks.get_column("task_label").to_list() == ["1", "2", "3"]


def test_rows_short_of_two_merged_columns_take_both_from_above(tmp_path):
    # 县区 has no known role: it may be merged as well, and the task's own cells stay in place.
    report = read_report(write(tmp_path, COUNTY_BLOCK))
    assert reasons(report) == []
    tasks = report.tasks.to_dicts()
    starts = ["*1.力争", "2.募集", "3.开发", "*1.新增", "6.新增", "1.新建"]
    assert [t["task_label"] + t["requirement"][:2] for t in tasks] == starts
    assert tasks[1]["completion"] == "完成330个,完成率101.54%"
    assert tasks[4]["completion"] == "无任务"
    assert [t["task_group"][:2] for t in tasks] == ["一、", "一、", "一、", "二、", "二、", "三、"]


def test_equal_fits_prefer_the_merged_cell_over_an_empty_end(tmp_path):
    # Leaving out 县区 and 项目名称 (merged) or 县区 and the empty end fit as well: the merged reading wins.
    report = read_report(write(tmp_path, COUNTY_BLOCK))
    assert report.tasks.to_dicts()[2]["requirement"] == "开发公益性岗位540个"


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("6.新增设立市级公立口腔专科医院", "prose"), ("市卫健委", "unit"), ("一、就业促进行动(6项指标)", "heading")],
)
def test_a_numbered_cell_is_never_a_unit(cell, kind):
    assert cell_kind(cell) == kind


# One project, two indicators: 序号, 类别, 项目名称 and 牵头单位 merged over the second indicator's row.
INDICATORS = (
    "序号 | 类别 | 项目名称 | 目标任务 | 牵头单位 | 目标任务 | 累计完成 | 累计进度 | 备注 |\n"
    "1 | 一、就业促进(3项) | 促进重点群体稳定就业 | 城镇新增就业1100人 | 县人社局 | 1100 | 1063 | 96.64% | |\n"
    "“三公里”充分就业社区4个 | 4 | 4 | 100% | |\n"
    "2 | 支持毕业生求职创业 | 按1500元/人标准发放求职创业补贴 | 县人社局 | 1500 | 1500 | 100% | |\n"
)


def test_short_row_under_a_merged_id_is_one_more_item_of_the_task_above(tmp_path):
    report = read_report(write(tmp_path, INDICATORS))
    assert reasons(report) == []
    first = report.tasks.to_dicts()[0]
    assert "城镇新增就业1100人;“三公里”充分就业社区4个" in first["requirement"]
    assert first["completion"] == "1063人;4个"  # bare figures in their targets' units (BARE_FIGURE_UNIT)
    assert report.tasks.get_column("task_id").to_list() == [1, 2]


def test_short_row_with_a_number_of_its_own_is_never_an_item_of_the_task_above(tmp_path):
    text = f"{SIMPLE_HEADER}1 | 新建学校3所 | 已完成 | 市教育局 |\n2 | 新建公园2个 | 市住建局 |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert reasons(report) == ["expected 4 cells, found 3"]


def test_a_label_fits_a_column_of_labels_better_than_one_of_numbered_titles(tmp_path):
    # The indicator could stand in 类别 (a label fits a group) or in 目标任务: the column's full rows decide.
    report = read_report(write(tmp_path, INDICATORS))
    assert report.tasks.to_dicts()[0]["task_group"] == "一、就业促进(3项)"


def test_category_column_left_out_puts_the_task_under_its_whole_year_target(tmp_path):
    # 主要任务 is a category merged from a row outside the table: the task text stands under 全年目标任务.
    text = (
        "序号 | 主要任务 | 全年目标任务 | 分管领导 | 牵头单位 | 推进情况 | 是否达序 |\n"
        "24 | 优化提升50条背街后巷交通组织。 | 徐国江 | 城管局 | 已进场施工,完成60%。 | 是 | |\n"
        "25 | 新增四分类达标小区210个。 | 徐国江 | 城管局 | 在46个小区,建成38个厢房,70个分类亭。 | 是 | |\n"
    )
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("requirement").to_list() == [
        "优化提升50条背街后巷交通组织。",
        "新增四分类达标小区210个。",
    ]
    assert report.leaders.get_column("leader_name").to_list() == ["徐国江", "徐国江"]


def test_task_text_naming_a_centre_is_not_a_unit():
    assert cell_kind("建成启用区级老年活动中心") != "unit"
    assert cell_kind("建设或改造提升街旁公园100处") != "unit"  # a unit's name holds no digit
    assert cell_kind("建设局") == "unit"


def test_row_that_lost_its_empty_id_cell_is_a_task_numbered_by_its_order(tmp_path):
    text = (
        "序号 | 重点工作任务 | 牵头领导 | 牵头单位 |\n"
        "未来科技城要围绕打造创新驱动策源地,扎实推进创新载体建设 | 陈夏林 | 未来科技城管委会 |\n"
        "临平新城要围绕打造时尚产业新地标,启动建设数字商贸城 | 李敏华 | 临平新城管委会 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.get_column("task_id").to_list() == [1, 2]
    assert report.tasks.get_column("requirement").to_list()[1].startswith("临平新城")


def test_merged_cells_below_a_rejected_row_stay_empty(tmp_path):
    # The row holding 牵头单位 for the rows below is rejected: its value is not taken from a row further up.
    text = (
        "序号 | 项目名称 | 目标任务 | 牵头单位 | 累计完成 |\n"
        "1 | 促进就业 | 城镇新增就业1100人 | 县人社局 | 1063 |\n"
        "2 | 社会保障 | 最低生活保障 | 农村标准 | 县民政局 | | |\n"
        "农村保障人数 | 35611 |\n"
    )
    report = read_report(write(tmp_path, text))
    last = report.tasks.to_dicts()[-1]
    assert last["requirement"].startswith("农村保障人数")
    assert not last["units_raw"] and not last["lead_units_raw"]


def test_row_broken_after_a_separator_with_its_rest_on_the_next_line_is_one_row(tmp_path):
    # Line 2 ends with the separator, yet line 3 is the rest of the row: joined they make the header's cells.
    text = f"{SIMPLE_HEADER}1 | 新建学校3所 |\n已建成2所 | 市教育局 |\n2 | 新建公园2个 | 已开工 | 市住建局 |\n"
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.get_column("completion").to_list() == ["已建成2所", "已开工"]


def test_row_one_cell_too_many_joins_a_sub_item_to_its_indicator(tmp_path):
    text = (
        "序号 | 项目名称 | 目标任务 | 牵头单位 | 累计完成 |\n"
        "1 | 促进重点群体稳定就业,扩大就业容量 | 城镇新增就业1100人 | 县人社局 | 1063 |\n"
        "2 | 加强城乡低保人员生活保障,规范低保标准 | 最低生活保障 | 农村保障人数 | 县民政局 | 35611 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    second = report.tasks.to_dicts()[1]
    assert "最低生活保障" in second["requirement"] and "农村保障人数" in second["requirement"]
    assert second["lead_units_raw"] == "县民政局"


def test_row_one_empty_cell_too_many_drops_it(tmp_path):
    text = f"{SIMPLE_HEADER}1 | 新建学校3所 | 已建成2所 | 市教育局 | |\n"
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.get_column("units_raw").to_list() == ["市教育局"]


def test_numbered_list_in_a_cell_after_a_break_stays_in_its_row(tmp_path):
    # Row 1 breaks after its requirement; its completion is a numbered list running over two lines.
    text = (
        f"{SIMPLE_HEADER}1 | 新建学校3所 |\n1.已建成2所;\n2.已开工1所 | 市教育局 |\n"
        "2 | 新建公园2个 | 已开工 | 市住建局 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks.get_column("units_raw").to_list() == ["市教育局", "市住建局"]


@pytest.mark.parametrize(
    ("line", "numbered"),
    [("3.90%的二级综合医院单独设置口腔科 | 已完成 |", True), ("3.5亿元 | 已完成 |", False), ("五、安心托幼行动", True)],
)
def test_a_line_starting_like_an_item(line, numbered):
    from pipelines.core.sources.pipe_text import _NUMBERED_LINE

    assert any(form.match(line) for form in _NUMBERED_LINE) == numbered


def test_a_heading_split_over_the_id_and_title_cells_heads_its_tasks(tmp_path):
    # SPLIT_HEADING_TITLE: "(一) | 做强先进制造业 |" is a heading, not a task numbered 1.
    text = (
        "序号 | 重点工作 | 牵头单位 | 配合单位 |\n一、推动经济高质量发展 |\n(一) | 做强先进制造业 |\n"
        "1 | 推进汽车产业集群发展。 | 市工信局 | 市发改委 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    task = report.tasks.to_dicts()[0]
    assert (task["task_id"], task["task_group"]) == (1, "一、推动经济高质量发展")
    assert task["task_subgroup"] == "(一)做强先进制造业"


def test_a_split_heading_needs_a_short_title_with_no_figure(tmp_path):
    # A Chinese-numbered row with a figure in its text is a task (its other cells merged away).
    text = "序号 | 重点工作 | 牵头单位 |\n(一) | 新建学校3所 |\n(二) | 新建公园2个 | 市住建局 |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks["task_id"].to_list() == [1, 2]


def test_a_bare_phrase_right_below_a_heading_is_the_innermost_heading(tmp_path):
    # UNNUMBERED_HEADING_FORM: a document's third level, unnumbered.
    text = (
        "序号 | 工作任务 | 牵头单位 |\n二、重点工作 |\n(一)坚持项目为王 |\n加强基础设施建设 |\n"
        "3 | 完成道路改造12公里。 | 区交通运输局 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert report.tasks["task_subgroup"].to_list() == ["(一)坚持项目为王 / 加强基础设施建设"]


def test_a_bare_phrase_below_a_task_is_not_a_heading(tmp_path):
    text = f"{SIMPLE_HEADER}1 | 新建学校3所 | 已完成 | 市教育局 |\n加强基础设施建设 |\n"
    report = read_report(write(tmp_path, text))
    assert report.group_heading_lines == 0


def test_progress_one_part_per_row_continues_the_task_above(tmp_path):
    # CONTINUING_ROW_ROLES and SUB_ROW_TEXT_ROLES: one clinic per row, padded or as a lone cell.
    header = "序号 | 项目 | 进展情况 | 目标任务 |\n"
    task = "4 | 家庭医生签约服务(人) | 甲社区卫生服务中心签约595人 | 710 |\n"
    for rest in ("| | 乙社区卫生服务中心签约256人 | |\n", "乙社区卫生服务中心签约256人 |\n"):
        report = read_report(write(tmp_path, header + task + rest + "5 | 新建食堂(个) | 建成12个 | 30 |\n"))
        assert reasons(report) == []
        four = report.tasks.to_dicts()[0]
        assert four["completion"] == "甲社区卫生服务中心签约595人;乙社区卫生服务中心签约256人"
        assert four["requirement"].startswith("家庭医生签约服务(人)")
        assert (four["last_line"], report.tasks["task_id"].to_list()) == (3, [4, 5])


def test_an_item_below_a_task_joins_its_requirement(tmp_path):
    # A sub-row that shares nothing with the progress stays with the promise (the first text column).
    text = f"{SIMPLE_HEADER}1 | 新建学校3所 | 已开工 | 市教育局 |\n新增学位810个 |\n"
    report = read_report(write(tmp_path, text))
    assert report.tasks["requirement"].to_list() == ["新建学校3所;新增学位810个"]


def test_a_project_row_under_an_action_numbered_once_is_a_task_of_its_own(tmp_path):
    # The 序号 and 行动 cells are merged over the action's project rows: each project row has its own text, so
    # it is a task (numbered by order), not one more item of the task above.
    text = (
        "序号 | 行动 | 项目 | 进展情况 | 目标任务 | 完成率 |\n"
        "1 | 就业促进行动 | 举办招聘会(场) | 已举办招聘会52场 | 90场 | 57.8% |\n"
        "新增城镇就业(人) | 新增城镇就业2287人 | 2360 | 96.9% |\n"
        "2 | 老年助餐行动 | 建设老年食堂(个) | 建成老年食堂12个 | 30 | 40% |\n"
    )
    report = read_report(write(tmp_path, text))
    assert reasons(report) == []
    assert [r.split("(")[0] for r in report.tasks["requirement"]] == ["举办招聘会", "新增城镇就业", "建设老年食堂"]
    assert report.tasks["completion"].to_list()[1] == "新增城镇就业2287人"


def test_bare_progress_figures_take_their_targets_units_part_by_part(tmp_path):
    # BARE_FIGURE_UNIT: a 累计完成 column of bare numbers, one per joined sub-row, counts in its targets' units.
    text = (
        "序号 | 项目名称 | 目标任务 | 牵头单位 | 累计完成 |\n"
        "1 | 促进就业 | 城镇新增就业1100人 | 县人社局 | 1063 |\n"
        "“三公里”充分就业社区4个 | 4 |\n"
        "2 | 放心家政 | 培训家政服务人员613人次 | 县商务局 | 626 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert report.tasks["completion"].to_list() == ["1063人;4个", "626人次"]


def test_a_bare_progress_figure_stays_bare_where_its_target_has_no_one_unit(tmp_path):
    text = "序号 | 项目名称 | 目标任务 | 累计完成 |\n1 | 促进就业 | 新增就业1100人、培训300人次 | 1063 |\n"
    assert read_report(write(tmp_path, text)).tasks["completion"].to_list() == ["1063"]
