"""One plan through the year: each report's plan, and each task's plan task (pipelines/core/plans/)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.core.plans.assignment import MappingError, assign_plans, read_report_plans
from pipelines.core.plans.linking import link_method, link_tasks
from pipelines.core.rules import TASK_LINK_METHODS

REPORTS = pl.DataFrame(
    {
        "report_id": ["pinghu-q3", "pinghu-plan", "shaoxing-q1", "shaoxing-year", "jiaxing-plan", "untold"],
        "place": ["pinghu", "pinghu", "shaoxing", "shaoxing", "jiaxing", None],
        "year": [2024, 2024, 2020, 2020, 2024, None],
        "plan_type": ["重点工作", "重点工作", "重点工作", None, "重点工作", None],
        "report_kind": ["progress", "plan", "progress", "completion", "plan", "progress"],
        "months_covered": [9, None, 3, 12, None, None],
    },
)
MAPPING = pl.DataFrame(
    {"report_id": ["shaoxing-year"], "place": [None], "year": [None], "plan_type": ["重点工作"]},
    schema={"report_id": pl.String, "place": pl.String, "year": pl.Int64, "plan_type": pl.String},
)


def tasks(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"report_id": pl.String, "task_id": pl.Int64, "requirement": pl.String}, orient="row"
    )


def links(rows) -> dict[tuple[str, int], tuple[str, str]]:
    plans = assign_plans(REPORTS, MAPPING)
    out = link_tasks(tasks(rows), plans)
    return {(r, t): (p, m) for r, t, p, m in out.select("report_id", "task_id", "plan_task_id", "link_method").rows()}


def test_a_report_plan_is_place_year_and_type_the_mapping_filling_what_it_does_not_say():
    plans = {
        r: (p, by)
        for r, p, by in assign_plans(REPORTS, MAPPING).select("report_id", "plan_id", "plan_assigned_by").rows()
    }
    assert plans["pinghu-q3"] == plans["pinghu-plan"] == ("pinghu-2024-重点工作", "report")
    assert plans["shaoxing-year"] == ("shaoxing-2020-重点工作", "mapping")
    assert plans["untold"] == (None, "report")  # never guessed


def test_the_same_requirement_links_as_same_and_a_reworded_one_as_similar():
    got = links(
        [
            ("pinghu-plan", 1, "生产总值增长6%左右。"),
            ("pinghu-q3", 1, "生产总值增长6%左右"),
            ("shaoxing-q1", 2, "持续推进重大项目攻坚,确保有效投资增长高于经济增长、4个结构性指标均实现10%以上增长。"),
            ("shaoxing-year", 2, "持续推进重大项目攻坚,确保固定投资增速高于经济增速、4个结构性指标均实现10%以上增长。"),
        ]
    )
    assert got[("pinghu-q3", 1)] == ("pinghu-plan/1", "same")  # the breakdown comes first, whatever the names
    assert got[("pinghu-plan", 1)] == ("pinghu-plan/1", "first_seen")
    assert got[("shaoxing-year", 2)] == ("shaoxing-q1/2", "similar")  # the Q1 report covers fewer months


def test_different_tasks_of_one_plan_do_not_link():
    got = links([("pinghu-plan", 4, "规上工业增加值增长7%。"), ("pinghu-q3", 5, "服务业增加值增长5.5%。")])
    assert got[("pinghu-q3", 5)] == ("pinghu-q3/5", "first_seen")  # kept, as a plan task of its own


def test_two_tasks_of_one_report_never_link_to_one_plan_task():
    got = links(
        [
            ("pinghu-plan", 1, "新建5G基站1000个。"),
            ("pinghu-q3", 1, "新建5G基站1000个。"),
            ("pinghu-q3", 2, "新建5G基站1000个左右。"),
        ]
    )
    assert [got[("pinghu-q3", t)][0] for t in (1, 2)] == ["pinghu-plan/1", "pinghu-q3/2"]


def test_reports_of_other_places_or_no_plan_never_link():
    got = links(
        [
            ("pinghu-plan", 1, "生产总值增长6%左右。"),
            ("jiaxing-plan", 1, "生产总值增长6%左右。"),
            ("untold", 1, "生产总值增长6%左右。"),
        ]
    )
    assert got[("jiaxing-plan", 1)] == ("jiaxing-plan/1", "first_seen")
    assert got[("untold", 1)] == ("untold/1", "first_seen")


@pytest.mark.parametrize(("method", "bar", "example"), TASK_LINK_METHODS)
def test_each_link_method_reads_its_example(method, bar, example):
    from rapidfuzz import fuzz

    from pipelines.core.plans.linking import link_text

    left, right = example.split(" | ")
    assert link_method(fuzz.ratio(link_text(left), link_text(right)) / 100) == method


def test_a_bad_mapping_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "report_plans.csv"
    path.write_text("report_id,place,year,plan_type,note\nx,,twenty,,\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"report_plans.csv: line 2: year 'twenty' is not a year"):
        read_report_plans(path)
    path.write_text("report_id,place,year,plan_type,note\nx,,,重点工作,\nx,,2020,,\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"report_plans.csv: line 3: x is already on line 2"):
        read_report_plans(path)
    path.write_text("report,plan\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"line 1: the columns must be report_id, place, year, plan_type, note"):
        read_report_plans(path)


SEED_TASKS = (
    "坚持“稳开稳走,提质提效”总体态势,加强季度、月度数据监测,确保地区生产总值增长7%左右。",
    "持续推进重大项目攻坚,确保固定投资增速高于经济增速、4个结构性指标均实现10%以上增长;"
    "建立市县长项目“双进”协调机制,市县长项目落地率50%以上。",
    "聚焦重点领域编制培育发展新兴产业新三年行动计划,战略性新兴产业增加值占规上工业比提升达44%以上。",
)
Q1_TASKS = (
    "坚持“稳开稳走,提质提效”的总体态势,加强季度、月度数据监测,确保地区生产总值增长7%左右。",
    "持续推进重大项目攻坚,确保有效投资增长高于经济增长、4个结构性指标均实现10%以上增长,市县长项目落地率50%以上。",
    "聚焦重点领域编制培育发展新兴产业新三年行动计划,力争规上工业中四大新兴产业增加值占比提升至44%。",
)
OTHER_TASKS = ("新建公办幼儿园5所。", "建设四好农村路55公里。", "新增城市绿道30公里。")


def _write(path, requirements, progress_column):
    lines = (
        [f"序号 | 内容与要求 | {progress_column}责任单位 |"] if progress_column else ["序号 | 内容与要求 | 责任单位 |"]
    )
    progress = "已推进。 | " if progress_column else ""
    lines += [f"{i} | {text} | {progress}市发改委 |" for i, text in enumerate(requirements, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_report_whose_plan_type_is_unknown_joins_the_plan_its_tasks_match(tmp_path):
    """The seed plan's report, saved under a name that does not say its plan type, and its own Q1 progress
    report (重点工作), beside another plan of the same place and year: the seed's tasks link to the Q1's."""
    from pipelines.core.layout.tasks import read_report

    files = [
        _write(tmp_path / "shaoxing-2020-work-progress.txt", SEED_TASKS, "完成情况 | "),
        _write(tmp_path / "shaoxing-2020-keywork-q1-progress.txt", Q1_TASKS, "进展情况 | "),
        _write(tmp_path / "shaoxing-2020-minsheng-breakdown.txt", OTHER_TASKS, None),
    ]
    reports = [read_report(f) for f in files]
    fields = ("place", "year", "plan_type", "report_kind", "months_covered")
    frame = pl.DataFrame(
        [(r.report_id, *(getattr(r.context, f) for f in fields)) for r in reports],
        schema=["report_id", *fields],
        orient="row",
    )
    assert frame.filter(pl.col("report_id") == "shaoxing-2020-work-progress")["plan_type"].item() is None
    task_frame = pl.concat([r.tasks.select("report_id", "task_id", "requirement") for r in reports])
    plans = assign_plans(frame, MAPPING.clear(), task_frame)
    seed = plans.filter(pl.col("report_id") == "shaoxing-2020-work-progress").row(0, named=True)
    assert (seed["plan_id"], seed["plan_type"], seed["plan_assigned_by"]) == (
        "shaoxing-2020-重点工作",
        "重点工作",
        "tasks",
    )
    linked = link_tasks(task_frame, plans).filter(pl.col("report_id") == "shaoxing-2020-work-progress")
    assert linked["plan_task_id"].to_list() == [f"shaoxing-2020-keywork-q1-progress/{i}" for i in (1, 2, 3)]


def test_a_report_matching_no_plan_keeps_none():
    """Tasks unlike every plan of its place and year: no plan, never guessed."""
    reports = REPORTS.filter(pl.col("report_id").is_in(["shaoxing-q1", "shaoxing-year"]))
    found = tasks([("shaoxing-q1", 1, Q1_TASKS[0]), ("shaoxing-year", 1, OTHER_TASKS[0])])
    plans = assign_plans(reports, MAPPING.clear(), found)
    assert plans.filter(pl.col("report_id") == "shaoxing-year")["plan_id"].item() is None
