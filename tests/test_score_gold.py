"""The gold scorer's rules: which tables are held out, and which task a gold task is."""

from __future__ import annotations

from pipelines.tooling.score_gold import _match, held_out


def test_a_third_of_the_tables_is_held_out_whatever_their_order():
    files = [f"place-{i}-2023-progress.txt" for i in range(19)]
    aside = held_out(files)
    assert len(aside) == 7  # every third of 19
    assert held_out(list(reversed(files))) == aside


def test_a_gold_task_is_the_task_holding_the_start_of_its_requirement_same_label_first():
    tasks = [
        {"task_id": 1, "label": "1", "requirement": "新增学位810个,改扩建学校3所"},
        {"task_id": 2, "label": "2", "requirement": "新增学位810个,改扩建学校3所(续)"},
        {"task_id": 3, "label": "3", "requirement": "开发公益性岗位540个"},
    ]
    assert _match({"requirement_first_20_chars": "新增学位810个, 改扩建学校", "task_label": "2"}, tasks)["task_id"] == 2
    assert _match({"requirement_first_20_chars": "开发公益性岗位540个", "task_label": None}, tasks)["task_id"] == 3
    assert _match({"requirement_first_20_chars": "募集青年就业见习岗位325个", "task_label": "4"}, tasks) is None


def test_layout_figures_per_report_and_progress_text_present(tmp_path):
    """A table built from a generated file: a found task whose gold says it has progress needs completion text;
    the table shows the report's line and the total."""
    import duckdb

    from pipelines.tooling.score_gold import GoldScore, score_table

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_tasks as select * from (values ('r', 'r/1', 1, '1', '新增学位810个', '已完成选址'),"
        " ('r', 'r/2', 2, '2', '开发公益性岗位540个', null)) t(report_id, task_key, task_id, task_label, requirement,"
        " completion)"
    )
    con.execute(
        "create table marts.fct_unit_assignments as select * from (values ('r/1', '区教育局', 'lead'),"
        " ('r/2', '区人社局', 'lead')) t(task_key, unit_name, role)"
    )
    con.execute("create table marts.fct_task_leaders (task_key varchar, leader_name varchar)")
    con.execute(
        "create table marts.fct_target_achievement"
        " (report_id varchar, task_id int, target_value double, status varchar)"
    )
    con.execute(
        "create table marts.fct_targets as select * from (values ('r', '新增学位', 'count', 'school_places'),"
        " ('r', '开发公益性岗位', 'count', null)) t(report_id, metric, unit_kind, indicator_code)"
    )
    con.execute(
        "create table marts.dim_metrics as select * from (values ('新增学位', 'count', 'indicator'),"
        " ('开发公益性岗位', 'count', 'none')) t(metric, unit_kind, indicator_match)"
    )
    gold = [
        {"file": "r.txt", "row": 1, "task_label": "1", "requirement_first_20_chars": "新增学位810个",
         "units": ["区教育局"], "lead_units": ["区教育局"], "leaders": [], "has_progress_text": True},
        {"file": "r.txt", "row": 2, "task_label": "2", "requirement_first_20_chars": "开发公益性岗位540个",
         "units": ["区人社局"], "lead_units": ["区人社局"], "leaders": [], "has_progress_text": True},
    ]  # fmt: skip
    result = GoldScore(files=1)
    score_table(con, gold, [], result)
    assert (result.counts["tasks_found"], result.counts["progress_said"], result.counts["progress_ok"]) == (2, 2, 1)
    table = result.layout_table(per_report=True)
    assert table[1].split() == ["r", "2/2", "2/2", "2/2", "2/2", "1/2"]
    assert table[-1] == "  reports with every task found: 1/1"
    assert "r row 2: no progress text" in result.misses
    # the canonical indicators' coverage, and the unmapped metric with its report (recurrence counts over tables)
    assert [(c.report_id, c.targets, c.with_indicator) for c in result.coverage] == [("r", 2, 1)]
    assert result.unmapped == {("开发公益性岗位", "count", "none"): {"r"}}


def test_the_pinned_real_readings_score_whole():
    """tests/data/real_readings.json is what the shared real tables read as: scored against it, all right."""
    from pipelines.tooling.score_gold import PINNED_READINGS, PINNED_TABLES, score_pinned

    result = score_pinned(PINNED_READINGS, PINNED_TABLES)
    assert result.counts["tasks_found"] == result.counts["tasks"] > 0
    assert result.counts["progress_ok"] == result.counts["progress_said"] > 0
