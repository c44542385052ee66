"""Tasks frame -> target mentions, actual mentions and target-actual pairs (polars frames).

Each task is read once per template (pipelines.templates: its two texts with their numbers masked,
so that reports repeating a phrasing with other numbers share one reading); the template's mentions
and pairs then take each task's own numbers, words and spans, which stand at the same places.
tests/test_templates.py holds that this is the reading of the task's own texts.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import polars as pl

from pipelines.extraction import _ARABIC_QUANTITY, Mention, extract_actuals, extract_targets, parse_number
from pipelines.pairing import Pair, pair_targets
from pipelines.rules import unit_kind
from pipelines.templates import restore, template

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


Reading = tuple[tuple[Mention, ...], tuple[Mention, ...], list[Pair]]


def read_task(requirement: str, completion: str) -> Reading:
    """Targets, actuals and pairs of one task, read from its own texts."""
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    return targets, actuals, pair_targets(targets, actuals, requirement, completion)


@lru_cache(maxsize=1 << 16)
def _read_template(requirement: str, completion: str) -> Reading:
    return read_task(requirement, completion)


def _own_values(m: Mention, text: str) -> tuple[float, float, float | None]:
    """(value, normalised value, upper) of a template's mention, from the task's own number."""
    match = _ARABIC_QUANTITY.match(text, m.number_start)
    if match is None:  # a Chinese numeral: not masked
        return m.value, m.normalised_value, m.upper
    value = parse_number(match["num"])
    value = -value if m.value < 0 else value  # a decline, read from the words
    return value, value * m.multiplier, parse_number(match["upper"]) if match["upper"] else None


def _task_rows(key: tuple[str, int], requirement: str, completion: str) -> tuple[list, list, list]:
    """The task's target, actual and pair rows: its template's reading with its own numbers."""
    req_template, req_numbers = template(requirement)
    comp_template, comp_numbers = template(completion)
    targets, actuals, pairs = _read_template(req_template, comp_template)
    target_rows = []
    for m in targets:
        value, normalised, upper = _own_values(m, requirement)
        target_rows.append((
            *key, m.seq, restore(m.metric, req_numbers), value, m.unit, upper, normalised, m.normalised_unit,
            unit_kind(m.normalised_unit), m.comparator, m.direction, m.is_cumulative,
            requirement[m.span_start : m.span_end], m.span_start, m.span_end,
        ))
    actual_rows = []
    for m in actuals:
        value, normalised, _ = _own_values(m, completion)
        actual_rows.append((
            *key, m.seq, restore(m.metric, comp_numbers), value, m.unit, normalised, m.normalised_unit,
            unit_kind(m.normalised_unit), m.direction, restore(m.period, comp_numbers), m.is_part_year,
            m.is_estimate, m.is_completion_ratio, m.months_covered,
            completion[m.span_start : m.span_end], m.span_start, m.span_end,
        ))
    return target_rows, actual_rows, [(*key, p.target_seq, p.actual_seq, p.similarity) for p in pairs]


def extract_mentions(tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(targets, actuals, pairs) for every task. Span offsets are 0-based character positions."""
    targets, actuals, pairs = [], [], []
    for report_id, task_id, requirement, completion in tasks.select(
        "report_id", "task_id", "requirement", "completion"
    ).iter_rows():
        task_targets, task_actuals, task_pairs = _task_rows((report_id, task_id), requirement or "", completion or "")
        targets += task_targets
        actuals += task_actuals
        pairs += task_pairs
    return (
        pl.DataFrame(targets, schema=TARGET_SCHEMA, orient="row"),
        pl.DataFrame(actuals, schema=ACTUAL_SCHEMA, orient="row"),
        pl.DataFrame(pairs, schema=PAIR_SCHEMA, orient="row"),
    )


# Below this many tasks, starting worker processes (each imports the extraction code) costs more
# than it saves.
PARALLEL_MIN_TASKS = 20000


def extract_mentions_parallel(tasks: pl.DataFrame, workers: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """extract_mentions over shares of the tasks in worker processes (one per core), each template
    read by one worker only; same rows, ordered by task."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or tasks.height < PARALLEL_MIN_TASKS:
        return extract_mentions(tasks)
    # Texts without their digits: the same for every task of a template (and cheap, in polars).
    share = (
        pl.concat_str(pl.col("requirement").fill_null(""), pl.col("completion").fill_null(""))
        .str.replace_all(r"\d", "")
        .hash()
        % workers
    )
    shares = tasks.select("report_id", "task_id", "requirement", "completion", share.alias("share")).partition_by(
        "share", include_key=False
    )
    # spawn, not fork: forking a process whose polars/DuckDB thread pools are running can deadlock.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(extract_mentions, shares))
    keys = (["report_id", "task_id", "target_seq"], ["report_id", "task_id", "actual_seq"],
            ["report_id", "task_id", "target_seq"])
    return tuple(pl.concat([part[i] for part in parts]).sort(keys[i]) for i in range(3))  # type: ignore[return-value]
