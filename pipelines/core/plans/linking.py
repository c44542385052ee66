"""Each task of a plan's reports -> its plan task: the same task through the year.

Within a plan (`plans.assignment`), reports are taken in order: the first report's tasks are the plan's tasks;
each later report's tasks are assigned to them one to one by the similarity of their requirements
(`TASK_LINK_METHODS`), and a task that reaches no plan task's bar becomes a plan task of its own. A report
whose plan cannot be told keeps its tasks as plan tasks of their own. Comparisons never leave a plan
(blocking by plan), and within it a task is compared with each plan task's first and latest text only: a
report costs (its tasks × the plan's tasks) comparisons, whatever the number of reports before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from pipelines.core.rules import LINK_IGNORED_CHARACTERS, TASK_LINK_METHODS
from pipelines.core.warehouse.tables import RAW_TASK_LINKS

_IGNORED = str.maketrans("", "", LINK_IGNORED_CHARACTERS)
_LOWEST_BAR = min(bar for _, bar, _ in TASK_LINK_METHODS)


def link_text(requirement: str | None) -> str:
    return (requirement or "").translate(_IGNORED)


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
            by_text = (
                process.cdist([texts[i] for i in rest], list(pool), scorer=fuzz.ratio, dtype=np.float64, workers=-1)
                / 100
            )
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
        for i, j in zip(*linear_sum_assignment(usable, maximize=True), strict=False):
            if usable[i, j] > 0:
                others = np.delete(scores[i], j)
                linked[i] = (j, float(scores[i, j]), float(others.max()) if others.size else None)
    for i, (task_id, text) in enumerate(zip(task_ids, texts, strict=False)):
        if i in linked:
            j, similarity, runner_up = linked[i]
            rows.append(
                {
                    "task_id": task_id,
                    "plan_task_id": plan.ids[j],
                    "link_method": link_method(similarity),
                    "similarity": similarity,
                    "runner_up_similarity": runner_up,
                }
            )
            plan.latest[j] = text
        else:
            rows.append(
                {
                    "task_id": task_id,
                    "plan_task_id": f"{report_id}/{task_id}",
                    "link_method": "first_seen",
                    "similarity": None,
                    "runner_up_similarity": None,
                }
            )
    for i, (task_id, text) in enumerate(zip(task_ids, texts, strict=False)):
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
