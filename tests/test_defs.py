"""The Dagster layer in process (as Dagster's project_dbt/tests/test_defs.py does): the definitions,
the staging assets and their gates materialised on a temporary warehouse, the refresh job failing on
bad input, the sensor and the schedule. No subprocess; dbt is not run here (the e2e tests run it)."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

from pipelines.core.quality.gates import QualityGates
from pipelines.core.warehouse.build import WarehouseBuild, build_path
from pipelines.core.warehouse.tables import BUILD_STATE, SOURCES
from pipelines.defs.assets.publish import published_warehouse
from pipelines.defs.assets.staging import (
    INGEST_GROUP,
    extract_targets_and_actuals,
    ingest_reports,
    raw_unit_assignments,
    table_key,
)
from pipelines.defs.checks import ASSET_CHECKS, FILE_CHECKS, GATES
from pipelines.defs.definitions import defs
from pipelines.defs.jobs import PLAN_TAG
from pipelines.defs.resources import ExtractionResource, RawFolderResource, WarehouseBuildResource
from pipelines.defs.schedules import nightly_refresh
from pipelines.defs.sensors import raw_folder_changed
from pipelines.run import failure_lines, rejection_lines
from tests.conftest import HEADER, REPO_ROOT, SEED, SEED_REPORT_ID, sha256

STAGING_ASSETS = [ingest_reports, raw_unit_assignments, extract_targets_and_actuals]
STAGING_KEYS = {key for a in STAGING_ASSETS for key in a.keys}
STAGING_CHECKS = [c for c in ASSET_CHECKS if {k.asset_key for k in c.check_keys} <= STAGING_KEYS]


class Warehouse:
    """A raw folder and a warehouse path in a temporary folder, with an ephemeral Dagster instance."""

    def __init__(self, root, files=(SEED,)):
        self.raw, self.published = root / "raw", root / "warehouse" / "warehouse.duckdb"
        self.raw.mkdir()
        for f in files:
            shutil.copy(f, self.raw / f.name)
        (root / "dagster_home").mkdir()
        # telemetry off: a temporary instance reads no dagster.yaml, and would log it by default
        self.instance = dg.DagsterInstance.local_temp(
            tempdir=str(root / "dagster_home"), overrides={"telemetry": {"enabled": False}}
        )

    @property
    def build(self):
        return build_path(self.published)

    def resources(self, quality: QualityGates) -> dict:
        return {
            "raw_folder": RawFolderResource(path=str(self.raw)),
            "warehouse_build": WarehouseBuildResource(path=str(self.published)),
            "quality": quality,
            "extraction": ExtractionResource(),
        }

    def materialize(self, assets, quality, checks=(), run_config=None, tags=None) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [*assets, *checks],
            instance=self.instance,
            resources=self.resources(quality),
            run_config=run_config,
            raise_on_error=False,
            tags=tags,
        )

    def query(self, sql: str, path=None) -> list[tuple]:
        with duckdb.connect(str(path or self.build), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def quality(tmp_path_factory):
    with QualityGates(tmp_path_factory.mktemp("gx") / "warehouse.duckdb") as gates:
        yield gates


@pytest.fixture(scope="module")
def staged(tmp_path_factory, quality):
    """The seed's staging assets and their gates, materialised once into a build (not published)."""
    wh = Warehouse(tmp_path_factory.mktemp("staged"))
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    return wh, result


def metadata(result: dg.ExecuteInProcessResult, *key: str) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(list(key))]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def test_definitions_load_one_job_schedule_and_sensor():
    repo = defs.get_repository_def()
    assert [j.name for j in repo.get_all_jobs() if not j.name.startswith("__")] == ["refresh_warehouse"]
    assert {s.name for s in repo.schedule_defs} == {"nightly_refresh"}
    assert {s.name for s in repo.sensor_defs} == {"raw_folder_changed"}
    assert {s.name for c in ASSET_CHECKS for s in c.check_specs} == {g.name for g in GATES} | {
        "no_rows_quarantined",
        *FILE_CHECKS,
    }
    for key in STAGING_KEYS:
        spec = defs.resolve_assets_def(key).specs_by_key[key]
        assert spec.description and "dagster/column_schema" in spec.metadata, key


def test_no_asset_sits_in_the_default_group():
    specs = defs.resolve_all_asset_specs()
    assert [s.key for s in specs if s.group_name in (None, "default")] == []
    [build_state] = [s for s in specs if s.key == table_key(BUILD_STATE)]  # dbt reads it as a source
    assert build_state.group_name == INGEST_GROUP and build_state.description == BUILD_STATE.description


def test_every_staging_table_column_has_its_description_in_the_ui():
    specs = {s.key: s for s in defs.resolve_all_asset_specs()}
    for table in SOURCES:
        columns = specs[table_key(table)].metadata["dagster/column_schema"].columns
        assert [(c.name, c.type) for c in columns] == [(n, str(t)) for n, t in table.schema.items()], table.name
        undescribed = [c.name for c in columns if not (c.description or "").strip()]
        assert not undescribed, f"{table.name}: {undescribed}"


def test_staging_assets_write_the_build_and_every_gate_passes(staged):
    wh, result = staged
    assert result.success
    assert {e.check_name: e.passed for e in result.get_asset_check_evaluations()} == {
        spec.name: True for c in STAGING_CHECKS for spec in c.check_specs
    }
    assert wh.query("select count(*) from staging.raw_tasks") == [(177,)]
    assert wh.query("select count(*) from staging.raw_unit_assignments") == [(288,)]
    assert wh.query("select count(*) from staging.raw_target_mentions") == [(215,)]
    assert not wh.published.exists(), "nothing is published without the publish step"


def test_build_state_records_one_reading_per_table(staged):
    wh, result = staged
    rows = wh.query(
        "select table_name, report_id, reading_run, built_by_run, length(content_hash) "
        "from staging.build_state order by table_name"
    )
    run = result.run_id
    assert rows == [
        ("staging.raw_target_mentions", SEED_REPORT_ID, run, run, 64),
        ("staging.raw_tasks", SEED_REPORT_ID, run, run, 64),
        ("staging.raw_unit_assignments", SEED_REPORT_ID, run, run, 64),
    ]


def test_the_lock_is_released_when_the_run_ends(staged):
    wh, _ = staged
    with WarehouseBuild(wh.published, "next", wait_seconds=0):
        pass  # would raise RefreshBusy if the run still held it


def ingest_config(**config) -> dict:
    return {"ops": {"ingest_reports": {"config": config}}}


def test_a_second_run_reads_nothing_unless_asked(staged, quality):
    wh, _ = staged
    again = wh.materialize(STAGING_ASSETS, quality)
    assert metadata(again, "staging", "raw_tasks")["reports_read"] == 0
    assert metadata(again, "staging", "raw_unit_assignments")["reports_recomputed"] == 0
    # Every report of the build is listed, whether read in the run or carried over.
    assert SEED_REPORT_ID in metadata(again, "staging", "raw_reports")["reports"]
    named = wh.materialize(STAGING_ASSETS, quality, run_config=ingest_config(reports=[SEED_REPORT_ID]))
    assert metadata(named, "staging", "raw_tasks")["reports_read"] == 1
    assert metadata(named, "staging", "raw_unit_assignments")["reports_recomputed"] == 1
    forced = wh.materialize(STAGING_ASSETS, quality, run_config=ingest_config(force=True))
    assert metadata(forced, "staging", "raw_tasks")["reports_read"] == 1
    assert wh.query("select distinct reading_run from staging.build_state") == [(forced.run_id,)]
    assert wh.query("select count(*) from staging.raw_tasks") == [(177,)]


def test_asking_to_reread_a_report_that_is_not_there_names_it(staged, quality):
    wh, _ = staged
    result = wh.materialize(STAGING_ASSETS, quality, run_config=ingest_config(reports=["shaoxing-2021"]))
    line, not_run = failure_lines(result)
    assert "shaoxing-2021: no such report in the raw folder" in line and SEED_REPORT_ID in line
    assert not_run == "2 steps not run because ingest_reports failed"


def test_a_task_without_units_lands_with_a_warning_naming_its_file_and_line(tmp_path, quality):
    wh = Warehouse(tmp_path, files=())
    (wh.raw / "no-units.txt").write_text(
        f"{HEADER}\n1 | 新增企业10家。 | 新增企业12家。 |  |\n2 | 新增学位800个。 | 新增学位900个。 | △ |\n"
        "3 | 新增项目5个。 | 新增项目6个。 | 市发改委 |\n",
        encoding="utf-8",
    )
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    assert result.success  # one empty cell does not stop the good rows
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert [n for n, e in failed.items() if e.severity == dg.AssetCheckSeverity.ERROR] == []
    assert failed["every_task_has_a_unit"].severity == dg.AssetCheckSeverity.WARN
    description = failed["every_task_has_a_unit"].description
    assert "Every task has at least one unit" in description
    assert "no-units.txt line 2 (no-units/1)" in description and "no-units.txt line 3 (no-units/2)" in description
    assert wh.query("select count(*) from staging.raw_tasks") == [(3,)]


def test_a_blocking_gate_stops_the_marts_on_a_value_that_is_not_finite(tmp_path, quality, monkeypatch):
    """No input reaches a blocking gate any more (bad rows are quarantined or warned about); a fault in the
    reading still must not pass: the gate stops the run before dbt."""
    from pipelines.core.extraction import batch

    read = batch.read_mentions

    def faulty(tasks, known=None):  # a reading fault: every target's value infinite
        targets, actuals, pairs, readings = read(tasks, known)
        return targets.with_columns(value=float("inf")), actuals, pairs, readings

    monkeypatch.setattr(batch, "read_mentions", faulty)
    wh = Warehouse(tmp_path, files=())
    (wh.raw / "faulty.txt").write_text(f"{HEADER}\n1 | 新增试点企业17家。 | 完成 | 市经信局 |\n", encoding="utf-8")
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed["targets_valid"].severity == dg.AssetCheckSeverity.ERROR
    assert "faulty/1" in failed["targets_valid"].description


# One file of each kind that cannot be read at all, generated here: each is rejected by itself.
BAD_FILES = {
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content (NUL byte), not a text table"),
    "empty.txt": (b"", "file is empty"),
    "other-table.txt": ("名称 | 金额 |\n1 | 2 |\n".encode(), "not a known work-plan table header"),
}


def test_rejected_files_warn_naming_each_and_every_gate_passes(tmp_path, quality, monkeypatch):
    monkeypatch.delenv("PIPELINE_STRICT", raising=False)
    wh = Warehouse(tmp_path)
    for name, (content, _) in BAD_FILES.items():
        (wh.raw / name).write_bytes(content)
    (wh.raw / "linked.txt").symlink_to(SEED)
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    assert result.success, failure_lines(result)
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert set(failed) == {"every_file_read", "no_rows_quarantined"}  # the GE gates pass (line accounting too)
    check = failed["every_file_read"]
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.description == "files not read (4): empty.txt, image.txt, other-table.txt, linked.txt"
    lines = rejection_lines(result)
    for name, (_, reason) in BAD_FILES.items():
        [line] = [line for line in lines if f"{wh.raw / name}: " in line]
        assert line.startswith("rejected: ") and reason in line
    assert "rejected: " + str(wh.raw / "empty.txt") + ": whole file: file is empty" in lines
    assert any(line.startswith("skipped: linked.txt: not opened: a symbolic link") for line in lines)
    assert wh.query("select report_id, read_status from staging.raw_reports order by 1") == [
        ("empty", "rejected"),
        ("image", "rejected"),
        ("other-table", "rejected"),
        (SEED_REPORT_ID, "read"),
    ]
    assert wh.query("select count(*) from staging.raw_tasks") == [(177,)]


def test_pipeline_strict_fails_the_run_on_a_rejected_file(tmp_path, quality, monkeypatch):
    monkeypatch.setenv("PIPELINE_STRICT", "1")
    wh = Warehouse(tmp_path)
    (wh.raw / "empty.txt").write_bytes(b"")
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    assert not result.success
    [check] = [e for e in result.get_asset_check_evaluations() if e.check_name == "every_file_read"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "staging/raw_reports every_file_read: files not read (1): empty.txt" in failure_lines(result)
    assert rejection_lines(result) == [f"rejected: {wh.raw / 'empty.txt'}: whole file: file is empty"]


def test_a_report_with_a_header_and_no_task_lands_with_a_warning(tmp_path, quality):
    wh = Warehouse(tmp_path)
    (wh.raw / "header-only.txt").write_text(f"{HEADER}\n", encoding="utf-8")
    result = wh.materialize(STAGING_ASSETS, quality, STAGING_CHECKS)
    assert result.success
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert list(failed) == ["every_report_has_tasks"]
    assert failed["every_report_has_tasks"].severity == dg.AssetCheckSeverity.WARN
    assert rejection_lines(result) == [
        f"no tasks: {wh.raw / 'header-only.txt'}: header at line 1: a work-plan header but no task row under it"
    ]


def test_the_refresh_job_fails_when_every_file_is_rejected_and_keeps_the_published_warehouse(published, quality):
    """The seed, published, goes bad and other bad files come: nothing is read, so nothing is published;
    the step names every file."""
    before = sha256(published.published)
    (published.raw / SEED.name).unlink()
    for name, (content, _) in BAD_FILES.items():
        (published.raw / name).write_bytes(content)
    result = defs.resolve_job_def("refresh_warehouse").execute_in_process(
        instance=published.instance, resources=published.resources(quality), raise_on_error=False
    )
    assert not result.success
    line, not_run = failure_lines(result)  # the cause first, then what it stopped in one line
    assert not_run.endswith("steps not run because ingest_reports failed")
    assert line.startswith("ingest_reports: ")
    assert "every report file was rejected (3: empty.txt, image.txt, other-table.txt)" in line
    lines = rejection_lines(result)
    assert len(lines) == 3
    for name, (_, reason) in BAD_FILES.items():
        assert any(line.startswith(f"rejected: {published.raw / name}: ") and reason in line for line in lines)
    assert sha256(published.published) == before
    with WarehouseBuild(published.published, "next", wait_seconds=0):
        pass  # the failed run let go of the lock


@pytest.fixture
def published(tmp_path, quality, monkeypatch):
    """A warehouse whose staging is built and published (no marts: planning reads build_state only),
    configured through the environment as the sensor and the schedule read it."""
    wh = Warehouse(tmp_path)
    assert wh.materialize(STAGING_ASSETS, quality).success
    assert wh.materialize([published_warehouse], quality).success
    monkeypatch.setenv("PIPELINE_RAW_DIR", str(wh.raw))
    monkeypatch.setenv("WAREHOUSE_PATH", str(wh.published))
    return wh


def test_a_publish_that_never_happened_leaves_no_row_in_the_refresh_log(published, quality):
    """A run killed after writing its refresh_log row into the build, before the rename: the next publish
    continues that build, and keeps only the rows of runs that did publish."""
    with WarehouseBuild(published.published, "killed", wait_seconds=0) as build, build.connect() as con:
        con.execute("insert into staging.refresh_log (run_id, published_at) values ('killed', now())")
    assert published.materialize([published_warehouse], quality).success
    runs = [r for (r,) in published.query("select run_id from staging.refresh_log", published.published)]
    assert "killed" not in runs and len(runs) == 2


def test_dbt_assets_are_described_by_their_models_not_their_sql():
    from pipelines.defs.assets.dbt import warehouse_dbt_models

    descriptions = {key.to_user_string(): d for key, d in warehouse_dbt_models.descriptions_by_key.items()}
    assert descriptions["marts/fct_target_achievement"].startswith("One row per target")
    assert not [k for k, d in descriptions.items() if "Raw SQL" in (d or "")]


def test_sensor_and_schedule_say_what_they_do():
    assert "02:00" in nightly_refresh.description and "raw folder" in raw_folder_changed.description


def test_sensor_skips_when_nothing_changed_and_the_schedule_runs_every_night(published):
    result = raw_folder_changed(dg.build_sensor_context(instance=published.instance))
    assert isinstance(result, dg.SkipReason) and "up to date" in result.skip_message
    # Every night, so the published warehouse's freshness policy shows a night that did not publish.
    request = nightly_refresh(dg.build_schedule_context(instance=published.instance))
    assert isinstance(request, dg.RunRequest) and request.tags[PLAN_TAG].startswith("nightly: ")


def test_a_refresh_that_did_not_publish_is_finished_by_the_next_one(published):
    """After a failed refresh is fixed, nothing in the folder changed since the last publish, but its build
    waits unpublished: the sensor asks for a run, which publishes, so the failed assets turn green."""
    with WarehouseBuild(published.published, "failed", wait_seconds=0):
        pass  # a run that failed before publishing: its build stays
    request = raw_folder_changed(dg.build_sensor_context(instance=published.instance))
    assert "the last refresh did not publish" in request.tags[PLAN_TAG]


def test_sensor_requests_one_run_per_folder_state(published):
    (published.raw / "b.txt").write_bytes(SEED.read_bytes())
    request = raw_folder_changed(dg.build_sensor_context(instance=published.instance))
    assert "1 new" in request.tags[PLAN_TAG]
    # The same folder state gives the same run key: the sensor launches it once.
    assert raw_folder_changed(dg.build_sensor_context(instance=published.instance)).run_key == request.run_key


def test_schedule_requests_a_run_when_a_report_is_new(published):
    (published.raw / "b.txt").write_bytes(SEED.read_bytes())
    request = nightly_refresh(dg.build_schedule_context(instance=published.instance))
    assert isinstance(request, dg.RunRequest) and "1 new" in request.tags[PLAN_TAG]


def test_dbt_resource_knows_the_dbt_version_without_asking_the_executable():
    """DbtResource answers dagster-dbt's version question from the package metadata; it must be what
    the dbt executable it runs would say (else dagster-dbt would take the wrong code path)."""
    import re
    import subprocess

    from packaging import version

    dbt = defs.resources["dbt"]
    said = subprocess.run([dbt.dbt_executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert dbt._cli_version == version.parse(re.search(r"(\d+\.\d+\.\d+)", said).group(1))


def test_linking_relinks_only_the_plans_that_changed(tmp_path, quality):
    from pipelines.defs.assets.staging import link_plan_tasks

    real = REPO_ROOT / "tests" / "data" / "real"
    wh = Warehouse(
        tmp_path,
        files=(SEED, real / "pinghu-2024-keywork-breakdown.txt", real / "pinghu-2024-keywork-q3-completion.txt"),
    )
    assets = [*STAGING_ASSETS, link_plan_tasks]
    first = metadata(wh.materialize(assets, quality), "staging", "raw_task_links")
    assert (first["plans_relinked"], first["reports_relinked"], first["tasks_same"]) == (2, 3, 6)
    again = metadata(wh.materialize(assets, quality), "staging", "raw_task_links")
    assert (again["plans_relinked"], again["reports_relinked"]) == (0, 0)
    q3 = wh.raw / "pinghu-2024-keywork-q3-completion.txt"
    q3.write_text(q3.read_text(encoding="utf-8") + "9 | 新增企业10家。 | 新增12家。 | 市经信局 |\n", encoding="utf-8")
    changed = metadata(wh.materialize(assets, quality), "staging", "raw_task_links")
    assert (changed["plans_relinked"], changed["reports_relinked"], changed["tasks_same"]) == (1, 2, 6)
    q3.unlink()
    removed = metadata(wh.materialize(assets, quality), "staging", "raw_task_links")
    assert (removed["plans_relinked"], removed["reports_relinked"]) == (1, 1)
    assert wh.query("select count(*) from staging.raw_task_links where report_id like '%q3%'") == [(0,)]
    assert wh.query("select count(*) from staging.raw_task_links") == [(177 + 6,)]


def test_plans_linked_a_batch_at_a_time_link_as_all_at_once(tmp_path, quality, monkeypatch):
    from pipelines.core.refresh import steps
    from pipelines.defs.assets.staging import link_plan_tasks

    real = REPO_ROOT / "tests" / "data" / "real"
    files = (SEED, real / "pinghu-2024-keywork-breakdown.txt", real / "pinghu-2024-keywork-q3-completion.txt")
    links = "select * from staging.raw_task_links order by all"
    (tmp_path / "whole").mkdir()
    (tmp_path / "batched").mkdir()
    whole = Warehouse(tmp_path / "whole", files=files)
    whole.materialize([*STAGING_ASSETS, link_plan_tasks], quality)
    monkeypatch.setattr(steps, "LINK_BATCH_TASKS", 1)  # every plan a batch of its own
    batched = Warehouse(tmp_path / "batched", files=files)
    batched.materialize([*STAGING_ASSETS, link_plan_tasks], quality)
    assert batched.query(links) == whole.query(links)
    assert len(whole.query(links)) == 191  # the seed 177, pinghu 6 and its completion 8
