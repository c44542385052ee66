"""What a refresh reacts to and recovers from, in process: an edited dbt seed, a folder that goes back to an
earlier state, a failed refresh retried after a wait (the sensor driven tick by tick, each run it asks for
launched in process as the daemon would), no second run while one is queued, a run left started by a killed
process, a damaged published warehouse, a deleted DAGSTER_HOME. The staging assets and the publish step stand
for the job (dbt is not run here; tests/test_refresh_e2e.py runs the whole of `make run`)."""

from __future__ import annotations

import shutil
import subprocess
import time
from functools import partial

import dagster as dg
import pytest

from pipelines.core import settings
from pipelines.core.refresh import changes as changes_module
from pipelines.core.refresh.changes import current_changes
from pipelines.core.refresh.fingerprint import TRANSFORM_SOURCES, transform_fingerprint
from pipelines.core.warehouse.build import WarehouseBuild, damaged_copies
from pipelines.defs import jobs
from pipelines.defs.assets.publish import published_warehouse
from pipelines.defs.definitions import defs
from pipelines.defs.jobs import STATE_TAG, sensor_request
from pipelines.defs.recovery import PROCESS_TAG, ensure_dagster_home, fail_dead_runs, process_identity
from pipelines.defs.sensors import raw_folder_changed
from tests.conftest import REPO_ROOT, SEED
from tests.test_defs import STAGING_ASSETS, Warehouse


@pytest.fixture(scope="module")
def quality(tmp_path_factory):
    from pipelines.core.quality.gates import QualityGates

    with QualityGates(tmp_path_factory.mktemp("gx") / "warehouse.duckdb") as gates:
        yield gates


@pytest.fixture
def wh(tmp_path, monkeypatch) -> Warehouse:
    """The seed in a raw folder, nothing published yet, configured through the environment as the sensor reads
    it; a refresh waits for no lock."""
    wh = Warehouse(tmp_path)
    monkeypatch.setenv("PIPELINE_RAW_DIR", str(wh.raw))
    monkeypatch.setenv("WAREHOUSE_PATH", str(wh.published))
    monkeypatch.setenv("REFRESH_LOCK_WAIT_SECONDS", "0")
    return wh


def refresh(wh: Warehouse, quality, tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """The staging assets, then the publish step (two runs: without the dbt assets between them, nothing would
    order the publish after staging)."""
    result = wh.materialize(STAGING_ASSETS, quality, tags=tags)
    return wh.materialize([published_warehouse], quality, tags=tags) if result.success else result


def launch(wh: Warehouse, quality, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    """What the daemon does with the sensor's request: a refresh tagged with it."""
    return refresh(wh, quality, {**request.tags, "dagster/run_key": request.run_key})


def tick(wh: Warehouse, quality, now: float | None = None):
    """One evaluation of the sensor; the run it asks for, launched. Returns (the sensor's answer, the run)."""
    if now is None:
        answer = raw_folder_changed(dg.build_sensor_context(instance=wh.instance))
    else:
        answer = sensor_request(current_changes(), wh.instance, now)
    return answer, launch(wh, quality, answer) if isinstance(answer, dg.RunRequest) else None


def publishes(wh: Warehouse) -> int:
    return wh.query("select count(*) from staging.refresh_log", wh.published)[0][0]


def test_a_row_added_to_a_seed_is_a_transform_change(wh, quality, tmp_path, monkeypatch):
    """A reviewed verdict added to dbt_project/seeds/reviewed_verdicts.csv is applied by the next refresh. The
    project is copied (its fingerprint is the repository's: paths are hashed relative to the root) and the
    refresh is pointed at the copy."""
    copy = tmp_path / "checkout"
    for name in TRANSFORM_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name)
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy / name)
    assert transform_fingerprint(copy) == transform_fingerprint()
    assert refresh(wh, quality).success
    monkeypatch.setattr(changes_module, "transform_fingerprint", partial(transform_fingerprint, copy))
    assert current_changes().nothing_to_do
    with (copy / "dbt_project" / "seeds" / "reviewed_verdicts.csv").open("a", encoding="utf-8") as f:
        f.write("shaoxing-2020-work-progress,3,10%,no_actual,,,checked by hand,analyst,2026-12-01\n")
    changes = current_changes()
    assert changes.transform_changed and "seeds" in changes.describe()


def test_a_folder_back_at_an_earlier_state_is_refreshed_each_time(wh, quality):
    """A, then A+B, then A again: three publishes, each asked for once by the sensor."""
    keys = []
    for step in ("A", "A+B", "A"):
        if step == "A+B":
            (wh.raw / "b.txt").write_bytes(SEED.read_bytes())
        elif keys:
            (wh.raw / "b.txt").unlink()
        request, run = tick(wh, quality)
        assert isinstance(request, dg.RunRequest) and run.success, step
        keys.append(request.run_key)
        assert isinstance(tick(wh, quality)[0], dg.SkipReason)  # published: up to date
    assert len(set(keys)) == 3 and publishes(wh) == 3


def test_a_failed_refresh_is_tried_again_after_a_wait_not_every_tick(wh, quality, monkeypatch):
    """A refresh fails while another process holds the lock. The sensor does not ask again at each tick while
    the same state failed; once the wait is over (1 min after the first failure) it asks again with a new run
    key, and that run publishes. A fix that changes the state (a seed corrected) is run at once."""
    with WarehouseBuild(wh.published, "someone else", wait_seconds=0):
        request, run = tick(wh, quality)
        assert not run.success
        for later in (0, 30, 59):
            answer, _ = tick(wh, quality, now=time.time() + later)
            assert isinstance(answer, dg.SkipReason) and "tried again in" in answer.skip_message
        # Fixed in a way that changes the state: launched at once, under another run key.
        with monkeypatch.context() as fixed_seed:
            fixed_seed.setattr(jobs, "transform_fingerprint", lambda: "a corrected seed")
            fixed = sensor_request(current_changes(), wh.instance, time.time())
        assert isinstance(fixed, dg.RunRequest) and fixed.run_key != request.run_key
    retry, run = tick(wh, quality, now=time.time() + 61)
    assert retry.run_key == f"{request.run_key}-1" and retry.tags[STATE_TAG] == request.run_key
    assert run.success and publishes(wh) == 1


def test_no_refresh_is_launched_while_one_waits_to_start(wh):
    queued = queue(wh.instance)
    answer = raw_folder_changed(dg.build_sensor_context(instance=wh.instance))
    assert isinstance(answer, dg.SkipReason) and f"run {queued.run_id} is not_started" in answer.skip_message


def queue(instance: dg.DagsterInstance) -> dg.DagsterRun:
    """A refresh run waiting to start (NOT_STARTED: Dagster makes QUEUED only runs it can launch from a code
    location, which an in-process test has not; the sensor treats both alike)."""
    return instance.create_run_for_job(defs.resolve_job_def("refresh_warehouse"), status="NOT_STARTED")


def dead_process_identity() -> str:
    proc = subprocess.Popen(["sleep", "30"])
    identity = process_identity(proc.pid)
    proc.kill()
    proc.wait()
    return identity


def pool_blocks(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """Whether the queue would hold `run` back for the `warehouse` pool: the counter the queued-run daemon uses."""
    from dagster._core.op_concurrency_limits_counter import GlobalOpConcurrencyLimitsCounter

    in_progress = instance.get_run_records(filters=dg.RunsFilter(statuses=jobs.IN_PROGRESS[2:]))
    counter = GlobalOpConcurrencyLimitsCounter(
        instance,
        [run],
        in_progress,
        concurrency_keys=instance.event_log_storage.get_concurrency_keys(),
        pool_limits=instance.event_log_storage.get_pool_limits(),
        pool_granularity=instance.get_concurrency_config().pool_config.pool_granularity,
    )
    return counter.is_blocked(run)


def test_a_run_left_started_by_a_killed_process_is_failed_and_frees_the_pool(tmp_path):
    """A `make run` killed mid-run leaves its run STARTED, holding the `warehouse` pool (one run at a time, as
    .dagster/dagster.yaml sets it): the next refresh marks it failed, and a queued run can start."""
    shutil.copy(REPO_ROOT / ".dagster" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        instance.event_log_storage.set_concurrency_slots("warehouse", 1)  # as `make dev` sets it
        job = defs.resolve_job_def("refresh_warehouse")
        killed = instance.create_run_for_job(job, status="STARTED", tags={PROCESS_TAG: dead_process_identity()})
        queued = queue(instance)
        assert pool_blocks(instance, queued)
        assert fail_dead_runs(instance, tmp_path / "warehouse.duckdb") == [killed.run_id]
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
        assert not pool_blocks(instance, queued)
        kept = instance.create_run_for_job(job, status="STARTED", tags={PROCESS_TAG: process_identity()})
        assert fail_dead_runs(instance, tmp_path / "warehouse.duckdb") == []
        assert instance.get_run_by_id(kept.run_id).status == dg.DagsterRunStatus.STARTED


@pytest.mark.parametrize("damage", ["overwritten", "truncated"])
def test_a_damaged_published_warehouse_is_set_aside_and_built_anew(wh, quality, damage):
    assert refresh(wh, quality).success
    if damage == "overwritten":
        wh.published.write_bytes(b"not a database\n" * 1000)
    else:
        with wh.published.open("r+b") as f:
            f.truncate(wh.published.stat().st_size // 2)
    changes = current_changes()
    assert changes.damaged and "damaged" in changes.describe() and not changes.nothing_to_do
    _, run = tick(wh, quality)
    assert run.success
    [aside] = damaged_copies(wh.published)
    assert aside.name.startswith("warehouse.duckdb.damaged-")
    assert wh.query("select count(*) from staging.raw_tasks", wh.published) == [(177,)]


def test_a_deleted_dagster_home_is_recreated_from_the_committed_instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert ensure_dagster_home() == home / "dagster.yaml"
    assert (home / "dagster.yaml").read_bytes() == settings.INSTANCE_TEMPLATE.read_bytes()
    assert ensure_dagster_home() is None  # there now
    assert dg.DagsterInstance.get().run_monitoring_enabled


# What dagster-dbt's DagsterDbtCliRuntimeError said of a seed with a task id that is not a number (a run of this
# project's `make run`, shortened: DuckDB's sniffer settings are left out).
DBT_SEED_ERROR = """dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command

`dbt build --exclude-resource-type unit_test --select fqn:*`

failed with exit code `1`. Check the stdout in the Dagster compute logs for the full information about the error.

Errors parsed from dbt logs:

12 of 105 ERROR loading seed file staging.reviewed_verdicts .................... [ERROR in 0.10s]

Failure in seed reviewed_verdicts (seeds/reviewed_verdicts.csv)

  Runtime Error in seed reviewed_verdicts (seeds/reviewed_verdicts.csv)
  Conversion Error: CSV Error on Line: 2
  Original Line: shaoxing-2020-work-progress,abc,x,status,,met,note,me,2026-01-01
  Error when converting column "task_id". Could not convert string "abc" to 'BIGINT'
"""


def test_a_dbt_seed_error_is_said_in_full_naming_the_seed_file_and_the_reason():
    from dagster._utils.error import SerializableErrorInfo

    from pipelines.run import step_failure_line

    error = SerializableErrorInfo(
        "Error occurred while executing op warehouse_dbt_models",
        [],
        "DagsterExecutionStepExecutionError",
        cause=SerializableErrorInfo(DBT_SEED_ERROR, [], "DagsterDbtCliRuntimeError"),
    )
    first, *rest = step_failure_line("warehouse_dbt_models", error).splitlines()
    assert first == (
        "warehouse_dbt_models: dbt: Failure in seed reviewed_verdicts (seeds/reviewed_verdicts.csv): "
        "Conversion Error: CSV Error on Line: 2"
    )
    assert any("Could not convert string \"abc\" to 'BIGINT'" in line for line in rest)
    assert not any("ERROR loading seed" in line or "called by" in line for line in [first, *rest])
