"""The Dagster UI, in a real browser, clicked as a data engineer would: `dagster dev` on 127.0.0.1, headless
Debian Chromium driven by Playwright. The asset graph reads raw → ingest → staging → marts; "Materialize all",
with its defaults, runs everything and a second click queues behind the first (one refresh at a time); the
job's launchpad re-reads one named report; an asset check's result opens; the Data Docs and the report open
complete with the network off. Screenshots go to test-artifacts/ui/ (kept by CI as artefacts)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.defs.resources import WAREHOUSE_POOL
from tests.conftest import REPO_ROOT, SEED, make_workspace

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "ui"
# As root, in a sandbox without a network: no sandbox, no GPU, no background requests.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed: .ci/run installs it", pytrace=False)
    pytest.skip("no chromium on this machine (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    """`dagster dev` over a workspace holding the seed, automation off (this test launches the run)."""
    ws = make_workspace(tmp_path_factory.mktemp("ui"), [SEED])
    env = {
        **ws.env,
        "PIPELINE_AUTOMATION": "off",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    # As `make dev` does before it starts the UI: the pool's limit (see the Makefile).
    subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "instance", "concurrency", "set", WAREHOUSE_POOL, "1"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = (ws.root / "dagster_dev.log").open("w")
    proc = subprocess.Popen(
        [
            "env",
            "--default-signal=INT,TERM",
            str(Path(sys.executable).parent / "dagster"),
            "dev",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            "workspace.yaml",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, (ws.root / "dagster_dev.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "dagster dev did not load the code location in time"
            try:
                if graphql(port, "{ assetNodes { id } }")["assetNodes"]:
                    break
            except Exception:
                pass
            time.sleep(1)
        yield port, ws
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


RUNS = "{ runsOrError { ... on Runs { results { runId status jobName startTime endTime tags { key value } } } } }"


def wait_for_runs(port: int, count: int, before: tuple[dict, ...] = (), timeout: float = 400) -> list[dict]:
    """The `count` runs launched since the runs `before`, once all have ended (newest first)."""
    deadline = time.monotonic() + timeout
    seen = {r["runId"] for r in before}
    while True:
        runs = [r for r in graphql(port, RUNS)["runsOrError"]["results"] if r["runId"] not in seen][:count]
        if len(runs) == count and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
            return runs
        assert time.monotonic() < deadline, f"runs did not finish: {runs}"
        time.sleep(2)


def skip_welcome(page) -> None:
    with contextlib.suppress(Exception):  # a one-time "join the community" dialog
        page.get_by_role("button", name="Skip").click(timeout=5000)


def test_ui_as_a_data_engineer_uses_it(dagster_ui):
    from playwright.sync_api import sync_playwright

    port, ws = dagster_ui
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # The lineage is one graph: every mart has the raw files upstream.
    nodes = graphql(port, "{ assetNodes { assetKey { path } dependencyKeys { path } } }")["assetNodes"]
    parents = {"/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]} for n in nodes}

    def ancestors(key: str) -> set[str]:
        return parents[key].union(*(ancestors(p) for p in parents[key]))

    assert "raw/work_plans" in ancestors("marts/fct_target_achievement")
    assert "staging/raw_tasks" in ancestors("marts/dim_tasks")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{base}/asset-groups", wait_until="networkidle")
        skip_welcome(page)
        for group in ("raw", "ingest", "staging", "marts", "publish", "reports"):
            assert page.get_by_text(group, exact=True).first.is_visible(), group
        page.screenshot(path=str(ARTIFACTS / "1-asset-graph.png"))

        # "Materialize all" as offered: one click launches a run (no dialog to fill); a second click while
        # it runs is queued behind it, since every step is in the `warehouse` pool.
        for _ in range(2):
            page.get_by_role("button", name="Materialize all").first.click()
            page.get_by_text(re.compile(r"Launched run")).first.wait_for(timeout=30000)
        page.screenshot(path=str(ARTIFACTS / "2-materialize-all-launched.png"))
        second, first = wait_for_runs(port, 2)
        assert first["status"] == second["status"] == "SUCCESS", (first, second)
        assert second["startTime"] >= first["endTime"], "the queued run started before the first ended"
        page.goto(f"{base}/runs/{first['runId']}", wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / "3-run-succeeded.png"))
        assert ws.query("select count(*) from marts.dim_tasks") == [(177,)]
        # The second run found nothing changed: it read no report again.
        assert ws.query("select distinct reading_run from staging.build_state where report_id is not null") == [
            (first["runId"],)
        ]

        # Re-read one report as docs/using-the-ui.md says: Jobs -> refresh_warehouse -> the arrow beside
        # "Materialize all" -> "Open launchpad", the config naming the report (file name without extension),
        # "Materialize".
        page.goto(f"{base}/locations/pipelines/jobs/refresh_warehouse", wait_until="networkidle")
        materialize_all = page.locator("button:has-text('Materialize all')").first
        materialize_all.locator("xpath=../..").get_by_role("img", name="arrow_drop_down").click()
        page.get_by_text("Open launchpad", exact=True).click()
        editor = "[...document.querySelectorAll('.CodeMirror')].find(e => e.CodeMirror.getValue().includes('ops:'))"
        page.wait_for_function(f"() => !!{editor}", timeout=30000)
        config = page.evaluate(f"() => {editor}.CodeMirror.getValue()")
        assert "reports: []" in config  # offered, with its default
        page.evaluate(
            f"value => {editor}.CodeMirror.setValue(value)",
            config.replace("reports: []", f"reports: [{SEED.stem}]"),
        )
        page.screenshot(path=str(ARTIFACTS / "4-launchpad-one-report.png"))
        page.get_by_role("button", name=re.compile(r"Materialize$")).click()  # the launchpad's own button
        [reread] = wait_for_runs(port, 1, before=(first, second))
        assert reread["status"] == "SUCCESS" and reread["jobName"] == "refresh_warehouse", reread
        assert ws.query("select distinct reading_run from staging.build_state where report_id is not null") == [
            (reread["runId"],)
        ]

        page.goto(f"{base}/assets/staging/raw_tasks?view=checks", wait_until="networkidle")
        page.get_by_text("tasks_read_completely").first.click()
        page.get_by_text("Evaluation result").wait_for(timeout=30000)
        body = page.locator("body").inner_text()
        assert "Passed" in body and "expectations_evaluated" in body
        page.screenshot(path=str(ARTIFACTS / "5-asset-check.png"))

        # A dbt staging view shows its columns' types and meanings, and its row count, as the marts do.
        page.goto(f"{base}/assets/staging/stg_tasks", wait_until="networkidle")
        page.get_by_text("Column name").first.wait_for(timeout=30000)
        body = page.locator("body").inner_text()
        assert "VARCHAR" in body and "one key for a task across reports" in body
        assert "Row count" in body
        page.screenshot(path=str(ARTIFACTS / "5b-staging-view-columns.png"), full_page=True)
        browser.close()


def test_docs_and_report_open_complete_offline(dagster_ui):
    """`make docs`, then every page opened with the network off: nothing is fetched from anywhere, no script
    fails, GE's styles and icons and the report's charts are there."""
    from playwright.sync_api import sync_playwright

    _, ws = dagster_ui
    subprocess.run(
        [sys.executable, "-m", "pipelines.tooling.docs"],
        cwd=REPO_ROOT,
        env=ws.env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    docs = ws.warehouse.parent / "docs"
    validation = next((docs / "gx" / "validations").rglob("*.html"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)
        fetched: list[str] = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file:")
                else (fetched.append(route.request.url), route.abort())
            ),
        )
        for name, path in (
            ("6-docs-index", docs / "index.html"),
            ("7-data-docs", docs / "gx" / "index.html"),
            ("8-data-docs-validation", validation),
            ("9-dbt-docs", docs / "dbt" / "index.html"),
            ("10-report", ws.warehouse.parent / "reports" / "achievement.html"),
        ):
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda err, errors=errors: errors.append(str(err)))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            assert not errors, (name, errors)
            if name.startswith(("7", "8")):  # Bootstrap laid out, Font Awesome's icons drawn
                assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("-apple-system")
                assert page.evaluate("""[...document.fonts].some(f => f.family.includes('Font Awesome 6 Free')
                                                             && f.status === 'loaded')""")
            if name == "10-report":
                assert page.locator("svg.main-svg").count() >= 2
            page.close()
        browser.close()
    assert not fetched, fetched


# In the page: whether anything stands beside something it overlaps, or past the window's edge; whether the
# page's font draws Chinese (a glyph unlike the box a font without it draws for a character it lacks).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
  for (const grid of document.querySelectorAll('.charts')) {
    const boxes = [...grid.children].map(c => c.getBoundingClientRect());
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1], boxes[i]];
      if (a.right > b.left + 1 && a.bottom > b.top + 1 && b.bottom > a.top + 1) problems.push('charts overlap');
    }
    for (const c of grid.children) for (const svg of c.querySelectorAll('svg.main-svg'))
      if (svg.getBoundingClientRect().width > c.getBoundingClientRect().width + 1) problems.push('chart past its box');
  }
  const drawn = text => {
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 40;
    const ctx = canvas.getContext('2d'); ctx.font = `32px ${getComputedStyle(document.body).fontFamily}`;
    ctx.fillText(text, 2, 34); return ctx.getImageData(0, 0, 40, 40).data.join();
  };
  if (drawn('完') === drawn('\\uE000') || drawn('完') === drawn('成')) problems.push('Chinese drawn as boxes');
  return problems;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_report_reads_in_chinese_without_overlap_at_desktop_and_phone_width(seed_workspace, seed_run, width):
    """The achievement report as its readers see it, on a desktop and on a phone: nothing overlaps or runs past
    the window (a wide table scrolls in its own box), and every Chinese character has a glyph (CI installs
    fonts-noto-cjk). Screenshots go to test-artifacts/ui/."""
    from playwright.sync_api import sync_playwright

    report = seed_workspace.warehouse.parent / "reports" / "achievement.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_timeout(1000)
        assert page.locator("h1").inner_text() == "目标完成情况"
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        page.screenshot(path=str(ARTIFACTS / f"11-report-{width}px.png"))
        page.locator("#indicators").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"12-report-indicators-{width}px.png"))
        browser.close()
