"""Tasks frame -> target mentions, actual mentions and target-actual pairs (polars frames).

Each distinct text is read once (reports repeat tasks, and many completions repeat), then joined
back onto every task that carries it.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from pipelines.extraction import Mention, extract_actuals, extract_targets
from pipelines.rules import unit_kind
from pipelines.pairing import pair_targets

TARGET_SCHEMA = {
    "report_id": pl.String,
    "task_id": pl.Int64,
    "target_seq": pl.Int64,
    "metric": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "upper_value": pl.Float64,
    "normalised_value": pl.Float64,
    "normalised_unit": pl.String,
    "unit_kind": pl.String,
    "comparator": pl.String,
    "direction": pl.String,
    "is_cumulative": pl.Boolean,
    "span": pl.String,
    "span_start": pl.Int64,
    "span_end": pl.Int64,
}
ACTUAL_SCHEMA = {
    "report_id": pl.String,
    "task_id": pl.Int64,
    "actual_seq": pl.Int64,
    "metric": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "normalised_value": pl.Float64,
    "normalised_unit": pl.String,
    "unit_kind": pl.String,
    "direction": pl.String,
    "period": pl.String,
    "is_part_year": pl.Boolean,
    "is_estimate": pl.Boolean,
    "is_completion_ratio": pl.Boolean,
    "months_covered": pl.Int64,
    "span": pl.String,
    "span_start": pl.Int64,
    "span_end": pl.Int64,
}
PAIR_SCHEMA = {
    "report_id": pl.String,
    "task_id": pl.Int64,
    "target_seq": pl.Int64,
    "actual_seq": pl.Int64,
    "pairing_similarity": pl.Float64,
}


def _target_row(key: tuple[str, int], m: Mention) -> tuple:
    return (*key, m.seq, m.metric, m.value, m.unit, m.upper, m.normalised_value, m.normalised_unit,
            unit_kind(m.normalised_unit), m.comparator, m.direction, m.is_cumulative, m.span, m.span_start, m.span_end)


def _actual_row(key: tuple[str, int], m: Mention) -> tuple:
    return (*key, m.seq, m.metric, m.value, m.unit, m.normalised_value, m.normalised_unit,
            unit_kind(m.normalised_unit), m.direction,
            m.period, m.is_part_year, m.is_estimate, m.is_completion_ratio, m.months_covered,
            m.span, m.span_start, m.span_end)


def extract_mentions(tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(targets, actuals, pairs) for every task. Span offsets are 0-based character positions."""
    targets, actuals, pairs = [], [], []
    for report_id, task_id, requirement, completion in tasks.select(
        "report_id", "task_id", "requirement", "completion"
    ).iter_rows():
        key = (report_id, task_id)
        task_targets = extract_targets(requirement or "")
        task_actuals = extract_actuals(completion or "")
        targets += [_target_row(key, m) for m in task_targets]
        actuals += [_actual_row(key, m) for m in task_actuals]
        pairs += [(*key, p.target_seq, p.actual_seq, p.similarity)
                  for p in pair_targets(task_targets, task_actuals, requirement or "", completion or "")]
    return (
        pl.DataFrame(targets, schema=TARGET_SCHEMA, orient="row"),
        pl.DataFrame(actuals, schema=ACTUAL_SCHEMA, orient="row"),
        pl.DataFrame(pairs, schema=PAIR_SCHEMA, orient="row"),
    )


# Below this many tasks, starting worker processes (each imports the extraction code) costs more
# than it saves.
PARALLEL_MIN_TASKS = 20000


def extract_mentions_parallel(tasks: pl.DataFrame, workers: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """extract_mentions over chunks of tasks in worker processes (one per core); same result, in order."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or tasks.height < PARALLEL_MIN_TASKS:
        return extract_mentions(tasks)
    size = -(-tasks.height // workers)
    chunks = [tasks.slice(i, size) for i in range(0, tasks.height, size)]
    # spawn, not fork: forking a process whose polars/DuckDB thread pools are running can deadlock.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(extract_mentions, chunks))
    return tuple(pl.concat([part[i] for part in parts]) for i in range(3))  # type: ignore[return-value]
