"""The extraction on Spark: the same pure function (pipelines.core.extraction.batch.extract_mentions) over shares of the
tasks, one share per Spark task, as `groupBy(share).applyInArrow`.

applyInArrow is applyInPandas's Arrow twin (Spark 4): each share arrives as an Arrow table and the rows leave
as one, which polars reads and writes without a copy, so nullable integers and lists keep their types (pandas
would turn an integer column with nulls into floats). The three tables leave as one frame with the union of
their columns and a `table_name`; each is written as Parquet with its own columns, which DuckDB loads as
it loads the local workers' files.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from pipelines.core.extraction.batch import TABLES, extract_mentions
from pipelines.core.warehouse.tables import RAW_ACTUAL_MENTIONS, RAW_TARGET_MENTIONS, RAW_TARGET_PAIRS

TABLE_SCHEMAS = dict(
    zip(TABLES, (RAW_TARGET_MENTIONS.schema, RAW_ACTUAL_MENTIONS.schema, RAW_TARGET_PAIRS.schema), strict=True)
)
# Every column of the three tables once (a name has one type across them).
UNION_SCHEMA: dict[str, pl.DataType] = {"table_name": pl.String}
for _schema in TABLE_SCHEMAS.values():
    UNION_SCHEMA.update(_schema)

# polars type -> Spark SQL type, and the Arrow type Spark takes for it (plain string and list, not polars'
# large_string and large_list).
SPARK_TYPES: tuple[tuple[pl.DataType, str, pa.DataType], ...] = (
    (pl.String, "string", pa.string()),
    (pl.Int64, "bigint", pa.int64()),
    (pl.Float64, "double", pa.float64()),
    (pl.Boolean, "boolean", pa.bool_()),
    (pl.List(pl.Int64), "array<bigint>", pa.list_(pa.field("element", pa.int64()))),
)
# A share is a Spark task: several per core so that a slow share does not hold a core idle at the end.
SHARES_PER_CORE = 4
# Fewer tasks than this in a share cost more in Python start-up than they save.
MIN_TASKS_PER_SHARE = 2000


def _types(dtype: pl.DataType) -> tuple[str, pa.DataType]:
    return next((spark, arrow) for polars_type, spark, arrow in SPARK_TYPES if dtype == polars_type)


def spark_schema(schema: dict[str, pl.DataType]) -> str:
    return ", ".join(f"{name} {_types(dtype)[0]}" for name, dtype in schema.items())


def arrow_schema(schema: dict[str, pl.DataType]) -> pa.Schema:
    return pa.schema([(name, _types(dtype)[1]) for name, dtype in schema.items()])


def extract_share(tasks):
    """One share's tasks (an Arrow table) -> its targets, actuals and pairs as one Arrow table of UNION_SCHEMA."""
    union = pl.concat(
        [
            frame.select(
                pl.col(column).cast(dtype)
                if column in frame.columns
                else pl.lit(name if column == "table_name" else None, dtype).alias(column)
                for column, dtype in UNION_SCHEMA.items()
            )
            for name, frame in zip(TABLES, extract_mentions(pl.from_arrow(tasks)), strict=False)
        ]
    )
    return union.to_arrow().cast(arrow_schema(UNION_SCHEMA))


def share_count(n_tasks: int, cores: int) -> int:
    return max(1, min(cores * SHARES_PER_CORE, n_tasks // MIN_TASKS_PER_SHARE))


def extract_mentions_on_spark(
    spark, tasks_file: Path, out_dir: Path, n_tasks: int, readings_file: Path | None = None
) -> dict[str, list[str]]:
    """extract_mentions over a Parquet file of tasks, on Spark: per table, the Parquet files of its rows.
    Every template is read: the readings kept across runs (`readings_file`) serve the local workers only.

    Tasks go to a share by a hash of their texts without digits (as the local workers split them), so a
    template is read in one share only. On a cluster, `tasks_file` and `out_dir` are on storage every
    executor reads (s3a://, hdfs://)."""
    from pyspark.sql import functions as F

    shares = share_count(n_tasks, spark.sparkContext.defaultParallelism)
    texts = F.concat(F.coalesce("requirement", F.lit("")), F.coalesce("completion", F.lit("")))
    tasks = spark.read.parquet(str(tasks_file)).withColumn(
        "share", F.pmod(F.hash(F.regexp_replace(texts, r"\d", "")), F.lit(shares))
    )
    rows = (
        # One partition a share (spark.sql.shuffle.partitions is sized for the small marts, not for this).
        tasks.repartition(shares, "share")
        .groupBy("share")
        .applyInArrow(extract_share, spark_schema(UNION_SCHEMA))
        .persist()
    )
    files: dict[str, list[str]] = {}
    try:
        for name, schema in TABLE_SCHEMAS.items():
            folder = out_dir / f"spark-{name}"
            rows.where(F.col("table_name") == name).select(*schema).write.mode("overwrite").parquet(str(folder))
            files[name] = [str(folder / "*.parquet")]
    finally:
        rows.unpersist()
    return files
