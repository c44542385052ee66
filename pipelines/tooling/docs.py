"""`make docs`: dbt docs and Great Expectations Data Docs as static HTML under `<warehouse dir>/docs/`.

    docs/index.html      links to both
    docs/dbt/index.html  dbt's single-file static site (models, columns, tests, lineage)
    docs/gx/index.html   GX Data Docs: the suites and the results of the runs so far

dbt reads a temporary copy of the published warehouse for its catalog, so analysts' connections
and a running refresh are not disturbed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from pipelines.core import settings
from pipelines.core.quality import gates
from pipelines.defs.resources import dbt_executable

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Work-plan warehouse: documentation</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
         "WenQuanYi Micro Hei", sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933;
         line-height: 1.5; }}
  h1 {{ font-size: 1.6rem; margin-bottom: .25rem; }}
  .built {{ color: #616e7c; margin-top: 0; }}
  a.card {{ display: block; border: 1px solid #d9e2ec; border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0;
           text-decoration: none; color: inherit; }}
  a.card:hover {{ border-color: #2680c2; background: #f5f9fc; }}
  a.card strong {{ color: #2680c2; font-size: 1.1rem; }}
  code {{ background: #f0f4f8; padding: 0 .25rem; border-radius: .25rem; }}
</style></head>
<body>
<h1>Work-plan warehouse: documentation</h1>
<p class="built">Built {built} from <code>{warehouse}</code>. Everything here opens with no network.</p>
<a class="card" href="dbt/index.html"><strong>dbt docs</strong><br>
  Every staging and mart model with its columns described, its data and unit tests, and the lineage graph.</a>
<a class="card" href="gx/index.html"><strong>Great Expectations Data Docs</strong><br>
  The quality gates between stages ({suites} suites): what each expects, and the result of every run so far.</a>
<a class="card" href="../reports/achievement.html"><strong>Achievement report</strong><br>
  Targets met, missed and unknown by report and by unit, every missed target with its evidence.</a>
<p>Rebuild with <code>make docs</code>; the warehouse itself is refreshed by <code>make run</code> or the Dagster UI.</p>
</body></html>
"""


def build_dbt_docs(warehouse: Path, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / warehouse.name
        if warehouse.exists():
            shutil.copyfile(warehouse, copy)
        subprocess.run(
            [
                dbt_executable(),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--vars",
                json.dumps({"warehouse_path": str(copy)}),
                "--target-path",
                str(Path(tmp) / "target"),
            ],
            cwd=settings.DBT_PROJECT_DIR,
            check=True,
        )
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "target" / "static_index.html", out / "index.html")
    return out / "index.html"


# Every file a Data Docs page loads from the network (GE's templates name CDNs), and the copy in
# expectations/data_docs_assets/ (SOURCES.md there: versions, licences, checksums) it loads instead, so the
# docs open complete with no network. `None`: dropped where a page does not use it (Vega draws only the
# charts of profiling pages; our suites have none).
OFFLINE_ASSETS = (
    ("https://code.jquery.com/jquery-3.7.1.min.js", "jquery.min.js"),
    ("https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js", "popper.min.js"),
    ("https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js", "bootstrap.min.js"),
    ("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css", "bootstrap.min.css"),
    ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js", "bootstrap-table.min.js"),
    ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css", "bootstrap-table.min.css"),
    (
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "bootstrap-table-filter-control.min.js",
    ),
    (
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "bootstrap-table-filter-control.min.css",
    ),
    (
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "bootstrap-table-filter-control.min.css",
    ),
    (
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
        "bootstrap-datepicker.min.js",
    ),
    (
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
        "bootstrap-datepicker.min.css",
    ),
    (
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
        "bootstrap-prefers-dark.css",
    ),
    ("https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css", "fontawesome/css/all.min.css"),
    ("https://cdn.jsdelivr.net/npm/vega@5", None),
    ("https://cdn.jsdelivr.net/npm/vega-lite@5", None),
    ("https://cdn.jsdelivr.net/npm/vega-embed@6", None),
)
ASSETS_DIR = settings.REPO_ROOT / "expectations" / "data_docs_assets"
VENDOR = "static/vendor"
# A <script src> or <link href> that loads from the network (links people follow are <a href>, left alone).
REMOTE_LOAD = re.compile(r'<(script|link)\b[^>]*?\b(?:src|href)="(https?://[^"]+)"[^>]*>(?:\s*</script>)?')
# GE's logo, fetched from S3 with the data context's id in the query: the same image ships in static/images.
REMOTE_LOGO = re.compile(r'src="https://great-expectations-web-assets\.s3[^"]*/logo-long\.png[^"]*"')


class RemoteAsset(ValueError):
    pass


def make_offline(page: Path, site: Path) -> str:
    """The page with every network load replaced by its copy under `static/vendor/` (relative to the page)."""
    html = page.read_text(encoding="utf-8")
    local = dict(OFFLINE_ASSETS)
    vendor = Path(os.path.relpath(site / VENDOR, page.parent)).as_posix()

    def replace(match: re.Match) -> str:
        tag, url = match.group(0), match.group(2)
        if url not in local:
            raise RemoteAsset(
                f"{page}: loads {url} from the network; add it to OFFLINE_ASSETS (pipelines/tooling/docs.py)"
            )
        if local[url] is None:
            if "vegaEmbed" in html:
                raise RemoteAsset(f"{page}: draws a Vega chart; vendor {url} in expectations/data_docs_assets/")
            return ""
        # The copies are the CDN's files, but a subresource-integrity check does not apply to local files.
        tag = re.sub(r'\s+(integrity|crossorigin)="[^"]*"', "", tag)
        return tag.replace(url, f"{vendor}/{local[url]}")

    html = REMOTE_LOAD.sub(replace, html)
    logo = Path(os.path.relpath(site / "static" / "images" / "logo-long.png", page.parent)).as_posix()
    return REMOTE_LOGO.sub(f'src="{logo}"', html)


def build_gx_docs(warehouse: Path, out: Path) -> Path:
    context = gates.gx_context(gates.gx_root_for(warehouse))
    context.build_data_docs()
    site = gates.gx_root_for(warehouse) / "gx" / "uncommitted" / "data_docs" / "local_site"
    shutil.copytree(site, out, dirs_exist_ok=True)
    shutil.copytree(ASSETS_DIR, out / VENDOR, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    for page in out.rglob("*.html"):
        page.write_text(make_offline(page, out), encoding="utf-8")
    return out / "index.html"


def main() -> int:
    warehouse = settings.warehouse_path()
    docs = warehouse.parent / "docs"
    if not warehouse.exists():
        print(f"note: no warehouse at {warehouse} yet: the docs will show the models without data", file=sys.stderr)
    print(f"dbt docs: {build_dbt_docs(warehouse, docs / 'dbt')}")
    print(f"GE Data Docs: {build_gx_docs(warehouse, docs / 'gx')}")
    suites = len(list((gates.EXPECTATIONS_DIR / "expectations").glob("*.json")))
    built = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    (docs / "index.html").write_text(INDEX.format(warehouse=warehouse, built=built, suites=suites), encoding="utf-8")
    print(f"docs: {docs / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
