"""`make docs`: dbt docs and Great Expectations Data Docs as static HTML under `<warehouse dir>/docs/`.

    docs/index.html      links to both
    docs/dbt/index.html  dbt's single-file static site (models, columns, tests, lineage)
    docs/gx/index.html   GX Data Docs: the suites and the results of the runs so far

dbt reads a temporary copy of the published warehouse for its catalog, so analysts' connections
and a running refresh are not disturbed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pipelines.core import gx_suites, settings
from pipelines.defs.resources import dbt_executable

INDEX = """<!doctype html><meta charset="utf-8"><title>Work-plan warehouse docs</title>
<h1>Work-plan warehouse documentation</h1>
<ul>
<li><a href="dbt/index.html">dbt docs</a>: staging and marts models, every column described, tests, lineage</li>
<li><a href="gx/index.html">Great Expectations Data Docs</a>: the quality gates between stages and their results</li>
</ul>
<p>Warehouse: {warehouse}</p>
"""


def build_dbt_docs(warehouse: Path, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / warehouse.name
        if warehouse.exists():
            shutil.copyfile(warehouse, copy)
        subprocess.run(
            [dbt_executable(), "docs", "generate", "--static", "--quiet",
             "--vars", json.dumps({"warehouse_path": str(copy)}), "--target-path", str(Path(tmp) / "target")],
            cwd=settings.DBT_PROJECT_DIR,
            check=True,
        )
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "target" / "static_index.html", out / "index.html")
    return out / "index.html"


def build_gx_docs(warehouse: Path, out: Path) -> Path:
    context = gx_suites.gx_context(gx_suites.gx_root_for(warehouse))
    context.build_data_docs()
    site = gx_suites.gx_root_for(warehouse) / "gx" / "uncommitted" / "data_docs" / "local_site"
    shutil.copytree(site, out, dirs_exist_ok=True)
    return out / "index.html"


def main() -> int:
    warehouse = settings.warehouse_path()
    docs = warehouse.parent / "docs"
    if not warehouse.exists():
        print(f"note: no warehouse at {warehouse} yet: the docs will show the models without data", file=sys.stderr)
    print(f"dbt docs: {build_dbt_docs(warehouse, docs / 'dbt')}")
    print(f"GE Data Docs: {build_gx_docs(warehouse, docs / 'gx')}")
    (docs / "index.html").write_text(INDEX.format(warehouse=warehouse), encoding="utf-8")
    print(f"docs: {docs / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
