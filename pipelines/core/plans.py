"""One plan through the year: the plan each report belongs to, and the plan task each of its tasks is.

A plan is one place's work plan of one year and kind (重点工作, 民生实事 …): its task breakdown in spring, its
progress reports and its completion table are reports of the same plan. A report's plan is what the report
says of itself (place, year, plan type: `report_context`), where the mapping file
(`dbt_project/seeds/report_plans.csv`, edited by a data engineer) gives no other value; a report whose plan
cannot be told has none, and its tasks stay plan tasks of their own.

Within a plan, reports are taken in order (`REPORT_KIND_ORDER`, then the months they cover): the first
report's tasks are the plan's tasks; each later report's tasks are assigned to them one to one by the
similarity of their requirements (`TASK_LINK_METHODS`), and a task that reaches no plan task's bar becomes a
plan task of its own. Comparisons never leave a plan (blocking by plan), and
within it a task is compared with each plan task's first and latest text only: a report costs (its tasks ×
the plan's tasks) comparisons, whatever the number of reports before it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from pipelines.core.rules import LINK_IGNORED_CHARACTERS, REPORT_KIND_ORDER, TASK_LINK_METHODS
from pipelines.core.tables import RAW_REPORT_PLANS, RAW_TASK_LINKS

MAPPING_COLUMNS = ("report_id", "place", "year", "plan_type", "note")
_IGNORED = str.maketrans("", "", LINK_IGNORED_CHARACTERS)
_LOWEST_BAR = min(bar for _, bar, _ in TASK_LINK_METHODS)


class MappingError(ValueError):
    pass


def read_report_plans(path: Path) -> pl.DataFrame:
    """The mapping file: a row per report whose plan its own words do not tell (blank cells keep the report's)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != MAPPING_COLUMNS:
            raise MappingError(f"{path}: line 1: the columns must be {', '.join(MAPPING_COLUMNS)}")
        rows, seen = [], {}
        for line, row in enumerate(reader, start=2):
            year = (row["year"] or "").strip()
            if year and not year.isdigit():
                raise MappingError(f"{path}: line {line}: year {year!r} is not a year")
            if (report_id := row["report_id"].strip()) in seen:
                raise MappingError(f"{path}: line {line}: {report_id} is already on line {seen[report_id]}")
            seen[report_id] = line
            rows.append({"report_id": report_id, "place": (row["place"] or "").strip() or None,
                         "year": int(year) if year else None,
                         "plan_type": (row["plan_type"] or "").strip() or None})
    return pl.DataFrame(rows, schema={"report_id": pl.String, "place": pl.String, "year": pl.Int64,
                                      "plan_type": pl.String})


def assign_plans(reports: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """Each report's place, year and plan type (the mapping's where it gives one), and its plan:
    `place-year-plan_type` when all three are known, else null."""
    given = mapping.rename({c: f"{c}_mapped" for c in ("place", "year", "plan_type")})
    joined = reports.select("report_id", "place", "year", "plan_type").join(given, on="report_id", how="left")
    mapped = pl.any_horizontal(pl.col(f"{c}_mapped").is_not_null() for c in ("place", "year", "plan_type"))
    out = joined.select(
        "report_id",
        *(pl.coalesce(f"{c}_mapped", c).alias(c) for c in ("place", "year", "plan_type")),
        pl.when(mapped).then(pl.lit("mapping")).otherwise(pl.lit("report")).alias("plan_assigned_by"),
    )
    known = pl.all_horizontal(pl.col(c).is_not_null() for c in ("place", "year", "plan_type"))
    plan_id = pl.when(known).then(pl.concat_str("place", pl.col("year").cast(pl.String), "plan_type", separator="-"))
    out = report_order(out.with_columns(plan_id.alias("plan_id")).join(
        reports.select("report_id", "report_kind", "months_covered"), on="report_id", how="left"))
    seq = pl.int_range(1, pl.len() + 1).over(pl.col("plan_id").fill_null(pl.col("report_id")))
    return out.with_columns(seq.alias("report_seq")).select(list(RAW_REPORT_PLANS.schema))


def link_text(requirement: str | None) -> str:
    return (requirement or "").translate(_IGNORED)


def report_order(reports: pl.DataFrame) -> pl.DataFrame:
    """A plan's reports in the order their tasks become plan tasks."""
    rank = {kind: i for i, kind in enumerate(REPORT_KIND_ORDER)}
    return reports.with_columns(
        pl.col("report_kind").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("_rank"),
    ).sort("_rank", "months_covered", "report_id", nulls_last=True).drop("_rank")


@dataclass
class PlanTasks:
    """The plan tasks found so far in one plan, each with the text it started with and its latest text: a task
    is compared with both, so a rewording that drifts report by report still links, and the work per report
    stays bounded by the plan's tasks, not by how many reports repeated them."""

    ids: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    latest: list[str] = field(default_factory=list)

    def new_task(self, plan_task_id: str, text: str) -> None:
        self.ids.append(plan_task_id)
        self.first.append(text)
        self.latest.append(text)

    def similarity(self, texts: list[str]) -> np.ndarray:
        """(len(texts) × plan tasks): each text's similarity with each plan task (the better of its two texts).
        A text found as it is (the same task, unchanged) is 1.0 by lookup; only the others are compared, each
        distinct plan text once, on every core."""
        scores = np.zeros((len(texts), len(self.ids)))
        pool: dict[str, list[int]] = {}
        for task, text in [*enumerate(self.first), *enumerate(self.latest)]:
            owners = pool.setdefault(text, [])
            if task not in owners:
                owners.append(task)
        rest = []
        for i, text in enumerate(texts):
            if text in pool:
                scores[i, pool[text]] = 1.0
            else:
                rest.append(i)
        if rest:
            by_text = process.cdist([texts[i] for i in rest], list(pool), scorer=fuzz.ratio, dtype=np.float64,
                                    workers=-1) / 100
            owner = np.array([task for owners in pool.values() for task in owners])
            column = np.array([k for k, owners in enumerate(pool.values()) for _ in owners])
            best = np.zeros((len(rest), len(self.ids)))
            np.maximum.at(best.T, owner, by_text.T[column])
            scores[rest] = best
        return scores


def link_method(similarity: float) -> str | None:
    return next((method for method, bar, _ in TASK_LINK_METHODS if similarity >= bar), None)


def link_report(plan: PlanTasks, report_id: str, task_ids: list[int], texts: list[str]) -> list[dict]:
    """One report's tasks against the plan tasks so far; then its unlinked tasks become plan tasks."""
    from scipy.optimize import linear_sum_assignment

    rows: list[dict] = []
    linked: dict[int, tuple[int, float, float | None]] = {}
    if plan.ids:
        scores = plan.similarity(texts)
        usable = np.where(scores >= _LOWEST_BAR, scores, 0.0)
        for i, j in zip(*linear_sum_assignment(usable, maximize=True)):
            if usable[i, j] > 0:
                others = np.delete(scores[i], j)
                linked[i] = (j, float(scores[i, j]), float(others.max()) if others.size else None)
    for i, (task_id, text) in enumerate(zip(task_ids, texts)):
        if i in linked:
            j, similarity, runner_up = linked[i]
            rows.append({"task_id": task_id, "plan_task_id": plan.ids[j], "link_method": link_method(similarity),
                         "similarity": similarity, "runner_up_similarity": runner_up})
            plan.latest[j] = text
        else:
            rows.append({"task_id": task_id, "plan_task_id": f"{report_id}/{task_id}", "link_method": "first_seen",
                         "similarity": None, "runner_up_similarity": None})
    for i, (task_id, text) in enumerate(zip(task_ids, texts)):
        if i not in linked:
            plan.new_task(f"{report_id}/{task_id}", text)
    return [{"report_id": report_id, **row} for row in rows]


def link_tasks(tasks: pl.DataFrame, report_plans: pl.DataFrame) -> pl.DataFrame:
    """Every task (report_id, task_id, requirement) with its plan and plan task, the reports of each plan taken
    in their order (`report_seq`, from assign_plans)."""
    ordered = report_plans.sort("report_seq")
    by_report = {key[0]: frame for key, frame in tasks.sort("task_id").group_by("report_id")}
    rows: list[dict] = []
    plans: dict[str, PlanTasks] = {}
    for report_id, plan_id in ordered.select("report_id", "plan_id").iter_rows():
        frame = by_report.get(report_id)
        if frame is None:
            continue
        task_ids = frame["task_id"].to_list()
        texts = [link_text(t) for t in frame["requirement"].to_list()]
        plan = plans.setdefault(plan_id, PlanTasks()) if plan_id is not None else PlanTasks()
        rows += [{**row, "plan_id": plan_id} for row in link_report(plan, report_id, task_ids, texts)]
    return pl.DataFrame(rows, schema=RAW_TASK_LINKS.schema)
