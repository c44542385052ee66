"""Where the extraction runs, the rules that hold without Spark: the engine is chosen by configuration, an
unknown engine is refused naming the choices, nothing to read starts no JVM, and the function Spark runs on each
share gives the local workers' rows in the types Spark's Arrow reader takes."""

from __future__ import annotations

import sys

import dagster as dg
import polars as pl
import pyarrow as pa
import pytest

from pipelines.core import settings
from pipelines.core.extraction.batch import extract_mentions
from pipelines.core.spark.extract import (
    TABLE_SCHEMAS,
    UNION_SCHEMA,
    arrow_schema,
    extract_share,
    share_count,
    spark_schema,
)
from pipelines.core.spark.session import spark_available
from pipelines.defs.resources import ExtractionResource, build_resources

TASKS = pl.DataFrame(
    {
        "report_id": ["r", "r", "r"],
        "task_id": [1, 2, 3],
        "requirement": ["新增上云企业3000家", "4个结构性指标均实现10%以上增长", "推进改革"],
        "completion": ["1-11月,新增上云企业3080家", "民间投资增长14.7%,交通投资增长16.5%", None],
    }
)


def test_without_pyspark_spark_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if not installed: `import pyspark` fails
    assert "make spark-env" in spark_available()


def test_without_java_spark_says_which_package_gives_it(monkeypatch):
    pytest.importorskip("pyspark")
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert "openjdk-17-jre-headless" in spark_available()


def test_the_engine_is_local_unless_the_environment_says_spark(monkeypatch):
    monkeypatch.delenv("PIPELINE_EXTRACTION_ENGINE", raising=False)
    assert settings.extraction_engine() == "local"
    monkeypatch.setenv("PIPELINE_EXTRACTION_ENGINE", "Spark")
    monkeypatch.setenv("SPARK_MASTER", "spark://head:7077")
    extraction = build_resources()["extraction"]
    assert (extraction.engine, extraction.spark_master) == ("spark", "spark://head:7077")


def test_an_unknown_engine_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"'dask'.*local, spark"):
        ExtractionResource(engine="dask").setup_for_execution(dg.build_init_resource_context())


def test_nothing_to_read_starts_no_spark_session(tmp_path):
    """A refresh whose reports did not change has no task to extract: the local path, no JVM."""
    tasks_file = tmp_path / "tasks.parquet"
    TASKS.clear().write_parquet(tasks_file)
    extraction, context = ExtractionResource(engine="spark"), dg.build_init_resource_context()
    extraction.setup_for_execution(context)
    files = extraction.extract(tasks_file, tmp_path, 0)
    assert extraction._spark is None
    extraction.teardown_after_execution(context)
    assert all(pl.read_parquet(paths).height == 0 for paths in files.values())


def test_a_share_gives_the_local_rows_as_one_frame_in_sparks_arrow_types():
    union = extract_share(TASKS.to_arrow())
    assert union.schema == arrow_schema(UNION_SCHEMA)
    assert pa.types.is_string(union.schema.field("report_id").type)  # not polars' large_string
    frame = pl.from_arrow(union)
    for name, local in zip(TABLE_SCHEMAS, extract_mentions(TASKS), strict=False):
        rows = frame.filter(pl.col("table_name") == name).select(list(TABLE_SCHEMAS[name]))
        assert rows.height == local.height > 0
        assert rows.sort(rows.columns).equals(local.cast(TABLE_SCHEMAS[name]).sort(rows.columns))


def test_the_spark_schema_names_every_column_once_in_spark_sql_types():
    schema = spark_schema(UNION_SCHEMA)
    assert schema.startswith("table_name string, report_id string, task_id bigint")
    assert "part_actual_seqs array<bigint>" in schema
    assert len(schema.split(", ")) == len(UNION_SCHEMA)


@pytest.mark.parametrize(
    ("tasks", "cores", "shares"),
    [
        (0, 2, 1),  # nothing: one share
        (1_500, 2, 1),  # fewer than a share's worth: one
        (10_000, 2, 5),  # 2,000 tasks a share
        (1_000_000, 2, 8),  # at most four a core
    ],
)
def test_shares_are_a_few_per_core_and_never_tiny(tasks, cores, shares):
    assert share_count(tasks, cores) == shares
