"""Record forms (RECORD_FORM): one project per block of `label | value` rows read as a table, labels broken over
lines or glued under a title mended, each source line in one row."""

from __future__ import annotations

from pathlib import Path

from pipelines.core.layout.tasks import read_report

RECORDS = (
    "2021年为民办实事项目进展情况月报表(11月份)\n"
    "2021年省为民办实事项目进展情况月报表(11月份)\n"
    "项 目\n名 称 | 新建和改造提升城市绿道500公里 |\n"
    "我市\n任务 | 新建和改造提升城市绿道130公里 |\n"
    "进 展\n情 况 | 经与省里确认,项目已完成年度目标任务。 |\n"
    "进 度\n是 否\n滞 后 | 否 |\n"
    "2021年市为民办实事项目进展情况月报表(11月份)\n"
    "项目名称 | 建设或改造提升街旁公园100处 |\n"
    "进展情况 | 已完成任务,共计完成105处。 |\n"
    "进 度是 否滞 后 | 否 |\n"
)


def read(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def test_record_forms_read_as_a_table_of_one_row_per_block(tmp_path):
    report = read(tmp_path, RECORDS)
    roles = dict(zip(report.header.names, report.header.roles, strict=True))
    assert roles == {"类别": "group", "项目名称": "requirement", "我市任务": "target", "进展情况": "completion",
                     "进度是否滞后": "status"}  # fmt: skip
    tasks = report.tasks.to_dicts()
    assert [t["requirement"][:11] for t in tasks] == ["新建和改造提升城市绿道", "建设或改造提升街旁公园"]
    assert tasks[1]["completion"].startswith("已完成任务")
    assert tasks[1]["task_group"] == "2021年市为民办实事项目进展情况月报表(11月份)"


def test_every_line_of_record_forms_is_in_one_row(tmp_path):
    report = read(tmp_path, RECORDS)
    summary = report.summary()
    task_lines = (report.tasks["last_line"] - report.tasks["first_line"] + 1).sum()
    assert summary["header_lines"] + summary["title_lines"] + task_lines + report.rejected.height == 15


def test_a_two_column_table_with_one_block_is_no_record_form(tmp_path):
    report = read(tmp_path, "项目名称 | 完成情况 |\n新建公园2个 | 已完成3个 |\n新建学校1所 | 已开工 |\n")
    assert report.header.names == ["项目名称", "完成情况"]
    assert report.tasks.height == 2


def test_local_share_header_is_a_target():
    from pipelines.core.layout.header import header_role

    assert header_role("我市任务") == "target"
