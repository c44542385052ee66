"""What linking tasks across a plan's reports costs, and how it grows: the seed's tasks as N reports (the
synthetic corpus' wording: shuffled, a few dropped, numbers perturbed), either all of one plan (the worst
case: every report compared with every plan task) or ten reports a plan (a year's breakdown, progress
reports and completion table; blocking by plan keeps each comparison inside one).

    python -m pipelines.tooling.bench.linking [--reports 1000]
"""

from __future__ import annotations

import argparse
import random
import time

import polars as pl

from pipelines.core.layout.tasks import read_report
from pipelines.core.plans.assignment import assign_plans
from pipelines.core.plans.linking import link_tasks
from pipelines.tooling.bench.corpus import DROP_SHARE, SEED_FILE, _perturb_numbers

REPORTS_PER_PLAN = 10


def corpus(n_reports: int, reports_per_plan: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(reports, tasks) of n_reports, `reports_per_plan` to a plan, each plan's reports over the months."""
    seed_tasks = read_report(SEED_FILE).tasks["requirement"].to_list()
    rng = random.Random(seed)
    reports, tasks = [], []
    for i in range(n_reports):
        report_id = f"synthetic-{i:05d}"
        reports.append(
            {
                "report_id": report_id,
                "place": f"place{i // reports_per_plan}",
                "year": 2024,
                "plan_type": "重点工作",
                "report_kind": "progress",
                "months_covered": 1 + (i % reports_per_plan) % 12,
            }
        )
        kept = [t for t in seed_tasks if rng.random() > DROP_SHARE]
        rng.shuffle(kept)
        tasks += [
            {"report_id": report_id, "task_id": n, "requirement": _perturb_numbers(t, rng)}
            for n, t in enumerate(kept, start=1)
        ]
    return pl.DataFrame(reports), pl.DataFrame(tasks)


def measure(n_reports: int, reports_per_plan: int) -> dict:
    reports, tasks = corpus(n_reports, reports_per_plan)
    started = time.perf_counter()
    links = link_tasks(
        tasks,
        assign_plans(
            reports,
            pl.DataFrame(schema={"report_id": pl.String, "place": pl.String, "year": pl.Int64, "plan_type": pl.String}),
        ),
    )
    seconds = time.perf_counter() - started
    methods = dict(links.group_by("link_method").len().iter_rows())
    return {
        "reports": n_reports,
        "per_plan": reports_per_plan,
        "tasks": tasks.height,
        "seconds": seconds,
        "linked": methods.get("same", 0) + methods.get("similar", 0),
        "first_seen": methods.get("first_seen", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'reports':>8} {'a plan':>7} {'tasks':>8} {'seconds':>8} {'µs/task':>8} {'linked':>8} {'new':>6}")
    for n, per_plan in (
        (100, REPORTS_PER_PLAN),
        (args.reports, REPORTS_PER_PLAN),
        (100, 100),
        (args.reports, args.reports),
    ):
        m = measure(n, per_plan)
        print(
            f"{m['reports']:>8,} {m['per_plan']:>7,} {m['tasks']:>8,} {m['seconds']:>8.2f} "
            f"{1e6 * m['seconds'] / m['tasks']:>8.1f} {m['linked']:>8,} {m['first_seen']:>6,}"
        )


if __name__ == "__main__":
    main()
