"""The steps of a refresh that write the `staging` tables of a warehouse build, one function each.

Each takes a connection to the run's build and the run's id, does its work incrementally (only the
reports read anew since the table was last written, see `warehouse.state`) and returns what a person
wants to know about it. The Dagster assets call these and turn the result into metadata.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.core.layout.normalise import normalise_attributes, normalise_tasks
from pipelines.core.layout.tasks import Report, read_or_quarantine
from pipelines.core.plans.assignment import assign_plans, read_report_plans, task_match_candidates
from pipelines.core.plans.linking import link_tasks
from pipelines.core.refresh.fingerprint import extraction_fingerprint
from pipelines.core.units.names import unit_assignments
from pipelines.core.warehouse import state
from pipelines.core.warehouse.connection import (
    batches_by_tasks,
    packed,
    read_query,
    read_table,
    replace_reports,
    table_columns,
    transaction,
)
from pipelines.core.warehouse.tables import (
    RAW_ACTUAL_MENTIONS,
    RAW_COLUMN_READINGS,
    RAW_REPORT_PLANS,
    RAW_REPORTS,
    RAW_TARGET_MENTIONS,
    RAW_TARGET_PAIRS,
    RAW_TASK_ATTRIBUTES,
    RAW_TASK_LEADERS,
    RAW_TASK_LINKS,
    RAW_TASKS,
    RAW_UNIT_ASSIGNMENTS,
    REJECTED_ROWS,
    TEMPLATE_READINGS,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Ingested:
    read: list[str]
    unchanged: list[str]
    removed: list[str]
    # What the reports read hold, in brief: the first rows of each table and counts, so that a refresh of
    # 10,000 reports keeps one batch of them in memory, not all.
    tasks: pl.DataFrame  # the first tasks read
    attribute_columns: pl.DataFrame  # column_name, role, len: the other columns' cells read, per column
    leaders: pl.DataFrame  # the first leaders read
    rejected: pl.DataFrame  # the first rejected rows
    rejected_read: int  # rows of the reports read that were rejected
    total_tasks: int
    total_attributes: int
    total_leaders: int
    total_rejected: int
    columns: pl.DataFrame = field(default_factory=RAW_COLUMN_READINGS.empty)  # how the reports' columns were read


class UnknownReports(ValueError):
    pass


NAMES_SHOWN = 20  # files named in the one line of EveryFileRejected; its `files` hold every one


class EveryFileRejected(ValueError):
    """Not one report of the folder could be read: nothing to publish, the published warehouse stays as it was.
    `files`: each file's (status, file, place, reason), as quality.files has them."""

    def __init__(self, files: list[tuple[str, str, str, str]]):
        names = ", ".join(Path(file).name for _, file, *_ in files[:NAMES_SHOWN])
        names += f" and {len(files) - NAMES_SHOWN} more" if len(files) > NAMES_SHOWN else ""
        super().__init__(f"every report file was rejected ({len(files)}: {names}); nothing to publish")
        self.files = files


# Reports are read, normalised and written this many raw bytes at a time: memory is bounded by a batch
# (its frames take a few times its bytes), not by the folder.
INGEST_BATCH_BYTES = 32 * 2**20
PREVIEW_ROWS = 5


def ingest_reports(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    *,
    reread: Collection[str] = (),
    code_version: str,
    pipeline_version: str,
    run_id: str,
    progress: Progress = lambda _: None,
) -> Ingested:
    """Read the reports whose file or reading code changed, and those named in `reread` however they are:
    tasks to raw_tasks, other columns' cells to raw_task_attributes, leaders in charge to raw_task_leaders,
    unreadable rows to rejected_rows, one row per file to raw_reports, and what they were read from to
    state. Reports whose file is gone leave them all. Read and written in batches (INGEST_BATCH_BYTES),
    each recorded in state once written, so a run stopped half-way continues where it stopped."""
    if unknown := sorted(set(reread) - set(files)):
        raise UnknownReports(
            f"asked to re-read {', '.join(unknown)}: no such report in the raw folder (a report "
            f"is a file name without its extension, e.g. {min(files, default='shaoxing-2020')})"
        )
    built = state.readings(con)
    removed = sorted(set(built) - set(files))
    to_read = [k for k in sorted(files) if k in reread or state.needs_reading(built.get(k), files[k], code_version)]
    unchanged = [k for k in sorted(files) if k not in to_read]
    readable = _any_kept_readable(con, unchanged)
    summary = _Summary()
    # Until a readable report is found, nothing is written: when no report of the folder can be read, the
    # build stays as the last publish left it (rejected reports hold no tasks, so waiting costs little).
    pending: list[Report] = []
    sized = ((files[k], files[k].stat().st_size if files[k].exists() else 0) for k in to_read)
    for batch in packed(sized, INGEST_BATCH_BYTES):
        pending += _read_reports(batch, progress, done=len(summary.read) + len(pending), total=len(to_read))
        readable = readable or any(r.rejected_reason is None for r in pending)
        if readable:
            _write_reports(con, pending, [] if summary.wrote else removed, code_version, pipeline_version, run_id,
                           summary)  # fmt: skip
            pending = []
    if files and not readable:
        raise EveryFileRejected(_rejected_files(con, pending, unchanged))
    if not summary.wrote:  # nothing read: the reports gone are removed all the same
        _write_reports(con, [], removed, code_version, pipeline_version, run_id, summary)
    totals = [row_count(con, table.qualified) for table in (RAW_TASKS, RAW_TASK_ATTRIBUTES, RAW_TASK_LEADERS,
                                                            REJECTED_ROWS)]  # fmt: skip
    return summary.ingested(to_read, unchanged, removed, totals)


@dataclass
class _Summary:
    """What the batches of one ingest wrote, in brief (Ingested)."""

    wrote: bool = False
    read: list[str] = field(default_factory=list)
    tasks: list[pl.DataFrame] = field(default_factory=list)
    leaders: list[pl.DataFrame] = field(default_factory=list)
    rejected: list[pl.DataFrame] = field(default_factory=list)
    rejected_read: int = 0
    attribute_columns: list[pl.DataFrame] = field(default_factory=list)
    columns: list[pl.DataFrame] = field(default_factory=list)

    def add(self, tasks, attributes, leaders, rejected, columns) -> None:
        self.tasks.append(tasks.head(PREVIEW_ROWS))
        self.leaders.append(leaders.head(PREVIEW_ROWS))
        self.rejected.append(rejected.head(PREVIEW_ROWS))
        self.rejected_read += rejected.height
        self.attribute_columns.append(attributes.group_by("column_name", "role").len())
        self.columns.append(columns)

    def ingested(self, read: list[str], unchanged: list[str], removed: list[str], totals: list[int]) -> Ingested:
        def first(frames: list[pl.DataFrame], empty: pl.DataFrame) -> pl.DataFrame:
            return pl.concat([empty, *frames], how="vertical_relaxed").head(PREVIEW_ROWS)

        by_column = pl.concat(self.attribute_columns) if self.attribute_columns else None
        attribute_columns = (
            by_column.group_by("column_name", "role").agg(pl.col("len").sum()).sort("len", descending=True)
            if by_column is not None
            else pl.DataFrame(schema={"column_name": pl.String, "role": pl.String, "len": pl.UInt32})
        )
        return Ingested(
            read,
            unchanged,
            removed,
            first(self.tasks, RAW_TASKS.empty()),
            attribute_columns,
            first(self.leaders, RAW_TASK_LEADERS.empty()),
            first(self.rejected, REJECTED_ROWS.empty()),
            self.rejected_read,
            *totals,
            columns=pl.concat([RAW_COLUMN_READINGS.empty(), *self.columns], how="vertical_relaxed"),
        )


def _write_reports(
    con: duckdb.DuckDBPyConnection,
    reports: list[Report],
    removed: list[str],
    code_version: str,
    pipeline_version: str,
    run_id: str,
    summary: _Summary,
) -> None:
    """One batch of reports normalised (one polars pass over its cells) and written in place of their rows
    and those of the reports gone, then recorded in state."""
    tasks = normalise_tasks(pl.concat([r.tasks for r in reports])) if reports else RAW_TASKS.empty()
    attributes = (
        normalise_attributes(pl.concat([r.attributes for r in reports])) if reports else RAW_TASK_ATTRIBUTES.empty()
    )
    leaders = pl.concat([r.leaders for r in reports]) if reports else RAW_TASK_LEADERS.empty()
    rejected = pl.concat([r.rejected for r in reports]) if reports else REJECTED_ROWS.empty()
    report_rows = pl.DataFrame([r.summary() for r in reports], schema=RAW_REPORTS.schema)
    columns = pl.concat([r.columns for r in reports]) if reports else RAW_COLUMN_READINGS.empty()
    replaced = [r.report_id for r in reports] + removed
    written = ((RAW_TASKS, tasks), (RAW_TASK_ATTRIBUTES, attributes), (RAW_TASK_LEADERS, leaders),
               (REJECTED_ROWS, rejected), (RAW_REPORTS, report_rows), (RAW_COLUMN_READINGS, columns))  # fmt: skip
    for table, frame in written:
        replace_reports(con, table.qualified, frame, replaced)
    state.record_readings(
        con, {r.report_id: r.content_hash for r in reports}, removed, code_version, pipeline_version, run_id
    )
    summary.wrote = True
    summary.read += [r.report_id for r in reports]
    summary.add(tasks, attributes, leaders, rejected, columns)


def _read_reports(paths: list[Path], progress: Progress, done: int, total: int) -> list[Report]:
    """Each file read as written (normalised with its batch), saying how far the ingest got."""
    reports = [read_or_quarantine(path, normalised=False) for path in paths]
    tasks = sum(r.tasks.height for r in reports)
    progress(f"read {done + len(paths)}/{total} reports ({tasks:,} tasks in this batch of {len(paths)})")
    return reports


def _any_kept_readable(con: duckdb.DuckDBPyConnection, unchanged: list[str]) -> bool:
    if not unchanged or table_columns(con, RAW_REPORTS.qualified) is None:
        return False
    return (
        con.execute(
            f"select count(*) from {RAW_REPORTS.qualified} where report_id in (select unnest(?::varchar[])) "
            "and read_status <> 'rejected'",
            [unchanged],
        ).fetchall()[0][0]
        > 0
    )


def _rejected_files(
    con: duckdb.DuckDBPyConnection, reports: list[Report], unchanged: list[str]
) -> list[tuple[str, str, str, str]]:
    """Each file's (status, file, place, reason), when no report of the folder, read now or kept, is read."""
    kept = (
        con.execute(
            f"select read_status, source_file, rejected_place, rejected_reason from {RAW_REPORTS.qualified} "
            "where report_id in (select unnest(?::varchar[])) order by report_id",
            [unchanged],
        ).fetchall()
        if unchanged and table_columns(con, RAW_REPORTS.qualified) is not None
        else []
    )
    return [("rejected", r.source_file, r.rejected_place or "", r.rejected_reason or "") for r in reports] + [
        ("rejected", file, place, reason) for _, file, place, reason in kept
    ]


@dataclass(frozen=True)
class Derived:
    recomputed: list[str]
    dropped: list[str]


# Units cells are read a batch of about this many tasks at a time.
UNITS_BATCH_TASKS = 200_000


def derive_unit_assignments(con: duckdb.DuckDBPyConnection, run_id: str) -> Derived:
    """raw_unit_assignments for the reports read anew: each units cell read (lead, names, roles, types)."""
    table = RAW_UNIT_ASSIGNMENTS.qualified
    rebuild, dropped = state.reports_to_rebuild(con, table)
    for i, batch in enumerate(batches_by_tasks(con, rebuild, UNITS_BATCH_TASKS) or [[]]):
        cells = read_query(
            con,
            f"select report_id, task_id, units_raw, lead_units_raw, support_units_raw from {RAW_TASKS.qualified} "
            "where report_id in (select unnest(?::varchar[]))",
            [batch],
        )
        replace_reports(con, table, unit_assignments(cells), batch + (dropped if i == 0 else []))
    state.record_derived(con, table, rebuild, dropped, run_id)
    return Derived(rebuild, dropped)


@dataclass(frozen=True)
class Extracted:
    recomputed: list[str]
    dropped: list[str]
    tasks: int
    seconds: float
    written: dict[str, int]  # rows written per table, for the recomputed reports
    estimates: int
    part_year: int
    paired: int
    preview: pl.DataFrame
    templates_read: int  # templates read anew (the others' readings were kept from earlier runs)


# (tasks Parquet file, folder for the rows, number of tasks, the template readings kept, as Parquet) -> per
# table ("targets", "actuals", "pairs", and "readings" where the engine keeps them) the Parquet files of its
# rows: the local worker processes (batch.extract_mentions_to_files) or Spark.
Extractor = Callable[[Path, Path, int, Path], dict[str, list[str]]]


def derive_mentions(con: duckdb.DuckDBPyConnection, run_id: str, extract: Extractor | None = None) -> Extracted:
    """Targets from requirements, actuals from completions and their pairs, for the reports read anew."""
    if extract is None:
        # Imported here: the extraction (and scipy's assignment solver) loads only in the process that
        # extracts, not in every process that loads the definitions.
        from pipelines.core.extraction.batch import extract_mentions_to_files as extract

    rebuild, dropped = state.reports_to_rebuild(con, RAW_TARGET_MENTIONS.qualified)
    with tempfile.TemporaryDirectory(prefix="extraction-") as tmp:
        # The tasks go to the extraction workers, and their rows come back, as Parquet files: a
        # million rows at 1,000 reports never pass through this process's memory.
        tasks_file = Path(tmp) / "tasks.parquet"
        con.sql(
            f"select report_id, task_id, requirement, completion from {RAW_TASKS.qualified} "
            "where report_id in (select unnest(?::varchar[]))",
            params=[rebuild],
        ).write_parquet(str(tasks_file))
        n_tasks = con.execute("select count(*) from read_parquet(?)", [str(tasks_file)]).fetchone()[0]
        readings_file = _kept_readings(con, Path(tmp) / "readings.parquet")
        started = time.perf_counter()
        files = extract(tasks_file, Path(tmp), n_tasks, readings_file)
        seconds = time.perf_counter() - started
        read_anew = _keep_readings(con, files.get("readings", []))
        read = {name: f"read_parquet({[str(f) for f in paths]!r})" for name, paths in files.items()}
        read["actuals"] = with_report_period(read["actuals"])
        written = {
            table.name: replace_reports(con, table.qualified, read[name], rebuild + dropped)
            for table, name in (
                (RAW_TARGET_MENTIONS, "targets"),
                (RAW_ACTUAL_MENTIONS, "actuals"),
                (RAW_TARGET_PAIRS, "pairs"),
            )
        }
        state.record_derived(con, RAW_TARGET_MENTIONS.qualified, rebuild, dropped, run_id)
        estimates, part_year = con.execute(
            f"select count(*) filter (is_estimate), count(*) filter (is_part_year) from {read['actuals']}"
        ).fetchall()[0]
        # fetchall: a relation (below) may not follow an execute() whose result was not read to its end.
        paired = con.execute(f"select count(actual_seq) from {read['pairs']}").fetchall()[0][0]
        preview = pl.from_arrow(
            con.sql(
                f"select task_id, span, value, unit, comparator, direction from {read['targets']} limit 5"
            ).to_arrow_table()
        )
    return Extracted(rebuild, dropped, n_tasks, seconds, written, estimates, part_year, paired, preview, read_anew)


def _kept_readings(con: duckdb.DuckDBPyConnection, path: Path) -> Path | None:
    """The template readings of this extraction code as a Parquet file the extraction reads, or None when
    there are none. Another code's readings are dropped first: each template is read again, once."""
    table = TEMPLATE_READINGS.qualified
    if table_columns(con, table) is None:
        return None
    con.execute(f"delete from {table} where extraction_code <> ?", [extraction_fingerprint()])
    con.sql(f"select * exclude (extraction_code) from {table}").write_parquet(str(path))
    return path


def _keep_readings(con: duckdb.DuckDBPyConnection, files: list[str]) -> int:
    """Add the templates read in this run to staging.template_readings; how many there were."""
    if not files:
        return 0
    table, source = TEMPLATE_READINGS.qualified, f"read_parquet({files!r})"
    columns = ", ".join(TEMPLATE_READINGS.columns)
    with transaction(con):
        if table_columns(con, table) is None:
            con.execute(f"create table {table} as select {columns} from "
                        f"(select *, ''::varchar as extraction_code from {source}) where false")  # fmt: skip
        return con.execute(
            f"insert into {table} ({columns}) select {columns.replace('extraction_code', '?')} from {source} "
            f"where template_key not in (select template_key from {table})",
            [extraction_fingerprint()],
        ).fetchall()[0][0]


def with_report_period(actuals: str) -> str:
    """Actuals whose text states no period take the report's period (a header such as 前三季度完成情况,
    the title, the file name), when the report says one: "增长8.6%" in a Q3 table is a 1-9月 figure."""
    own = "a.period_stated or r.months_covered is null"
    return (
        f"(select a.* replace (case when {own} then a.period else r.period end as period, "
        f"case when {own} then a.is_part_year else r.months_covered < 12 end as is_part_year, "
        f"case when {own} then a.months_covered else r.months_covered end as months_covered) "
        f"from {actuals} a left join {RAW_REPORTS.qualified} r using (report_id))"
    )


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses other work on a connection whose result is not read to the end.
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


@dataclass(frozen=True)
class Linked:
    reports: int
    plans: int
    reports_without_plan: list[str]
    tasks: int
    links: dict[str, int]  # link_method -> tasks
    plans_relinked: int
    reports_relinked: int


# Plans are linked in batches of about this many tasks (a plan is never split).
LINK_BATCH_TASKS = 200_000


def _plan_batches(con: duckdb.DuckDBPyConnection, report_plans: pl.DataFrame, max_tasks: int) -> Iterator[pl.DataFrame]:
    """The report_plans rows, whole plans at a time, in batches of at most `max_tasks` tasks (a larger plan
    alone). A report without a plan is a plan of its own."""
    counts = read_query(
        con,
        f"select report_id, count(*) as tasks from {RAW_TASKS.qualified} "
        "where report_id in (select unnest(?::varchar[])) group by report_id",
        [report_plans["report_id"].to_list()],
    )
    plans = (
        report_plans.join(counts, on="report_id", how="left")
        .with_columns(pl.coalesce("plan_id", "report_id").alias("plan"), pl.col("tasks").fill_null(0))
        .sort("plan", "report_seq")
    )
    sizes = plans.group_by("plan", maintain_order=True).agg(pl.col("tasks").sum())
    for batch in packed(sizes.iter_rows(), max_tasks):
        yield plans.filter(pl.col("plan").is_in(batch)).select(report_plans.columns)


def link_plan_tasks(con: duckdb.DuckDBPyConnection, mapping_file: Path, run_id: str) -> Linked:
    """raw_report_plans (rebuilt whole: a few rows a report) and raw_task_links, relinked only for the plans
    that changed: a plan with a report read anew or gone, or whose reports' assignment changed (the mapping
    file was edited, a report's own words changed). A plan's links depend on all of its reports, so such a
    plan is relinked whole; the others keep theirs."""
    reports = read_query(
        con, f"select report_id, place, year, plan_type, report_kind, months_covered from {RAW_REPORTS.qualified}"
    )
    mapping = read_report_plans(mapping_file)
    candidates = read_query(  # a report of unknown plan type joins the plan its tasks match
        con,
        f"select report_id, requirement from {RAW_TASKS.qualified} where report_id in (select unnest(?::varchar[]))",
        [task_match_candidates(reports)],
    )
    report_plans = assign_plans(reports, mapping, candidates)
    before = (
        read_table(con, RAW_REPORT_PLANS.qualified)
        if table_columns(con, RAW_REPORT_PLANS.qualified)
        else RAW_REPORT_PLANS.empty()
    )
    rebuild, dropped = state.reports_to_rebuild(con, RAW_TASK_LINKS.qualified)
    same = {"on": list(RAW_REPORT_PLANS.schema), "how": "anti", "nulls_equal": True}
    moved = pl.concat([report_plans.join(before, **same), before.join(report_plans, **same)])
    touched = set(rebuild) | set(dropped) | set(moved["report_id"])
    plan_of = pl.concat([before, report_plans]).select("report_id", pl.coalesce("plan_id", "report_id").alias("plan"))
    relink_plans = set(plan_of.filter(pl.col("report_id").is_in(touched))["plan"])
    relink = report_plans.filter(pl.coalesce("plan_id", "report_id").is_in(relink_plans))
    gone = sorted(set(before["report_id"]) - set(report_plans["report_id"]))
    arrow = report_plans.to_arrow()  # noqa: F841 - read by DuckDB below
    con.execute(f"create or replace table {RAW_REPORT_PLANS.qualified} as select * from arrow")
    # A plan is linked whole, a batch of plans at a time: memory is bounded by a batch, not by the folder.
    first = True
    for batch in _plan_batches(con, relink, LINK_BATCH_TASKS):
        tasks = read_query(
            con,
            f"select report_id, task_id, requirement from {RAW_TASKS.qualified} "
            "where report_id in (select unnest(?::varchar[]))",
            [batch["report_id"].to_list()],
        )
        replaced = set(batch["report_id"]) | (set(dropped) | set(gone) if first else set())
        replace_reports(con, RAW_TASK_LINKS.qualified, link_tasks(tasks, batch), sorted(replaced))
        first = False
    if first:  # nothing to relink: the reports gone still leave
        replace_reports(con, RAW_TASK_LINKS.qualified, RAW_TASK_LINKS.empty(), sorted(set(dropped) | set(gone)))
    state.record_derived(con, RAW_TASK_LINKS.qualified, relink["report_id"].to_list(), dropped, run_id)
    methods = dict(con.execute(f"select link_method, count(*) from {RAW_TASK_LINKS.qualified} group by 1").fetchall())
    return Linked(
        reports=report_plans.height,
        plans=report_plans["plan_id"].drop_nulls().n_unique(),
        reports_without_plan=report_plans.filter(pl.col("plan_id").is_null())["report_id"].sort().to_list(),
        tasks=sum(methods.values()),
        links=methods,
        plans_relinked=len({p for p in relink["plan_id"].to_list() if p is not None}),
        reports_relinked=relink.height,
    )
