"""End to end: the seed raw file -> Dagster run (ingest, units, dbt build) -> the marts in a real DuckDB file.

One materialisation is shared by the module (`seed_run`); the idempotency test adds a second.
"""

from __future__ import annotations

import csv

import duckdb
import pytest

from tests.conftest import REPO_ROOT, SEED_REPORT_ID

pytestmark = pytest.mark.e2e

GOLDEN = REPO_ROOT / "tests" / "data" / "seed_unit_assignments.tsv"

MART_QUERIES = {
    "dim_tasks": "select * from marts.dim_tasks order by task_key",
    "dim_units": "select * from marts.dim_units order by unit_key",
    "fct_unit_assignments": "select * from marts.fct_unit_assignments order by task_key, position",
    "dim_reports": "select * exclude (loaded_at) from marts.dim_reports order by report_id",
}


def test_run_prints_tables_and_row_counts(seed_workspace, seed_run):
    assert f"warehouse: {seed_workspace.warehouse}" in seed_run.stdout
    assert "marts.dim_tasks" in seed_run.stdout
    assert "refresh_warehouse succeeded" in seed_run.stdout


def test_every_task_lands_once(seed_workspace, seed_run):
    rows = seed_workspace.query(
        "select report_id, count(*), min(task_id), max(task_id), count(distinct task_id) "
        "from marts.dim_tasks group by 1"
    )
    assert rows == [(SEED_REPORT_ID, 177, 1, 177, 177)]
    assert seed_workspace.query("select count(*) from staging.rejected_rows") == [(0,)]


def test_unit_assignments_match_the_hand_checked_reading(seed_workspace, seed_run):
    with GOLDEN.open(encoding="utf-8") as f:
        expected = [
            (SEED_REPORT_ID, int(r["task_id"]), int(r["position"]), r["unit_name"], r["role"])
            for r in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        ]
    actual = seed_workspace.query(
        "select report_id, task_id, position, unit_name, role from marts.fct_unit_assignments "
        "order by report_id, task_id, position"
    )
    assert actual == expected
    assert len({t for _, t, *_ in actual}) == 177


def test_dim_units_holds_whole_names_with_types(seed_workspace, seed_run):
    units = dict(seed_workspace.query("select unit_name, unit_type from marts.dim_units"))
    assert units["市自然资源和规划局"] == "city_department"
    assert units["人行绍兴市中心支行"] == "central_agency_branch"
    assert units["各区、县(市)政府"] == "collective"
    assert units["诸暨市政府"] == "district_county_government"
    # No half of a broken name, no unexpanded shared-suffix list.
    assert not [u for u in units if u in ("规划局", "市自然资源和", "中心支行", "人行绍兴市")]
    assert not [u for u in units if "、" in u and not u.startswith("各")]


def test_dim_tasks_lead_unit_and_source_lines(seed_workspace, seed_run):
    rows = seed_workspace.query(
        "select task_id, lead_unit, n_units, first_line, last_line from marts.dim_tasks where task_id in (3, 82, 129)"
        " order by task_id"
    )
    assert rows == [(3, "市发改委", 4, 4, 4), (82, None, 1, 83, 85), (129, "市商务局", 2, 132, 132)]


def test_dim_reports_describes_the_seed(seed_workspace, seed_run):
    rows = seed_workspace.query(
        "select report_id, encoding, line_count, task_rows, rejected_rows, length(content_hash) from marts.dim_reports"
    )
    assert rows == [(SEED_REPORT_ID, "utf-8", 181, 177, 0, 64)]


def test_second_run_gives_the_same_warehouse(seed_workspace, seed_run):
    before = {name: seed_workspace.query(sql) for name, sql in MART_QUERIES.items()}
    seed_workspace.run_pipeline().check()
    after = {name: seed_workspace.query(sql) for name, sql in MART_QUERIES.items()}
    assert after == before


def test_the_catalog_shows_each_mart_with_its_rows_and_column_types(seed_workspace, seed_run):
    """As dagster-dbt's fetch_row_counts / fetch_column_metadata would show them, read from the build."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(seed_workspace.root / "dagster_home"))
    event = instance.get_latest_materialization_event(dg.AssetKey(["marts", "fct_target_achievement"]))
    metadata = event.asset_materialization.metadata
    assert (
        metadata["dagster/row_count"].value
        == seed_workspace.query("select count(*) from marts.fct_target_achievement")[0][0]
    )
    columns = {c.name: c.type for c in metadata["dagster/column_schema"].value.columns}
    assert columns["status"] == "VARCHAR" and columns["target_value"] == "DOUBLE"


def test_the_catalog_shows_each_stg_view_with_its_rows_and_described_column_types(seed_workspace, seed_run):
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(seed_workspace.root / "dagster_home"))
    event = instance.get_latest_materialization_event(dg.AssetKey(["staging", "stg_target_mentions"]))
    metadata = event.asset_materialization.metadata
    assert (
        metadata["dagster/row_count"].value
        == seed_workspace.query("select count(*) from staging.raw_target_mentions")[0][0]
    )
    columns = {c.name: c for c in metadata["dagster/column_schema"].value.columns}
    assert columns["task_key"].type == "VARCHAR" and columns["value"].type == "DOUBLE"
    # described by the view's .yml, else by its raw table's declaration (core/warehouse/tables.py)
    assert all(c.description for c in columns.values()), [n for n, c in columns.items() if not c.description]


def test_lineage_is_one_graph_from_raw_to_marts():
    import dagster as dg

    from pipelines.defs.definitions import defs

    graph = defs.resolve_asset_graph()

    def ancestors(key: dg.AssetKey) -> set[str]:
        parents = graph.get(key).parent_keys
        return {p.to_user_string() for p in parents}.union(*(ancestors(p) for p in parents))

    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for mart in ("dim_tasks", "dim_units", "fct_unit_assignments", "dim_reports"):
        assert f"marts/{mart}" in keys
        assert "raw/work_plans" in ancestors(dg.AssetKey(["marts", mart])), f"{mart} is not connected to raw"
    # dbt sources are the Dagster staging assets themselves, not separate source nodes.
    assert not [k for k in keys if k.startswith("workplan/")]
    assert graph.get(dg.AssetKey(["staging", "stg_tasks"])).parent_keys == {dg.AssetKey(["staging", "raw_tasks"])}


# --- targets, actuals, achievement (issue 3) ------------------------------------------------


def test_status_counts_answer(seed_workspace, seed_run):
    rows = dict(seed_workspace.query("select status, count(*) from marts.fct_target_achievement group by 1"))
    assert set(rows) <= {"met", "missed", "unknown"}
    assert rows.get("met", 0) > rows.get("missed", 0) > 0
    (n_targets,) = seed_workspace.query("select count(*) from marts.fct_targets")[0]
    assert sum(rows.values()) == n_targets > 150


def test_every_span_is_an_exact_substring_of_its_text(seed_workspace, seed_run):
    bad = seed_workspace.query(
        """
        select 'target', t.task_key, t.span from marts.fct_targets t join marts.dim_tasks d using (task_key)
        where substr(d.requirement, t.span_start + 1, length(t.span)) <> t.span or strpos(d.requirement, t.span) = 0
        union all
        select 'actual', a.task_key, a.span from marts.fct_actuals a join marts.dim_tasks d using (task_key)
        where substr(d.completion, a.span_start + 1, length(a.span)) <> a.span or strpos(d.completion, a.span) = 0
        """
    )
    assert bad == []


def test_first_task_reads_as_the_labelling_guide_says(seed_workspace, seed_run):
    row = seed_workspace.query(
        "select metric, target_value, target_unit, comparator, direction, actual_value, actual_unit, actual_period,"
        " is_estimate, status, target_span, actual_span from marts.fct_target_achievement where task_id = 1"
    )
    assert row == [
        (
            "地区生产总值增长",
            7.0,
            "%",
            "approx",
            "increase",
            4.5,
            "%",
            "全年",
            True,
            "missed",
            "地区生产总值增长7%左右",
            "GDP预计增长4.5%左右",
        )
    ]


def test_achievement_by_unit_adds_up(seed_workspace, seed_run):
    rows = seed_workspace.query(
        "select count(*), sum(n_targets), sum(n_met + n_missed + n_unknown) from marts.achievement_by_unit"
    )
    n_units, n_targets, n_judged = rows[0]
    assert n_units > 40 and n_targets == n_judged
    by_type = dict(seed_workspace.query("select unit_type, n_targets from marts.achievement_by_unit_type"))
    assert sum(by_type.values()) == n_targets


def test_dev_labels_score_within_the_bar(seed_workspace, seed_run):
    from pipelines.tooling import score

    label_files = sorted(score.LABELS_DIR.glob("dev_targets*.json"))
    if not label_files:
        pytest.skip(f"no labels at {score.LABELS_DIR}")
    import duckdb

    with duckdb.connect(str(seed_workspace.warehouse), read_only=True) as con:
        results = score.score_files(con, label_files)
    figures = results["all label sets"].figures()
    assert figures["target_recall"] >= 0.98
    assert figures["false_target_share"] <= 0.03
    assert figures["comparator_accuracy"] >= 0.95
    assert figures["pairing_accuracy"] >= 0.88
    assert figures["status_accuracy"] >= 0.90
    assert figures["missed_precision"] == 1.0  # no wrong `missed` on any label set


# --- what analysts and data engineers see (issue 7) -------------------------------------------------


def test_achievement_report_opens_offline_and_shows_the_missed_targets(seed_workspace, seed_run):
    import re

    from pipelines.core.report.words import words

    w = words("zh")  # the report's readers read the documents' language (REPORT_LANGUAGE=en for English)
    report = seed_workspace.warehouse.parent / "reports" / "achievement.html"
    html = report.read_text(encoding="utf-8")
    # Self-contained: no script, stylesheet or image fetched from anywhere.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", html)
    assert "plotly" in html.lower()
    missed = seed_workspace.query("select count(*) from marts.fct_target_achievement where status = 'missed'")[0][0]
    assert f"{w.missed_targets} ({missed})" in html and '<html lang="zh">' in html
    # Task 1's target beside what was reported, with both spans.
    assert "地区生产总值增长7%左右" in html and "GDP预计增长4.5%左右" in html
    (without,) = seed_workspace.query(
        "select count(*) from marts.dim_tasks t where not exists "
        "(select 1 from marts.fct_targets f where f.task_key = t.task_key)"
    )[0]
    assert f"{w.no_target} ({without})" in html
    assert w.chart_units in html and w.chart_types in html
    # The seed's period (a completion table: the whole year) and plan (the mapping file's) are filled in.
    assert "<td>全年</td>" in html and "<td>重点工作</td>" in html
    # plotly.js's basic bundle, once: a page of about a megabyte and a half, not the 4.8 MB of the full bundle.
    assert html.count("plotly.js (basic - minified) v") == 1 and len(html.encode()) < 2_000_000
    # Readable as a person reads it: contents, comparators as signs, ratios in words, accountable units named,
    # a font stack that names CJK fonts.
    assert '<nav class="toc"' in html and 'href="#missed"' in html
    missed_rows = html.split('id="missed"')[1].split('id="to-review"')[0]
    assert "≈ 7 %" in missed_rows and ">approx " not in missed_rows and "完成目标的64%" in missed_rows
    lead_cells = re.findall(r'<td class="num">\d+</td><td>([^<]*)</td>', missed_rows)
    assert lead_cells and all(lead_cells), lead_cells  # every missed target names its accountable units
    assert "Microsoft YaHei" in html and "Noto Sans CJK SC" in html


def test_achievement_report_tables_stay_readable(seed_workspace, seed_run):
    """Past a few hundred rows a table shows the first ones and says where all of them are."""
    from pipelines.core.report.html import build_report

    with duckdb.connect(str(seed_workspace.warehouse), read_only=True) as con:
        html, h = build_report(con, "seed", row_limit=3, language="en")
    assert f"Missed targets ({h.missed})" in html and "The 3 furthest from their target" in html
    assert html.count('<td class="span">') == 2 * 3 + 2 * 3  # missed, then to review: both texts, 3 rows each
    assert "To review (3)" in html and "reviewed_verdicts.csv" in html
    assert "The first 3; all of them are the tasks of" in html
    assert "Tasks with no numeric target" in html and '<html lang="en">' in html  # REPORT_LANGUAGE=en


def test_gdp_growth_has_one_indicator_whatever_the_words(seed_workspace, seed_run):
    """The seed's GDP growth (地区生产总值增长7%左右) is gdp_growth on fct_targets, fct_target_achievement and in
    indicator_by_place_year, with its target, the reported 4.5% and its verdict."""
    rows = seed_workspace.query(
        "select indicator_code from marts.fct_targets where metric in ('地区生产总值增长', '生产总值增长')"
    )
    assert rows and {r[0] for r in rows} == {"gdp_growth"}
    [(place, year, target, actual, status)] = seed_workspace.query(
        "select place, year, target_value, actual_value, status from marts.indicator_by_place_year "
        "where indicator_code = 'gdp_growth'"
    )
    assert (place, year, target, actual, status) == ("shaoxing", 2020, 7.0, 4.5, "missed")
    (mapped,) = seed_workspace.query(
        "select count(*) from marts.fct_target_achievement where indicator_code is not null"
    )[0]
    assert mapped == seed_workspace.query("select count(indicator_code) from marts.fct_targets")[0][0] > 10


@pytest.mark.parametrize("query", sorted((REPO_ROOT / "queries").glob("*.sql")), ids=lambda p: p.stem)
def test_ready_made_queries_run_on_the_seed(seed_workspace, seed_run, query):
    rows = seed_workspace.query(query.read_text(encoding="utf-8"))
    assert rows, f"{query.name} returned nothing on the seed"


def test_every_mart_column_is_described(seed_workspace, seed_run):
    import json

    manifest = json.loads((REPO_ROOT / "dbt_project" / "target" / "manifest.json").read_text())
    described = {
        node["name"]: {c for c, col in node["columns"].items() if col.get("description")}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    missing = {}
    for table, columns in described.items():
        actual = {
            c
            for (c,) in seed_workspace.query(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
                [table],
            )
        }
        if actual - columns:
            missing[table] = sorted(actual - columns)
    assert described and not missing


def test_old_dbt_invocation_folders_are_pruned(tmp_path):
    import os

    from pipelines.defs.assets.dbt import prune_invocation_targets

    for i in range(8):
        folder = tmp_path / f"warehouse_dbt_models-run{i}"
        folder.mkdir()
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "partial_parse.msgpack").write_bytes(b"")
    (tmp_path / "other_op-run0").mkdir()
    removed = prune_invocation_targets(tmp_path, "warehouse_dbt_models", keep=5)
    assert sorted(p.name for p in removed) == [f"warehouse_dbt_models-run{i}" for i in range(3)]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["other_op-run0", "partial_parse.msgpack"] + [f"warehouse_dbt_models-run{i}" for i in range(3, 8)]
