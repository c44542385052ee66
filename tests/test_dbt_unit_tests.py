"""dbt's YAML unit tests (the status rules, lead units, unit counts): they test the SQL, so they run
here rather than in every refresh. dbt needs the upstream relations to exist for their column types:
a copy of the end-to-end seed warehouse provides them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.core.settings import DBT_PROJECT_DIR
from tests.conftest import dbt_run_hooks, dbt_unit_tests

pytestmark = pytest.mark.e2e


def test_dbt_unit_tests_pass(seed_workspace, seed_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seed_workspace.warehouse, warehouse)
    dbt = str(Path(sys.executable).parent / "dbt")
    proc = subprocess.run(
        [
            dbt,
            "test",
            "--select",
            "test_type:unit",
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert f"PASS={dbt_unit_tests() + dbt_run_hooks()} " in proc.stdout and "ERROR=0 " in proc.stdout


def test_a_reviewed_verdict_is_applied_and_one_that_matches_nothing_warns(seed_workspace, seed_run, tmp_path):
    """The review loop on a copy of the project: a line for a real target decides its status (reviewed); a
    line for a target whose text changed is not applied and warns (reviewed_verdicts_still_match)."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "seeds" / "reviewed_verdicts.csv").write_text(
        "report_id,task_id,target_span,decision,actual_span,status,note,reviewed_by,reviewed_on\n"
        "shaoxing-2020-work-progress,80,打造20个现代农业园区,no_actual,,,省级园区只是其中一部分,analyst,2026-11-27\n"
        "shaoxing-2020-work-progress,1,地区生产总值增长8%左右,status,,missed,目标文字已改,analyst,2026-11-27\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seed_workspace.warehouse, warehouse)
    dbt = str(Path(sys.executable).parent / "dbt")
    proc = subprocess.run(
        [
            dbt,
            "build",
            "--select",
            "reviewed_verdicts+",
            # as a refresh does when a seed changed (the transform's fingerprint): every report's verdicts
            "--full-refresh",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "WARN=1 " in proc.stdout and "Warning in test reviewed_verdicts_still_match" in proc.stdout
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select task_id, status, status_reason, rule_reason, review_note from "
            "marts.fct_target_achievement where status_reason = 'reviewed'"
        ).fetchall()
    assert [(t, s, r) for t, s, r, *_ in rows] == [(80, "unknown", "reviewed")]
