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
