"""Reading a task through its template gives exactly the reading of its own texts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.core.extraction.batch import (
    ACTUAL_SCHEMA,
    PAIR_SCHEMA,
    TARGET_SCHEMA,
    extract_mentions,
    read_mentions,
    read_task,
)
from pipelines.core.extraction.pairing import containment
from pipelines.core.extraction.templates import STAND_INS, restore, shape, template
from pipelines.core.layout.tasks import read_report
from pipelines.core.rules import unit_kind
from pipelines.tooling.bench.corpus import SEED_FILE, _perturb_numbers

REAL_DIR = Path(__file__).parent / "data" / "real"


class TestTemplate:
    def test_numbers_masked_dates_kept(self):
        masked, numbers = template("2020年1-11月,新增上云企业3080家,增长12.5%,截至12月31日")
        assert numbers == ("3080", "12", "5")
        assert masked.startswith("2020年1-11月,新增上云企业")
        assert masked.endswith("截至12月31日")
        assert "3080" not in masked and len(masked) == len("2020年1-11月,新增上云企业3080家,增长12.5%,截至12月31日")

    def test_same_phrasing_other_numbers_one_template(self):
        assert template("新增企业3080家,增长12.5%")[0] == template("新增企业4177家,增长99.9%")[0]
        assert template("新增企业3080家")[0] != template("新增企业308家")[0]  # another number of digits

    def test_each_number_its_own_stand_in(self):
        masked, _ = template("跨境电商9794业务,出口2113.6亿元")
        assert len({c for c in masked if c in STAND_INS}) == 3

    def test_restore_puts_the_digits_back(self):
        text = "跨境电商9794业务,出口2113.6亿元"
        masked, numbers = template(text)
        assert restore(masked, numbers) == text
        assert restore(masked[:6], numbers) == text[:6]  # a word cut short keeps its first digits

    def test_a_text_with_stand_in_digits_of_its_own_is_its_own_template(self):
        text = "截至" + STAND_INS[0] * 2 + "月,新增企业30家"
        assert template(text) == (text, ())

    def test_more_numbers_than_stand_ins_is_its_own_template(self):
        text = "、".join(f"项目{i}个" for i in range(len(STAND_INS) + 5))
        assert template(text) == (text, ())

    def test_no_numbers(self):
        assert template("建设全国外商投资服务最优市。") == ("建设全国外商投资服务最优市。", ())


class TestPairingIgnoresDigits:
    def test_digits_are_not_words(self):
        assert containment("地区生产总值增长7%", "地区生产总值增长8%") == containment("地区生产总值", "地区生产总值")


def _own_reading(tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Every task read from its own texts, without templates."""
    targets, actuals, pairs = [], [], []
    for report_id, task_id, requirement, completion in tasks.select(
        "report_id", "task_id", "requirement", "completion"
    ).iter_rows():
        key = (report_id, task_id)
        found_targets, found_actuals, found_pairs = read_task(requirement or "", completion or "")
        targets += [
            (
                *key,
                m.seq,
                m.metric,
                m.value,
                m.unit,
                m.upper,
                m.normalised_value,
                m.normalised_unit,
                unit_kind(m.normalised_unit),
                m.comparator,
                m.direction,
                m.is_cumulative,
                m.span,
                m.span_start,
                m.span_end,
            )
            for m in found_targets
        ]
        actuals += [
            (
                *key,
                m.seq,
                m.metric,
                m.value,
                m.unit,
                m.normalised_value,
                m.normalised_unit,
                unit_kind(m.normalised_unit),
                m.direction,
                m.period,
                m.is_part_year,
                m.is_estimate,
                m.is_completion_ratio,
                m.months_covered,
                m.period_stated,
                m.statement,
                m.span,
                m.span_start,
                m.span_end,
            )
            for m in found_actuals
        ]
        pairs += [(*key, *p.row()) for p in found_pairs]
    return (
        pl.DataFrame(targets, schema=TARGET_SCHEMA, orient="row"),
        pl.DataFrame(actuals, schema=ACTUAL_SCHEMA, orient="row"),
        pl.DataFrame(pairs, schema=PAIR_SCHEMA, orient="row"),
    )


@pytest.fixture(scope="module")
def seed_and_variants() -> pl.DataFrame:
    """The seed's tasks, then each again with its numbers changed (the corpus generator's way), so
    that templates are shared and instantiated with other numbers."""
    seed = read_report(SEED_FILE).tasks
    rng = random.Random(3)
    variants = [
        seed.with_columns(
            pl.lit(f"variant-{i}").alias("report_id"),
            pl.col("requirement").map_elements(lambda t: _perturb_numbers(t, rng), return_dtype=pl.String),
            pl.col("completion").map_elements(lambda t: _perturb_numbers(t, rng), return_dtype=pl.String),
        )
        for i in range(2)
    ]
    return pl.concat([seed, *variants])


def test_template_reading_is_the_own_reading(seed_and_variants):
    for by_template, own in zip(extract_mentions(seed_and_variants), _own_reading(seed_and_variants), strict=False):
        assert_frame_equal(by_template, own)


def test_workers_split_by_template_and_return_the_same_rows(seed_and_variants, tmp_path):
    """The parallel path (used from 20,000 tasks) on a small input: two spawned workers, Parquet in and out."""
    from pipelines.core.extraction.batch import PARALLEL_MIN_TASKS, TABLES, extract_mentions_to_files

    tasks_file = tmp_path / "tasks.parquet"
    seed_and_variants.write_parquet(tasks_file)
    files = extract_mentions_to_files(tasks_file, tmp_path, n_tasks=PARALLEL_MIN_TASKS, workers=2)
    assert all(len(files[table]) == 2 for table in TABLES)
    keys = (
        ["report_id", "task_id", "target_seq"],
        ["report_id", "task_id", "actual_seq"],
        ["report_id", "task_id", "target_seq"],
    )
    for table, key, expected in zip(TABLES, keys, extract_mentions(seed_and_variants), strict=False):
        assert_frame_equal(pl.read_parquet(files[table]).sort(key), expected.sort(key))


class TestShape:
    def test_digits_masked_dates_kept_beside(self):
        frame = pl.DataFrame({"text": ["2020年新增企业3080家", "1-11月增长12.5%"]})
        assert frame.select(shape("text")).to_series().to_list() == [
            "0000年新增企业0000家\x002020年",
            "0-00月增长00.0%\x001-11月",
        ]

    def test_a_text_with_digits_of_another_script_is_its_own_shape(self):
        assert pl.DataFrame({"text": ["新增၁家"]}).select(shape("text")).item() == "新增၁家"

    def test_texts_of_one_shape_have_one_template(self, seed_and_variants):
        """The shape groups texts only where template() would: checked on every text of the seed, its
        variants and the real tables' tasks."""
        real = [read_report(p).tasks for p in sorted(REAL_DIR.glob("*.txt"))]
        tasks = [t.select("requirement", "completion") for t in [seed_and_variants, *real]]
        texts = pl.concat([t.select(pl.col(c).alias("text")) for t in tasks for c in ("requirement", "completion")])
        shaped = texts.drop_nulls().with_columns(shape("text").alias("shape"))
        templates = shaped.with_columns(
            pl.col("text").map_elements(lambda t: template(t)[0], return_dtype=pl.String).alias("template")
        )
        per_shape = templates.group_by("shape").agg(pl.col("template").n_unique().alias("n"))
        assert per_shape["n"].max() == 1
        assert per_shape.height < templates.height  # the variants share shapes with the seed


def test_kept_readings_give_the_same_rows_without_reading_again(seed_and_variants):
    targets, actuals, pairs, readings = read_mentions(seed_and_variants)
    assert readings.height == readings["template_key"].n_unique() < seed_and_variants.height
    again = read_mentions(seed_and_variants, known=readings.lazy())
    assert again[3].is_empty()  # every template's reading was kept
    for kept, read in zip(again[:3], (targets, actuals, pairs), strict=True):
        assert_frame_equal(kept, read)
    half = readings.head(readings.height // 2)
    partly = read_mentions(seed_and_variants, known=half.lazy())
    assert partly[3].height == readings.height - half.height
    for kept, read in zip(partly[:3], (targets, actuals, pairs), strict=True):
        assert_frame_equal(kept, read)


def test_a_refresh_keeps_template_readings_until_the_extraction_code_changes(tmp_path, monkeypatch):
    """staging.template_readings on a real DuckDB file: a report that repeats the seed's phrasing with other
    numbers reads no template again; new extraction code reads each once and drops the old readings."""
    import duckdb

    from pipelines.core.refresh import steps
    from pipelines.core.warehouse.tables import RAW_TARGET_MENTIONS, TEMPLATE_READINGS

    seed, variant = tmp_path / "seed.txt", tmp_path / "variant.txt"
    seed.write_bytes(SEED_FILE.read_bytes())
    # Other numbers of the same length before a unit (never a row's number or a date): the seed's templates.
    other = re.sub(r"\d+(?=[%个家亿万元人所条项])", lambda m: m.group()[::-1], SEED_FILE.read_text())
    variant.write_text(other)
    readings = f"select count(*), count(distinct extraction_code) from {TEMPLATE_READINGS.qualified}"

    def refresh(con, files: dict, run: str) -> steps.Extracted:
        steps.ingest_reports(con, files, code_version="c", pipeline_version="p", run_id=run)
        return steps.derive_mentions(con, run)

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first = refresh(con, {"seed": seed}, "r1")
        kept = con.execute(readings).fetchone()
        assert first.templates_read == kept[0] > 100 and kept[1] == 1
        second = refresh(con, {"seed": seed, "variant": variant}, "r2")
        assert second.recomputed == ["variant"] and second.templates_read == 0
        targets = f"select count(*) from {RAW_TARGET_MENTIONS.qualified} where report_id = ?"
        assert con.execute(targets, ["variant"]).fetchone() == con.execute(targets, ["seed"]).fetchone()
        monkeypatch.setattr(steps, "extraction_fingerprint", lambda: "new extraction code")
        # New code re-reads every report (its code_version changes too).
        steps.ingest_reports(con, {"seed": seed}, code_version="new", pipeline_version="p", run_id="r3")
        third = steps.derive_mentions(con, "r3")
        assert third.templates_read == first.templates_read
        assert con.execute(readings).fetchone() == (first.templates_read, 1)


def test_a_worker_reads_its_tasks_a_slice_at_a_time_each_template_once(seed_and_variants, tmp_path, monkeypatch):
    from pipelines.core.extraction import batch

    tasks_file = tmp_path / "tasks.parquet"
    seed_and_variants.write_parquet(tasks_file)
    monkeypatch.setattr(batch, "SLICE_TASKS", 100)
    files = batch.extract_mentions_to_files(tasks_file, tmp_path, n_tasks=seed_and_variants.height, workers=1)
    assert len(files["targets"]) == -(-seed_and_variants.height // 100)
    readings = pl.read_parquet(files[batch.READINGS])
    assert readings.height == readings["template_key"].n_unique()  # a later slice takes an earlier one's reading
    for table, expected in zip(batch.TABLES, extract_mentions(seed_and_variants), strict=True):
        key = ["report_id", "task_id", "actual_seq" if table == "actuals" else "target_seq"]
        assert_frame_equal(pl.read_parquet(files[table]).sort(key), expected.sort(key))
