"""What a report is (place, year, period, kind, plan type), from its title, header and file name."""

from __future__ import annotations

import pytest

from pipelines.core.layout.identity import report_context


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
        ("2022年度绍兴市民生实事完成情况", "完成情况", "x", ("绍兴市", 2022, None, None, "completion", "民生实事")),
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
    assert (
        context.place,
        context.year,
        context.period,
        context.months_covered,
        context.report_kind,
        context.plan_type,
    ) == expected


def test_evidence_says_where_each_value_was_read():
    context = report_context(None, "前三季度完成情况", "pinghu-2024-keywork-q3-completion", True)
    assert context.context_evidence == (
        "place: file name; year: file name; period: header; kind: period; plan_type: file name"
    )
