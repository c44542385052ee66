"""The Dagster UI, in a real browser: `dagster dev` on 127.0.0.1, headless Debian Chromium driven
by Playwright. The asset graph reads raw → staging → marts; "Materialize all" launches the run; the
run succeeds; an asset check's result opens. Screenshots go to test-artifacts/ui/."""

from __future__ import annotations

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

from tests.conftest import REPO_ROOT, SEED, make_workspace

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "ui"
# As root, in a sandbox without a network: no sandbox, no GPU, no background requests.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

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
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    """`dagster dev` over a workspace holding the seed, automation off (this test launches the run)."""
    import dagster as dg

    from pipelines.defs.partitions import partitions_name

    ws = make_workspace(tmp_path_factory.mktemp("ui"), [SEED])
    env = {**ws.env, "PIPELINE_AUTOMATION": "off",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    # The report partition the sensor would add (it is off here).
    os.environ["DAGSTER_HOME"], previous = env["DAGSTER_HOME"], os.environ.get("DAGSTER_HOME")
    try:
        dg.DagsterInstance.get().add_dynamic_partitions(partitions_name(ws.warehouse), [SEED.stem])
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = previous
    port = free_port()
    log = (ws.root / "dagster_dev.log").open("w")
    proc = subprocess.Popen(
        ["env", "--default-signal=INT,TERM", str(Path(sys.executable).parent / "dagster"), "dev",
         "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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


def test_ui_graph_materialize_all_and_check_result(dagster_ui):
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
        try:  # a one-time "join the community" dialog
            page.get_by_role("button", name="Skip").click(timeout=5000)
        except Exception:
            pass
        for group in ("raw", "staging", "marts", "publish", "reports"):
            assert page.get_by_text(group, exact=True).first.is_visible(), group
        page.screenshot(path=str(ARTIFACTS / "1-asset-graph.png"))

        page.get_by_role("button", name="Materialize all").first.click()
        page.get_by_role("button", name="All", exact=True).click()  # every report partition
        page.screenshot(path=str(ARTIFACTS / "2-materialize-all.png"))
        page.get_by_role("button", name=re.compile(r"^Launch")).click()
        page.get_by_text(re.compile(r"Launched run")).wait_for(timeout=30000)

        deadline = time.monotonic() + 300
        while True:
            runs = graphql(port, "{ runsOrError { ... on Runs { results { runId status } } } }")["runsOrError"]["results"]
            statuses = {r["status"] for r in runs}
            if runs and statuses <= {"SUCCESS"} or "FAILURE" in statuses:
                break
            assert time.monotonic() < deadline, f"runs did not finish: {runs}"
            time.sleep(2)
        assert runs and statuses == {"SUCCESS"}, runs
        page.goto(f"{base}/runs/{runs[0]['runId']}", wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / "3-run-succeeded.png"))

        page.goto(f"{base}/assets/staging/raw_tasks?view=checks", wait_until="networkidle")
        page.get_by_text("tasks_read_completely").first.click()
        page.get_by_text("Evaluation result").wait_for(timeout=30000)
        body = page.locator("body").inner_text()
        assert "Passed" in body and "expectations_evaluated" in body
        page.screenshot(path=str(ARTIFACTS / "4-asset-check.png"))
        browser.close()

    assert ws.query("select count(*) from marts.dim_tasks") == [(177,)]
    assert (ws.warehouse.parent / "reports" / "achievement.html").exists()
