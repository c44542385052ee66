"""What a report is (place, year, period, kind, plan type): from its title lines, page title and header,
and from its file name only when the document says nothing. One case per rule (rules.REPORT_*)."""

from __future__ import annotations

import pytest

from pipelines.core.layout.identity import report_context
from pipelines.core.layout.tasks import read_report

# Government sites name their downloads by a number: the name says nothing of the report.
SITE_NAME = "P020200415381234"


def _fields(context):
    return (
        context.place,
        context.year,
        context.period,
        context.months_covered,
        context.report_kind,
        context.plan_type,
    )


@pytest.mark.parametrize(
    ("title", "completion_header", "stem", "expected"),
    [
        # The header's period decides progress vs completion; the file name gives place and year.
        (
            None,
            "前三季度完成情况",
            "pinghu-2024-keywork-q3-completion",
            ("pinghu", 2024, "1-9月", 9, "progress", "重点工作"),
        ),
        # No completion column: a plan, whatever the words.
        (None, None, "zhuji-2023-keywork-breakdown", ("zhuji", 2023, None, None, "plan", "重点工作")),
        # A month token in the file name.
        (
            None,
            "落实情况",
            "taishun-2023-minsheng-oct-progress",
            ("taishun", 2023, "1-10月", 10, "progress", "民生实事"),
        ),
        # The title wins over the file name.
        (
            "柯桥区2023年民生实事项目1-6月进展情况",
            "进展情况",
            "report-2020-q1",
            ("柯桥区", 2023, "1-6月", 6, "progress", "民生实事"),
        ),
        ("2021年市政府重点工作完成情况表", "完成情况", "report", (None, 2021, None, None, "completion", "重点工作")),
        ("2022年度绍兴市民生实事完成情况", "完成情况", "x", ("绍兴市", 2022, "全年", 12, "completion", "民生实事")),
        ("绍兴市2022年民生实事全年完成情况", "完成情况", "x", ("绍兴市", 2022, "全年", 12, "completion", "民生实事")),
        # A page's title as governments word it.
        (
            "关于2023年柯桥区民生实事项目一季度进展情况的公示_柯桥区人民政府",
            "进展情况",
            "page",
            ("柯桥区", 2023, "1-3月", 3, "progress", "民生实事"),
        ),
        # Nothing says: null, never guessed.
        (None, "完成情况", "report", (None, None, None, None, "completion", None)),
        (None, "备注", "report", (None, None, None, None, None, None)),
    ],
)
def test_report_context(title, completion_header, stem, expected):
    context = report_context(title, completion_header, stem, completion_header is not None)
    assert _fields(context) == expected


@pytest.mark.parametrize(
    ("title", "header", "period", "months"),
    [
        ("2023年民生实事项目推进情况(1-7月)", "推进情况", "1-7月", 7),  # a range
        ("2023年重点工作1—9月完成情况", "完成情况", "1-9月", 9),  # a range with a long dash
        ("民生实事进展情况(截至2023年6月20日)", "进展情况", "1-6月", 6),  # a date late in its month
        ("民生实事进展情况(截至2023年9月1日)", "进展情况", "1-8月", 8),  # a date on its month's first days
        ("民生实事进展情况(截至6月底)", "进展情况", "1-6月", 6),  # a month's end
        ("2019年十件民生实事进展情况(第三季度)", "进展情况", "1-9月", 9),  # 第三季度
        ("重点工作三季度进展情况", "进展情况", "1-9月", 9),  # 三季度
        ("重点工作前三季度完成情况", "完成情况", "1-9月", 9),  # 前三季度
        ("2019年十件民生实事进展情况(第二季度)", "进展情况", "1-6月", 6),  # 第二季度
        ("重点工作上半年推进情况", "推进情况", "1-6月", 6),  # 上半年
        ("2023年度重点工作完成情况", "完成情况", "全年", 12),  # 年度 … 完成情况
        ("重点工作全年完成情况", "完成情况", "全年", 12),  # 全年
        ("2021年为民办实事项目进展情况月报表(11月份)", "进展情况", "1-11月", 11),  # 11月份
        (None, "最新进度(8月24日)", "1-8月", 8),  # a date in the header's progress column
    ],
)
def test_period_phrase(title, header, period, months):
    context = report_context(title, header, SITE_NAME, True)
    assert (context.period, context.months_covered) == (period, months)
    assert context.report_kind == ("completion" if months == 12 else "progress")


@pytest.mark.parametrize(
    ("title", "header", "kind"),
    [
        ("2024年重点工作任务分解表", None, "plan"),  # 分解, no completion column
        ("2023年民生实事项目推进情况", "推进情况", "progress"),  # 推进情况
        ("2023年民生实事项目实施进度表", "最新进度", "progress"),  # 进度
        ("2021年市政府重点工作完成情况表", "完成情况", "completion"),  # 完成情况, no period
        ("10件民生实事任务分解表", "落实情况", "progress"),  # a 分解 table reporting progress is no plan
    ],
)
def test_kind_words(title, header, kind):
    assert report_context(title, header, SITE_NAME, header is not None).report_kind == kind


def test_place_before_a_count_of_projects():
    context = report_context("2019年盐田区十件重点民生实事进展情况(第二季度)", "进展情况", SITE_NAME, True)
    assert (context.place, context.year, context.plan_type) == ("盐田区", 2019, "民生实事")


def test_page_title_read_when_no_title_lines():
    context = report_context(None, "进展情况", SITE_NAME, True, page_title="绍兴市2023年民生实事项目一季度进展情况")
    assert _fields(context) == ("绍兴市", 2023, "1-3月", 3, "progress", "民生实事")
    assert context.context_evidence.startswith("place: page title (绍兴市); year: page title (2023)")


def test_other_header_columns_give_the_period():
    """A completion column named without a period, beside a column whose name has one."""
    context = report_context(None, "推进情况", SITE_NAME, True, header_names=("序号", "1-11月推进情况", "推进情况"))
    assert (context.period, context.months_covered, context.report_kind) == ("1-11月", 11, "progress")


def test_document_wins_over_file_name():
    context = report_context(
        "2023年柯桥区重点工作1-7月进展情况", "进展情况", "shaoxing-2020-minsheng-q1-progress", True
    )
    assert _fields(context) == ("柯桥区", 2023, "1-7月", 7, "progress", "重点工作")
    assert "file name" not in context.context_evidence


def test_site_file_name_says_nothing():
    assert _fields(report_context(None, "进展情况", SITE_NAME, True)) == (None, None, None, None, "progress", None)


def test_evidence_says_where_each_value_was_read():
    context = report_context(None, "前三季度完成情况", "pinghu-2024-keywork-q3-completion", True)
    assert context.context_evidence == (
        "place: file name (pinghu); year: file name (2024); period: header (前三季度); kind: period (1-9月); "
        "plan_type: file name (keywork)"
    )


def test_read_report_takes_identity_from_the_document(tmp_path):
    """A file saved under a site's number: title lines and header say what it is."""
    path = tmp_path / f"{SITE_NAME}.txt"
    path.write_text(
        "2022年柯桥区民生实事项目推进情况\n(截至2022年6月20日)\n"
        "序号 | 工作任务 | 责任单位 | 进展情况 |\n1 | 新增学位810个 | 区教育局 | 已完成选址 |\n",
        encoding="utf-8",
    )
    context = read_report(path).context
    assert _fields(context) == ("柯桥区", 2022, "1-6月", 6, "progress", "民生实事")
    assert "file name" not in context.context_evidence


def test_place_before_the_issuing_office():
    context = report_context("海安市民政局2023年民生实事项目实施进度表", "最新进度(8月24日)", SITE_NAME, True)
    assert _fields(context) == ("海安市", 2023, "1-8月", 8, "progress", "民生实事")


def test_a_provinces_name_for_its_livelihood_projects_is_the_plan_type():
    context = report_context("2023年3月份暖民心行动各县区进展情况表", "完成进度", SITE_NAME, True)
    assert (context.year, context.period, context.plan_type) == (2023, "1-3月", "民生实事")
