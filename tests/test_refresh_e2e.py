"""End to end, the nightly refresh: many reports, only what changed, atomic publish under readers,
a killed run, two runs at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import REPO_ROOT, SEED, Workspace, dbt_marts, make_workspace, sha256

pytestmark = pytest.mark.e2e

TABLES_WITH_REPORT_ID = [
    "staging.raw_tasks",
    "staging.raw_task_attributes",
    "staging.raw_task_leaders",
    "staging.raw_report_plans",
    "staging.raw_task_links",
    "staging.rejected_rows",
    "staging.raw_reports",
    "staging.raw_unit_assignments",
    "staging.raw_target_mentions",
    "staging.raw_actual_mentions",
    "staging.raw_target_pairs",
    "staging.build_state",
    "marts.dim_tasks",
    "marts.dim_reports",
    "marts.fct_task_leaders",
    "marts.fct_task_progress",
    "marts.fct_unit_assignments",
    "marts.fct_targets",
    "marts.fct_actuals",
    "marts.fct_target_achievement",
    "marts.achievement_by_unit",
]


def loaded_by(ws: Workspace) -> dict[str, str]:
    return dict(ws.query("select report_id, loaded_by_run from marts.dim_reports"))


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    ws = make_workspace(tmp_path_factory.mktemp("refresh"), [])
    for name in ("a.txt", "b.txt"):
        (ws.raw_dir / name).write_bytes(SEED.read_bytes())
    return ws


@pytest.fixture(scope="module")
def first_run(ws):
    return ws.run_pipeline().check()


def test_two_copies_give_twice_the_tasks_keyed_by_report(ws, first_run):
    assert ws.query("select report_id, count(*) from marts.dim_tasks group by 1 order by 1") == [("a", 177), ("b", 177)]
    assert ws.query("select report_id, count(*) from marts.fct_target_achievement group by 1 order by 1")[0][1] > 150
    assert "2 new" in first_run.stdout


def test_no_change_run_reads_nothing_and_launches_no_run(ws, first_run):
    before = loaded_by(ws)
    published = sha256(ws.warehouse)
    run = ws.run_pipeline().check()
    assert "up to date, nothing to run" in run.stdout
    assert "0 new, 0 changed, 0 removed, 2 unchanged" in run.stdout
    assert loaded_by(ws) == before
    assert sha256(ws.warehouse) == published


def test_an_up_to_date_run_rebuilds_a_report_older_than_the_warehouse(ws, first_run):
    """A run killed between the publish rename and the report: the next run has nothing to read, but the
    report is rebuilt."""
    report = ws.warehouse.parent / "reports" / "achievement.html"
    report.unlink()
    run = ws.run_pipeline().check()
    assert "was older than the warehouse" in run.stdout and "up to date, nothing to run" in run.stdout
    assert report.exists()
    assert "was older" not in ws.run_pipeline().check().stdout  # once rebuilt, left alone


def test_changed_report_is_reread_alone_while_a_reader_holds_the_warehouse(ws, first_run):
    before = loaded_by(ws)
    text = (ws.raw_dir / "b.txt").read_text(encoding="utf-8")
    (ws.raw_dir / "b.txt").write_text(
        text.replace("全年GDP预计增长4.5%左右", "全年GDP预计增长7.5%左右"), encoding="utf-8"
    )
    reader = duckdb.connect(str(ws.warehouse), read_only=True)  # an analyst's notebook, left open
    try:
        run = ws.run_pipeline().check()
        # The open connection keeps its view; new connections see the new data.
        assert reader.execute("select status from marts.fct_target_achievement where task_key = 'b/1'").fetchall() == [
            ("missed",)
        ]
    finally:
        reader.close()
    assert "0 new, 1 changed, 0 removed, 1 unchanged" in run.stdout
    after = loaded_by(ws)
    assert after["a"] == before["a"] and after["b"] != before["b"]
    assert ws.query("select status from marts.fct_target_achievement where task_key in ('a/1', 'b/1') order by 1") == [
        ("met",),
        ("missed",),
    ]


def test_killed_run_leaves_the_published_warehouse_readable(ws, first_run):
    (ws.raw_dir / "c.txt").write_bytes(SEED.read_bytes())
    published = sha256(ws.warehouse)
    log = ws.warehouse.parent / "logs" / "last_run.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.run"],
        cwd=REPO_ROOT,
        env=ws.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            builds = list((ws.warehouse.parent / ".builds").glob("*/warehouse.duckdb"))
            if builds and log.exists() and "Running with dbt" in log.read_text(errors="replace"):
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before it could be killed midway"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert sha256(ws.warehouse) == published
    assert ws.query("select count(*) from marts.dim_tasks") == [(354,)]
    assert [r.run_id for r in ws_runs(ws) if r.status.value == "STARTED"]  # the killed run, left STARTED
    # The next run is not blocked by the dead one, marks it failed (freeing its pool slot), and picks the new
    # report up.
    run = ws.run_pipeline().check()
    assert "was left started by a process that is gone: marked failed" in run.stdout
    assert not [r for r in ws_runs(ws) if r.status.value in ("STARTED", "STARTING")]
    assert ws.query("select count(*) from marts.dim_tasks where report_id = 'c'") == [(177,)]


def ws_runs(ws: Workspace) -> list:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(ws.root / "dagster_home")) as instance:
        return list(instance.get_runs())


def test_two_runs_at_once_one_waits(ws, first_run):
    (ws.raw_dir / "a.txt").write_text(SEED.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (ws.raw_dir / "empty.txt").write_bytes(b"")  # a rejected report beside them (removed below)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.run"],
            cwd=REPO_ROOT,
            env=ws.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert ws.query("select report_id, count(*) from marts.dim_tasks group by 1 order by 1") == [
        ("a", 177),
        ("b", 177),
        ("c", 177),
    ]
    (runs,) = ws.query("select count(*) from staging.refresh_log")[0]
    assert runs >= 4


def test_removed_report_leaves_every_table(ws, first_run):
    """A report read and a rejected one (empty.txt, from the runs above) both leave every table."""
    assert ws.query("select read_status from marts.dim_reports where report_id = 'empty'") == [("rejected",)]
    assert ws.query("select count(*) from staging.rejected_rows where report_id = 'empty'") == [(1,)]
    (ws.raw_dir / "b.txt").unlink()
    (ws.raw_dir / "empty.txt").unlink()
    run = ws.run_pipeline().check()
    assert "2 removed" in run.stdout and "rejected: " not in run.stdout
    for table in TABLES_WITH_REPORT_ID:
        assert ws.query(f"select count(*) from {table} where report_id in ('b', 'empty')") == [(0,)], table
    assert ws.query("select count(*) from marts.dim_units where n_reports > 2") == [(0,)]


def test_a_refresh_of_what_changed_builds_the_marts_a_cold_build_builds(ws, first_run, tmp_path):
    """The per-report marts rebuild only the reports that changed (macros/incremental_reports.sql). After the
    runs above (a report changed, two removed) every mart equals, by value, a cold build of the same folder (but
    for when, by which run and from which folder it was read)."""
    cold = make_workspace(tmp_path, sorted(ws.raw_dir.iterdir()))
    cold.run_pipeline().check()
    columns_sql = (
        "select table_name, list(column_name order by ordinal_position) from information_schema.columns "
        "where table_schema = 'marts' and not (column_name like '%\\_run' escape '\\' "
        "or column_name like '%\\_at' escape '\\' or column_name = 'source_file') group by 1 order by 1"
    )
    marts = ws.query(columns_sql)
    assert [name for name, _ in marts] == sorted(dbt_marts())
    for name, columns in marts:
        query = f"select {', '.join(columns)} from marts.{name} order by all"
        assert ws.query(query) == cold.query(query), name


def test_an_incremental_refresh_tests_the_rebuilt_reports_rows_only(ws, first_run):
    """dbt's data tests of a per-report mart read the reports the refresh rebuilt (macros/tests_on_changed_reports.sql):
    a row of another report, tested when it was built and changed by hand since, is not read again; a full refresh
    (a changed transform) rebuilds and tests every row."""
    unchanged, changed = (
        r for (r,) in ws.query("select report_id from marts.dim_reports where task_rows > 0 order by 1")[:2]
    )
    bogus = "select count(*) from marts.fct_target_achievement where confidence = 'bogus'"
    with duckdb.connect(str(ws.warehouse)) as con:
        con.execute(
            "update marts.fct_target_achievement set confidence = 'bogus' where report_id = ? and target_seq = 1",
            [unchanged],
        )
    path = next(p for p in ws.raw_dir.iterdir() if p.stem == changed)
    path.write_bytes(path.read_bytes() + b"\n")
    ws.run_pipeline().check()  # accepted_values on confidence reads the changed report's rows only
    assert ws.query(bogus)[0][0] > 0
    with duckdb.connect(str(ws.warehouse)) as con:
        con.execute("update staging.build_state set code_version = 'an earlier transform' where table_name = 'marts'")
    ws.run_pipeline().check()
    assert ws.query(bogus) == [(0,)]


def test_a_warehouse_built_by_another_transform_is_rebuilt_whole(ws, first_run):
    """The upgrade path: the published marts were built by other dbt models or GE suites (here: its record says
    so). The refresh rebuilds and checks every report (--full-refresh), and the marts stay as they were."""
    before = ws.query("select task_key, status, status_reason from marts.fct_target_achievement order by all")
    with duckdb.connect(str(ws.warehouse)) as con:
        con.execute("update staging.build_state set code_version = 'an earlier transform' where table_name = 'marts'")
    run = ws.run_pipeline().check()
    assert "the dbt project (models, seeds) or the GE suites changed" in run.stdout
    assert ws.query("select task_key, status, status_reason from marts.fct_target_achievement order by all") == before


def test_two_warehouses_refreshed_at_once_from_one_checkout(tmp_path):
    """Two raw folders, two WAREHOUSE_PATHs, one Dagster instance (its storage already made, as after a first
    run: two processes creating a new SQLite instance at the same moment race in its migration): both refresh
    at once, each into its own warehouse."""
    import dagster as dg

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    dg.DagsterInstance.from_config(str(home)).get_runs(limit=1)
    spaces = []
    for name, task in (("east", "新增企业10家。"), ("west", "新增学位800个。")):
        ws = Workspace(tmp_path / name)
        ws.raw_dir.mkdir(parents=True)
        (ws.raw_dir / f"{name}-2024-progress.txt").write_text(
            f"序号 | 内容与要求 | 完成情况 | 责任单位 |\n1 | {task} | 完成 | 市经信局 |\n", encoding="utf-8"
        )
        spaces.append(ws)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.run"],
            cwd=REPO_ROOT,
            env={**ws.env, "DAGSTER_HOME": str(home)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ws in spaces
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    for ws, name in zip(spaces, ("east", "west"), strict=False):
        assert ws.query("select report_id from marts.dim_reports") == [(f"{name}-2024-progress",)]


def test_a_read_only_warehouse_folder_is_one_line_naming_it(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,ro", "tmpfs", str(folder)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        ws = make_workspace(tmp_path / "ws", [SEED])
        run = subprocess.run(
            [sys.executable, "-m", "pipelines.run"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            env={**ws.env, "WAREHOUSE_PATH": str(folder / "warehouse.duckdb")},
            timeout=600,
        )
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"error: {folder}" in run.stderr and "Read-only file system" in run.stderr


def test_make_run_sets_a_damaged_warehouse_aside_and_recreates_a_deleted_dagster_home(ws, first_run):
    """The published file truncated (a disk fault, a copy cut short) and the Dagster instance's folder deleted:
    `make run` says both, moves the damaged file aside, rebuilds from the raw folder and recreates the folder."""
    with ws.warehouse.open("r+b") as f:
        f.truncate(ws.warehouse.stat().st_size // 2)
    shutil.rmtree(ws.root / "dagster_home")
    run = ws.run_pipeline().check()
    [aside] = ws.warehouse.parent.glob("warehouse.duckdb.damaged-*")
    assert "the published warehouse is damaged" in run.stdout  # the plan line
    assert f"moved to {aside}; built anew from the raw folder" in run.stdout
    assert "recovered: the Dagster instance's folder was missing" in run.stdout
    assert (ws.root / "dagster_home" / "dagster.yaml").read_bytes() == (
        REPO_ROOT / ".dagster" / "dagster.yaml"
    ).read_bytes()
    reports = {p.stem for p in ws.raw_dir.iterdir()}
    assert {r for (r,) in ws.query("select report_id from marts.dim_reports")} == reports
