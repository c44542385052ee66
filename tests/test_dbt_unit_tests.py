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

pytestmark = pytest.mark.e2e


def test_dbt_unit_tests_pass(seed_workspace, seed_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seed_workspace.warehouse, warehouse)
    dbt = str(Path(sys.executable).parent / "dbt")
    proc = subprocess.run(
        [dbt, "test", "--select", "test_type:unit", "--vars", json.dumps({"warehouse_path": str(warehouse)}),
         "--target-path", str(tmp_path / "target")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "PASS=17 " in proc.stdout and "ERROR=0 " in proc.stdout
