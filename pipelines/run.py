"""`make run`: one in-process Dagster run of every asset, then a short summary of the warehouse.

Runs are recorded in the Dagster instance at $DAGSTER_HOME, so they show in the UI (`make dev`).
Exit status 0 when every step succeeded; otherwise 1 with one line per failure on stderr.

Heavy libraries are imported inside the functions: worker processes (extraction, quality checks)
are spawned, and a spawned process imports this module again before its own work.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
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
DBT_PROGRESS = re.compile(r"^\d+ of \d+ ERROR ")
DBT_ERROR_IN = re.compile(r"^[\w ]+ Error in ")  # "Runtime Error in seed reviewed_verdicts (…)": the node again


def failed_checks(result: dg.ExecuteInProcessResult) -> list[tuple[dg.AssetCheckSeverity, str]]:
    """(severity, one line) for each asset check that did not pass."""
    return [
        (e.severity, f"{e.asset_key.to_user_string()} {e.check_name}: {e.description or 'failed'}")
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]


def failure_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per failure, in the order they happened (the first is the cause: a step's error names the file,
    the place and the reason; a blocking check says what failed), then how many steps were not run for it."""
    import dagster as dg

    lines, failed = [], []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if not check.passed and check.severity == dg.AssetCheckSeverity.ERROR:
                lines.append(f"{check.asset_key.to_user_string()} {check.check_name}: {check.description or 'failed'}")
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            failed.append(event.step_key)
            if line := step_failure_line(event.step_key, event.step_failure_data.error):
                lines.append(line)
    started = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START}
    not_run = set(result.job_def.graph.node_names()) - started
    if failed and not_run:
        lines.append(f"{len(not_run)} steps not run because {', '.join(dict.fromkeys(failed))} failed")
    return lines


# dagster-dbt's error holds dbt's own messages after this line; before it, the command and where the log is.
DBT_ERRORS = "Errors parsed from dbt logs:"


def step_failure_line(step_key: str, error) -> str | None:
    """What a failed step says: dbt's message in full (which node, which file, why), or the last line that says
    something of the deepest cause (tracebacks end in source excerpts and carets); None for a failed check,
    said in full by its own line."""
    cause = error
    while cause.cause is not None:
        if DBT_ERRORS in cause.message:
            break
        cause = cause.cause
    if cause.cls_name == "DagsterAssetCheckFailedError":
        return None
    if DBT_ERRORS in cause.message:
        return f"{step_key}: dbt: {dbt_failure(cause.message)}"
    said = [ln.strip() for ln in cause.message.splitlines() if any(ch.isalpha() for ch in ln)]
    return f"{step_key}: {said[-1] if said else cause.cls_name}"


def dbt_failure(message: str) -> str:
    """dbt's own messages from dagster-dbt's error, in full: the first line names the node and its file and
    gives the reason's first line ("Failure in seed reviewed_verdicts (seeds/reviewed_verdicts.csv): Conversion
    Error: CSV Error on Line: 2"), then dbt's message as it wrote it, indented."""
    said = [ln.rstrip() for ln in message.split(DBT_ERRORS, 1)[1].splitlines()]
    # The progress line ("12 of 105 ERROR loading seed …") repeats the failure's own first line.
    said = [ln for ln in said if ln.strip() and not DBT_PROGRESS.match(ln.strip())]
    if not said:
        return "failed (no message parsed from its log)"
    reason = next((ln.strip() for ln in said[1:] if not DBT_ERROR_IN.match(ln.strip())), "")
    first = f"{said[0].strip()}: {reason}" if reason else said[0].strip()
    return "\n    ".join([first, *said[1:]])


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


def published_identity() -> tuple[int, int] | None:
    """The published file as the OS knows it (inode, modification time): a publish replaces it by rename."""
    try:
        stat = settings.warehouse_path().stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def start_of_run_recovery() -> dg.DagsterInstance:
    """The instance, its DAGSTER_HOME recreated if it was deleted, and runs left started by a process that is gone
    marked failed (their pool slot freed), each said in one line."""
    import dagster as dg

    from pipelines.defs.recovery import ensure_dagster_home, fail_dead_runs

    if written := ensure_dagster_home():
        print(f"recovered: the Dagster instance's folder was missing: recreated {written}")
    instance = dg.DagsterInstance.get()
    for dead in fail_dead_runs(instance, settings.warehouse_path()):
        print(f"recovered: run {dead} was left started by a process that is gone: marked failed")
    return instance


def refresh_warehouse(changes, quality, started: float) -> int:
    from pipelines.defs.definitions import defs
    from pipelines.defs.jobs import refresh_request
    from pipelines.defs.recovery import PROCESS_TAG, process_identity

    instance = start_of_run_recovery()
    request = refresh_request(changes)
    job = defs.resolve_job_def("refresh_warehouse")
    # What the steps print (dbt's own log lines among them) goes to a file, not the terminal.
    log_path = settings.warehouse_path().parent / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    run_id = str(uuid.uuid4())
    before = published_identity()
    progress = Progress(instance, run_id)
    progress.start()
    with log_path.open("w") as log, contextlib.redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance,
            run_config=QUIET,
            tags={**request.run_tags, PROCESS_TAG: process_identity(os.getpid())},
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
    say_set_aside(changes)
    if not result.success:
        for line in failure_lines(result):
            print(f"error: {line}", file=sys.stderr)
        for line in rejection_lines(result):
            print(line, file=sys.stderr)
        print(f"details: {log_path}", file=sys.stderr)
        if published_identity() == before:
            print(f"the published warehouse was left as it was: {settings.warehouse_path()}", file=sys.stderr)
        else:  # stopped after its publish step: the steps after it (the report) did not run
            print(
                f"the published warehouse was replaced by this run before it stopped: {settings.warehouse_path()}",
                file=sys.stderr,
            )
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


def say_set_aside(changes) -> None:
    """Where a damaged published warehouse went (the run's build moved it aside and started anew)."""
    from pipelines.core.warehouse.build import damaged_copies

    if changes.damaged and (copies := damaged_copies(settings.warehouse_path())):
        print(
            f"warning: the published warehouse was damaged ({changes.damaged}): moved to {copies[-1]}; "
            "built anew from the raw folder"
        )


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
