"""Tasks frame -> target mentions, actual mentions and target-actual pairs (polars frames).

Each task is read once per template (pipelines.core.extraction.templates: its two texts with their numbers masked,
so that reports repeating a phrasing with other numbers share one reading); the template's mentions
and pairs then take each task's own numbers, words and spans, which stand at the same places. A template's
reading is kept across runs (staging.template_readings, `read_mentions(known=…)`), so a template is read
once per extraction code, not once per run. tests/test_templates.py holds that this is the reading of the
task's own texts.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from pipelines.core.extraction.mentions import (
    Mention,
    extract_actuals,
    extract_targets,
    is_part_year,
    months_covered,
    quantity_at,
)
from pipelines.core.extraction.pairing import Pair, pair_targets
from pipelines.core.extraction.templates import STAND_IN_PATTERN, restore, shape, template, template_key
from pipelines.core.rules import MAX_READ_CHARS, unit_kind
from pipelines.core.warehouse.tables import (
    RAW_ACTUAL_MENTIONS,
    RAW_TARGET_MENTIONS,
    RAW_TARGET_PAIRS,
    READING_WORDS,
    TEMPLATE_READINGS,
)
from pipelines.core.workers import worker_pool

TARGET_SCHEMA, ACTUAL_SCHEMA, PAIR_SCHEMA = (
    RAW_TARGET_MENTIONS.schema,
    RAW_ACTUAL_MENTIONS.schema,
    RAW_TARGET_PAIRS.schema,
)


TaskMentions = tuple[tuple[Mention, ...], tuple[Mention, ...], list[Pair]]


def read_task(requirement: str, completion: str) -> TaskMentions:
    """Targets, actuals and pairs of one task, read from its own texts."""
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    return targets, actuals, pair_targets(targets, actuals, requirement, completion)


def _places(m: Mention, text: str) -> tuple:
    match = quantity_at(text, m.number_start)
    if match is None:  # a Chinese numeral
        return None, None, None, None, m.value, m.upper, m.multiplier
    upper = (match.start("upper"), match.end("upper") - match.start("upper")) if match["upper"] else (None, None)
    return match.start("num"), match.end("num") - match.start("num"), *upper, m.value, m.upper, m.multiplier


def _target_row(m: Mention, text: str) -> tuple:
    return (m.seq, m.metric, m.unit, m.normalised_unit, unit_kind(m.normalised_unit), m.comparator,
            m.direction, m.is_cumulative, m.span_start, m.span_end, *_places(m, text))  # fmt: skip


def _actual_row(m: Mention, text: str) -> tuple:
    return (m.seq, m.metric, m.unit, m.normalised_unit, unit_kind(m.normalised_unit), m.direction, m.period,
            m.is_part_year, m.is_estimate, m.is_completion_ratio, m.months_covered, m.period_stated, m.statement,
            m.span_start, m.span_end, *_places(m, text))  # fmt: skip


# One row per template: its targets, actuals and pairs as lists (staging.template_readings, less its code).
READINGS_SCHEMA = {"template_key": pl.String, **{name: TEMPLATE_READINGS.schema[name] for name in READING_WORDS}}


def read_templates(templates: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Each template (key -> its requirement and completion) read: one row of READINGS_SCHEMA each."""
    found: dict[str, list[tuple]] = {name: [] for name in READING_WORDS}
    for key, (requirement, completion) in templates.items():
        targets, actuals, pairs = read_task(requirement, completion)
        found["targets"] += [(key, *_target_row(m, requirement)) for m in targets]
        found["actuals"] += [(key, *_actual_row(m, completion)) for m in actuals]
        found["pairs"] += [(key, *p.row()) for p in pairs]
    readings = pl.DataFrame({"template_key": list(templates)}, schema={"template_key": pl.String})
    for name, rows in found.items():
        flat = pl.DataFrame(rows, orient="row", schema={"template_key": pl.String, **READING_WORDS[name]})
        lists = flat.group_by("template_key", maintain_order=True).agg(pl.struct(list(READING_WORDS[name])).alias(name))
        readings = readings.join(lists, on="template_key", how="left", maintain_order="left")
    empty = [pl.col(name).fill_null(pl.lit([], dtype=READINGS_SCHEMA[name])) for name in READING_WORDS]
    return readings.with_columns(empty).cast(READINGS_SCHEMA)


def _flat(readings: pl.DataFrame, name: str) -> pl.DataFrame:
    """One of a template's lists as rows, keyed by the template."""
    return readings.select("template_key", name).explode(name).drop_nulls(name).unnest(name)


def _own_number(text: str, start: str, length: str) -> pl.Expr:
    return pl.col(text).str.slice(pl.col(start), pl.col(length)).str.replace_all(",", "").cast(pl.Float64)


def _instantiate(mentions: pl.DataFrame, text: str) -> pl.DataFrame:
    """A template's mentions with the task's own numbers and spans (they stand at the same places)."""
    sign = pl.when(pl.col("template_value") < 0).then(-1.0).otherwise(1.0)  # a decline, read from the words
    return mentions.with_columns(
        pl.when(pl.col("num_start").is_not_null())
        .then(_own_number(text, "num_start", "num_len") * sign)
        .otherwise(pl.col("template_value"))
        .alias("value"),
        pl.when(pl.col("upper_start").is_not_null())
        .then(_own_number(text, "upper_start", "upper_len"))
        .otherwise(pl.col("template_upper"))
        .alias("upper_value"),
        pl.col(text).str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start")).alias("span"),
    ).with_columns((pl.col("value") * pl.col("multiplier")).alias("normalised_value"))


def _restore_words(mentions: pl.DataFrame, text: str, columns: list[str]) -> pl.DataFrame:
    """Words read from a template that hold a masked number ("跨境电商9794业务") take the task's digits."""
    held = pl.any_horizontal([pl.col(c).str.contains(STAND_IN_PATTERN) for c in columns])
    holding = mentions.filter(held)
    if holding.is_empty():
        return mentions
    restored: dict[str, list[str]] = {c: [] for c in columns}
    for own_text, *words in holding.select(text, *columns).iter_rows():
        numbers = template(own_text)[1]
        for c, w in zip(columns, words, strict=False):
            restored[c].append(restore(w, numbers))
    holding = holding.with_columns([pl.Series(c, v, dtype=pl.String) for c, v in restored.items()])
    if "period" in columns:  # dates are not masked, so not seen; were it, the months are the task's
        holding = holding.with_columns(
            pl.col("period").map_elements(months_covered, return_dtype=pl.Int64).alias("months_covered"),
            pl.col("period").map_elements(is_part_year, return_dtype=pl.Boolean).alias("is_part_year"),
        )
    return pl.concat([mentions.filter(~held), holding])


def extract_mentions(tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(targets, actuals, pairs) for every task, in task order. Span offsets are 0-based characters."""
    return read_mentions(tasks)[:3]


def _task_templates(tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tasks with their template_key, each template's key and texts): templates worked out once a shape
    (templates.shape), not once a task."""
    shapes = tasks.with_columns(
        shape("requirement").alias("requirement_shape"), shape("completion").alias("completion_shape")
    )
    by_shape = ["requirement_shape", "completion_shape"]
    firsts = shapes.unique(by_shape, keep="first", maintain_order=True)
    requirements = [template(text)[0] for text in firsts["requirement"]]
    completions = [template(text)[0] for text in firsts["completion"]]
    firsts = firsts.select(
        *by_shape,
        pl.Series("requirement", requirements, dtype=pl.String),
        pl.Series("completion", completions, dtype=pl.String),
        pl.Series("template_key", list(map(template_key, requirements, completions)), dtype=pl.String),
    )
    templated = shapes.join(firsts.select(*by_shape, "template_key"), on=by_shape, how="left").drop(by_shape)
    return templated, firsts.unique("template_key", keep="first", maintain_order=True)


def read_mentions(
    tasks: pl.DataFrame, known: pl.LazyFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(targets, actuals, pairs, readings): the mentions of every task, in task order, and the readings of
    the templates read now (READINGS_SCHEMA). A template in `known` (earlier runs' readings, same code) is
    not read again: its reading is joined onto the tasks that have it."""
    # A cell longer than MAX_READ_CHARS is read in part (raw_tasks.text_read_in_part): its first characters.
    tasks = tasks.select(
        "report_id",
        "task_id",
        *(pl.col(c).fill_null("").str.slice(0, MAX_READ_CHARS) for c in ("requirement", "completion")),
    ).with_row_index("task_row")
    tasks, templates = _task_templates(tasks)
    found = (
        (
            known.filter(pl.col("template_key").is_in(templates["template_key"].implode())).collect()
            if known is not None
            else pl.DataFrame(schema=READINGS_SCHEMA)
        )
        .select(list(READINGS_SCHEMA))
        .cast(READINGS_SCHEMA)
    )
    unread = templates.join(found, on="template_key", how="anti")
    read_now = read_templates(
        {k: (r, c) for k, r, c in unread.select("template_key", "requirement", "completion").iter_rows()}
    )
    readings = pl.concat([found, read_now])

    def per_task(name: str, seq: str, schema: dict, text: str | None = None) -> pl.DataFrame:
        own = ["task_row", "report_id", "task_id", "template_key"] + ([text] if text else [])
        joined = tasks.select(own).join(_flat(readings, name), on="template_key", how="inner")
        if text is not None:
            words = ["metric", "period"] if "period" in schema else ["metric"]
            joined = _restore_words(_instantiate(joined, text), text, words)
        return joined.sort("task_row", seq).select(list(schema)).cast(schema)

    return (
        per_task("targets", "target_seq", TARGET_SCHEMA, "requirement"),
        per_task("actuals", "actual_seq", ACTUAL_SCHEMA, "completion"),
        per_task("pairs", "target_seq", PAIR_SCHEMA),
        read_now,
    )


# Below this many tasks, starting worker processes (each imports the extraction code) costs more
# than it saves.
PARALLEL_MIN_TASKS = 20000
TABLES = ("targets", "actuals", "pairs")
READINGS = "readings"  # the templates read anew, for staging.template_readings


def _share(shares: int) -> pl.Expr:
    """Which worker reads a task: by its texts without their digits, the same for every task of a
    template, so each template is read by one worker only."""
    texts = pl.concat_str(pl.col("requirement").fill_null(""), pl.col("completion").fill_null(""))
    return texts.str.replace_all(r"\d", "").hash() % shares


# A worker reads the tasks file this many rows at a time (its share of them), so its memory is bounded by
# a slice, not by the folder.
SLICE_TASKS = 50_000


def _extract_share(
    tasks_file: str, out_dir: str, share: int, shares: int, readings_file: str | None
) -> dict[str, list[str]]:
    """One worker: its share of the tasks file read a slice at a time, each slice's rows and new readings
    written as Parquet files. A template is always in the same share, so the readings this worker has
    written are all it needs beside those kept from earlier runs."""
    n_tasks = pl.scan_parquet(tasks_file).select(pl.len()).collect().item()
    known = [readings_file] if readings_file else []
    files: dict[str, list[str]] = {table: [] for table in (*TABLES, READINGS)}
    for offset in range(0, max(n_tasks, 1), SLICE_TASKS):
        tasks = pl.scan_parquet(tasks_file).slice(offset, SLICE_TASKS)
        tasks = (tasks.filter(_share(shares) == share) if shares > 1 else tasks).collect()
        found = read_mentions(tasks, pl.scan_parquet(known) if known else None)
        for table, frame in zip((*TABLES, READINGS), found, strict=True):
            path = str(Path(out_dir) / f"{table}-{share}-{offset}.parquet")
            frame.write_parquet(path, compression="lz4")
            files[table].append(path)
        known.append(files[READINGS][-1])
    return files


def extract_mentions_to_files(
    tasks_file: Path, out_dir: Path, n_tasks: int, readings_file: Path | None = None, workers: int | None = None
) -> dict[str, list[str]]:
    """read_mentions over a Parquet file of tasks, in worker processes (one per core) for many tasks:
    Parquet files of targets, actuals, pairs and the templates' new readings per worker, which DuckDB
    loads without the rows passing through this process (at 1,000 reports they are a million rows).
    `readings_file`: the readings kept from earlier runs, as Parquet (READINGS_SCHEMA)."""
    workers = workers or os.cpu_count() or 1
    shares = workers if workers > 1 and n_tasks >= PARALLEL_MIN_TASKS else 1
    known = str(readings_file) if readings_file else None
    args = [str(tasks_file)] * shares, [str(out_dir)] * shares, range(shares), [shares] * shares, [known] * shares
    if shares == 1:
        results = [_extract_share(*(a[0] for a in args))]
    else:
        with worker_pool(shares) as pool:
            results = list(pool.map(_extract_share, *args))
    return {table: [f for r in results for f in r[table]] for table in (*TABLES, READINGS)}
