"""The build a refresh works on: one refresh at a time, an unpublished build continued, atomic publish."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.core.refresh.changes import marts_built_whole, reports_to_rebuild
from pipelines.core.refresh.fingerprint import transform_fingerprint
from pipelines.core.warehouse import state
from pipelines.core.warehouse.build import RefreshBusy, WarehouseBuild, build_path
from pipelines.core.warehouse.connection import open_published


def write(path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as v", [value])


def read(path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select v from t").fetchone()[0]


def test_a_build_starts_as_a_copy_of_the_published_file(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    write(published, 1)
    with WarehouseBuild(published, "run-1") as build:
        assert build.path == build_path(published) and read(build.path) == 1
        with build.connect() as con:
            con.execute("update t set v = 2")
        assert read(published) == 1, "the published file is untouched until publish"
        assert build.publish() == published
    assert read(published) == 2
    assert not build_path(published).exists()


def test_one_refresh_at_a_time_and_the_second_says_who_holds_it(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    with WarehouseBuild(published, "run-1"), pytest.raises(RefreshBusy, match="run run-1"):
        WarehouseBuild(published, "run-2", wait_seconds=0).open()
    with WarehouseBuild(published, "run-2", wait_seconds=0):
        pass  # released when the first closed


def test_an_unpublished_build_is_continued_by_the_next_run(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    write(published, 1)
    with WarehouseBuild(published, "run-1") as build, build.connect() as con:
        con.execute("update t set v = 2")  # then the run fails: no publish
    with WarehouseBuild(published, "run-2") as build:
        assert read(build.path) == 2
    assert read(published) == 1


def test_a_closed_build_neither_connects_nor_publishes(tmp_path):
    build = WarehouseBuild(tmp_path / "warehouse.duckdb", "run-1")
    with pytest.raises(RuntimeError, match="not open"):
        build.connect()
    with pytest.raises(FileNotFoundError):
        build.publish()


def test_a_notebook_holding_a_connection_sees_the_latest_through_open_published(tmp_path):
    """DuckDB's instance cache: in one process, while a connection to the path is open, duckdb.connect(path)
    hands back that database (the file before the refresh); open_published reads the file published now."""
    published = tmp_path / "warehouse.duckdb"
    with WarehouseBuild(published, "first") as build:
        with build.connect() as con:
            con.execute("create schema marts; create table marts.t as select 'first' as v")
        build.publish()
    notebook = duckdb.connect(str(published), read_only=True)
    with WarehouseBuild(published, "second") as build:
        with build.connect() as con:
            con.execute("create or replace table marts.t as select 'second' as v")
        build.publish()
    assert notebook.sql("from marts.t").fetchall() == [("first",)]  # the version it opened
    assert duckdb.connect(str(published), read_only=True).sql("from marts.t").fetchall() == [("first",)]
    with open_published(published) as latest:
        assert latest.sql("from marts.t").fetchall() == [("second",)]
    notebook.close()


def test_a_warehouse_held_for_writing_is_one_line_naming_the_holder(tmp_path):
    import subprocess
    import sys

    from pipelines.core.warehouse.connection import WarehouseHeld, connect_read_only

    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(
            WarehouseHeld, match=rf"{path.name}: held for writing by another process \(PID {holder.pid}\)"
        ):
            connect_read_only(path)
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs, where the machine lets the test mount one (root): a disk that really fills up."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_build_left_by_a_full_disk_is_reclaimed_by_the_next_run(small_disk):
    published = small_disk / "warehouse.duckdb"
    with duckdb.connect(str(published)) as con:  # about 2.5 MB published
        con.execute("create table t as select range as i, md5(range::varchar) as h from range(60000)")
    first = WarehouseBuild(published, "first", wait_seconds=0)
    first.open()
    with pytest.raises(duckdb.Error, match="No space left"), first.connect() as con:
        con.execute(
            "create table big as select range as i, md5(range::varchar) || md5((range + 1)::varchar) as h "
            "from range(2000000)"
        )
    first.close()  # the run ends (killed or failed): its build and WAL hold the disk
    with WarehouseBuild(published, "next", wait_seconds=0) as build, build.connect() as con:  # not "no space left"
        con.execute("create table small as select range as i from range(50000)")  # a retry's writes fit
        assert con.execute("select count(*) from t").fetchone() == (60000,)
        assert con.execute("select count(*) from information_schema.tables where table_name = 'big'").fetchone() == (0,)


def test_a_refresh_redoes_the_reports_written_since_the_last_publish(tmp_path):
    # The marts (dbt: stg_changed_reports) and the GE gates redo these; every report where the transform changed.
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    state.record_readings(con, {"a": "h1", "b": "h2"}, [], "code", "0.1.0", "run 1")
    assert reports_to_rebuild(con) is None  # never published
    state.record_transform(con, transform_fingerprint(), "0.1.0", "run 1")
    assert reports_to_rebuild(con) == []
    state.record_readings(con, {"b": "h3"}, [], "code", "0.1.0", "run 2")
    assert reports_to_rebuild(con) == ["b"]
    state.record_transform(con, "another transform", "0.1.0", "run 2")
    assert reports_to_rebuild(con) is None
    # and the connection is free for the next statement (a result left half read blocks it)
    assert con.sql("select 1").fetchall() == [(1,)]


def test_the_marts_are_built_whole_when_most_reports_changed(tmp_path):
    # Deleting and inserting most of a mart costs more than building it (and at 10,000 reports ran out of memory).
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    state.record_readings(con, {"a": "h1", "b": "h2", "c": "h3"}, [], "code", "0.1.0", "run 1")
    assert marts_built_whole(con)  # never published
    state.record_transform(con, transform_fingerprint(), "0.1.0", "run 1")
    assert not marts_built_whole(con)  # nothing changed
    state.record_readings(con, {"b": "h4"}, [], "code", "0.1.0", "run 2")
    assert not marts_built_whole(con)  # one of three
    state.record_readings(con, {"a": "h5", "c": "h6"}, [], "code", "0.1.0", "run 2")
    assert marts_built_whole(con)  # three of three


def test_packed_keeps_order_and_puts_a_larger_item_alone():
    from pipelines.core.warehouse.connection import packed

    assert packed([("a", 2), ("b", 2), ("c", 5), ("d", 1), ("e", 0)], 4) == [["a", "b"], ["c"], ["d", "e"]]
    assert packed([], 4) == []
