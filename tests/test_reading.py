"""Reading raw report files: rows, multi-line cells, normalisation, rejects and whole-file errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.extraction.mentions import find_quantities
from pipelines.core.layout.header import header_role
from pipelines.core.layout.normalise import completion_statement
from pipelines.core.layout.rows import group_heading, task_number
from pipelines.core.layout.tasks import NO_REQUIREMENT, read_report
from pipelines.core.sources.grid import SourceFileError
from pipelines.core.units.names import unit_assignments
from tests.conftest import SEED, SEED_REPORT_ID

HEADER = "序号 | 内容与要求 | 完成情况 | 责任单位 |"


def write(tmp_path: Path, text: str, name: str = "report.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def task(report, task_id: int) -> dict:
    rows = report.tasks.filter(pl.col("task_id") == task_id).to_dicts()
    assert len(rows) == 1, f"task {task_id}: {rows}"
    return rows[0]


def covered_lines(report) -> list[int]:
    """Every physical line the report accounts for: title and header lines, group headings, task rows and
    rejected rows (group headings are counted, not listed: the lines not otherwise covered)."""
    lines = [*report.header.title_lines, *range(report.header.line, report.header.last_line + 1)]
    for first, last in report.tasks.select("first_line", "last_line").iter_rows():
        lines += range(first, last + 1)
    for first, last in report.rejected.select("source_line", "last_line").iter_rows():
        lines += range(first, last + 1)
    return sorted(lines)


class TestSeed:
    @pytest.fixture(scope="class")
    @classmethod
    def report(cls):
        return read_report(SEED)

    def test_all_177_tasks_in_order(self, report):
        assert report.report_id == SEED_REPORT_ID
        assert report.tasks.get_column("task_id").to_list() == list(range(1, 178))
        assert report.rejected.height == 0
        assert report.encoding == "utf-8"

    def test_every_physical_line_accounted_for_once(self, report):
        assert covered_lines(report) == list(range(1, report.line_count + 1))

    def test_row_broken_after_a_separator_is_one_task(self, report):
        # Line 83 holds id and requirement, 84 the completion, 85 the units.
        t = task(report, 82)
        assert (t["first_line"], t["last_line"]) == (83, 85)
        assert t["completion"].startswith("完成41个高标准农田项目")
        assert t["completion"].endswith("进猪投产)。")
        assert t["units_raw"] == "市农业农村局"

    def test_row_broken_inside_the_completion_cell(self, report):
        t = task(report, 169)
        assert (t["first_line"], t["last_line"]) == (172, 173)
        assert t["units_raw"] == "市交通运输局 市交投集团"
        assert "\n" not in t["completion"]

    def test_space_between_sentences_removed(self, report):
        assert "编制工作。上虞区先进高分子" in task(report, 3)["completion"]


class TestRows:
    def test_multi_line_cell_joined_without_spaces(self, tmp_path):
        path = write(tmp_path, f"{HEADER}\n1 | 确保地区生产总值\n增长7%左右。 | 增长\n4.5%。 | 市发改委 |\n")
        t = task(read_report(path), 1)
        assert t["requirement"] == "确保地区生产总值增长7%左右。"
        assert t["completion"] == "增长4.5%。"
        assert (t["first_line"], t["last_line"]) == (2, 4)

    def test_line_break_between_units_keeps_them_apart(self, tmp_path):
        path = write(tmp_path, f"{HEADER}\n1 | 要求 | 完成 | 市交通运输局\n市交投集团 |\n")
        assert task(read_report(path), 1)["units_raw"] == "市交通运输局 市交投集团"

    def test_fullwidth_punctuation_and_digits(self, tmp_path):
        path = write(
            tmp_path, f"{HEADER}\n１２ | 新增（省级）企业１３０００家，增长５％ | 完成 | 各区、县（市）政府 |\n"
        )
        t = task(read_report(path), 12)
        assert t["requirement"] == "新增(省级)企业13000家,增长5%"
        assert t["units_raw"] == "各区、县(市)政府"

    def test_stray_spaces_removed_in_chinese_but_kept_between_ascii_words(self, tmp_path):
        path = write(tmp_path, f"{HEADER}\n1 | 地区生产总值 增长 7 % ,推进 PPP 项目 | Wi Fi 覆盖 | 市发改委 |\n")
        t = task(read_report(path), 1)
        assert t["requirement"] == "地区生产总值增长7%,推进PPP项目"
        assert t["completion"] == "Wi Fi覆盖"

    def test_progress_report_header_synonym(self, tmp_path):
        path = write(tmp_path, "序号 | 内容与要求 | 进展情况 | 责任单位 |\n1 | 要求 | 进展 | 市发改委 |\n")
        assert task(read_report(path), 1)["completion"] == "进展"

    def test_columns_read_by_header_not_position(self, tmp_path):
        path = write(tmp_path, "序号 | 责任单位 | 内容与要求 | 完成情况 |\n1 | 市发改委 | 要求 | 完成 |\n")
        t = task(read_report(path), 1)
        assert (t["units_raw"], t["requirement"], t["completion"]) == ("市发改委", "要求", "完成")

    def test_row_without_trailing_separator_is_read(self, tmp_path):
        path = write(tmp_path, f"{HEADER}\n1 | 要求 | 完成 | 市发改委\n2 | 要求二 | 完成二 | 市经信局 |\n")
        report = read_report(path)
        assert report.tasks.get_column("task_id").to_list() == [1, 2]


class TestRejects:
    def test_bad_rows_quarantined_good_rows_land(self, tmp_path):
        text = "\n".join(
            [
                HEADER,
                "1 | 要求一 | 完成一 | 市发改委 |",
                "",
                "2 | 要求二 | 市经信局 |",  # a cell missing
                "x3 | 要求三 | 完成三 | 市科技局 |",  # id not a number
                "4 | 要求四 | 完成四 | 市商务局 |",
                "4 | 另一个要求 | 完成 | 市商务局 |",  # same id, other content
                "5 | 要求五 | 完成五 | 市民政局 |",
                "5 | 要求五 | 完成五 | 市民政局 |",  # exact repeat
                " |  |  |  |",
                "6 | 要求六 | 完成六 | 市水利局 |",
            ]
        )
        report = read_report(write(tmp_path, text + "\n"))
        assert report.tasks.get_column("task_id").to_list() == [1, 5, 6]
        reasons = dict(report.rejected.select("source_line", "reason").iter_rows())
        assert reasons[3] == "empty line"
        assert reasons[4] == "expected 4 cells, found 3"
        assert reasons[5] == "task id is not a number: 'x3'"
        assert reasons[6] == reasons[7] == "task id 4 appears on lines 6, 7 with different content"
        assert reasons[9] == "duplicate of task 5 on line 8 (same content)"
        assert reasons[10] == "empty row"
        assert covered_lines(report) == list(range(1, report.line_count + 1))
        assert report.rejected.get_column("raw_text").to_list()[1] == "2 | 要求二 | 市经信局 |"

    def test_row_short_a_cell_does_not_swallow_the_next_row(self, tmp_path):
        path = write(tmp_path, f"{HEADER}\n1 | 要求 | 市发改委 |\n2 | 要求二 | 完成二 | 市经信局 |\n")
        report = read_report(path)
        assert report.tasks.get_column("task_id").to_list() == [2]
        assert report.rejected.get_column("source_line").to_list() == [2]

    def test_task_row_with_an_empty_requirement_is_quarantined_not_a_task(self, tmp_path):
        """A row with an id and units but no requirement text: quarantined with the reason, so that one such row
        never stops every report at the staging gate; the other tasks land and every line is accounted for."""
        path = write(tmp_path, f"{HEADER}\n1 | 要求 | 完成 | 市发改委 |\n2 |  | 完成二 | 市经信局 |\n")
        report = read_report(path)
        assert report.tasks.get_column("task_id").to_list() == [1]
        assert report.rejected.select("source_line", "reason").rows() == [(3, NO_REQUIREMENT)]
        assert covered_lines(report) == list(range(1, report.line_count + 1))


class TestWholeFileErrors:
    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            (b"", "file is empty"),
            (b"\n  \n", "file is empty"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
            ("名称 | 金额 |\n1 | 2 |\n".encode(), "not a known work-plan table header"),
            (HEADER.encode() + b"\n1 | \xff\xfe\xfa | x | y |\n", "cannot decode"),
        ],
    )
    def test_one_line_error_naming_file_and_reason(self, tmp_path, content, reason):
        path = tmp_path / "bad.txt"
        path.write_bytes(content)
        with pytest.raises(SourceFileError) as err:
            read_report(path)
        message = str(err.value)
        assert "\n" not in message
        assert message.startswith(str(path))
        assert reason in message


class TestEncodings:
    @pytest.mark.parametrize(
        ("encoding", "newline", "expected"),
        [("gb18030", "\n", "gb18030"), ("utf-8-sig", "\r\n", "utf-8-bom"), ("utf-8", "\r\n", "utf-8")],
    )
    def test_seed_reads_the_same_in_other_encodings(self, tmp_path, encoding, newline, expected):
        original = read_report(SEED)
        text = SEED.read_text(encoding="utf-8").replace("\n", newline)
        path = write(tmp_path, text, name=SEED.name, encoding=encoding)
        report = read_report(path)
        assert report.encoding == expected
        columns = ["task_id", "requirement", "completion", "units_raw", "first_line", "last_line"]
        assert report.tasks.select(columns).equals(original.tasks.select(columns))


def test_blank_lines_before_the_header_are_accounted_for(tmp_path):
    report = read_report(write(tmp_path, f"\n\n{HEADER}\n1 | 要求 | 完成 | 市发改委 |\n"))
    assert report.header_line == 3
    assert report.rejected.get_column("source_line").to_list() == [1, 2]
    assert covered_lines(report) == list(range(1, report.line_count + 1))


class TestColumnRoles:
    """Each column's role is read from the words of its header (pipelines/core/rules.py HEADER_ROLES)."""

    @pytest.mark.parametrize(
        ("header", "role"),
        [
            ("序号", "task_id"),
            ("分块", "group"),
            ("内容与要求", "requirement"),
            ("主  要  工  作  任  务", "requirement"),  # spaced out
            ("工作任务", "requirement"),
            ("重点工作", "requirement"),
            ("项目内容", "requirement"),
            ("目标任务", "target"),
            ("完成情况", "completion"),
            ("前三季度完成情况", "completion"),
            ("进展情况、存在问题及下一步打算", "completion"),
            ("落实情况", "completion"),
            ("当前进度", "completion"),
            ("目标完成情况", "status"),
            ("形象进度", "progress_percent"),
            ("完成时限", "deadline"),
            ("分管市领导", "leader"),
            ("责 任 单 位", "units"),
            ("牵头单位", "lead_units"),
            ("配合单位", "support_units"),
            ("一季度目标", "target"),
            ("备注", "note"),
            ("金额", None),
        ],
    )
    def test_role_from_header_words(self, header, role):
        assert header_role(header) == role

    def test_a_plan_without_an_achievement_column_is_read(self, tmp_path):
        report = read_report(
            write(tmp_path, "序号 | 主  要  工  作  任  务 | 责 任 单 位 |\n1 | 生产总值增长6%左右。 | 发改局 |\n")
        )
        assert task(report, 1) | {"source_file": None} == {
            "report_id": "report",
            "task_id": 1,
            "requirement": "生产总值增长6%左右。",
            "completion": None,
            "units_raw": "发改局",
            "lead_units_raw": None,
            "support_units_raw": None,
            "source_file": None,
            "first_line": 2,
            "last_line": 2,
            "task_label": "1",
            "task_group": None,
            "task_subgroup": None,
            "continues_merged_cell": False,
            "sub_rows": 0,
            "completion_statement": None,
            "text_read_in_part": False,
        }

    def test_other_columns_are_kept_beside_the_task(self, tmp_path):
        text = (
            "序号 | 项目内容 | 当前进度 | 牵头单位 | 备注 | 说明 |\n"
            "1 | 建设四好农村路55公里。 | 95% | 县交通局 | 县民生实事 | 已验收 |\n"
            "2 | 完成农村公路大中修70公里。 | 90% | 县交通局 |  |  |\n"
        )
        report = read_report(write(tmp_path, text))
        assert task(report, 1)["lead_units_raw"] == "县交通局"  # no 责任单位: the lead units' column names who
        assert task(report, 1)["units_raw"] is None
        # a 进度 column of bare percents is a progress percent (evidence), not a completion text
        assert task(report, 1)["completion"] is None
        assert report.attributes.rows() == [
            ("report", 1, 3, "当前进度", "progress_percent", "95%"),
            ("report", 1, 5, "备注", "note", "县民生实事"),
            ("report", 1, 6, "说明", None, "已验收"),  # a column no rule knows is kept, not fatal
            ("report", 2, 3, "当前进度", "progress_percent", "90%"),
        ]
        assert report.context.report_kind == "progress"

    @pytest.mark.parametrize(
        ("cells", "role"),
        [
            (("80%(进度滞后)", "95%", "50%(马站未开工"), "progress_percent"),  # a note after the percent, even unclosed
            (("80%", "已完成主体工程"), "completion"),
        ],  # one text: the column is read as completion text
    )
    def test_a_progress_column_of_percents_is_a_progress_percent(self, tmp_path, cells, role):
        rows = "".join(f"{i} | 建设道路{i}公里。 | {c} | 县交通局 |\n" for i, c in enumerate(cells, start=1))
        report = read_report(write(tmp_path, "序号 | 项目内容 | 当前进度 | 牵头单位 |\n" + rows))
        assert report.summary()["column_roles"].split(" | ")[2] == f"当前进度: {role}"

    def test_without_an_id_column_tasks_are_numbered_in_order(self, tmp_path):
        report = read_report(
            write(tmp_path, "工作任务 | 责任单位 |\n新增企业10家。 | 市经信局 |\n新增学位800个。 | 市教育局 |\n")
        )
        assert report.tasks.select("task_id", "requirement").rows() == [(1, "新增企业10家。"), (2, "新增学位800个。")]

    def test_no_requirement_column_is_the_one_header_that_fails(self, tmp_path):
        with pytest.raises(SourceFileError, match="no column reads as what is promised"):
            read_report(write(tmp_path, "序号 | 完成情况 | 责任单位 |\n1 | 完成 | 市发改委 |\n"))


REAL_DIR = Path(__file__).parent / "data" / "real"  # copies of ../shared/data/real (see its README)
PINNED = json.loads((Path(__file__).parent / "data" / "real_readings.json").read_text(encoding="utf-8"))


def as_a_person_reads_it(report) -> dict:
    """What a person checks in a reading: what the report is, and per task its id, group, lines, the start
    of its texts, who leads, supports or is responsible alone or jointly, the leaders, merged cells."""
    assignments = unit_assignments(report.tasks)
    context = report.context
    tasks = []
    for t in report.tasks.iter_rows(named=True):
        units = assignments.filter(task_id=t["task_id"])

        def named(*roles, units=units):
            return units.filter(pl.col("role").is_in(roles)).get_column("unit_name").to_list()

        tasks.append(
            {
                "task_id": t["task_id"],
                "label": t["task_label"],
                "group": t["task_group"],
                "lines": [t["first_line"], t["last_line"]],
                "requirement_starts": t["requirement"][:12],
                "completion_starts": (t["completion"] or "")[:12] or None,
                "lead": named("lead"),
                "support": named("support"),
                "sole_or_joint": named("sole", "joint"),
                "leaders": report.leaders.filter(task_id=t["task_id"]).get_column("leader_name").to_list(),
                "merged_from_above": t["continues_merged_cell"],
                "sub_rows": t["sub_rows"],
            }
        )
    return {
        "context": {
            k: getattr(context, k) for k in ("place", "year", "period", "months_covered", "report_kind", "plan_type")
        },
        "title": report.header.title,
        "rejected": report.rejected.height,
        "tasks": tasks,
    }


@pytest.mark.parametrize("report_id", sorted(PINNED))
def test_each_real_table_reads_as_a_person_reads_it(report_id):
    """tests/data/real_readings.json: each shared real table's reading, checked by hand against the file."""
    report = read_report(REAL_DIR / f"{report_id}.txt")
    assert as_a_person_reads_it(report) == PINNED[report_id]
    covered = covered_lines(report)  # every line once: title, header, tasks, rejected, and the group headings
    assert len(set(covered)) == len(covered) and len(covered) + report.group_heading_lines == report.line_count


class TestIdsAndGroups:
    @pytest.mark.parametrize(
        ("written", "number"),
        [
            ("12", 12),
            ("1.", 1),
            ("1、", 1),
            ("(3)", 3),
            ("（二）", 2),
            ("１２", 12),
            ("四", 4),
            ("十二、", 12),
            ("甲", None),
            ("1.1", None),
            ("1)", None),
            ("", None),
        ],
    )
    def test_task_number_as_written(self, written, number):
        assert task_number(written) == number

    @pytest.mark.parametrize(
        ("cells", "title"),
        [
            (["一、汤飞帆市长牵头重点工作"], "一、汤飞帆市长牵头重点工作"),
            (["二、经济社会发展主要指标", "", ""], "二、经济社会发展主要指标"),
            (["（一）民生实事"], "（一）民生实事"),  # full-width brackets folded: "(一)民生实事"
            (["一、标题", "市发改委"], None),  # a row with more filled in is not a heading
            (["1. 任务"], None),
        ],
    )
    def test_group_heading(self, cells, title):
        assert group_heading(cells) == (title.replace("（", "(").replace("）", ")") if title else None)

    def test_numbering_restarts_under_group_headings(self, tmp_path):
        text = (
            "序号 | 重点工作 | 牵头单位 | 配合单位 |\n"
            "一、甲市长牵头重点工作 |\n"
            "1. | 一般公共预算收入增长2%。 | 市财政局 | 市住建局 |\n"
            "2. | 探索设立产业链集群发展基金。 | 市财政局 | 市发改委 |\n"
            "二、乙副市长牵头重点工作 |\n"
            "1. | 地区生产总值增长5.5%以上。 | 市发改委 | 市经信局 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.tasks.select("task_id", "task_label", "task_group", "lead_units_raw").rows() == [
            (1, "1.", "一、甲市长牵头重点工作", "市财政局"),
            (2, "2.", "一、甲市长牵头重点工作", "市财政局"),
            (3, "1.", "二、乙副市长牵头重点工作", "市发改委"),  # the number repeats in the report: the order
        ]
        assert report.rejected.is_empty() and report.group_heading_lines == 2
        assert report.tasks.get_column("support_units_raw").to_list() == ["市住建局", "市发改委", "市经信局"]
        assert report.attributes.is_empty()

    def test_unique_written_numbers_stay_the_ids(self, tmp_path):
        report = read_report(
            write(tmp_path, f"{HEADER}\n3. | 甲。 | 完成。 | 市发改委 |\n7、 | 乙。 | 完成。 | 市发改委 |\n")
        )
        assert report.tasks.select("task_id", "task_label").rows() == [(3, "3."), (7, "7、")]

    def test_a_repeated_number_within_one_group_is_still_a_defect(self, tmp_path):
        report = read_report(
            write(tmp_path, f"{HEADER}\n1 | 甲。 | 完成。 | 市发改委 |\n1 | 乙。 | 完成。 | 市发改委 |\n")
        )
        assert report.tasks.is_empty()
        assert (
            report.rejected.get_column("reason").to_list()
            == ["task id 1 appears on lines 2, 3 with different content"] * 2
        )


class TestMergedCells:
    def test_a_merged_lead_column_is_taken_from_the_row_above(self, tmp_path):
        text = (
            "序号 | 项目内容 | 牵头单位 | 落实情况 |\n"
            "1 | 完成帮扶学校1所。 | 教育局 | 基本完成。 |\n"
            "2 | 保障入学100%。 | 提前完成年度任务。 |\n"
            "3 | 新建ICU床位10张。 | 县卫生健康局 | 提前完成年度任务。 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.tasks.select("task_id", "lead_units_raw", "completion", "continues_merged_cell").rows() == [
            (1, "教育局", "基本完成。", False),
            (2, "教育局", "提前完成年度任务。", True),
            (3, "县卫生健康局", "提前完成年度任务。", False),
        ]

    def test_a_merged_group_column_left_empty_gives_no_group(self, tmp_path):
        text = "分块 | 序号 | 主要工作 | 责任单位 |\n1 | 生产总值增长7.5%左右 | ▲发改局,各部门 |\n"
        report = read_report(write(tmp_path, text))
        assert report.tasks.select("task_id", "task_group", "units_raw", "continues_merged_cell").rows() == [
            (1, None, "▲发改局,各部门", True)
        ]

    def test_a_group_column_gives_the_group(self, tmp_path):
        text = (
            "分块 | 序号 | 主要工作 | 责任单位 |\n经济发展 | 1 | 生产总值增长7.5%左右 | 发改局 |\n"
            "2 | 新增企业10家 | 经信局 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.tasks.select("task_id", "task_group").rows() == [(1, "经济发展"), (2, "经济发展")]

    def test_a_missing_text_cell_is_not_read_as_a_merged_units_cell(self, tmp_path):
        report = read_report(write(tmp_path, f"{HEADER}\n1 | 要求一 | 完成一 | 市发改委 |\n2 | 要求二 | 市经信局 |\n"))
        assert report.tasks.get_column("task_id").to_list() == [1]
        assert report.rejected.get_column("reason").to_list() == ["expected 4 cells, found 3"]


class TestHeaderAndTitle:
    def test_title_lines_above_the_header_are_the_reports_title(self, tmp_path):
        text = f"2021年市政府重点工作完成情况表\n\n{HEADER}\n1 | 要求 | 完成 | 市发改委 |\n"
        report = read_report(write(tmp_path, text))
        assert (report.header.title, report.header.title_lines, report.header_line) == (
            "2021年市政府重点工作完成情况表",
            (1,),
            3,
        )
        assert report.rejected.get_column("reason").to_list() == ["empty line"]  # line 2
        assert report.summary()["title_lines"] == 1 and report.context.year == 2021

    def test_a_header_cell_may_run_over_two_lines(self, tmp_path):
        text = "序号 | 主要工作任务 | 前三季度\n完成情况 | 责任单位 |\n1 | 增长6%。 | 增长8.6%。 | 发改局 |\n"
        report = read_report(write(tmp_path, text))
        assert report.header.names == ["序号", "主要工作任务", "前三季度完成情况", "责任单位"]
        assert (report.header.line, report.header.last_line, report.header.lines) == (1, 2, 2)
        assert task(report, 1)["completion"] == "增长8.6%。" and report.context.period == "1-9月"

    def test_more_title_lines_than_a_title_has_is_not_a_table(self, tmp_path):
        with pytest.raises(SourceFileError, match=r"report.txt:4: not a known work-plan table header"):
            read_report(write(tmp_path, "标题\n副标题\n说明\n另一行 | 说明 |\n"))


class TestSubRowsAndShortRows:
    def test_short_rows_with_cells_over_several_lines(self, tmp_path):
        # The lead column merged over rows 2-3 (one cell short), each progress cell over two lines.
        text = (
            "序号 | 项目内容 | 牵头单位 | 落实情况 |\n"
            "1 | 新增老年大学3所。 | 教育局 | 基本完成。\n建成3所。 |\n"
            "2 | 开展培训3350人次。 | 提前完成。\n开展培训4348人次 |\n"
            "3 | 1)提升416人;\n2)提升902人。 | 基本完成。\n1)895人\n2)1937人 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.rejected.is_empty()
        assert report.tasks.select(
            "task_id", "first_line", "last_line", "lead_units_raw", "continues_merged_cell"
        ).rows() == [(1, 2, 3, "教育局", False), (2, 4, 5, "教育局", True), (3, 6, 9, "教育局", True)]

    def test_a_sub_row_continues_the_task_above(self, tmp_path):
        text = (
            "序号 | 工作任务 | 责任单位 | 进展情况 |\n"
            "1 | 新改扩建公办中小学校1所 | 教体局 | 室内装修完成80%。 |\n"
            "新增学位810个 | | | |\n"
            "2 | 保障入学 | 教体局 | 已公布政策。 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.tasks.select("task_id", "requirement", "first_line", "last_line", "sub_rows").rows() == [
            (1, "新改扩建公办中小学校1所;新增学位810个", 2, 3, 1),
            (2, "保障入学", 4, 4, 0),
        ]

    def test_a_row_without_an_id_after_a_gap_is_not_guessed(self, tmp_path):
        text = f"{HEADER}\n1 | 要求 | 完成 | 市发改委 |\n\n新增学位810个 | | | |\n"
        report = read_report(write(tmp_path, text))
        assert report.rejected.get_column("reason").to_list() == [
            "empty line",
            "task id is not a number: '新增学位810个'",
        ]


class TestLeadersInCharge:
    def test_leaders_from_a_leader_column_and_from_group_headings(self, tmp_path):
        text = (
            "序号 | 重点工作 | 分管市领导 | 牵头单位 |\n"
            "一、汤飞帆市长牵头重点工作 |\n"
            "1. | 一般公共预算收入增长2%。 | 李关定副市长 | 市财政局 |\n"
            "2. | 探索设立产业链集群发展基金。 |  | 市财政局 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.leaders.select("task_id", "position", "leader_name", "leader_title", "source").rows() == [
            (1, 1, "李关定", "副市长", "leader_column"),
            (1, 2, "汤飞帆", "市长", "group_heading"),
            (2, 1, "汤飞帆", "市长", "group_heading"),
        ]
        assert report.attributes.filter(role="leader").height == 1  # the cell as written stays too


class TestOtherLayouts:
    """Conventions of tables not among the shared ones, each a rule of rules.py."""

    def test_a_second_header_row_names_the_parts_of_a_merged_header_cell(self, tmp_path):
        text = (
            "序号 | 工作任务 | 责任单位 |  | 进展情况 |\n"
            " |  | 牵头单位 | 配合单位 |  |\n"
            "1 | 新增企业10家。 | 市经信局 | 市财政局 | 新增企业12家。 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.header.names[2:4] == ["责任单位牵头单位", "责任单位配合单位"]
        assert report.header.roles == ["task_id", "requirement", "lead_units", "support_units", "completion"]
        assert (report.header.last_line, report.rejected.height) == (2, 0)
        assert task(report, 1)["lead_units_raw"] == "市经信局" and task(report, 1)["support_units_raw"] == "市财政局"

    def test_a_target_column_joins_the_requirement(self, tmp_path):
        text = (
            "序号 | 重点任务 | 年度目标 | 一季度目标 | 完成情况 | 责任单位 |\n"
            "1 | 城乡居民收入增长。 | 6%以上 | 1.5% | 增长8.1%。 | 市发改委 |\n"
            "2 | 新改扩建中小学校 | 新增学位810个 | 开工 | 完成。 | 市教育局 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.tasks.get_column("requirement").to_list() == [
            "城乡居民收入增长6%以上",
            "新改扩建中小学校;新增学位810个",
        ]
        # as written, both target columns stay attributes; the part-year one only there
        assert report.attributes.select("task_id", "column_name", "value").rows()[:2] == [
            (1, "年度目标", "6%以上"),
            (1, "一季度目标", "1.5%"),
        ]

    def test_a_units_column_of_measure_units_is_not_who_is_responsible(self, tmp_path):
        text = (
            "序号 | 指标名称 | 单位 | 目标值 | 1-9月完成 | 责任单位 |\n"
            "1 | 地区生产总值增长 | % | 6.5 | 5.8 | 市发改委 |\n"
            "2 | 一般公共预算收入 | 亿元 | 300 | 210 | 市财政局 |\n"
        )
        report = read_report(write(tmp_path, text))
        assert report.header.roles == ["task_id", "requirement", "measure_unit", "target", "completion", "units"]
        assert report.tasks.select("requirement", "completion", "units_raw").rows()[0] == (
            "地区生产总值增长6.5%",
            "5.8%",
            "市发改委",
        )  # a bare number is in the column's unit
        assert report.context.period == "1-9月"

    @pytest.mark.parametrize(
        ("header", "role"),
        [
            ("项目名称", "requirement"),
            ("指标名称", "requirement"),
            ("名称", None),
            ("1-9月完成", "completion"),
            ("实施情况", "completion"),
            ("进度(%)", "progress_percent"),
            ("计量单位", "measure_unit"),
            ("工作目标", "requirement"),
            ("具体目标", "target"),
            ("责任领导", "leader"),
        ],
    )
    def test_more_header_words(self, header, role):
        assert header_role(header) == role

    def test_the_header_repeated_in_the_table_is_a_header_line(self, tmp_path):
        text = f"{HEADER}\n1 | 要求一 | 完成一 | 市发改委 |\n{HEADER}\n2 | 要求二 | 完成二 | 市经信局 |\n"
        report = read_report(write(tmp_path, text))
        assert report.tasks.height == 2 and report.rejected.is_empty()
        assert report.summary()["header_lines"] == 2

    def test_tasks_numbered_with_chinese_numerals(self, tmp_path):
        report = read_report(
            write(tmp_path, f"{HEADER}\n一 | 要求一 | 完成一 | 市发改委 |\n二、 | 要求二 | 完成二 | 市经信局 |\n")
        )
        assert report.tasks.select("task_id", "task_label").rows() == [(1, "一"), (2, "二、")]


@pytest.mark.parametrize(
    ("completion", "statement"),
    [
        ("提前完成年度任务。截至6月21日,已完成筛查16010人", "提前完成年度任务"),
        ("已全部完成创建目标任务,实现全覆盖。", "已全部完成创建目标任务"),
        ("已完成年度目标任务", "已完成年度目标任务"),
        ("312家重点企业全部完成年度改造任务", None),  # a number in the clause: an actual, read as such
        ("基本完成。完成帮扶任务。", None),  # 基本完成 is not a statement of completion
        ("GDP预计增长4.5%左右。", None),
        # sentence-scope phrases speak only of what their sentence names, not for the whole task
        ("三条联网路:东光路、官渡路二期工程均已完工。", None),
        ("圆满完成83名军转干部安置任务。", None),
        # The whole clause is the word: the task is done; a part of the work done is not.
        ("已完工。", "已完工"),
        ("主体已完工,正在装修", None),
        # the details of what was done follow in brackets
        ("已完成(完成30%,完成率100%)", "已完成"),
    ],
)
def test_a_completion_that_states_the_target_reached(completion, statement):
    tasks = pl.DataFrame({"completion": [completion]})
    assert tasks.select(completion_statement(pl.col("completion"))).item() == statement


class TestInvisibleCharacters:
    """Unicode spaces and format characters never change a number silently."""

    @pytest.mark.parametrize(
        ("completion", "number"),
        [
            ("完成12\u00a0300人", "12300人"),  # no-break space grouping thousands
            ("完成12\u202f300人", "12300人"),
            ("完成1 234 567人", "1234567人"),
            ("完成1\u200b2\u200b800人", "12800人"),  # zero-width spaces inside the number
            ("增长4.\u200b5%", "4.5%"),
            ("增长4\u2060.5%", "4.5%"),
            ("新增\u00ad300家", "300家"),
        ],
    )
    def test_a_number_reads_as_the_text_means_it(self, tmp_path, completion, number):
        report = read_report(write(tmp_path, f"{HEADER}\n1 | 新增企业10家。 | {completion} | 市经信局 |\n"))
        assert number in task(report, 1)["completion"]

    def test_a_space_that_does_not_group_thousands_stays_a_space_and_its_number_is_not_read(self, tmp_path):
        report = read_report(write(tmp_path, f"{HEADER}\n1 | 新增企业10家。 | 增长4.5 300家,共12 30人 | 市经信局 |\n"))
        assert task(report, 1)["completion"] == "增长4.5 300家,共12 30人"
        # neither 4.5300 nor 300, neither 1230 nor 30: an ambiguous number is not read, never guessed
        assert find_quantities(task(report, 1)["completion"]) == []

    def test_invisible_characters_in_ids_and_headers_are_dropped(self, tmp_path):
        text = "序\u200b号 | 内容与要求 | 完成情况 | 责任单位 |\n1\u200b | 新增企业10家。 | 完成 | 市\u200b经信局 |\n"
        report = read_report(write(tmp_path, text))
        assert task(report, 1)["units_raw"] == "市经信局" and report.summary()["column_roles"].startswith(
            "序号: task_id"
        )


def test_an_id_too_long_for_a_task_number_quarantines_its_row_only(tmp_path):
    text = (
        f"{HEADER}\n1 | 新增企业10家。 | 完成12家 | 市经信局 |\n"
        "12345678901234567890 | 新增学位800个。 | 完成900个 | 市教育局 |\n"
    )
    report = read_report(write(tmp_path, text))
    assert report.tasks.get_column("task_id").to_list() == [1]
    [(line, reason)] = report.rejected.select("source_line", "reason").rows()
    assert line == 3 and reason.startswith("task id has 20 digits")


def test_a_cell_too_long_to_read_whole_says_so(tmp_path):
    from pipelines.core.extraction.batch import extract_mentions
    from pipelines.core.rules import MAX_READ_CHARS

    long_text = "新增企业10家;" * (MAX_READ_CHARS // 4)
    report = read_report(write(tmp_path, f"{HEADER}\n1 | 新增企业10家。 | {long_text} | 市经信局 |\n"))
    assert task(report, 1)["text_read_in_part"] is True and len(task(report, 1)["completion"]) > MAX_READ_CHARS
    actuals = extract_mentions(report.tasks)[1]
    assert actuals.get_column("span_end").max() <= MAX_READ_CHARS  # only its start was read
