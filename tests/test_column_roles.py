"""Column roles by evidence: the header's words weighed with what the cells read as (ROLE_EVIDENCE), one column
per single role, target columns and their units, header rows over several rows, a person's override, and the
reading recorded per report (staging.raw_column_readings)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.core.layout import header as header_module
from pipelines.core.layout.tasks import read_report
from pipelines.core.refresh import steps
from pipelines.core.sources.grid import SourceFileError
from pipelines.core.warehouse.tables import RAW_COLUMN_READINGS

UNITS = "市发改委、市财政局"


def write(tmp_path: Path, lines: list[str], name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def roles(report) -> dict[str, str | None]:
    return dict(zip(report.header.names, report.header.roles, strict=True))


def test_unknown_header_word_over_sentences_is_the_requirement(tmp_path):
    path = write(
        tmp_path,
        [
            "序号 | 2022年重点 | 责任单位 |",
            f"1 | 新建和改造提升城市绿道500公里,完善配套设施 | {UNITS} |",
            f"2 | 建设或改造提升街旁公园100处,打造口袋公园 | {UNITS} |",
        ],
    )
    report = read_report(path)
    assert roles(report)["2022年重点"] == "requirement"
    assert report.tasks.get_column("requirement").to_list()[0].startswith("新建和改造")


def test_expected_target_header_alone_is_what_is_promised(tmp_path):
    path = write(
        tmp_path,
        ["序号 | 2022年预期目标 | 责任单位 |", f"1 | 新增城镇就业5000人以上,城镇登记失业率控制在3%以内 | {UNITS} |"],
    )
    report = read_report(path)
    assert report.tasks.get_column("requirement").to_list() == ["新增城镇就业5000人以上,城镇登记失业率控制在3%以内"]


def test_lone_task_target_column_over_sentences_is_the_requirement(tmp_path):
    path = write(
        tmp_path, ["序号 | 目标任务 | 完成情况 | 责任单位 |", f"1 | 新建绿道100公里 | 已完成120公里 | {UNITS} |"]
    )
    report = read_report(path)
    assert roles(report)["目标任务"] == "requirement"
    assert "the only column saying what is promised" in report.header.evidence[1][0]


def test_table_with_no_requirement_by_words_or_cells_is_still_refused(tmp_path):
    path = write(tmp_path, ["序号 | 备注 | 责任单位 |", f"1 | 无 | {UNITS} |"])
    with pytest.raises(SourceFileError, match="not a known work-plan table header"):
        read_report(path)


def test_task_and_target_header_is_a_target_not_a_second_requirement(tmp_path):
    path = write(
        tmp_path,
        ["序号 | 工作任务 | 年度任务目标 | 责任单位 |", f"1 | 新增城镇就业 | 5000人 | {UNITS} |"],
    )
    report = read_report(path)
    assert roles(report)["年度任务目标"] == "target"
    assert report.tasks.get_column("requirement").to_list() == ["新增城镇就业5000人"]


def test_task_and_target_words_apart_make_a_target(tmp_path):
    path = write(
        tmp_path,
        [
            "序号 | 项目名称 | 具体任务及目标 | 责任单位 |",
            f"1 | 公办教育资源扩容工程 | 新建学校2所,新增学位800个 | {UNITS} |",
        ],
    )
    report = read_report(path)
    assert roles(report)["具体任务及目标"] == "target"
    assert report.tasks.get_column("requirement").to_list() == ["公办教育资源扩容工程;新建学校2所,新增学位800个"]


def test_bare_target_takes_the_unit_bracketed_in_the_indicator(tmp_path):
    path = write(tmp_path, ["序号 | 指标名称 | 目标 | 责任单位 |", f"1 | 新增就业(人) | 5000 | {UNITS} |"])
    assert read_report(path).tasks.get_column("requirement").to_list() == ["新增就业(人)5000人"]


def test_bare_target_takes_the_unit_bracketed_in_its_header(tmp_path):
    path = write(tmp_path, ["序号 | 工作内容 | 目标(万元) | 责任单位 |", f"1 | 完成固定资产投资 | 300 | {UNITS} |"])
    assert read_report(path).tasks.get_column("requirement").to_list() == ["完成固定资产投资300万元"]


def test_percent_and_status_columns_keep_their_roles(tmp_path):
    path = write(
        tmp_path,
        [
            "序号 | 工作内容 | 完成情况 | 完成率 | 是否达序 | 责任单位 |",
            f"1 | 新建绿道100公里 | 截至9月底,已完成新建绿道80公里 | 80% | 是 | {UNITS} |",
            f"2 | 新建公园10处 | 截至9月底,已完成新建公园3处 | 30% | 否 | {UNITS} |",
        ],
    )
    found = roles(read_report(path))
    assert (found["完成率"], found["是否达序"], found["完成情况"]) == ("progress_percent", "status", "completion")


def test_one_completion_column_the_best_evidenced(tmp_path):
    path = write(
        tmp_path,
        [
            "序号 | 工作内容 | 完成情况 | 进展情况 | 责任单位 |",
            f"1 | 新建绿道100公里 | 推进中 | 截至9月底,已完成新建绿道80公里 | {UNITS} |",
        ],
    )
    found = roles(read_report(path))
    assert list(found.values()).count("completion") == 1


def test_three_header_rows_are_read_as_one_header(tmp_path):
    path = write(
        tmp_path,
        [
            "序号 | 工作内容 | 责任单位 |  |",
            " |  | 牵头单位 | 配合单位 |",
            " |  | 责任单位 | 责任单位 |",
            "1 | 新建绿道100公里 | 市建设局 | 市财政局 |",
        ],
    )
    report = read_report(path)
    assert report.header.roles == ["task_id", "requirement", "lead_units", "support_units"]
    assert report.tasks.get_column("task_id").to_list() == [1]
    assert report.tasks.get_column("lead_units_raw").to_list() == ["市建设局"]


def test_override_wins_over_the_evidence_and_is_recorded(tmp_path, monkeypatch):
    overrides = tmp_path / "column_roles.csv"
    overrides.write_text("report_id,header,role,reason\nreport,备注,completion,备注 holds the progress here\n")
    monkeypatch.setattr(header_module, "COLUMN_ROLES_FILE", overrides)
    path = write(tmp_path, ["序号 | 工作内容 | 备注 | 责任单位 |", f"1 | 新建绿道100公里 | 已完成 | {UNITS} |"])
    report = read_report(path)
    assert roles(report)["备注"] == "completion"
    reading = report.columns.filter(pl.col("header_text") == "备注").row(0, named=True)
    assert reading["evidence"] == "override: 备注 holds the progress here" and reading["confidence"] == 1.0


def test_column_reading_records_header_and_cell_evidence(tmp_path):
    path = write(
        tmp_path, ["序号 | 工作内容 | 责任单位 |", f"1 | 新建绿道100公里 | {UNITS} |", f"2 | 新建公园 | {UNITS} |"]
    )
    columns = read_report(path).columns
    assert columns.schema == pl.Schema(RAW_COLUMN_READINGS.schema)
    units = columns.filter(pl.col("header_text") == "责任单位").row(0, named=True)
    assert units["role"] == "units"
    assert units["evidence"] == "header 责任单位 -> units; cells: 2 unit of 2"
    assert 0.9 <= units["confidence"] <= 1.0


def test_ingest_writes_raw_column_readings(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    path = write(folder, ["序号 | 工作内容 | 责任单位 |", f"1 | 新建绿道100公里 | {UNITS} |"], name="city-2022.txt")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        done = steps.ingest_reports(con, {"city-2022": path}, code_version="x", pipeline_version="y", run_id="r")
        sql = f"select header_text, role from {RAW_COLUMN_READINGS.qualified} order by column_number"
        rows = con.execute(sql).fetchall()
    assert done.columns.height == 3
    assert rows == [("序号", "task_id"), ("工作内容", "requirement"), ("责任单位", "units")]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("是否达序时", "status"),
        ("进度是否滞后", "status"),
        ("未达序时原因及存在问题", "note"),
        ("说明", None),
        ("协同单位", "support_units"),
    ],
)
def test_status_and_reason_headers(header, role):
    assert header_module.header_role(header) == role


def test_column_of_names_under_a_header_not_naming_a_leader_is_no_leader(tmp_path):
    # 负责人 is the person to ask, not the leader in charge: only 领导 / 分管 in the header make a leader column.
    path = write(
        tmp_path,
        [
            "序号 | 重点工作任务 | 牵头单位 | 负责人 | 进展情况 |",
            "1 | 新增老年食堂15个 | 区民政局 | 何滢 | 已建成3个 |",
            "2 | 新增养老床位500张 | 区民政局 | 何滢 | 已完成200张 |",
        ],
    )
    report = read_report(path)
    assert roles(report)["负责人"] is None
    assert report.leaders.height == 0


def test_a_second_requirement_column_is_the_target_column(tmp_path):
    # SECOND_REQUIREMENT_ROLE: 事项名称 and 事项内容 both name what is promised; the figures are in the second,
    # which was dropped as a column of no role.
    path = tmp_path / "plan.txt"
    path.write_text(
        "序号 | 事项名称 | 责任单位 | 事项内容 |\n"
        "1 | 实施老旧小区居住品质提升工程 | 住房城乡建设局 | 完成50台老旧电梯更新改造。 |\n"
        "2 | 开展高层建筑消防安全能力建设 | 消防救援大队 | 消防物联感知设备接入率达80%以上。 |\n",
        encoding="utf-8",
    )
    report = read_report(path)
    assert dict(zip(report.header.names, report.header.roles, strict=True))["事项内容"] == "target"
    assert (
        report.tasks.get_column("requirement").to_list()[0] == "实施老旧小区居住品质提升工程;完成50台老旧电梯更新改造。"
    )
