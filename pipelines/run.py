"""`make run`: one in-process Dagster run of every asset, then a short summary of the warehouse.

Runs are recorded in the Dagster instance at $DAGSTER_HOME, so they show in the UI (`make dev`).
Exit status 0 when every step succeeded; otherwise 1 with one line per failure on stderr.

Heavy libraries are imported inside the functions: worker processes (extraction, quality checks)
are spawned, and a spawned process imports this module again before its own work.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING

from pipelines.core import settings

if TYPE_CHECKING:
    import dagster as dg

# Framework logs off (errors are summarised below, one line each): the summary below is what a person reads.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def failed_checks(result: dg.ExecuteInProcessResult) -> list[tuple[dg.AssetCheckSeverity, str]]:
    """(severity, one line) for each asset check that did not pass."""
    return [
        (e.severity, f"{e.asset_key.to_user_string()} {e.check_name}: {e.description or 'failed'}")
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]


def failure_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    import dagster as dg

    lines = [line for severity, line in failed_checks(result) if severity == dg.AssetCheckSeverity.ERROR]
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            cause = error.cause or error
            while cause.cause is not None:
                cause = cause.cause
            # The last line that says something (tracebacks end in source excerpts and carets).
            said = [ln.strip() for ln in cause.message.splitlines() if any(ch.isalpha() for ch in ln)]
            if cause.cls_name != "DagsterAssetCheckFailedError":  # a failed check: said above, in full
                lines.append(f"{event.step_key}: {said[-1] if said else cause.cls_name}")
    return lines


def rejection_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per file not read or read without a task (`rejected: <file>: <place>: <reason>`), from the
    `files` table of the checks every_file_read and every_report_has_tasks, or of the ingest step's failure
    when every file was rejected."""
    import dagster as dg

    from pipelines.core.quality.files import file_line
    from pipelines.defs.checks import FILE_CHECKS

    tables = [e.metadata.get("files") for e in result.get_asset_check_evaluations() if e.check_name in FILE_CHECKS]
    tables += [
        event.step_failure_data.user_failure_data.metadata.get("files")
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE and event.step_failure_data.user_failure_data
    ]
    return [file_line(**record.data) for table in tables if table is not None for record in table.records]


def step_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    import dagster as dg

    return {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_SUCCESS
    }


class Progress(threading.Thread):
    """Prints the run's progress as it happens: each step's start and end with its time, checks that
    did not pass, and the steps' own progress lines ("progress: …"), read from the event log."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, out=sys.stdout):
        super().__init__(daemon=True)
        self.instance, self.run_id, self.out = instance, run_id, out
        self.stop = threading.Event()
        self.cursor: str | None = None
        self.started_at: dict[str, float] = {}

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.poll()
        self.poll()

    def poll(self) -> None:
        # Only the new records since the last poll: a run over 1,000 reports logs thousands of events,
        # and re-reading all of them twice a second would compete with the run for the interpreter.
        while True:
            try:
                page = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=1000)
            except Exception:  # the run may not be stored yet
                return
            for record in page.records:
                self.show(record.event_log_entry)
            self.cursor = page.cursor if page.records else self.cursor
            if not page.has_more:
                return

    def show(self, entry) -> None:
        import dagster as dg

        clock = time.strftime("%H:%M:%S", time.localtime(entry.timestamp))
        event = entry.dagster_event
        if event is None:
            if entry.user_message.startswith("progress:"):
                print(
                    f"{clock}     {entry.step_key}: {entry.user_message.removeprefix('progress:').strip()}",
                    file=self.out,
                    flush=True,
                )
            return
        if event.event_type == dg.DagsterEventType.STEP_START:
            self.started_at[event.step_key] = entry.timestamp
            print(f"{clock}   … {event.step_key}", file=self.out, flush=True)
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            seconds = entry.timestamp - self.started_at.get(event.step_key, entry.timestamp)
            mark = "✓" if event.event_type == dg.DagsterEventType.STEP_SUCCESS else "✗"
            print(f"{clock}   {mark} {event.step_key} ({seconds:.1f}s)", file=self.out, flush=True)


def write_stats(**stats) -> None:
    """For `make bench`: the run's figures as JSON, where RUN_STATS_PATH says."""
    if path := settings.run_stats_path():
        with open(path, "w") as f:
            json.dump(stats, f, indent=2)


def summary(warehouse: str) -> str:
    import duckdb

    from pipelines.core.warehouse.connection import table_row_counts

    with duckdb.connect(warehouse, read_only=True) as con:
        counts = table_row_counts(con)
        kinds = con.execute(
            "select coalesce(report_kind, 'kind not stated'), count(*) from marts.dim_reports "
            "group by 1 order by 2 desc, 1"
        ).fetchall()
        merged, sub_rows, leaders = con.execute(
            "select count(*) filter (where continues_merged_cell), count(*) filter (where sub_rows > 0), "
            "(select count(distinct task_key) from marts.fct_task_leaders) from marts.dim_tasks"
        ).fetchone()
    width = max(len(f"{s}.{t}") for s, t, _ in counts)
    rows = [f"  {f'{s}.{t}':<{width}}  {n:>7,}" for s, t, n in counts]
    layouts = (
        f"reports: {', '.join(f'{n} {kind}' for kind, n in kinds)}; tasks continuing a merged cell: "
        f"{merged}, with sub-rows: {sub_rows}, with a leader in charge: {leaders}"
    )
    return "\n".join([f"warehouse: {warehouse}", *rows, layouts])


def main() -> int:
    from pipelines.core.refresh.changes import current_changes
    from pipelines.core.sources.grid import SourceFileError
    from pipelines.core.warehouse.connection import WarehouseHeld

    started = time.perf_counter()
    print(f"refresh_warehouse: raw folder {settings.raw_dir()}", flush=True)
    try:
        changes = current_changes()
    except (SourceFileError, WarehouseHeld, PermissionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"plan: {changes.describe()}", flush=True)
    if not changes.files:
        print(f"error: {settings.raw_dir()}: no report files; the warehouse was left as it was", file=sys.stderr)
        return 1
    if changes.nothing_to_do:
        from pipelines.core.report import html as report_html
        from pipelines.core.warehouse.connection import connect_read_only

        if report_html.is_stale(settings.warehouse_path()):
            with connect_read_only(settings.warehouse_path()) as con:
                path, _ = report_html.write_report(con, settings.warehouse_path())
            print(f"report: {path} was older than the warehouse (a run stopped after publishing): rebuilt")
        print(summary(str(settings.warehouse_path())))
        print(f"refresh_warehouse: up to date, nothing to run ({time.perf_counter() - started:.1f}s)")
        write_stats(success=True, ran=False, seconds=time.perf_counter() - started, steps={})
        return 0

    from pipelines.core.quality.gates import QualityGates

    # Great Expectations loads in a worker on the other core while Dagster loads here.
    with QualityGates(settings.warehouse_path(), in_worker=True) as quality:
        return refresh_warehouse(changes, quality, started)


def refresh_warehouse(changes, quality, started: float) -> int:
    import dagster as dg

    from pipelines.defs.definitions import defs
    from pipelines.defs.jobs import refresh_request

    instance = dg.DagsterInstance.get()
    request = refresh_request(changes)
    job = defs.resolve_job_def("refresh_warehouse")
    # What the steps print (dbt's own log lines among them) goes to a file, not the terminal.
    log_path = settings.warehouse_path().parent / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    run_id = str(uuid.uuid4())
    progress = Progress(instance, run_id)
    progress.start()
    with log_path.open("w") as log, contextlib.redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance,
            run_config=QUIET,
            tags=request.run_tags,
            run_id=run_id,
            raise_on_error=False,
            resources={"quality": quality},
        )
    progress.stop.set()
    progress.join(timeout=5)
    elapsed = time.perf_counter() - started
    write_stats(
        success=result.success, ran=True, seconds=elapsed, steps=step_seconds(result), reports_read=len(changes.to_read)
    )
    print(f"step output: {log_path}")
    if not result.success:
        for line in failure_lines(result):
            print(f"error: {line}", file=sys.stderr)
        for line in rejection_lines(result):
            print(line, file=sys.stderr)
        print(f"details: {log_path}", file=sys.stderr)
        print(f"the published warehouse was left as it was: {settings.warehouse_path()}", file=sys.stderr)
        print(f"refresh_warehouse failed after {elapsed:.1f}s (run {result.run_id})", file=sys.stderr)
        return 1
    for _, line in failed_checks(result):
        print(f"warning: {line}")
    for line in rejection_lines(result):
        print(line)
    print(summary(str(settings.warehouse_path())))
    report = settings.warehouse_path().parent / "reports" / "achievement.html"
    if report.exists():
        print(f"report: {report}")
    print(f"refresh_warehouse succeeded in {elapsed:.1f}s (run {result.run_id})")
    return 0


def main_or_one_line() -> int:
    """main(), with a file-system refusal (a read-only folder, a missing permission) said in one line that
    names the path, not as a traceback."""
    try:
        return main()
    except OSError as err:
        if err.filename is None:
            raise
        print(
            f"error: {err.filename}: {err.strerror or err} (the warehouse folder must be writable; "
            "the published warehouse was left as it was)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main_or_one_line())
