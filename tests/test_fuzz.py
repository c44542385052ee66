"""Fuzzing the reader and the extraction (Hypothesis, bounded and derandomised so CI is repeatable).

Random reports of random cells: Unicode spaces and format characters, full-width digits, long digit runs,
stray `|`, units and change words. Whatever comes, reading never crashes (a file-level problem is a
SourceFileError naming the file), every source line is accounted for, every value is finite and every span
is the exact substring of its text at its offsets.
"""

from __future__ import annotations

import math

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.core.extraction.batch import extract_mentions
from pipelines.core.layout.normalise import normalise_tasks
from pipelines.core.layout.tasks import read_report
from pipelines.core.sources.grid import SourceFileError
from tests.conftest import HEADER

PIECES = [
    "新增",
    "完成",
    "企业",
    "增长",
    "下降",
    "亿元",
    "万元",
    "个",
    "家",
    "%",
    "人",
    "公里",
    "以上",
    "左右",
    "累计",
    "1-9月",
    "已全部完成",
    "“",
    "”",
    "、",
    ",",
    ";",
    "。",
    "(",
    ")",
    "△",
    "市发改委",
    "市经信局",
    "均",
    "4个结构性指标",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u3000",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    " ",
    "１２",
    "３．５",
    "12 300",
    "4.\u200b5",
    "|",
]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.text(alphabet="0123456789", min_size=16, max_size=40),  # longer than any figure
)
CELL = st.lists(st.one_of(st.sampled_from(PIECES), NUMBERS), max_size=30).map("".join)
ID = st.one_of(
    st.integers(min_value=1, max_value=300).map(str),
    st.sampled_from(["一、", "(1)", "1.", "", "x"]),
    st.text(alphabet="0123456789", min_size=7, max_size=25),
)
ROW = st.tuples(ID, CELL, CELL, CELL).map(lambda cells: " | ".join(cells) + " |")


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=8))
def test_random_reports_read_without_losing_a_line(tmp_path, rows):
    path = tmp_path / "fuzz.txt"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    try:
        report = read_report(path)
    except SourceFileError as error:  # a file-level problem: named, never a crash
        assert "fuzz.txt" in str(error)
        return
    summary = report.summary()
    task_lines = sum(last - first + 1 for first, last in report.tasks.select("first_line", "last_line").iter_rows())
    rejected_lines = sum(
        last - first + 1 for first, last in report.rejected.select("source_line", "last_line").iter_rows()
    )
    assert (
        summary["header_lines"] + summary["title_lines"] + summary["group_heading_lines"] + task_lines + rejected_lines
    ) == summary["line_count"]
    tasks = normalise_tasks(report.tasks) if report.tasks.height else report.tasks
    targets, actuals, _ = extract_mentions(tasks)
    texts = {(t, c): text for t, c, text in _texts(tasks)}
    for frame, column in ((targets, "requirement"), (actuals, "completion")):
        for task_id, span, start, end, value in frame.select(
            "task_id", "span", "span_start", "span_end", "value"
        ).iter_rows():
            assert texts[(task_id, column)][start:end] == span
            assert math.isfinite(value)


def _texts(tasks: pl.DataFrame):
    for task_id, requirement, completion in tasks.select("task_id", "requirement", "completion").iter_rows():
        yield task_id, "requirement", requirement or ""
        yield task_id, "completion", completion or ""
