"""End to end, bad input: a mixed raw folder (encodings, defective rows) in one run, then a run that a
blocking check stops, leaving the published warehouse exactly as it was. (Whole-file failures are run
in process: tests/test_defs.py.)"""

from __future__ import annotations

import pytest

from tests.conftest import HEADER, SEED, Workspace, make_workspace, sha256

pytestmark = pytest.mark.e2e

DEFECTS = "\n".join(
    [
        HEADER,
        "",
        "1 | 新增小微企业100家。 | 新增小微企业120家。 | 市市场监管局 |",
        "2 | 新增股份公司10家。 | 新增股份制公司12家。 | 市金融办 |",
        "2 | 另一个任务。 | 完成。 | 市金融办 |",  # duplicated id, other content
        "3 | 少一个单元格。 | 市发改委 |",  # a cell missing
        "四 | 编号不是数字。 | 完成。 | 市发改委 |",  # id not a number
        "",
        "5 | 建成8个美丽城镇。 | 8个乡镇被评为省级美丽城镇样板。 | △市建设局 市农业农村局 |",
        "",
    ]
)
# Marts compared across reports, without their report keys.
MART_QUERIES = {
    "fct_unit_assignments": "select task_id, position, unit_name, role from marts.fct_unit_assignments"
    " where report_id = ? order by all",
    "fct_targets": "select * exclude (task_key, report_id) from marts.fct_targets where report_id = ? order by all",
    "fct_actuals": "select * exclude (task_key, report_id) from marts.fct_actuals where report_id = ? order by all",
    "fct_target_achievement": "select * exclude (task_key, report_id) from marts.fct_target_achievement"
    " where report_id = ? order by all",
    "dim_tasks": "select * exclude (task_key, report_id, source_file) from marts.dim_tasks where report_id = ?"
    " order by all",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Workspace:
    ws = make_workspace(tmp_path_factory.mktemp("mixed"), [SEED])
    text = SEED.read_text(encoding="utf-8")
    (ws.raw_dir / "seed-gb18030.txt").write_bytes(text.encode("gb18030"))
    (ws.raw_dir / "seed-bom-crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    (ws.raw_dir / "defects.txt").write_text(DEFECTS, encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def mixed_run(mixed):
    return mixed.run_pipeline().check()


def test_other_encodings_build_the_same_marts(mixed, mixed_run):
    for name, sql in MART_QUERIES.items():
        original = mixed.query(sql, [SEED.stem])
        assert original, name
        assert mixed.query(sql, ["seed-gb18030"]) == original, name
        assert mixed.query(sql, ["seed-bom-crlf"]) == original, name


def test_detected_encoding_is_recorded_per_report(mixed, mixed_run):
    assert dict(mixed.query("select report_id, encoding from marts.dim_reports")) == {
        SEED.stem: "utf-8",
        "seed-gb18030": "gb18030",
        "seed-bom-crlf": "utf-8-bom",
        "defects": "utf-8",
    }


def test_good_rows_land_and_bad_rows_are_quarantined_with_reasons(mixed, mixed_run):
    assert mixed.query("select task_id from marts.dim_tasks where report_id = 'defects' order by 1") == [(1,), (5,)]
    rejected = mixed.query(
        "select source_line, reason from staging.rejected_rows where report_id = 'defects' order by 1"
    )
    assert rejected == [
        (2, "empty line"),
        (4, "task id 2 appears on lines 4, 5 with different content"),
        (5, "task id 2 appears on lines 4, 5 with different content"),
        (6, "expected 4 cells, found 3"),
        (7, "task id is not a number: '四'"),
        (8, "empty line"),
    ]
    # Counts add up: every line is the header, a task's or a quarantined one.
    (line_count, task_rows, rejected_rows) = mixed.query(
        "select line_count, task_rows, rejected_rows from marts.dim_reports where report_id = 'defects'"
    )[0]
    assert (line_count, task_rows, rejected_rows) == (9, 2, 6)
    assert 1 + task_rows + rejected_rows == line_count
    # The raw text of a rejected row is kept as it was.
    assert mixed.query("select raw_text from staging.rejected_rows where source_line = 6") == [
        ("3 | 少一个单元格。 | 市发改委 |",)
    ]


def test_quarantine_shows_as_a_warning(mixed, mixed_run):
    assert "warning: staging/rejected_rows no_rows_quarantined: 6 source rows quarantined" in mixed_run.stdout
    assert mixed.query("select count(*) from marts.dim_tasks") == [(3 * 177 + 2,)]


def test_blocking_check_stops_the_run_and_leaves_the_warehouse(mixed, mixed_run):
    before = sha256(mixed.warehouse)
    bad = mixed.raw_dir / "no-units.txt"
    bad.write_text(f"{HEADER}\n1 | 新增企业10家。 | 新增企业12家。 |  |\n", encoding="utf-8")
    try:
        run = mixed.run_pipeline()
    finally:
        bad.unlink()
    assert run.returncode != 0
    assert "tasks_read_completely" in run.stderr and "No empty units cell" in run.stderr and "no-units/1" in run.stderr
    assert sha256(mixed.warehouse) == before
