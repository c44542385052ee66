"""A bad file is rejected by itself: each file that cannot be read at all becomes a rejected report (in
raw_reports with its place and reason, one row in rejected_rows) and the other reports land; raw folder
entries that are not regular files are never opened. Each case generates its file here and goes through
`read_or_quarantine` or `steps.ingest_reports` on a real DuckDB file. (The Dagster checks and the refresh job:
tests/test_defs.py; a whole folder through `make run`: tests/test_mixed_folder_e2e.py.)"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.core.layout.tasks import read_or_quarantine
from pipelines.core.quality.files import rejected_reports, reports_without_tasks
from pipelines.core.refresh import steps
from pipelines.core.sources.files import report_files, report_id_for, skipped_files
from tests.conftest import HEADER, SEED

GOOD = f"{HEADER}\n1 | 新增企业10家。 | 完成12家。 | 市经信局 |\n"
SECRET = "root:x:0:0:a line that must never be read"
STAGING_REPORT_TABLES = ("raw_tasks", "raw_task_attributes", "raw_task_leaders", "rejected_rows", "raw_reports")


def ingest(warehouse: Path, raw: Path) -> steps.Ingested:
    """The ingest step over the folder, as the Dagster asset calls it, into a real DuckDB file."""
    files = {report_id_for(p): p for p in report_files(raw)}
    with duckdb.connect(str(warehouse)) as con:
        return steps.ingest_reports(con, files, code_version="test", pipeline_version="0", run_id="run")


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def status(warehouse: Path) -> dict[str, tuple]:
    rows = query(warehouse, "select report_id, read_status, rejected_place, rejected_reason from staging.raw_reports")
    return {report_id: tuple(rest) for report_id, *rest in rows}


@pytest.fixture
def raw(tmp_path) -> Path:
    """A raw folder holding one good report."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_an_unknown_header_without_tasks_is_rejected_at_its_line(tmp_path):
    path = tmp_path / "other-table.txt"
    path.write_text("附件2\n名称 | 金额 | 备注 |\n", encoding="utf-8")
    report = read_or_quarantine(path)
    assert (report.read_status, report.rejected_place) == ("rejected", "line 2")
    assert "not a known work-plan table header" in report.rejected_reason
    assert report.tasks.is_empty()
    assert report.rejected.select("source_line", "last_line", "reason").rows() == [(2, 2, report.rejected_reason)]


def test_an_empty_file_is_rejected_as_a_whole(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    report = read_or_quarantine(path)
    assert (report.read_status, report.rejected_place, report.rejected_reason) == (
        "rejected",
        "whole file",
        "file is empty",
    )
    assert report.summary()["encoding"] is None and report.summary()["line_count"] == 1


def test_undecodable_bytes_are_rejected_at_their_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(HEADER.encode() + b"\n1 | caf\xe9 \xff\xfe | ok | x |\n")
    report = read_or_quarantine(path)
    assert (report.read_status, report.rejected_place) == ("rejected", "line 2")
    assert "cannot decode" in report.rejected_reason


def test_a_corrupt_workbook_is_rejected(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(2048))
    report = read_or_quarantine(path)
    assert (report.read_status, report.source_format) == ("rejected", "xlsx")
    assert "not a readable workbook" in report.rejected_reason


def test_a_docx_that_is_not_a_zip_is_rejected(tmp_path):
    path = tmp_path / "saved-as-text.docx"
    path.write_text("这不是一个Word文档", encoding="utf-8")
    report = read_or_quarantine(path)
    assert (report.read_status, report.source_format) == ("rejected", "docx")
    assert "not a readable Word document" in report.rejected_reason


def test_a_reader_failing_on_one_file_rejects_it_with_the_error_type(tmp_path, monkeypatch):
    def failing(path, data, hints):
        raise ZeroDivisionError("a bug in a reader")

    monkeypatch.setattr("pipelines.core.layout.tasks.read_grid", failing)
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    report = read_or_quarantine(path)
    assert report.read_status == "rejected"
    assert "ZeroDivisionError: a bug in a reader" in report.rejected_reason


def test_a_rejected_file_is_one_report_and_the_others_land(tmp_path, raw):
    (raw / "empty.txt").write_bytes(b"")
    (raw / "other.htm").write_text("<table><tr><td>名称</td><td>金额</td></tr></table>", encoding="utf-8")
    done = ingest(tmp_path / "w.duckdb", raw)
    assert sorted(done.read) == ["empty", "good", "other"]
    warehouse = tmp_path / "w.duckdb"
    assert status(warehouse) == {
        "good": ("read", None, None),
        "empty": ("rejected", "whole file", "file is empty"),
        "other": (
            "rejected",
            "whole file",
            "none of its 1 tables has a work-plan header (no column reads as what "
            "is promised: e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
        ),
    }
    assert query(warehouse, "select source_format from staging.raw_reports where report_id = 'other'") == [("html",)]
    assert query(warehouse, "select report_id, count(*) from staging.raw_tasks group by 1") == [("good", 1)]
    assert query(warehouse, "select report_id from staging.rejected_rows order by 1") == [("empty",), ("other",)]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert sorted(rejected_reports(con)["file"]) == [str(raw / "empty.txt"), str(raw / "other.htm")]


def test_a_symlink_out_of_the_folder_is_skipped_and_never_read(tmp_path, raw):
    outside = tmp_path / "passwd.txt"
    outside.write_text(f"{HEADER}\n1 | {SECRET} | 完成 | 市经信局 |\n", encoding="utf-8")
    (raw / "linked.txt").symlink_to(outside)
    (raw / "etc.txt").symlink_to("/etc/passwd")
    assert [p.name for p in report_files(raw)] == ["good.txt"]
    assert {s.name: s.warns for s in skipped_files(raw)} == {"etc.txt": True, "linked.txt": True}
    assert "symbolic link, never followed" in skipped_files(raw)[0].reason
    ingest(tmp_path / "w.duckdb", raw)
    for table in STAGING_REPORT_TABLES:
        text = query(tmp_path / "w.duckdb", f"select string_agg(columns(*)::varchar, '|') from staging.{table}")
        assert "never be read" not in str(text) and "root:x:0" not in str(text), table
    # Read directly, a link is refused at open time too (the folder changed after it was listed).
    report = read_or_quarantine(raw / "linked.txt")
    assert report.read_status == "rejected" and SECRET not in str(report.summary())


def test_a_fifo_is_skipped_without_blocking(tmp_path, raw):
    os.mkfifo(raw / "pipe.txt")
    found: dict = {}
    # In a thread: opening a FIFO for reading blocks until a writer comes, which would hang the test.
    worker = threading.Thread(
        target=lambda: found.update(
            files=report_files(raw), skipped=skipped_files(raw), read=read_or_quarantine(raw / "pipe.txt")
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "a FIFO blocked the read"
    assert [p.name for p in found["files"]] == ["good.txt"]
    assert [(s.name, s.warns) for s in found["skipped"]] == [("pipe.txt", True)]
    assert "FIFO" in found["read"].rejected_reason


def test_a_second_file_with_a_report_id_taken_is_skipped_naming_the_first(tmp_path, raw):
    (raw / "good.xlsx").write_bytes(b"not read: good.txt comes first in name order")
    (raw / "other.txt").write_text(GOOD, encoding="utf-8")
    assert [p.name for p in report_files(raw)] == ["good.txt", "other.txt"]
    [skipped] = skipped_files(raw)
    assert (skipped.name, skipped.warns) == ("good.xlsx", True)
    assert skipped.reason.startswith("same report id as good.txt")
    ingest(tmp_path / "w.duckdb", raw)
    assert status(tmp_path / "w.duckdb") == {"good": ("read", None, None), "other": ("read", None, None)}


def test_every_file_rejected_fails_before_writing_naming_each(tmp_path, raw):
    warehouse = tmp_path / "w.duckdb"
    ingest(warehouse, raw)
    before = query(warehouse, "select * from staging.raw_reports")
    (raw / "good.txt").write_bytes(b"")  # the one good report goes bad, and another bad one comes
    (raw / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(steps.EveryFileRejected, match=r"every report file was rejected \(2: binary.txt, good.txt\)"):
        ingest(warehouse, raw)
    assert query(warehouse, "select * from staging.raw_reports") == before


def test_every_file_rejected_counts_the_reports_kept_from_an_earlier_run(tmp_path, raw):
    """A rejected file unchanged since the last run and a new one rejected: still nothing read."""
    warehouse = tmp_path / "w.duckdb"
    (raw / "empty.txt").write_bytes(b"")
    ingest(warehouse, raw)
    (raw / "good.txt").unlink()
    with pytest.raises(steps.EveryFileRejected) as err:
        ingest(warehouse, raw)
    assert [(file, reason) for _, file, _, reason in err.value.files] == [(str(raw / "empty.txt"), "file is empty")]


def test_a_report_with_a_header_and_no_task_is_read_and_listed(tmp_path, raw):
    (raw / "header-only.txt").write_text(f"2021年重点工作\n{HEADER}\n\n", encoding="utf-8")
    ingest(tmp_path / "w.duckdb", raw)
    assert status(tmp_path / "w.duckdb")["header-only"] == ("read", None, None)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        empty = reports_without_tasks(con)
    assert empty.rows() == [
        ("no tasks", str(raw / "header-only.txt"), "header at line 2", "a work-plan header but no task row under it")
    ]


def test_a_removed_rejected_file_leaves_every_staging_table(tmp_path, raw):
    warehouse = tmp_path / "w.duckdb"
    (raw / "empty.txt").write_bytes(b"")
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    ingest(warehouse, raw)
    assert status(warehouse)["empty"][0] == "rejected"
    (raw / "empty.txt").unlink()
    (raw / "seed.txt").unlink()
    assert ingest(warehouse, raw).removed == ["empty", "seed"]
    for table in (*STAGING_REPORT_TABLES, "build_state"):
        assert query(warehouse, f"select count(*) from staging.{table} where report_id in ('empty', 'seed')") == [
            (0,)
        ], table


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens a file whatever its mode")
def test_a_file_that_cannot_be_opened_is_rejected_and_the_others_land(tmp_path, raw):
    locked = raw / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        ingest(tmp_path / "w.duckdb", raw)
    finally:
        locked.chmod(0o644)
    assert status(tmp_path / "w.duckdb") == {
        "good": ("read", None, None),
        "locked": ("rejected", "whole file", "cannot be opened: Permission denied"),
    }


def test_a_fifo_put_in_place_of_a_listed_file_is_neither_hashed_nor_read(tmp_path, raw):
    """The folder changed between its listing and the read: the planning and the read never block on it."""
    from pipelines.core.warehouse.state import file_hash

    listed = report_files(raw)
    (raw / "good.txt").unlink()
    os.mkfifo(raw / "good.txt")
    found: dict = {}
    worker = threading.Thread(
        target=lambda: found.update(hash=file_hash(raw / "good.txt"), read=read_or_quarantine(listed[0])),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "a FIFO blocked"
    assert found["read"].read_status == "rejected" and "FIFO" in found["read"].rejected_reason
    assert found["hash"] == found["read"].content_hash  # unchanged from its rejection: not read again and again


def test_reports_are_written_in_batches_as_one_batch_writes_them(tmp_path, raw, monkeypatch):
    """A folder ingested a file at a time (INGEST_BATCH_BYTES below one file) holds exactly the rows of a
    folder ingested at once, a rejected file before the first readable one included."""
    (raw / "a-first.txt").write_bytes(b"")  # rejected, and read before any readable report
    for i in range(3):
        (raw / f"more-{i}.txt").write_text(GOOD.replace("10家", f"{i + 1}0家"), encoding="utf-8")
    whole = ingest(tmp_path / "whole.duckdb", raw)
    monkeypatch.setattr(steps, "INGEST_BATCH_BYTES", 1)
    batched = ingest(tmp_path / "batched.duckdb", raw)
    assert batched.read == whole.read and batched.total_tasks == whole.total_tasks == 4
    assert batched.rejected_read == whole.rejected_read == 1
    assert batched.attribute_columns.equals(whole.attribute_columns)
    for table in STAGING_REPORT_TABLES:
        sql = f"select * from staging.{table} order by all"
        assert query(tmp_path / "batched.duckdb", sql) == query(tmp_path / "whole.duckdb", sql), table
