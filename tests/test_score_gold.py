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
