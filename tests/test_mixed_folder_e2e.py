"""End to end, a raw folder as found: the seed in other encodings, the real tables of other places and
layouts (tests/data/real), defective rows, files that cannot be read at all (each rejected by itself) and
entries never opened (a symbolic link, a FIFO), in one run; then a run that PIPELINE_STRICT=1 stops on a
rejected file, leaving the published warehouse exactly as it was. (Each bad file alone: tests/test_rejected_files.py;
a folder with nothing readable: tests/test_defs.py.)"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from pipelines.tooling.fixtures import WRITERS, table_of, write_all
from tests.conftest import HEADER, SEED, Workspace, make_workspace, sha256

REAL_DIR = Path(__file__).parent / "data" / "real"
REAL_TABLES = sorted(REAL_DIR.glob("*.txt"))
PINNED = json.loads((Path(__file__).parent / "data" / "real_readings.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.e2e

DEFECTS = "\n".join(
    [
        HEADER,
        "",
        "1 | 新增小微企业100家。 | 新增小微企业120家。 | 市市场监管局 |",
        "2 | 新增股份公司10家。 | 新增股份制公司12家。 | 市金融办 |",
        "2 | 另一个任务。 | 完成。 | 市金融办 |",  # duplicated id, other content
        "3 | 少一个单元格。 | 市发改委 |",  # a cell missing
        "甲 | 编号不是数字。 | 完成。 | 市发改委 |",  # id not a number
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


SECRET = "a line outside the raw folder that must never be read"
# Files that cannot be read at all, generated in the fixture: each is a rejected report, named by make run.
BAD_FILES = {
    "unknown-header.txt": ("名称 | 金额 | 备注 |\n".encode(), "line 1", "not a known work-plan table header"),
    "zero-bytes.txt": (b"", "whole file", "file is empty"),
    "undecodable.txt": (HEADER.encode() + b"\n1 | caf\xe9 \xff\xfe | x | y |\n", "line 2", "cannot decode"),
    "random.xlsx": (random.Random(27).randbytes(4096), "whole file", "not a readable workbook"),
    "not-a-zip.docx": ("这不是Word文档".encode(), "whole file", "not a readable Word document"),
}
# Entries never opened, each named with its reason in the plan line.
SKIPPED = {
    "linked-secret.txt": "a symbolic link, never followed",
    "pipe.txt": "a FIFO (named pipe), not a regular file",
    "defects.xlsx": "same report id as defects.txt (read instead)",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Workspace:
    ws = make_workspace(tmp_path_factory.mktemp("mixed"), [SEED, *REAL_TABLES])
    text = SEED.read_text(encoding="utf-8")
    (ws.raw_dir / "seed-gb18030.txt").write_bytes(text.encode("gb18030"))
    (ws.raw_dir / "seed-bom-crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    (ws.raw_dir / "defects.txt").write_text(DEFECTS, encoding="utf-8")
    write_all(ws.raw_dir, "seed", table_of(SEED), "2020年绍兴市政府工作报告重点任务完成情况")
    (ws.raw_dir / "old-attachment.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    (ws.raw_dir / "notes.md").write_text("# what is in this folder", encoding="utf-8")
    for name, (content, *_) in BAD_FILES.items():
        (ws.raw_dir / name).write_bytes(content)
    (ws.raw_dir / "header-only.txt").write_text(f"{HEADER}\n", encoding="utf-8")  # read: 0 tasks, a warning
    (ws.root / "secret.txt").write_text(f"{HEADER}\n1 | {SECRET} | 完成 | 市经信局 |\n", encoding="utf-8")
    (ws.raw_dir / "linked-secret.txt").symlink_to(ws.root / "secret.txt")
    os.mkfifo(ws.raw_dir / "pipe.txt")  # no writer ever comes: opening it would block the run
    (ws.raw_dir / "defects.xlsx").write_bytes(b"never opened: defects.txt holds the report id")
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
        **{p.stem: "utf-8" for p in REAL_TABLES},
        "seed-html": "utf-8",
        "seed-gbk": "gb18030",
        "seed-csv": "utf-8-bom",
        "seed-tsv": "utf-8",
        "seed-xlsx": "binary",
        "seed-xls": "binary",
        "seed-docx": "binary",
        "old-attachment": None,
        **{Path(name).stem: None for name in BAD_FILES},  # rejected: not read
        "header-only": "utf-8",
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
        (7, "task id is not a number: '甲'"),
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
    assert "warning: staging/rejected_rows no_rows_quarantined: 12 source rows quarantined" in mixed_run.stdout
    real_tasks = sum(len(r["tasks"]) for r in PINNED.values())
    assert mixed.query("select count(*) from marts.dim_tasks") == [((3 + len(WRITERS)) * 177 + 2 + real_tasks,)]


def test_every_bad_file_is_rejected_by_itself_and_named(mixed, mixed_run):
    """The good reports publish; each file that cannot be read is a rejected report with its place and reason,
    named in make run's output, one line each; a report with a header and no task publishes and warns."""
    for name, (_, place, reason) in BAD_FILES.items():
        [(status, rejected_place, rejected_reason, tasks)] = mixed.query(
            "select read_status, rejected_place, rejected_reason, task_rows from marts.dim_reports where report_id = ?",
            [Path(name).stem],
        )
        assert (status, rejected_place, tasks) == ("rejected", place, 0) and reason in rejected_reason, name
        assert f"rejected: {mixed.raw_dir / name}: {place}: {rejected_reason}" in mixed_run.stdout.splitlines()
    assert "warning: staging/raw_reports every_file_read: files not read (9)" in mixed_run.stdout
    assert mixed.query("select read_status, task_rows from marts.dim_reports where report_id = 'header-only'") == [
        ("read", 0)
    ]
    assert f"no tasks: {mixed.raw_dir / 'header-only.txt'}: header at line 1: " in mixed_run.stdout
    assert mixed.query("select count(*) from marts.dim_reports where read_status = 'read'") == [
        (4 + len(REAL_TABLES) + len(WRITERS) + 1,)
    ]


def test_links_fifos_and_a_taken_report_id_are_skipped_never_opened(mixed, mixed_run):
    [plan] = [line for line in mixed_run.stdout.splitlines() if line.startswith("plan: ")]
    for name, reason in SKIPPED.items():
        assert f"skipped, {reason}" in plan and name in plan, name
        assert f"skipped: {name}: not opened: {reason}" in mixed_run.stdout
    assert SECRET not in mixed_run.stdout + mixed_run.stderr
    for table in ("staging.raw_tasks", "staging.rejected_rows", "staging.raw_reports", "marts.dim_tasks"):
        [every_column] = mixed.query(f"select string_agg(columns(*)::varchar, '|') from {table}")
        assert SECRET not in str(every_column), table
    assert mixed.query("select source_file from marts.dim_reports where report_id = 'defects'") == [
        (str(mixed.raw_dir / "defects.txt"),)
    ]


def test_pipeline_strict_fails_on_a_rejected_file_and_leaves_the_warehouse(mixed, mixed_run):
    before = sha256(mixed.warehouse)
    bad = mixed.raw_dir / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    try:
        run = mixed.run_pipeline(PIPELINE_STRICT="1")
    finally:
        bad.unlink()
    assert run.returncode != 0
    assert "error: staging/raw_reports every_file_read: files not read (10)" in run.stderr
    assert f"rejected: {bad}: line 3: binary content (NUL byte), not a text table" in run.stderr.splitlines()
    assert f"rejected: {mixed.raw_dir / 'zero-bytes.txt'}: whole file: file is empty" in run.stderr.splitlines()
    assert sha256(mixed.warehouse) == before


def test_every_real_table_builds_beside_the_seed(mixed, mixed_run):
    built = {
        r: (tasks, rejected)
        for r, tasks, rejected in mixed.query("select report_id, task_rows, rejected_rows from marts.dim_reports")
    }
    assert {p.stem: built[p.stem] for p in REAL_TABLES} == {
        r: (len(pinned["tasks"]), pinned["rejected"]) for r, pinned in PINNED.items()
    }
    # Every line of every file: title, header, group headings, tasks and rejected rows.
    unaccounted = mixed.query("""
        select r.report_id from marts.dim_reports r
        left join (select report_id, sum(last_line - first_line + 1) as n from marts.dim_tasks group by 1) t
            using (report_id)
        left join (select report_id, sum(last_line - source_line + 1) as n from staging.rejected_rows group by 1) q
            using (report_id)
        where r.title_lines + r.header_lines + r.group_heading_lines + coalesce(t.n, 0) + coalesce(q.n, 0)
              != r.line_count""")
    assert unaccounted == []


def test_the_seed_builds_the_same_marts_alone_and_beside_other_layouts(mixed, mixed_run, seed_workspace, seed_run):
    for name, sql in MART_QUERIES.items():
        assert mixed.query(sql, [SEED.stem]) == seed_workspace.query(sql, [SEED.stem]), name


def test_dim_reports_says_what_each_report_is(mixed, mixed_run):
    rows = mixed.query(
        "select report_id, place, year, period, months_covered, report_kind, plan_type "
        "from marts.dim_reports where report_id like 'pinghu%' or report_id like 'ningbo%' order by 1"
    )
    assert rows == [
        ("ningbo-2025-keywork-breakdown", "ningbo", 2025, None, None, "plan", "重点工作"),
        ("pinghu-2024-keywork-breakdown", "pinghu", 2024, None, None, "plan", "重点工作"),
        ("pinghu-2024-keywork-q3-completion", "pinghu", 2024, "1-9月", 9, "progress", "重点工作"),
    ]


def test_leads_supports_and_leaders_from_their_columns_and_headings(mixed, mixed_run):
    ningbo = "ningbo-2025-keywork-breakdown"
    assert mixed.query(
        "select role, count(*) from marts.fct_unit_assignments where report_id = ? group by 1 order by 1", [ningbo]
    ) == [("lead", 6), ("support", 37)]
    assert mixed.query("select lead_unit, n_leads from marts.dim_tasks where task_key = ?", [f"{ningbo}/3"]) == [
        ("市发改委", 1)
    ]
    assert mixed.query(
        "select task_id, leader_name, leader_title, source from marts.fct_task_leaders "
        "where report_id = ? and task_id in (2, 3) order by 1",
        [ningbo],
    ) == [(2, "汤飞帆", "市长", "group_heading"), (3, "赵海滨", "常务副市长", "group_heading")]


def test_actuals_without_a_stated_period_take_the_reports(mixed, mixed_run):
    rows = mixed.query(
        "select period_stated, period, months_covered, is_part_year, count(*) from marts.fct_actuals "
        "where report_id = 'pinghu-2024-keywork-q3-completion' group by all order by all"
    )
    assert all(part_year for stated, *_, part_year, _ in rows)  # a Q3 table: no figure covers the year
    assert (False, "1-9月", 9, True) in [row[:4] for row in rows]  # stated nowhere: the header's 前三季度
    assert all(period != "全年" for _, period, *_ in rows)


FORMATS = [f"seed-{name}" for name in WRITERS]  # every format the registry reads, written by the fixtures


@pytest.mark.parametrize("report_id", FORMATS)
def test_the_seed_in_every_format_builds_the_same_marts(mixed, mixed_run, report_id):
    for name, sql in MART_QUERIES.items():
        sql = sql.replace(
            "exclude (task_key, report_id, source_file)",
            "exclude (task_key, report_id, source_file, first_line, last_line)",
        )
        assert mixed.query(sql, [report_id]) == mixed.query(sql, [SEED.stem]), name


def test_a_format_not_read_is_quarantined_and_other_files_are_named(mixed, mixed_run):
    [(reason,)] = mixed.query("select reason from staging.rejected_rows where report_id = 'old-attachment'")
    assert ".doc files are not read" in reason and "soffice --headless --convert-to docx" in reason
    assert "skipped, not a report format: notes.md" in mixed_run.stdout
    assert mixed.query(
        "select source_format, task_rows, rejected_rows from marts.dim_reports where report_id = 'old-attachment'"
    ) == [("doc", 0, 1)]


def test_the_report_keeps_reports_apart(mixed, mixed_run):
    """Reports of different places and periods each get their own charts and their own rows of missed
    targets: nothing on the page adds one place's targets to another's."""
    import re

    from pipelines.core.report.html import REPORT_SECTIONS

    html = (mixed.warehouse.parent / "reports" / "achievement.html").read_text(encoding="utf-8")
    with_targets = {r for (r,) in mixed.query("select distinct report_id from marts.fct_target_achievement")}
    sections = set(re.findall(r'<h2 id="report-\d+">[^<]*\(([^)]+)\)</h2>', html))
    assert sections <= with_targets and len(sections) == min(len(with_targets), REPORT_SECTIONS)
    groups = re.findall(r'<tr class="group"><th colspan="8">[^<]*\(([^)]+)\)</th></tr>', html)
    missed = {
        r for (r,) in mixed.query("select distinct report_id from marts.fct_target_achievement where status = 'missed'")
    }
    assert sorted(groups) == sorted(missed)  # one group per report with a missed target, each once


def test_a_plan_breakdown_and_its_q3_table_link_six_of_six(mixed, mixed_run):
    links = dict(
        mixed.query(
            "select task_key, plan_task_id from marts.fct_task_progress "
            "where report_id = 'pinghu-2024-keywork-q3-completion'"
        )
    )
    for task in range(1, 7):
        assert links[f"pinghu-2024-keywork-q3-completion/{task}"] == f"pinghu-2024-keywork-breakdown/{task}"
    # The Q3 table's two tasks that the breakdown does not have are kept, each a plan task of its own.
    assert links["pinghu-2024-keywork-q3-completion/7"] == "pinghu-2024-keywork-q3-completion/7"


def test_a_q1_progress_report_links_to_the_seeds_first_three_tasks(mixed, mixed_run):
    rows = mixed.query(
        "select s.task_id, q.task_id, s.link_method from marts.fct_task_progress s "
        "join marts.fct_task_progress q using (plan_task_id) "
        "where s.report_id = 'shaoxing-2020-work-progress' "
        "and q.report_id = 'shaoxing-2020-keywork-q1-progress' order by 1"
    )
    assert [(s, q) for s, q, _ in rows] == [(1, 1), (2, 2), (3, 3)] and {m for *_, m in rows} == {"similar"}


def test_reports_of_other_places_or_years_never_link(mixed, mixed_run):
    crossing = mixed.query(
        """
        select t.task_key, t.plan_task_id from marts.fct_task_progress t
        join marts.dim_reports here on here.report_id = t.report_id
        join marts.dim_reports first on first.report_id = split_part(t.plan_task_id, '/', 1)
        where here.place is distinct from first.place or here.year is distinct from first.year
        """
    )
    assert not crossing
    # Every plan task's tasks come from distinct reports (one report never links two tasks to one).
    assert not mixed.query(
        "select plan_task_id, report_id from marts.fct_task_progress group by all having count(*) > 1"
    )


def test_a_report_whose_plan_cannot_be_told_has_none_and_warns(mixed, mixed_run):
    assert mixed.query("select plan_id from marts.fct_task_progress where report_id = 'defects' limit 1") == [(None,)]
    assert "reports_without_plan" in mixed_run.stdout


def test_which_tasks_were_behind_at_the_latest_report_in_one_query(mixed, mixed_run):
    from pipelines.core.report.words import words

    query = (Path(__file__).parents[1] / "queries" / "tasks_behind_at_latest_report.sql").read_text(encoding="utf-8")
    rows = mixed.query(query)
    pinghu = [r for r in rows if r[0] == "pinghu-2024-重点工作"]
    # The Q3 table's missed tasks, each with what the breakdown said before it.
    assert {r[1] for r in pinghu} == {f"pinghu-2024-keywork-breakdown/{t}" for t in (1, 2, 5)}
    assert [r[3] for r in pinghu[:2]] == ["pinghu-2024-keywork-breakdown", "pinghu-2024-keywork-q3-completion"]
    html = (mixed.warehouse.parent / "reports" / "achievement.html").read_text(encoding="utf-8")
    assert 'id="plans"' in html and words("zh").behind_latest.format(3) in html
